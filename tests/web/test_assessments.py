"""Saved assessments over the API: create, list, edit as new versions, conflicts, export, report,
and the hash chain that shows tampering."""

from __future__ import annotations

import copy
import hashlib
import importlib.util
import json
from typing import Any

import pytest
from sqlalchemy import text

from atmpnav import store
from atmpnav.assess import AssessmentInput, facts_to_json
from atmpnav.errors import ConflictError
from atmpnav.records import assessments, integrity, keys
from atmpnav.web.schemas import CAR_T_FACTS

HAS_TEXT = importlib.util.find_spec("atmpnav.text.classify") is not None


def create(client: Any, title: str = "CAR-T, first look", **extra: Any) -> dict[str, Any]:
    body = {"title": title, "facts": CAR_T_FACTS, "as_of": "2026-11-25", **extra}
    response = client.post("/api/v1/assessments", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def engine_of(client: Any) -> Any:
    return client.app.state.db.engine


def test_create_returns_version_1(client: Any) -> None:
    created = create(client)
    assert created["latest_version"] == 1
    latest = created["latest"]
    assert latest["n"] == 1 and latest["prev_hash"] is None and len(latest["hash"]) == 64
    assert latest["input"]["kind"] == "facts"
    assert latest["envelope"]["verdicts"]["EU"]["outcome"] == "GTMP"
    assert latest["ruleset"].startswith("EU:")
    assert latest["as_of"] == "2026-11-25"
    assert created["outcomes"] == {"EU": "GTMP"}
    assert created["chain"]["ok"] is True and created["chain"]["scope"] == "latest"
    assert created["latest"]["actor"] == "alice" and created["owner"] == "alice" and created["state"] == "draft"


def test_location_header_and_reopen(client: Any) -> None:
    response = client.post("/api/v1/assessments", json={"title": "Reopen me", "facts": CAR_T_FACTS})
    location = response.headers["location"]
    reopened = client.get(location).json()
    assert reopened["title"] == "Reopen me"
    assert reopened["latest"] == response.json()["latest"]


def test_list(fresh_client: Any) -> None:
    assert fresh_client.get("/api/v1/assessments").json() == {"total": 0, "items": []}
    first = create(fresh_client, "first")
    second = create(fresh_client, "second")
    listing = fresh_client.get("/api/v1/assessments").json()
    assert listing["total"] == 2
    assert [i["id"] for i in listing["items"]] == [second["id"], first["id"]]
    page = fresh_client.get("/api/v1/assessments", params={"limit": 1, "offset": 1}).json()
    assert [i["title"] for i in page["items"]] == ["first"]


def test_edit_adds_a_version_and_keeps_the_old_one(client: Any) -> None:
    created = create(client)
    aid = created["id"]
    facts = copy.deepcopy(CAR_T_FACTS)
    facts["device"] = {"present": True, "integral": True, "own_medical_purpose": True, "kind": "scaffold"}
    response = client.put(f"/api/v1/assessments/{aid}",
                          json={"base_version": 1, "facts": facts, "note": "device added", "reason": "device found",
                                "as_of": "2026-11-25"})
    assert response.status_code == 200, response.text
    edited = response.json()
    assert edited["latest_version"] == 2
    assert edited["latest"]["prev_hash"] == created["latest"]["hash"]
    assert edited["latest"]["note"] == "device added"
    assert edited["latest"]["input"]["facts"]["device"]["kind"] == "scaffold"
    versions = client.get(f"/api/v1/assessments/{aid}/versions").json()
    assert [v["n"] for v in versions] == [1, 2]
    assert client.get(f"/api/v1/assessments/{aid}/versions/1").json() == created["latest"]
    assert edited["chain"]["ok"] is True


def test_edit_without_input_reclassifies_the_previous_input(client: Any) -> None:
    created = create(client)
    response = client.put(f"/api/v1/assessments/{created['id']}",
                          json={"base_version": 1, "title": "Renamed", "reason": "rename"})
    edited = response.json()
    assert edited["title"] == "Renamed" and edited["latest"]["title"] == "Renamed"
    assert edited["latest"]["input"] == created["latest"]["input"]
    assert edited["latest"]["envelope"]["verdicts"]["EU"]["outcome"] == "GTMP"


def test_stale_base_version_is_409(client: Any) -> None:
    aid = create(client)["id"]
    mine = client.put(f"/api/v1/assessments/{aid}", json={"base_version": 1, "note": "mine", "reason": "r"})
    assert mine.status_code == 200
    response = client.put(f"/api/v1/assessments/{aid}", json={"base_version": 1, "note": "theirs", "reason": "r"})
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "stale_version"
    assert error["details"] == {"assessment_id": aid, "base_version": 1, "latest_version": 2}
    assert [v["note"] for v in client.get(f"/api/v1/assessments/{aid}/versions").json()] == [None, "mine"]


def test_edit_validation(client: Any) -> None:
    aid = create(client)["id"]
    response = client.put(f"/api/v1/assessments/{aid}", json={"facts": CAR_T_FACTS})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["error"]["details"]["errors"]] == ["base_version", "reason"]
    response = client.put(f"/api/v1/assessments/{aid}", json={"base_version": 1, "facts": CAR_T_FACTS, "text": "x",
                                                              "reason": "r"})
    assert response.status_code == 422
    response = client.put(f"/api/v1/assessments/{aid}", json={"base_version": 1, "facts": CAR_T_FACTS})
    assert [e["field"] for e in response.json()["error"]["details"]["errors"]] == ["reason"]


