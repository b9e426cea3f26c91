"""Forging the trail with direct database access (no key): every variant of the issue is reported
as tampering by `verify --all`, by the reads it touches, and never as "not found"."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from atmpnav import store
from atmpnav.records import anchors, assessments, integrity, keys, signatures
from atmpnav.web.schemas import CAR_T_FACTS
from tests.web.conftest import TEST_PASSWORD


def _create(client: Any, title: str = "forge me") -> dict[str, Any]:
    response = client.post("/api/v1/assessments", json={"title": title, "facts": CAR_T_FACTS, "as_of": "2026-11-25"})
    assert response.status_code == 201, response.text
    return response.json()


def _edit(client: Any, aid: int, base: int) -> dict[str, Any]:
    response = client.put(f"/api/v1/assessments/{aid}", json={"base_version": base, "reason": "again"})
    assert response.status_code == 200, response.text
    return response.json()


def _drop_triggers(engine: Any) -> None:
    with engine.begin() as connection:
        for name in integrity.expected_triggers("sqlite"):
            connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))


def _problems(engine: Any) -> list[str]:
    report = integrity.verify_all(engine)
    assert not report.ok
    return report.problems


def test_a_clean_database_verifies(fresh_site: Any) -> None:
    client = fresh_site.client("alice", "author")
    aid = _create(client)["id"]
    _edit(client, aid, 1)
    report = integrity.verify_all(fresh_site.engine)
    assert report.ok, report.problems
    assert report.to_dict()["checked"]["versions"] == 2 and report.missing_triggers == []


def test_inserted_forged_last_version(fresh_site: Any) -> None:
    """The issue's first forgery: a new last version with a changed verdict (GTMP -> not ATMP)."""
    client = fresh_site.client("alice", "author")
    created = _create(client)
    aid, engine = created["id"], fresh_site.engine
    latest = created["latest"]
    envelope = copy.deepcopy(latest["envelope"])
    envelope["verdicts"]["EU"]["outcome"] = envelope["verdicts"]["EU"]["likely_outcome"] = "not ATMP"
    forged_hash = hashlib.sha256(b"forged").hexdigest()
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO assessment_version (assessment_id, n, title, input_kind, facts, jurisdictions, as_of, ruleset,"
            " software, envelope, created_at, prev_hash, hash, schema, actor, reason) VALUES (:a, 2, 'forged', 'facts',"
            " :f, '[\"EU\"]', '2026-11-25', :r, 'x', :e, :t, :p, :h, :s, 'alice', 'forged')"),
            {"a": aid, "f": json.dumps(CAR_T_FACTS), "r": latest["ruleset"], "e": json.dumps(envelope),
             "t": "2026-11-26 00:00:00", "p": latest["hash"], "h": forged_hash, "s": assessments.HASH_SCHEMA})
    problems = _problems(engine)
    assert any("version 2: content does not match its keyed hash" in p for p in problems)
    assert any("version 2: no audit event records this version" in p for p in problems)
    shown = client.get(f"/api/v1/assessments/{aid}").json()
    assert shown["chain"]["ok"] is False and shown["latest_version"] == 2
    # Nobody can build on the forged version.
    refused = client.put(f"/api/v1/assessments/{aid}", json={"base_version": 2, "reason": "r"})
    assert refused.status_code == 500 and refused.json()["error"]["code"] == "tampering_detected"


def test_legacy_style_forged_version(fresh_site: Any) -> None:
    """A forged version claiming the old unkeyed scheme (whose SHA-256 anyone can compute)."""
    client = fresh_site.client("alice", "author")
    created = _create(client)
    engine = fresh_site.engine
    with store.session_scope(engine) as session:
        row = session.query(assessments.AssessmentVersion).filter_by(assessment_id=created["id"]).one()
        columns = {c.name: getattr(row, c.name) for c in row.__table__.columns}
    forged = assessments.AssessmentVersion(**{**columns, "id": None, "n": 2, "prev_hash": columns["hash"],
                                              "schema": assessments.LEGACY_SCHEMA})
    forged.hash = assessments.content_hash(forged)
    with store.session_scope(engine) as session:
        session.add(forged)
    assert any("not in the database when records were keyed" in p for p in _problems(engine))


