"""REST API against the real app (TestClient) on a fresh SQLite database."""

from __future__ import annotations

import copy
import importlib.util
import json
from typing import Any

import pytest

from atmpnav.facts import load_facts
from atmpnav.web.errors import MAX_BODY_BYTES
from atmpnav.web.schemas import CAR_T_FACTS

HAS_TEXT = importlib.util.find_spec("atmpnav.text.classify") is not None
HAS_PRECEDENTS = importlib.util.find_spec("atmpnav.precedents") is not None
needs_text = pytest.mark.skipif(not HAS_TEXT, reason="atmpnav.text.classify is not there yet")
needs_precedents = pytest.mark.skipif(not HAS_PRECEDENTS, reason="atmpnav.precedents is not there yet")


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code, body
    assert body["error"]["message"]
    return body["error"]


def fields(error: dict[str, Any]) -> list[str]:
    return [e["field"] for e in error["details"]["errors"]]


# --------------------------------------------------------------------------- service


def test_healthz_reports_the_schema_revision(client: Any) -> None:
    from atmpnav import store

    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": response.json()["version"],
                               "schema_revision": store.head_revision(), "records": "ok", "auth": "accounts"}


def test_security_headers(client: Any) -> None:
    response = client.get("/healthz")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_openapi_documents_the_api(client: Any) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/api/v1/classify", "/api/v1/precedents", "/api/v1/registry/products",
                 "/api/v1/registry/products/{name}", "/api/v1/registry/stats", "/api/v1/rules",
                 "/api/v1/rules/{rule_id}", "/api/v1/categories", "/api/v1/assessments",
                 "/api/v1/assessments/{assessment_id}", "/api/v1/assessments/{assessment_id}/versions",
                 "/api/v1/assessments/{assessment_id}/versions/{n}",
                 "/api/v1/assessments/{assessment_id}/export.json",
                 "/api/v1/assessments/{assessment_id}/report.html"):
        assert path in spec["paths"], path
    assert "put" in spec["paths"]["/api/v1/assessments/{assessment_id}"]
    assert "409" in spec["paths"]["/api/v1/assessments/{assessment_id}"]["put"]["responses"]
    assert "ErrorEnvelope" in spec["components"]["schemas"]


