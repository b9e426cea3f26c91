"""The GMP checklist on the web: the API (facts and saved assessments), the page, links from verdicts,
and the section of the printable report."""

from __future__ import annotations

from typing import Any

import yaml

from atmpnav.web.schemas import CAR_T_FACTS

CLOSED_CAR_T = {**CAR_T_FACTS, "manufacturing": {"processing": "automated_closed", "stage": "investigational",
                                                 "phase": "I", "release_before_qc_complete": True}}


def test_post_gmp_returns_the_contract_shape(client: Any) -> None:
    response = client.post("/api/v1/gmp", json={"facts": CLOSED_CAR_T})
    assert response.status_code == 200
    data = response.json()
    assert data["standard_versions"]["pics-annex-2a"] == "PE 009-17"
    ids = {item["id"] for item in data["items"]}
    assert {"GMP-CLOSED-BACKGROUND-GRADE", "GMP-AUTOMATED-EQUIPMENT", "GMP-RELEASE-TWO-STAGE"} <= ids
    assert all(item["refs"] and item["because"] for item in data["items"])
    pics = client.post("/api/v1/gmp", json={"facts": CLOSED_CAR_T, "standard": "pics"}).json()
    assert pics["standard"] == "pics"


def test_post_gmp_validation(client: Any) -> None:
    assert client.post("/api/v1/gmp", json={"facts": CLOSED_CAR_T, "standard": "fda"}).status_code == 422
    bad = client.post("/api/v1/gmp", json={"facts": {"manufacturing": {"batches_per_year": -1}}})
    assert bad.status_code == 422 and "batches_per_year" in bad.text
    assert client.post("/api/v1/gmp", json={"facts": {"manufacturing": {"colour": "red"}}}).status_code == 422


def test_saved_assessment_checklist_uses_the_stored_verdict(client: Any) -> None:
    created = client.post("/api/v1/assessments", json={"title": "CAR-T GMP", "facts": CLOSED_CAR_T}).json()
    found = client.get(f"/api/v1/assessments/{created['id']}/gmp").json()
    assert found["verdict_outcome"] == "GTMP"
    assert "GMP-CLOSED-BACKGROUND-GRADE" in {i["id"] for i in found["items"]}
    assert client.get("/api/v1/assessments/99999/gmp").status_code == 404
    page = client.get(f"/assessments/{created['id']}")
    assert f'href="/assessments/{created["id"]}/gmp"' in page.text
    gmp_page = client.get(f"/assessments/{created['id']}/gmp?standard=pics")
    assert gmp_page.status_code == 200 and "Annex 2A 3.13" in gmp_page.text
    report = client.get(f"/api/v1/assessments/{created['id']}/report.html")
    assert "GMP checklist (EU GMP Part IV)" in report.text and "GMP-CLOSED-BACKGROUND-GRADE" in report.text


def test_gmp_page_form_and_result(client: Any) -> None:
    form = client.get("/gmp")
    assert form.status_code == 200 and 'name="facts"' in form.text
    result = client.post("/gmp", data={"facts": yaml.safe_dump(CLOSED_CAR_T), "standard": "eu"})
    assert result.status_code == 200
    assert "Closed systems" in result.text and "needs authority approval" in result.text
    assert "Part IV §4.3.2" in result.text
    assert client.post("/gmp", data={"facts": ""}).status_code == 422
    assert client.post("/gmp", data={"facts": "manufacturing: {processing: sideways}"}).status_code == 422


def test_every_verdict_on_classify_and_describe_links_to_the_checklist(client: Any) -> None:
    assert 'action="/gmp"' in client.get("/classify").text
    described = client.post("/describe", data={"text": "Autologous T cells transduced ex vivo with a lentiviral "
                                                       "vector encoding a CAR, expanded and infused."})
    assert described.text.count('action="/gmp"') >= 2  # inline and side verdict
    assert 'name="facts"' in described.text


def test_openapi_documents_the_gmp_endpoints(client: Any) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "post" in paths["/api/v1/gmp"]
    assert "/api/v1/assessments/{assessment_id}/gmp" in paths


def test_gmp_page_asks_only_what_changes_the_list_and_applies_answers(client: Any) -> None:
    facts = {**CAR_T_FACTS, "manufacturing": {"stage": "authorised"}}
    first = client.post("/gmp", data={"facts": yaml.safe_dump(facts)})
    assert 'name="answer.manufacturing.processing"' in first.text
    assert 'name="answer.manufacturing.donor_matched"' not in first.text  # autologous: cannot change the list
    assert 'id="GMP-CLOSED-BACKGROUND-GRADE"' not in first.text
    answered = client.post("/gmp", data={"facts": yaml.safe_dump(facts), "answer.manufacturing.processing": "closed",
                                         "answer.manufacturing.batches_per_year": "12",
                                         "answer.manufacturing.reconstitution_at_site": ""})
    assert answered.status_code == 200
    assert 'id="GMP-CLOSED-BACKGROUND-GRADE"' in answered.text and 'id="GMP-APS-ROUTINE"' in answered.text
    assert 'name="answer.manufacturing.processing"' not in answered.text
    bad = client.post("/gmp", data={"facts": yaml.safe_dump(facts), "answer.manufacturing.processing": "sideways"})
    assert bad.status_code == 422
    assert client.post("/gmp", data={"facts": yaml.safe_dump(facts), "answer.colour": "red"}).status_code == 422