def test_deleted_last_version_with_trigger_dropped(fresh_site: Any) -> None:
    client = fresh_site.client("alice", "author")
    aid = _create(client)["id"]
    _edit(client, aid, 1)
    engine = fresh_site.engine
    _drop_triggers(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM assessment_version WHERE assessment_id = :a AND n = 2"), {"a": aid})
    problems = _problems(engine)
    assert any("trigger missing" in p for p in problems)
    assert any("records version 2, but the last stored is 1" in p for p in problems)
    assert client.get(f"/api/v1/assessments/{aid}/versions/2").json()["error"]["code"] in (
        "tampering_detected", "records_unavailable")


def test_deleted_assessment_with_foreign_keys_off(fresh_site: Any) -> None:
    """The issue's sqlite3-CLI deletion: the assessment and its versions vanish from the tables."""
    import sqlite3

    client = fresh_site.client("alice", "author")
    aid = _create(client)["id"]
    path = fresh_site.engine.url.database
    connection = sqlite3.connect(path)
    for name in integrity.expected_triggers("sqlite"):
        connection.execute(f"DROP TRIGGER IF EXISTS {name}")
    connection.execute("PRAGMA foreign_keys=OFF")
    connection.execute("DELETE FROM assessment_version WHERE assessment_id = ?", (aid,))
    connection.execute("DELETE FROM assessment WHERE id = ?", (aid,))
    connection.commit()
    connection.close()
    assert any(f"assessment {aid}: in the audit trail but missing" in p for p in _problems(fresh_site.engine))
    with pytest.raises(assessments.TamperingError):
        assessments.get_version(fresh_site.engine, aid)


def test_rewound_history_is_caught_by_the_anchor(fresh_site: Any) -> None:
    """Delete the newest version and the newest audit events: the rest is a consistent chain, but
    the anchor written before names an event that is gone."""
    client = fresh_site.client("alice", "author")
    aid = _create(client)["id"]
    _edit(client, aid, 1)
    engine = fresh_site.engine
    line = anchors.write_anchor(engine)
    assert line and "seq=" in line
    seq = int(line.split("seq=")[1].split()[0])
    _drop_triggers(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM assessment_version WHERE assessment_id = :a AND n = 2"), {"a": aid})
        connection.execute(text("DELETE FROM audit_event WHERE seq >= :s"), {"s": seq - 0})
        connection.execute(text("DELETE FROM audit_event WHERE action = 'version.added' AND version_n = 2"))
    problems = _problems(engine)
    assert any(f"anchor seq={seq}" in p for p in problems)


def test_altered_audit_event_and_signature(fresh_site: Any) -> None:
    author = fresh_site.client("alice", "author")
    fresh_site.user("bob", "approver")
    aid = _create(author)["id"]
    engine = fresh_site.engine
    signatures.sign(engine, aid, 1, username="alice", password=TEST_PASSWORD, meaning="authored")
    _drop_triggers(engine)
    with engine.begin() as connection:
        connection.execute(text("UPDATE signature SET signer_name = 'Somebody Else'"))
        connection.execute(text("UPDATE audit_event SET actor = 'mallory' WHERE action = 'assessment.created'"))
    problems = _problems(engine)
    assert any("signature by alice (authored): does not match its keyed hash" in p for p in problems)
    assert any("content does not match its keyed hash" in p and "audit event" in p for p in problems)


def test_forger_with_the_key_is_still_caught_by_the_rules(fresh_site: Any) -> None:
    """Even with the key, a verdict the stored facts do not give is found by re-running the rules."""
    client = fresh_site.client("alice", "author")
    created = _create(client)
    engine = fresh_site.engine
    _drop_triggers(engine)
    envelope = copy.deepcopy(created["latest"]["envelope"])
    envelope["verdicts"]["EU"]["outcome"] = envelope["verdicts"]["EU"]["likely_outcome"] = "not ATMP"
    with store.session_scope(engine) as session:
        row = session.query(assessments.AssessmentVersion).filter_by(assessment_id=created["id"]).one()
        forged = assessments.AssessmentVersion(**{c.name: getattr(row, c.name) for c in row.__table__.columns})
    forged.envelope = envelope
    forged.hash = assessments.content_hash(forged)  # recomputed with the key
    with engine.begin() as connection:
        connection.execute(text("UPDATE assessment_version SET envelope = :e, hash = :h WHERE id = :i"),
                           {"e": json.dumps(envelope), "h": forged.hash, "i": row.id})
    problems = _problems(engine)
    assert any("is not what rule set" in p for p in problems)


def test_missing_triggers_refuse_records_and_fail_healthz(fresh_site: Any) -> None:
    client = fresh_site.client("alice", "author")
    aid = _create(client)["id"]
    with fresh_site.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER assessment_version_no_update"))
    fresh_site.app.state.records_checked_at = 0.0
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json()["status"] == "records_unavailable"
    assert "assessment_version_no_update" in health.json()["missing_triggers"]
    refused = client.get(f"/api/v1/assessments/{aid}")
    assert refused.status_code == 503 and refused.json()["error"]["code"] == "records_unavailable"
    assert client.post("/api/v1/classify", json={"facts": CAR_T_FACTS}).status_code == 200


# --------------------------------------------------------------------------- PostgreSQL


@pytest.fixture
def pg_schema(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    """A fresh schema on the test PostgreSQL: (owner URL with search_path, schema name)."""
    from sqlalchemy.engine import make_url

    base = os.environ.get("ATMPNAV_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("ATMPNAV_TEST_POSTGRES_URL is not set (run scripts/ci-postgres.sh)")
    monkeypatch.setenv(store.ENV_DATA_DIR, str(tmp_path / "data"))
    keys.forget_keys()
    integrity.forget_ready()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = store.make_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)
    try:
        yield url, schema
    finally:
        store.dispose_engines()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
        keys.forget_keys()
        integrity.forget_ready()


def _pg_records(url: str) -> tuple[Any, int]:
    from atmpnav.assess import AssessmentInput
    from atmpnav.facts import ProductFacts

    engine = store.make_engine(url)
    store.migrate(engine)
    integrity.ensure_ready(engine)
    given = AssessmentInput.of_facts(ProductFacts.model_validate(CAR_T_FACTS))
    first = assessments.create(engine, title="PG", given=given, as_of="2026-11-25", actor="alice").record
    assessments.revise(engine, first.assessment_id, base_version=1, reason="again", actor="alice")
    return engine, first.assessment_id


@pytest.mark.postgres
def test_postgresql_truncate_and_forgeries(pg_schema: tuple[str, str]) -> None:
    url, _ = pg_schema
    engine, _aid = _pg_records(url)
    try:
        assert integrity.verify_all(engine).ok
        for table in integrity.APPEND_ONLY_TABLES:
            with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {table} CASCADE"))
        # The owner can disable a trigger; verify and the app notice.
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE assessment_version DISABLE TRIGGER assessment_version_append_only"))
            connection.execute(text("DELETE FROM assessment_version WHERE n = 2"))
        problems = _problems(engine)
        assert any("assessment_version_append_only" in p for p in problems)
        assert any("records version 2" in p for p in problems)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_postgresql_app_role_may_insert_and_select_only(pg_schema: tuple[str, str]) -> None:
    """The documented deployment: migrations as the owner, the app as a role with INSERT and SELECT on
    the records. The app works; it cannot change, delete, truncate or unprotect a record."""
    from sqlalchemy.engine import make_url

    url, schema = pg_schema
    owner, aid = _pg_records(url)
    parsed = make_url(url)
    app_role = f"{parsed.username}_app"
    with owner.begin() as connection:
        for statement in integrity.app_role_grants(app_role, schema):
            connection.execute(text(statement))
    app_url = parsed.set(username=app_role, password=app_role).render_as_string(hide_password=False)
    app = store.make_engine(app_url)
    try:
        try:
            with app.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as exc:  # the CI script makes the role; a hand-made server may not have it
            pytest.skip(f"role {app_role} cannot log in ({type(exc).__name__}); run scripts/ci-postgres.sh")
        from atmpnav.records import users

        users.add_user(app, "bob", TEST_PASSWORD, role="approver")
        users.add_user(app, "alice", TEST_PASSWORD, role="author")
        assessments.revise(app, aid, base_version=2, reason="as the app role", actor="alice")
        signatures.sign(app, aid, 3, username="alice", password=TEST_PASSWORD, meaning="authored")
        signatures.sign(app, aid, 3, username="bob", password=TEST_PASSWORD, meaning="approved")
        assert integrity.verify_all(app).ok
        for statement in ("UPDATE assessment_version SET title = 'x'", "DELETE FROM audit_event",
                          "TRUNCATE signature", "ALTER TABLE assessment_version DISABLE TRIGGER ALL",
                          "DROP TRIGGER assessment_version_append_only ON assessment_version",
                          "UPDATE assessment SET created_by = 'x'"):
            with pytest.raises(Exception, match=r"permission denied|must be owner"), app.begin() as connection:
                connection.execute(text(statement))
    finally:
        app.dispose()
        owner.dispose()


def test_verify_refuses_to_run_without_the_key(fresh_site: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    from atmpnav.errors import StorageError

    monkeypatch.setenv(keys.ENV_KEY_FILE, str(tmp_path / "nowhere" / "chain.key"))
    with pytest.raises(StorageError, match="missing"):
        integrity.verify_all(fresh_site.engine)
