"""Server-rendered pages without a browser: the flows work without JavaScript, and every page
passes basic accessibility checks (lang, skip link, one h1, a label for every control, radio
groups in fieldsets with legends)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

HTML = {"accept": "text/html"}
CAR_T_ANSWERS: dict[str, str | list[str]] = {
    "for_human_administration": "true",
    "product_role": "finished_product",
    "special_category": "none",
    "claimed_purpose": "treat_prevent_diagnose",
    "vaccine_against_infectious_disease": "false",
    "disease_target": "tumour",
    "biological_active_substance": "true",
    "nucleic_acid.present": "true",
    "nucleic_acid.origin": "recombinant",
    "nucleic_acid.vehicle": "modified_cells",
    "nucleic_acid.acts_on_genetic_sequence": "true",
    "nucleic_acid.effect_from_sequence": "true",
    "nucleic_acid.transgene_role": "therapeutic",
    "nucleic_acid.genome_editing": "none",
    "cells_or_tissues.present": "true",
    "cells_or_tissues.form": "intact_cells",
    "cells_or_tissues.source": "autologous",
    "cells_or_tissues.viability": "viable",
    "cells_or_tissues.blood_component": "false",
    "cells_or_tissues.manipulations": ["activation", "genetic_modification", "expansion"],
    "cells_or_tissues.same_essential_function": "false",
    "device.present": "false",
}


class PageAudit(HTMLParser):
    """Collects what the accessibility checks need."""

    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.h1 = 0
        self.ids: set[str] = set()
        self.label_for: set[str] = set()
        self.controls: list[tuple[str, dict[str, str | None]]] = []
        self.fieldsets: list[dict[str, Any]] = []
        self.radios_outside_fieldset = 0
        self.links: list[str] = []
        self.images_without_alt = 0
        self.marks: list[str] = []
        self._in_mark = False
        self.hidden: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "label" and a.get("for"):
            self.label_for.add(str(a["for"]))
        elif tag == "fieldset":
            self.fieldsets.append({"legend": False})
        elif tag == "legend" and self.fieldsets:
            self.fieldsets[-1]["legend"] = True
        elif tag == "a" and a.get("href"):
            self.links.append(str(a["href"]))
        elif tag == "img" and not a.get("alt"):
            self.images_without_alt += 1
        elif tag == "mark":
            self._in_mark = True
            self.marks.append("")
        elif tag in ("input", "select", "textarea"):
            kind = (a.get("type") or "text").lower()
            if kind == "hidden":
                self.hidden.setdefault(str(a.get("name")), []).append(str(a.get("value") or ""))
                return
            if kind in ("submit", "button"):
                return
            self.controls.append((tag, a))
            if kind == "radio" and not self.fieldsets:
                self.radios_outside_fieldset += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "fieldset" and self.fieldsets:
            assert self.fieldsets.pop()["legend"], "a fieldset without a legend"
        elif tag == "mark":
            self._in_mark = False

    def handle_data(self, data: str) -> None:
        if self._in_mark:
            self.marks[-1] += data


def audit(html: str) -> PageAudit:
    found = PageAudit()
    found.feed(html)
    assert found.lang == "en"
    assert found.h1 == 1, "one h1 per page"
    assert 'class="skip-link" href="#content"' in html and "content" in found.ids
    for tag, attrs in found.controls:
        assert attrs.get("id") in found.label_for, f"{tag} {attrs} has no label"
    assert found.radios_outside_fieldset == 0
    assert found.images_without_alt == 0
    return found


def get(client: Any, url: str, status: int = 200) -> str:
    response = client.get(url, headers=HTML)
    assert response.status_code == status, response.text[:2000]
    assert response.headers["content-type"].startswith("text/html")
    return response.text


@pytest.mark.parametrize("url", ["/", "/classify", "/describe", "/registry", "/registry?region=US",
                                 "/registry/products/Holoclar", "/categories", "/rules/EU-G2", "/assessments"])
def test_pages_render_accessibly(client: Any, url: str) -> None:
    audit(get(client, url))


def test_unknown_page_is_an_html_404(client: Any) -> None:
    html = get(client, "/no-such-page", 404)
    assert "Not found" in html and "not_found" in html


def current_fact(html: str) -> str | None:
    match = re.search(r'<input type="hidden" name="fact" value="([^"]+)">', html)
    return match.group(1) if match else None


def answer_questionnaire(client: Any, answers: dict[str, str | list[str]], limit: int = 30) -> tuple[str, str]:
    """Follow the questionnaire as a browser without JavaScript would; returns (html, url)."""
    url = "/classify?as_of=2026-11-25"
    html = get(client, url)
    for _ in range(limit):
        fact = current_fact(html)
        if fact is None:
            return html, url
        state = [(k, v) for k, v in parse_qsl(urlsplit(url).query) if k not in ("fact", "value")]
        value = answers[fact]
        values = value if isinstance(value, list) else [value]
        params = [*state, ("fact", fact), *[("value", v) for v in values]]
        response = client.get("/classify", params=params, headers=HTML, follow_redirects=False)
        assert response.status_code == 303, response.text[:1000]
        url = response.headers["location"]
        html = get(client, url)
    raise AssertionError("the questionnaire did not finish")


def test_questionnaire_reaches_gtmp_with_reasons(client: Any) -> None:
    html, url = answer_questionnaire(client, CAR_T_ANSWERS)
    audit(html)
    assert "The rules have decided" in html
    assert 'class="badge badge-gtmp' in html
    for rule in ("EU-G2", "EU-G3", "EU-G4"):
        assert f'href="/rules/{rule}"' in html
    assert "Directive 2001/83/EC" in html
    assert len(parse_qsl(urlsplit(url).query)) <= len(CAR_T_ANSWERS) + 1


def test_questionnaire_change_an_earlier_answer(client: Any) -> None:
    _, url = answer_questionnaire(client, CAR_T_ANSWERS)
    html = get(client, url)
    change = re.search(r'href="([^"]*edit=nucleic_acid.present[^"]*)"', html)
    assert change, "every answer has a change link"
    edit_html = get(client, change.group(1).replace("&amp;", "&"))
    assert current_fact(edit_html) == "nucleic_acid.present"
    assert "Change your answer" in edit_html
    state = [(k, v) for k, v in parse_qsl(urlsplit(change.group(1).replace("&amp;", "&")).query) if k != "edit"]
    response = client.get("/classify", params=[*state, ("fact", "nucleic_acid.present"), ("value", "false")],
                          headers=HTML, follow_redirects=False)
    html = get(client, response.headers["location"])
    assert "nucleic_acid.present%3Dfalse" in response.headers["location"]
    assert "nucleic_acid.present%3Dtrue" not in response.headers["location"]
    # The walk-through already recorded the cells (a complete record), so the cells now decide.
    assert 'class="badge badge-sctmp' in html


def test_questionnaire_dont_know_and_back(client: Any) -> None:
    html = get(client, "/classify?as_of=2026-11-25")
    first = current_fact(html)
    response = client.get("/classify", params={"as_of": "2026-11-25", "fact": first, "dont_know": "1"},
                          headers=HTML, follow_redirects=False)
    assert response.status_code == 303 and f"skip={first}" in response.headers["location"]
    html = get(client, response.headers["location"])
    assert current_fact(html) != first
    assert "I don’t know" in html
    back = re.search(r'class="button subtle" href="([^"]+)">← Back', html)
    assert back
    assert current_fact(get(client, back.group(1).replace("&amp;", "&"))) == first


def test_questionnaire_requires_an_answer_and_rejects_bad_state(client: Any) -> None:
    html = get(client, "/classify?fact=product_role", 422)
    assert "Choose an answer" in html
    html = get(client, "/classify?a=product_role%3Dspaceship", 422)
    assert "product_role" in html and "finished_product" in html
    get(client, "/classify?a=not_a_fact%3Dtrue", 422)


def test_save_questionnaire_as_assessment_and_revise(client: Any) -> None:
    html, _ = answer_questionnaire(client, CAR_T_ANSWERS)
    found = audit(html)
    facts_json = found.hidden["facts"][0]
    response = client.post("/assessments/new", data={"title": "CAR-T by questionnaire", "kind": "facts",
                                                     "facts": facts_json, "as_of": "2026-11-25"},
                           headers=HTML, follow_redirects=False)
    assert response.status_code == 303
    detail = get(client, response.headers["location"])
    audit(detail)
    assert "CAR-T by questionnaire" in detail and "Saved as version 1" in detail
    assert 'class="badge badge-gtmp' in detail and "Intact." in detail
    revise = re.search(r'href="(/classify\?[^"]*assessment=\d+[^"]*)"', detail)
    assert revise, "a questionnaire assessment can be revised in the questionnaire"
    revise_html = get(client, revise.group(1).replace("&amp;", "&"))
    assert "Save version 2" in revise_html
    aid = re.search(r"/assessments/(\d+)", response.headers["location"]).group(1)
    edit_form = get(client, f"/assessments/{aid}/edit")
    audit(edit_form)
    response = client.post(f"/assessments/{aid}/edit", data={"base_version": "1", "kind": "facts",
                                                              "facts": facts_json, "reason": "checked again"},
                           headers=HTML, follow_redirects=False)
    assert response.status_code == 303
    detail = get(client, f"/assessments/{aid}")
    assert "version 2 of 2" in detail and "checked again" in detail
    assert f'href="/assessments/{aid}/versions/1"' in detail
    old = get(client, f"/assessments/{aid}/versions/1")
    assert "an earlier version" in old
    conflict = client.post(f"/assessments/{aid}/edit", data={"base_version": "1", "kind": "facts",
                                                             "facts": facts_json, "reason": "late"}, headers=HTML)
    assert conflict.status_code == 409
    assert "changed in the meantime" in conflict.text and f'href="/assessments/{aid}"' in conflict.text


def test_save_with_invalid_facts_shows_the_problem(client: Any) -> None:
    response = client.post("/assessments/new", data={"title": "bad", "kind": "facts",
                                                     "facts": "cells_or_tissues: {source: martian}"}, headers=HTML)
    assert response.status_code == 422
    assert "cells_or_tissues.source" in response.text and "autologous" in response.text


def test_describe_requires_text(client: Any) -> None:
    response = client.post("/describe", data={"text": "  "}, headers=HTML)
    assert response.status_code == 422 and "Describe the product first" in response.text


def test_describe_highlights_the_deciding_words(client: Any) -> None:
    pytest.importorskip("atmpnav.text.classify")
    text = ("Autologous chondrocytes expanded in culture and seeded on a porcine collagen membrane, implanted to "
            "repair cartilage defects of the knee.")
    response = client.post("/describe", data={"text": text, "indication": "knee cartilage defects"}, headers=HTML)
    assert response.status_code == 200, response.text[:2000]
    found = audit(response.text)
    described = re.search(r'<blockquote class="described" id="described">(.*?)</blockquote>', response.text, re.S)
    assert described
    marks = re.findall(r"<mark[^>]*>(.*?)</mark>", described.group(1))
    assert marks, "evidence words are marked in the description"
    assert all(m.lower() in text.lower() for m in marks)
    assert {"chondrocytes", "porcine collagen membrane"} <= {m.lower() for m in marks}
    assert re.sub(r"<[^>]+>", "", described.group(1)) == text  # nothing else changed
    assert found.hidden["text"] == [text]


def test_a_decided_category_with_the_device_status_open_shows_both(client: Any) -> None:
    text = "Autologous chondrocytes expanded in culture and seeded on a membrane, implanted to repair knee cartilage"
    response = client.post("/describe", data={"text": text}, headers=HTML)
    assert response.status_code == 200, response.text[:2000]
    audit(response.text)
    assert 'class="badge badge-tep' in response.text and "Provisional" not in response.text
    assert "whether combined with a medical device is open: see the open questions" in response.text
    assert "device.own_medical_purpose" in response.text  # the question that settles it is asked


def test_registry_filters(client: Any) -> None:
    html = get(client, "/registry?region=EU&category=TEP")
    audit(html)
    rows = re.findall(r'<th scope="row"><a href="/registry/products/[^"]+\?region=(\w+)">', html)
    assert rows and set(rows) == {"EU"}
    assert 'class="badge badge-gtmp' not in html.split("<tbody>")[1].split("</tbody>")[0]
    assert '<option value="TEP" selected>' in html
    html = get(client, "/registry?region=EU&as_of=2005-01-01")
    assert "No product matches these filters" in html
    get(client, "/registry?region=Mars", 422)


def test_report_links_from_assessment_page(client: Any) -> None:
    from atmpnav.web.schemas import CAR_T_FACTS

    aid = client.post("/api/v1/assessments", json={"title": "Links", "facts": CAR_T_FACTS}).json()["id"]
    html = get(client, f"/assessments/{aid}")
    assert f'href="/api/v1/assessments/{aid}/report.html"' in html
    assert f'href="/api/v1/assessments/{aid}/export.json"' in html
    listing = get(client, "/assessments")
    assert f'href="/assessments/{aid}"' in listing


def test_describe_under_eu_and_us_law(client: Any) -> None:
    pytest.importorskip("atmpnav.text.classify")
    text = "Allogeneic mesenchymal stromal cells expanded in culture and injected to treat perianal fistulas."
    response = client.post("/describe", data={"text": text, "jurisdiction": ["EU", "US"]}, headers=HTML)
    assert response.status_code == 200, response.text[:2000]
    audit(response.text)
    assert response.text.count('class="jurisdiction">EU<') >= 1 and 'class="jurisdiction">US<' in response.text
    assert '<input type="hidden" name="jurisdiction" value="US">' in response.text
    assert client.post("/describe", data={"text": text, "jurisdiction": "XX"}, headers=HTML).status_code == 422


def test_us_rules_are_listed_with_their_pages(client: Any) -> None:
    from atmpnav.law import JURISDICTIONS

    if "US" not in JURISDICTIONS:
        pytest.skip("no US rule set")
    html = get(client, "/categories")
    assert 'href="/rules/US-1"' in html
    audit(get(client, "/rules/US-5"))
    assert client.get("/api/v1/rules/US-5").json()["jurisdiction"] == "US"


def test_describe_shows_assumptions_values_and_continues_in_the_questionnaire(client: Any) -> None:
    text = "Autologous tumour-infiltrating lymphocytes for metastatic melanoma"
    response = client.post("/describe", data={"text": text}, headers=HTML)
    assert response.status_code == 200, response.text[:2000]
    html = response.text
    audit(html)
    assert "Assumed expanded and activated ex vivo" in html and "every authorised TIL product is" in html
    table = html.split('<table class="evidence">')[1].split("</table>")[0]
    row = next(r for r in table.split("<tr") if "cells_or_tissues.manipulations" in r)
    assert "expansion, activation" in row and "assumed" in row
    nucleic = next(r for r in table.split("<tr") if "<code class=\"fact\">nucleic_acid</code>" in r)
    assert "<td>none</td>" in nucleic and nucleic.count("mentioned") == 1 and "not known" not in nucleic
    form = html.split('class="card continue-card"')[1].split("</form>")[0]
    params = re.findall(r'name="(\w+)" value="([^"]*)"', form)
    assert ("assumed", "cells_or_tissues.manipulations") in params
    assert ("a", "cells_or_tissues.manipulations=expansion,activation") in params
    query = "&".join(f"{n}={v}" for n, v in params)
    page_html = get(client, "/classify?" + query)
    assert "assumed from the description" in page_html


def test_describe_labels_each_jurisdictions_reasoning(client: Any) -> None:
    text = "Autologous chondrocytes expanded in culture and implanted into knee cartilage defects."
    html = client.post("/describe", data={"text": text, "jurisdiction": ["EU", "US"]}, headers=HTML).text
    assert 'id="reasoning-EU-h">European Union (EU)</h2>' in html
    assert 'id="reasoning-US-h">United States (US)</h2>' in html


def test_ambiguity_page_explains_the_open_point(client: Any) -> None:
    html = get(client, "/rules/A2")
    audit(html)
    assert "Which essential function do the cells have?" in html
    assert 'href="/rules/EU-F1"' in html
    get(client, "/rules/A99", status=404)


def test_questionnaire_uses_the_threadpool_only_when_finding_the_user_reads_the_database(
        site: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from atmpnav.web import classify_pages

    hops: list[str] = []
    real_hop = classify_pages.run_in_threadpool

    async def counting_hop(func: Any, *args: Any) -> Any:
        hops.append(func.__name__)
        return await real_hop(func, *args)

    monkeypatch.setattr(classify_pages, "run_in_threadpool", counting_hop)
    anonymous = site.anonymous()
    assert 'href="/login"' in get(anonymous, "/classify") and hops == []
    resumed = anonymous.get("/classify?from=%7B%22for_human_administration%22%3A%20true%7D", follow_redirects=False)
    assert resumed.status_code == 303 and hops == ["_questionnaire"]  # a draft's YAML is parsed off the loop
    hops.clear()
    # A session cookie: the user is looked up in the database, off the event loop, and shown.
    logged_in = get(site.client("carol", "viewer", token=False), "/classify")
    assert hops == ["_questionnaire"] and "carol (viewer)" in logged_in


def test_a_database_route_before_the_startup_migrates_first(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine dependency runs on the event loop; before the startup has migrated the database, the
    first request migrates it (in the threadpool) and is answered."""
    from fastapi.testclient import TestClient

    from atmpnav import store
    from atmpnav.web import dependencies
    from atmpnav.web.app import create_app

    hops: list[Any] = []
    real_hop = dependencies.run_in_threadpool

    async def counting_hop(func: Any, *args: Any) -> Any:
        hops.append(func)
        return await real_hop(func, *args)

    monkeypatch.setattr(dependencies, "run_in_threadpool", counting_hop)
    url = f"sqlite:///{tmp_path / 'unstarted.db'}"
    monkeypatch.setenv(store.ENV_DATA_DIR, str(tmp_path / "data"))
    app = create_app(url)
    try:
        assert not app.state.db.ready
        client = TestClient(app)  # no `with`: the lifespan never runs
        response = client.get("/registry", headers=HTML)
        assert response.status_code == 200 and "Holoclar" in response.text and app.state.db.ready
        assert len(hops) == 1
        assert client.get("/registry?region=US", headers=HTML).status_code == 200 and len(hops) == 1
    finally:
        store.dispose_engines()


def test_a_verdict_decided_by_cases_shows_the_regime_open(client: Any) -> None:
    from tests.test_decided_by_cases import NO_CELLS_NO_NUCLEIC_ACID

    aid = client.post("/api/v1/assessments", json={"title": "Regime open", "facts": NO_CELLS_NO_NUCLEIC_ACID,
                                                   "jurisdictions": ["EU"]}).json()["id"]
    html = get(client, f"/assessments/{aid}")
    audit(html)
    assert "Provisional" not in html and 'class="badge badge-not-atmp' in html
    assert ("open: biological medicinal product, not an ATMP or chemical medicinal product, not an ATMP "
            "(see the open questions)") in html
    assert "Decided by cases: every answer to the open questions leads to this outcome" in html
    assert "If it is under the biological medicinal product regime" in html
