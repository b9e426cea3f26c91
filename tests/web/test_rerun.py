"""Re-run on today's rules: what would change, shown on the page, by the CLI and the API; saving adds a version."""

from __future__ import annotations

from typing import Any

import pytest

from atmpnav.web.schemas import CAR_T_FACTS

HTML = {"accept": "text/html"}


@pytest.fixture
def old_assessment(client: Any, monkeypatch: pytest.MonkeyPatch) -> int:
    """An assessment made while the EU rule set had an older version label."""
    from atmpnav.law import JURISDICTIONS

    with monkeypatch.context() as patch:
        patch.setattr(JURISDICTIONS["EU"], "version", "eu-2020.01")
        created = client.post("/api/v1/assessments", json={"title": "old rules", "facts": CAR_T_FACTS})
    assert created.json()["latest"]["ruleset"] == "EU:eu-2020.01"
    return int(created.json()["id"])


def test_rerun_says_the_rules_changed(client: Any, old_assessment: int) -> None:
    from atmpnav.law import JURISDICTIONS

    found = client.get(f"/api/v1/assessments/{old_assessment}/rerun").json()
    assert found["recorded_ruleset"] == "EU:eu-2020.01"
    assert found["current_ruleset"] == f"EU:{JURISDICTIONS['EU'].version}"
    assert found["changed"] is False and found["jurisdictions"][0]["outcome_now"] == "GTMP"
    page = client.get(f"/assessments/{old_assessment}", headers=HTML).text
    assert "The rules have changed since this version" in page and "the outcome stays GTMP" in page
    saved = client.post(f"/api/v1/assessments/{old_assessment}/rerun", params={"base_version": 1})
    assert saved.status_code == 200
    latest = saved.json()["latest"]
    assert latest["n"] == 2 and latest["reason"] == f"re-run on rule set EU:{JURISDICTIONS['EU'].version}"
    assert "The rules have changed" not in client.get(f"/assessments/{old_assessment}", headers=HTML).text


def test_rerun_diff_names_changed_steps(client: Any, old_assessment: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from atmpnav.records import assessments, rerun

    record = assessments.get_version(client.app.state.db.engine, old_assessment)
    envelope = dict(record.envelope)
    verdict = dict(envelope["verdicts"]["EU"])
    verdict["outcome"] = verdict["likely_outcome"] = "not ATMP"
    verdict["steps"] = [*verdict["steps"], {"rule": "EU-X9", "answer": "yes"}]
    envelope["verdicts"] = {"EU": verdict}


    monkeypatch.setattr(assessments, "get_version", lambda *_a, **_k: assessments.VersionRecord(
        **{**record.to_dict(), "envelope": envelope}))
    found = rerun.rerun(client.app.state.db.engine, old_assessment)
    row = found.jurisdictions[0]
    assert found.changed and row["outcome_before"] == "not ATMP" and row["outcome_now"] == "GTMP"
    assert {"rule": "EU-X9", "before": "yes", "after": None} in row["steps_changed"]


def test_rerun_cli(client: Any, old_assessment: int) -> None:
    import os
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "atmpnav.cli", "assessments", "rerun", str(old_assessment)],
                            capture_output=True, text=True, env=os.environ.copy(), timeout=120)
    assert result.returncode == 0, result.stderr
    assert "recorded with EU:eu-2020.01" in result.stdout and "unchanged (GTMP)" in result.stdout
