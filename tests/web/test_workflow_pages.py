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
    assert 'href="/rules/A1"' in rule and "Is a step outside Annex I substantial?" in rule
    from atmpnav.web.templating import templates

    macro = templates().env.from_string('{% from "_macros.html" import ambiguity %}{{ ambiguity(a, explain=True) }}')
    plain = macro.render(a="A3")
    rich = macro.render(a={"id": "A3", "title": "Claim decides", "explanation": "Given by the engine."})
    assert "Tissue engineered or somatic cell therapy?" in plain and "Art 2(4)" in plain
    assert 'href="/rules/A3"' in plain
    assert "Claim decides" in rich and "Given by the engine." in rich


def test_no_browser_date_pickers(client: Any) -> None:
    for url in ("/classify", "/describe", "/registry"):
        html = get(client, url)
        assert 'type="date"' not in html
        assert re.search(r'placeholder="YYYY-MM-DD"', html), url


def test_registry_puts_the_counts_first_and_pages_the_list(client: Any) -> None:
    html = get(client, "/registry")
    audit(html)
    assert html.index('id="stats-h"') < html.index('id="products-h"') < html.index('class="registry-table')
    assert re.search(r'id="result-count">1–25 of \d+<', html)
    assert html.count('<th scope="row"><a href="/registry/products/') == 25
    second = get(client, "/registry?page=2")
    assert 'aria-current="page">2<' in second and 'rel="prev"' in second
    assert get(client, "/registry?page=999").count('<th scope="row"><a href="/registry/products/') > 0


def test_registry_search_sort_and_export(client: Any) -> None:
    html = get(client, "/registry?q=car-t&sort=-authorised")
    names = re.findall(r'<th scope="row"><a href="/registry/products/[^"]+">([^<]+)</a>', html)
    assert "KYMRIAH" in names and "Kymriah" in names and "Luxturna" not in names
    exported = client.get("/registry.csv", params={"q": "car-t", "sort": "-authorised"})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    lines = exported.text.splitlines()
    assert lines[0].startswith("name,region,category,combined,category_mapped,own_outcome,own_agrees")
    assert [line.split(",")[0] for line in lines[1:]] == names  # same rows, same order, all pages
    data = client.get("/registry.json", params={"region": "US", "category": "GTMP"}).json()
    assert data and all(r["region"] == "US" and r["category"] == "GTMP" and r["category_mapped"] for r in data)
    bad = client.get("/registry", params={"sort": "colour"}, headers=HTML)
    assert bad.status_code == 422 and "sort" in bad.text


def test_registry_us_products_have_the_mapped_vocabulary(client: Any) -> None:
    html = get(client, "/registry?region=US&category=GTMP")
    count = int(re.search(r'id="result-count">[^<]*?(\d+)<', html).group(1))
    assert count >= 25
    assert "our mapping" in html
    product = get(client, "/registry/products/KYMRIAH?region=US")
    assert "our mapping, not an official classification" in product


def test_registry_shows_our_verdict_with_reasoning_one_click_away(client: Any) -> None:
    html = get(client, "/registry?region=EU&q=kymriah")
    row = html.split('class="registry-table')[1].split("</tbody>")[0]
    assert 'data-label="Our verdict"><span class="badge badge-gtmp">GTMP</span>' in row
    assert "agrees" in row and "Kymriah?region=EU#verdict" in row
    product = get(client, "/registry/products/Kymriah?region=EU")
    audit(product)
    verdict = product.split('id="verdict"')[1].split('id="timeline-h"')[0]
    assert "<summary>Reasoning, step by step</summary>" in verdict and 'href="/rules/EU-G2"' in verdict


def test_registry_product_data_quality_sources_and_one_import_event(client: Any) -> None:
    html = get(client, "/registry/products/Holoclar?region=EU")
    assert "Data quality:" in html
    assert "PMC9650027" not in html.split('id="history-h"')[0]  # the curation note stays in the data
    sources = html.split("<h2>Sources</h2>")[1].split("</section>")[0]
    kinds = re.findall(r'class="source-kind (official|secondary)"', sources)
    assert kinds and kinds == sorted(kinds, key=lambda k: k != "official")
    history = html.split('id="history-h"')[1].split("</section>")[0]
    assert history.count('class="import-row"') == 1
    assert "Imported from eu_authorised_atmps.csv as of 2026-01" in history


def test_rule_page_links_the_official_text_and_its_cases_and_products(client: Any) -> None:
    html = get(client, "/rules/EU-G2")
    audit(html)
    assert 'href="https://eur-lex.europa.eu/eli/dir/2001/83/oj"' in html
    cases = html.split('id="cases-h"')[1].split("</section>")[0]
    assert "TC-001" in cases
    products = html.split('id="products-h"')[1].split("</section>")[0]
    assert "Kymriah" in products and "#verdict" in products
    us = get(client, "/rules/US-1")
    assert "ecfr.gov" in us or "uscode.house.gov" in us or "No official text to link" in us


def test_categories_filter(client: Any) -> None:
    html = get(client, "/categories?q=substantial")
    audit(html)
    assert re.search(r'id="filter-count">\d+ of \d+ rules match', html)
    assert 'href="/rules/EU-M2"' in html and 'href="/rules/EU-G2"' not in html
    us = get(client, "/categories?jurisdiction=US")
    assert 'href="/rules/US-1"' in us and 'href="/rules/EU-G2"' not in us
    assert 'class="rule-col"' in us
    assert client.get("/categories?confidence=Z", headers=HTML).status_code == 422


def test_search_words_are_escaped_in_the_cached_registry_page(client: Any) -> None:
    for _ in range(2):  # rendered once, then served from the generation's cache
        html = get(client, "/registry?q=%3Cscript%3Ex%3C/script%3E")
        assert "<script>x" not in html and "&lt;script&gt;x" in html