def test_docs_are_served_offline(client: Any) -> None:
    html = client.get("/docs").text
    assert "/static/swagger-ui/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html
    bundle = client.get("/static/swagger-ui/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and len(bundle.content) > 100_000
    assert client.get("/static/swagger-ui/swagger-ui.css").status_code == 200
    assert client.get("/redoc").status_code == 404


# --------------------------------------------------------------------------- classify


def test_classify_facts_returns_the_contract_envelope(client: Any) -> None:
    response = client.post("/api/v1/classify", json={"facts": CAR_T_FACTS, "as_of": "2026-11-25"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) >= {"facts", "verdicts", "precedents"}
    eu = body["verdicts"]["EU"]
    assert eu["outcome"] == "GTMP" and eu["likely_outcome"] == "GTMP"
    assert eu["regime"] == "atmp_centralised"
    assert eu["as_of"] == "2026-11-25"
    assert {"EU-G2", "EU-G3", "EU-G4"} <= set(eu["rules_fired"])
    assert all(step["rule"] and step["basis"] for step in eu["steps"])
    assert body["facts"]["nucleic_acid"]["vehicle"] == "modified_cells"


def test_classify_matches_the_library(client: Any) -> None:
    from atmpnav.assess import AssessmentInput, evaluate

    facts = load_facts("src/atmpnav/data/examples/chondrocytes-on-membrane.yaml")
    expected = evaluate(AssessmentInput.of_facts(facts), ["EU"], "2026-11-25").to_json_dict()
    response = client.post("/api/v1/classify", json={"facts": facts.model_dump(mode="json", exclude_none=True),
                                                     "as_of": "2026-11-25"})
    assert response.json()["verdicts"] == expected["verdicts"]


def test_classify_several_jurisdictions(client: Any) -> None:
    from atmpnav.law import JURISDICTIONS

    codes = sorted(JURISDICTIONS)
    response = client.post("/api/v1/classify", json={"facts": CAR_T_FACTS, "jurisdictions": [c.lower() for c in codes]})
    assert response.status_code == 200, response.text
    assert sorted(response.json()["verdicts"]) == codes


def test_classify_undetermined_names_what_is_missing(client: Any) -> None:
    facts = {"for_human_administration": True, "cells_or_tissues": {"present": True, "source": "autologous"}}
    eu = client.post("/api/v1/classify", json={"facts": facts}).json()["verdicts"]["EU"]
    assert eu["outcome"] == "undetermined"
    assert eu["missing"] and all(m["fact"] and m["question"] for m in eu["missing"])


@needs_text
def test_classify_text_returns_evidence_and_precedents(client: Any) -> None:
    text = ("Autologous T cells transduced ex vivo with a lentiviral vector encoding an anti-CD19 chimeric "
            "antigen receptor, expanded and infused to treat B-cell leukaemia.")
    response = client.post("/api/v1/classify", json={"text": text, "indication": "B-cell leukaemia"})
    assert response.status_code == 200, response.text
    body = response.json()
    eu = body["verdicts"]["EU"]
    assert eu["likely_outcome"] == "GTMP"
    assert body["evidence"], "free text reports the words that decided each fact"
    assert isinstance(body["precedents"], list)


@needs_precedents
def test_precedent_search(client: Any) -> None:
    response = client.get("/api/v1/precedents", params={"q": "chondrocytes collagen membrane knee", "k": 3})
    assert response.status_code == 200, response.text
    found = response.json()
    assert 1 <= len(found) <= 3
    assert {"id", "title", "outcome", "source", "score"} <= set(found[0])


def test_precedent_search_validates_its_parameters(client: Any) -> None:
    error = assert_error(client.get("/api/v1/precedents", params={"q": "x", "k": 0}), 422, "validation_error")
    assert fields(error) == ["k"]
    error = assert_error(client.get("/api/v1/precedents"), 422, "validation_error")
    assert fields(error) == ["q"]


# --------------------------------------------------------------------------- the error envelope


def test_malformed_json_is_400_invalid_json(client: Any) -> None:
    response = client.post("/api/v1/classify", content=b'{"facts": {', headers={"content-type": "application/json"})
    assert_error(response, 400, "invalid_json")


def test_unknown_field_names_its_path(client: Any) -> None:
    facts = copy.deepcopy(CAR_T_FACTS)
    facts["cells_or_tissues"]["colour"] = "red"
    error = assert_error(client.post("/api/v1/classify", json={"facts": facts}), 422, "validation_error")
    assert fields(error) == ["facts.cells_or_tissues.colour"]
    assert "unknown field" in error["message"]


def test_unknown_top_level_field(client: Any) -> None:
    error = assert_error(client.post("/api/v1/classify", json={"facts": CAR_T_FACTS, "extra": 1}), 422,
                         "validation_error")
    assert fields(error) == ["extra"]


def test_bad_enum_value_names_its_path_and_the_choices(client: Any) -> None:
    facts = copy.deepcopy(CAR_T_FACTS)
    facts["cells_or_tissues"]["source"] = "martian"
    error = assert_error(client.post("/api/v1/classify", json={"facts": facts}), 422, "validation_error")
    assert fields(error) == ["facts.cells_or_tissues.source"]
    assert "autologous" in error["message"] and "martian" in error["message"]


def test_bad_date_and_unknown_jurisdiction(client: Any) -> None:
    error = assert_error(client.post("/api/v1/classify", json={"facts": CAR_T_FACTS, "as_of": "2026-13-01"}), 422,
                         "validation_error")
    assert fields(error) == ["as_of"]
    error = assert_error(client.post("/api/v1/classify", json={"facts": CAR_T_FACTS, "jurisdictions": ["XX"]}),
                         422, "validation_error")
    assert fields(error) == ["jurisdictions"]
    assert "unknown jurisdiction 'XX'" in error["message"]


@pytest.mark.parametrize("body", [{}, {"facts": CAR_T_FACTS, "text": "CAR-T cells"}, {"text": "   "}])
def test_exactly_one_input(client: Any, body: dict[str, Any]) -> None:
    assert_error(client.post("/api/v1/classify", json=body), 422, "validation_error")


def test_body_must_be_an_object(client: Any) -> None:
    assert_error(client.post("/api/v1/classify", json=[1, 2]), 422, "validation_error")


def test_too_large_body_is_413(client: Any) -> None:
    big = {"text": "x" * (MAX_BODY_BYTES + 10)}
    error = assert_error(client.post("/api/v1/classify", json=big), 413, "payload_too_large")
    assert error["details"]["limit_bytes"] == MAX_BODY_BYTES


def test_too_large_chunked_body_is_413(client: Any) -> None:
    def chunks() -> Any:
        yield b'{"text": "'
        for _ in range(40):
            yield b"y" * 8192
        yield b'"}'

    response = client.post("/api/v1/classify", content=chunks(), headers={"content-type": "application/json"})
    assert_error(response, 413, "payload_too_large")


def test_unknown_rule_is_404_in_the_envelope(client: Any) -> None:
    error = assert_error(client.get("/api/v1/rules/EU-Z99"), 404, "not_found")
    assert error["details"] == {"kind": "rule", "name": "EU-Z99"}


def test_unknown_route_and_wrong_method(client: Any) -> None:
    assert_error(client.get("/api/v1/nothing-here"), 404, "not_found")
    assert_error(client.delete("/api/v1/classify"), 405, "method_not_allowed")


# --------------------------------------------------------------------------- reference


def test_rules_and_categories(client: Any) -> None:
    rules = client.get("/api/v1/rules").json()
    g2 = next(r for r in rules if r["id"] == "EU-G2")
    assert "2001/83/EC" in g2["citation"]
    one = client.get("/api/v1/rules/eu-g2").json()
    assert one["id"] == "EU-G2" and one["versions"][0]["citation"] == g2["citation"]
    categories = client.get("/api/v1/categories").json()
    assert [c["code"] for c in categories][:3] == ["GTMP", "sCTMP", "TEP"]


# --------------------------------------------------------------------------- registry


def test_registry_products_and_filters(client: Any) -> None:
    everything = client.get("/api/v1/registry/products").json()
    assert len(everything) > 20
    gtmp = client.get("/api/v1/registry/products", params={"region": "EU", "category": "GTMP"}).json()
    assert gtmp and all(p["region"] == "EU" and p["category"] == "GTMP" for p in gtmp)
    assert len(gtmp) < len(everything)
    withdrawn = client.get("/api/v1/registry/products", params={"status": "withdrawn"}).json()
    assert all(p["status"] == "withdrawn" for p in withdrawn)
    early = client.get("/api/v1/registry/products", params={"region": "EU", "as_of": "2012-01-01"}).json()
    later = client.get("/api/v1/registry/products", params={"region": "EU", "as_of": "2025-01-01"}).json()
    assert len(early) < len(later)


def test_registry_rejects_unknown_filter_values(client: Any) -> None:
    error = assert_error(client.get("/api/v1/registry/products", params={"region": "Mars"}), 422, "invalid_input")
    assert "region" in error["message"]
    error = assert_error(client.get("/api/v1/registry/products", params={"as_of": "yesterday"}), 422,
                         "validation_error")
    assert fields(error) == ["as_of"]


def test_registry_product_detail(client: Any) -> None:
    response = client.get("/api/v1/registry/products/kymriah")
    assert response.status_code == 200, response.text
    product = response.json()
    assert product["name"].lower().startswith("kymriah")
    assert product["category"] == "GTMP"
    assert product["timeline"] and product["history"]
    assert any(link["region"] == "US" for link in product["links"])
    assert_error(client.get("/api/v1/registry/products/no-such-medicine"), 404, "not_found")


def test_registry_stats_and_chart(client: Any) -> None:
    stats = client.get("/api/v1/registry/stats", params={"as_of": "2025-01-01"}).json()
    assert stats["as_of"] == "2025-01-01"
    assert stats["authorised"] == sum(row["authorised"] for row in stats["categories"])
    svg = client.get("/api/v1/registry/chart.svg", params={"as_of": "2025-01-01"})
    assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
    assert b"<svg" in svg.content[:2000]
    png = client.get("/api/v1/registry/chart.png", params={"as_of": "2025-01-01"})
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert client.get("/api/v1/registry/chart.gif").status_code == 422


def test_classify_response_is_compact_json(client: Any) -> None:
    response = client.post("/api/v1/classify", json={"facts": CAR_T_FACTS})
    assert json.loads(response.content) == response.json()
    assert response.headers["content-type"] == "application/json"