def test_unknown_assessment_and_version(client: Any) -> None:
    assert client.get("/api/v1/assessments/999999").json()["error"]["code"] == "not_found"
    assert client.put("/api/v1/assessments/999999", json={"base_version": 1, "reason": "r"}).status_code == 404
    aid = create(client)["id"]
    assert client.get(f"/api/v1/assessments/{aid}/versions/7").status_code == 404
    assert client.get("/api/v1/assessments/0").status_code == 422


def test_create_validation(client: Any) -> None:
    response = client.post("/api/v1/assessments", json={"facts": CAR_T_FACTS})
    assert [e["field"] for e in response.json()["error"]["details"]["errors"]] == ["title"]
    response = client.post("/api/v1/assessments", json={"title": "x", "facts": {"device": {"present": "maybe"}}})
    assert [e["field"] for e in response.json()["error"]["details"]["errors"]] == ["facts.device.present"]


def test_export_json_has_every_version_and_the_chain(client: Any) -> None:
    aid = create(client)["id"]
    client.put(f"/api/v1/assessments/{aid}", json={"base_version": 1, "note": "second", "reason": "r"})
    response = client.get(f"/api/v1/assessments/{aid}/export.json")
    assert response.status_code == 200
    assert f'filename="assessment-{aid}.json"' in response.headers["content-disposition"]
    document = response.json()
    assert document["format"] == assessments.EXPORT_FORMAT
    assert [v["n"] for v in document["versions"]] == [1, 2]
    assert document["chain"]["ok"] is True
    assert document["chain"]["head_hash"] == document["versions"][-1]["hash"]


def test_exported_hashes_can_be_recomputed_with_the_key(client: Any) -> None:
    """The documented algorithm: HMAC-SHA-256, with the key file's bytes, of the canonical JSON of
    {"kind": schema, "content": the version without its hash, plus the schema name}; each version's
    prev_hash is the hash of the one before. Without the key the hash cannot be recomputed."""
    import hmac

    aid = create(client)["id"]
    client.put(f"/api/v1/assessments/{aid}", json={"base_version": 1, "title": "v2", "reason": "rename"})
    key = bytes.fromhex(keys.key_path().read_text().strip())
    previous = None
    for version in client.get(f"/api/v1/assessments/{aid}/export.json").json()["versions"]:
        content = {k: v for k, v in version.items() if k != "hash"}
        content["schema"] = assessments.HASH_SCHEMA
        message = json.dumps({"kind": assessments.HASH_SCHEMA, "content": content}, sort_keys=True,
                             separators=(",", ":"), ensure_ascii=False).encode()
        assert hmac.new(key, message, hashlib.sha256).hexdigest() == version["hash"]
        assert hashlib.sha256(json.dumps(content, sort_keys=True, separators=(",", ":"),
                                         ensure_ascii=False).encode()).hexdigest() != version["hash"]
        assert version["prev_hash"] == previous
        previous = version["hash"]


