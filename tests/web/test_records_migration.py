"""An existing database from before keyed records (migration 0002) upgrades without losing anything:
its versions are adopted into the keyed trail as legacy records and still verify."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text

from atmpnav import store
from atmpnav.records import assessments, integrity, keys
from atmpnav.web.schemas import CAR_T_FACTS


@pytest.fixture
def old_database(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv(store.ENV_DATA_DIR, str(tmp_path / "data"))
    keys.forget_keys()
    integrity.forget_ready()
    engine = store.make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    store.migrate(engine, "0002_assessments")
    yield engine
    engine.dispose()
    keys.forget_keys()
    integrity.forget_ready()


def _old_version(n: int, prev: str | None, moment: datetime) -> assessments.AssessmentVersion:
    row = assessments.AssessmentVersion(
        assessment_id=1, n=n, title="before the upgrade", input_kind="facts", facts=CAR_T_FACTS, text=None,
        indication=None, jurisdictions=["EU"], as_of="2026-11-25", ruleset="EU:old", software="atmpnav 0.0.9",
        envelope={"facts": CAR_T_FACTS,
                  "verdicts": {"EU": {"outcome": "GTMP", "likely_outcome": "GTMP", "ruleset": "old"}}},
        note=f"v{n}", created_at=moment, prev_hash=prev, hash="", schema=assessments.LEGACY_SCHEMA)
    row.hash = assessments.content_hash(row)
    return row


def test_old_records_survive_the_upgrade(old_database: Any) -> None:
    engine = old_database
    moment = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    first = _old_version(1, None, moment)
    second = _old_version(2, first.hash, moment)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO assessment (id, title, created_at, updated_at, latest_version, head_hash)"
                                " VALUES (1, 'before the upgrade', :t, :t, 2, :h)"), {"t": moment, "h": second.hash})
        for row in (first, second):
            connection.execute(text(
                "INSERT INTO assessment_version (assessment_id, n, title, input_kind, facts, jurisdictions, as_of, "
                "ruleset, software, envelope, note, created_at, prev_hash, hash) VALUES (1, :n, :title, 'facts', :f, "
                "'[\"EU\"]', '2026-11-25', 'EU:old', 'atmpnav 0.0.9', :e, :note, :t, :p, :h)"),
                {"n": row.n, "title": row.title, "f": json.dumps(row.facts), "e": json.dumps(row.envelope),
                 "note": row.note, "t": moment, "p": row.prev_hash, "h": row.hash})
    store.migrate(engine)
    integrity.ensure_ready(engine)
    report = integrity.verify_all(engine)
    assert report.ok, report.problems
    assert any("rule set changed since" in note for note in report.notes)
    kept = assessments.versions(engine, 1)
    assert [(v.n, v.note, v.hash) for v in kept] == [(1, "v1", first.hash), (2, "v2", second.hash)]
    assert assessments.summary(engine, 1).title == "before the upgrade"
    # New versions build on the adopted chain and are keyed.
    third = assessments.revise(engine, 1, base_version=2, reason="after the upgrade", actor="alice").record
    assert third.prev_hash == second.hash
    assert integrity.verify_all(engine).ok
