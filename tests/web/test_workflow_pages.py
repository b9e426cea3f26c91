"""Pages of the daily workflow: the questionnaire after "I don't know", what-if, resume, ambiguities, ISO dates."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.web.test_pages import HTML, audit, current_fact, get

SKIPPED = "/classify?a=product_role%3Dfinished_product&a=for_human_administration%3Dtrue&skip=nucleic_acid.present"


def test_dont_know_keeps_asking_what_could_still_decide(client: Any) -> None:
    html = get(client, SKIPPED)
    audit(html)
    assert current_fact(html) == "cells_or_tissues.present"
    assert "Could still decide the EU outcome" in html
    done = get(client, SKIPPED + "&a=cells_or_tissues.present%3Dfalse&a=device.present%3Dfalse"
               "&a=biological_active_substance%3Dtrue&a=claimed_purpose%3Dtreat_prevent_diagnose")
    audit(done)
    assert current_fact(done) is None
    assert "outcome is <strong>undetermined</strong>" in done
    still_open = done.split('class="open-facts"')[1].split("</ul>")[0]
    assert "Does the product contain DNA or RNA" in still_open and "edit=nucleic_acid.present" in still_open
    what_if = done.split('id="what-if"')[1].split("</section>")[0]
    assert "If <strong>no</strong>" in what_if and "not ATMP" in what_if
    assert "How was the nucleic acid made?" in what_if


def test_questionnaire_for_several_jurisdictions(client: Any) -> None:
    html = get(client, "/classify?j=EU&j=US&as_of=2026-11-25")
    audit(html)
    assert 'id="verdict-EU-inline-h"' in html and 'id="verdict-US-inline-h"' in html
    assert 'name="j" value="US" checked' in html
    assert get(client, "/classify?j=XX", 422)


def test_resume_from_saved_facts(client: Any) -> None:
    facts = {"product_role": "finished_product", "for_human_administration": True,
             "nucleic_acid": {"present": None}, "cells_or_tissues": {"present": True}}
    response = client.get("/classify", params={"from": json.dumps(facts), "as_of": "2026-11-25"}, headers=HTML,
                          follow_redirects=False)
    assert response.status_code == 303
    location = response.headers["location"]
    assert "product_role%3Dfinished_product" in location and "cells_or_tissues.present%3Dtrue" in location
    html = get(client, location)
    assert current_fact(html) == "nucleic_acid.present"
    bad = client.get("/classify", params={"from": "{not json"}, headers=HTML)
    assert bad.status_code in (400, 422)


def test_ambiguities_are_named_and_explained_and_linked(client: Any) -> None:
    html = get(client, "/ambiguities")
    audit(html)
    for n in range(1, 21):
        assert f'id="A{n}"' in html
    rule = get(client, "/rules/EU-M4")
    assert 'href="/ambiguities#A1"' in rule and "Substantial manipulation outside Annex I" in rule
    from atmpnav.web.templating import templates

    macro = templates().env.from_string('{% from "_macros.html" import ambiguity %}{{ ambiguity(a, explain=True) }}')
    plain = macro.render(a="A3")
    rich = macro.render(a={"id": "A3", "title": "Claim decides", "explanation": "Given by the engine."})
    assert "TEP or sCTMP" in plain and "Art 2(4)" in plain and 'href="/ambiguities#A3"' in plain
    assert "Claim decides" in rich and "Given by the engine." in rich


def test_no_browser_date_pickers(client: Any) -> None:
    for url in ("/classify", "/describe", "/registry"):
        html = get(client, url)
        assert 'type="date"' not in html
        assert re.search(r'placeholder="YYYY-MM-DD"', html), url