def test_printable_report(client: Any) -> None:
    created = create(client, "Report me")
    aid = created["id"]
    client.put(f"/api/v1/assessments/{aid}", json={"base_version": 1, "note": "second look", "reason": "r"})
    response = client.get(f"/api/v1/assessments/{aid}/report.html")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "Report me" in html and "GTMP" in html
    assert "EU-G2" in html and "Directive 2001/83/EC" in html  # reasoning with citations
    assert "Not a regulatory decision" in html
    assert "@media print" in html
    assert "version 2 of 2" in html and "second look" in html
    old = client.get(f"/api/v1/assessments/{aid}/report.html", params={"version": 1}).text
    assert created["latest"]["hash"] in old and "version 1 of 2" in old
    assert "Similar known cases" in html


def test_versions_are_append_only_in_the_database(client: Any) -> None:
    aid = create(client)["id"]
    engine = engine_of(client)
    with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
        connection.execute(text("UPDATE assessment_version SET title = 'forged' WHERE assessment_id = :a"),
                           {"a": aid})
    with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
        connection.execute(text("DELETE FROM assessment_version WHERE assessment_id = :a"), {"a": aid})
    # And through the ORM.
    from atmpnav.records.assessments import AssessmentVersion

    with pytest.raises(ConflictError), store.session_scope(engine) as session:
        row = session.query(AssessmentVersion).filter_by(assessment_id=aid).one()
        row.title = "forged"
        session.flush()


def test_tampering_is_detected(fresh_client: Any) -> None:
    created = create(fresh_client)
    aid = created["id"]
    fresh_client.put(f"/api/v1/assessments/{aid}", json={"base_version": 1, "note": "v2", "reason": "r"})
    fresh_client.put(f"/api/v1/assessments/{aid}", json={"base_version": 2, "note": "v3", "reason": "r"})
    assert fresh_client.get(f"/api/v1/assessments/{aid}/verify").json()["ok"] is True

    # Someone with direct access to the database file rewrites version 1's verdict.
    engine = engine_of(fresh_client)
    forged = copy.deepcopy(created["latest"]["envelope"])
    forged["verdicts"]["EU"]["outcome"] = forged["verdicts"]["EU"]["likely_outcome"] = "not ATMP"
    with engine.begin() as connection:
        connection.execute(text("DROP TRIGGER assessment_version_no_update"))
        connection.execute(text("UPDATE assessment_version SET envelope = :e WHERE assessment_id = :a AND n = 1"),
                           {"e": json.dumps(forged), "a": aid})
    report = fresh_client.get(f"/api/v1/assessments/{aid}/verify").json()
    assert report["ok"] is False
    assert [v["ok"] for v in report["versions"]] == [False, True, True]
    assert "altered" in report["problems"][0]

    # Recomputing version 1's hash to hide the change breaks the link from version 2.
    with engine.begin() as connection:
        connection.execute(text("UPDATE assessment_version SET hash = "
                                "CASE WHEN substr(hash, 1, 1) = 'f' THEN 'e' ELSE 'f' END || substr(hash, 2) "
                                "WHERE assessment_id = :a AND n = 1"), {"a": aid})
    report = integrity.verify_assessment(engine, aid)
    assert not report.ok
    assert any("link" in p for p in report.versions[1].problems)

    # Deleting the latest version is tampering, never "not found".
    other = create(fresh_client, "other")["id"]
    fresh_client.put(f"/api/v1/assessments/{other}", json={"base_version": 1, "reason": "r"})
    with engine.begin() as connection:
        connection.execute(text("DROP TRIGGER assessment_version_no_delete"))
        connection.execute(text("DELETE FROM assessment_version WHERE assessment_id = :a AND n = 2"), {"a": other})
    report = integrity.verify_assessment(engine, other)
    assert not report.ok and any("records version 2" in p for p in report.problems)
    missing = fresh_client.get(f"/api/v1/assessments/{other}/versions/2")
    assert missing.status_code == 500 and missing.json()["error"]["code"] == "tampering_detected"
    assert fresh_client.get(f"/api/v1/assessments/{other}").json()["error"]["code"] == "tampering_detected"
    full = integrity.verify_all(engine)
    assert not full.ok and any("trigger missing" in p for p in full.problems)


@pytest.mark.skipif(not HAS_TEXT, reason="atmpnav.text.classify is not there yet")
def test_text_assessment(client: Any) -> None:
    body = {"title": "Described", "text": "Autologous chondrocytes expanded in culture and seeded on a collagen "
            "membrane to repair knee cartilage.", "indication": "cartilage defects"}
    response = client.post("/api/v1/assessments", json=body)
    assert response.status_code == 201, response.text
    latest = response.json()["latest"]
    assert latest["input"] == {"kind": "text", "text": body["text"], "indication": "cartilage defects"}
    assert latest["envelope"]["verdicts"]["EU"]["likely_outcome"] == "TEP"
    edited = client.put(f"/api/v1/assessments/{response.json()['id']}",
                        json={"base_version": 1, "text": body["text"] + " The membrane is a CE-marked device.",
                              "reason": "device"})
    assert edited.status_code == 200
    assert edited.json()["latest"]["input"]["indication"] is None


def test_facts_with_unknown_presence_round_trip() -> None:
    from atmpnav.questionnaire import initial_facts

    facts = initial_facts()
    data = facts_to_json(facts)
    assert data["nucleic_acid"] == {"present": None}
    from atmpnav.facts import ProductFacts

    assert ProductFacts.model_validate(data) == facts


@pytest.mark.postgres
def test_assessments_on_postgresql(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same audit trail on PostgreSQL: hashes survive the round trip, the trigger refuses changes."""
    import os
    import uuid

    from sqlalchemy.engine import make_url

    from atmpnav.facts import ProductFacts

    base = os.environ.get("ATMPNAV_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("ATMPNAV_TEST_POSTGRES_URL is not set (run scripts/ci-postgres.sh)")
    monkeypatch.setenv(store.ENV_DATA_DIR, str(tmp_path / "data"))
    keys.forget_keys()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = store.make_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)
    engine = store.make_engine(url)
    try:
        store.migrate(engine)
        given = AssessmentInput.of_facts(ProductFacts.model_validate(CAR_T_FACTS))
        integrity.ensure_ready(engine)
        assert integrity.missing_triggers(engine) == []
        first = assessments.create(engine, title="PG", given=given, as_of="2026-11-25").record
        second = assessments.revise(engine, first.assessment_id, base_version=1, note="again", reason="r").record
        assert second.prev_hash == first.hash
        assert integrity.verify_assessment(engine, first.assessment_id).ok
        assert integrity.verify_all(engine).ok
        with pytest.raises(ConflictError):
            assessments.revise(engine, first.assessment_id, base_version=1, reason="r")
        with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
            connection.execute(text("UPDATE assessment_version SET title = 'forged'"))
        with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
            connection.execute(text("DELETE FROM assessment_version"))
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE assessment_version DISABLE TRIGGER assessment_version_append_only"))
            connection.execute(text("UPDATE assessment_version SET note = 'forged' WHERE n = 2"))
        report = integrity.verify_assessment(engine, first.assessment_id)
        assert not report.ok and [v.ok for v in report.versions] == [True, False]
        assert "assessment_version_append_only" in integrity.missing_triggers(engine)
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
