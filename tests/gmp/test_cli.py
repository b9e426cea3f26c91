"""`atmpnav gmp` as a user meets it: grouped text with both citations, JSON, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.gmp.products import BASES


def run(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "atmpnav.cli", *args], input=input, capture_output=True,
                          text=True, timeout=120)


def car_t_file(tmp_path: Path, **manufacturing: object) -> Path:
    data = {**BASES["car_t"][0], "manufacturing": manufacturing}
    path = tmp_path / "car-t.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_text_groups_by_topic_with_both_citations(tmp_path: Path) -> None:
    result = run("gmp", str(car_t_file(tmp_path, processing="closed", release_before_qc_complete=True)))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.index("Closed systems") < out.index("GMP-CLOSED-BACKGROUND-GRADE") < out.index("Labelling")
    assert "EU GMP Part IV §4.3.2 [U], §9.5 [U] · PIC/S Annex 2A 3.13 [V]" in out
    assert "GMP-RELEASE-TWO-STAGE [needs authority approval]" in out
    assert "Because: verdict.category = GTMP; manufacturing.release_before_qc_complete = yes" in out
    assert "Open questions" in out and "manufacturing.decentralised" in out


def test_json_and_pics_standard(tmp_path: Path) -> None:
    result = run("gmp", str(car_t_file(tmp_path, processing="closed")), "--json", "--standard", "pics")
    data = json.loads(result.stdout)
    assert data["standard"] == "pics"
    assert set(data) >= {"standard_versions", "items", "open", "notes"}
    certification = next(i for i in data["items"] if i["id"] == "GMP-CERTIFICATION-EVERY-BATCH")
    assert "Authorised Person (AP)" in certification["text"]


def test_stdin_and_errors(tmp_path: Path) -> None:
    facts = yaml.safe_dump({**BASES["msc"][0], "manufacturing": {"processing": "open_aseptic"}})
    assert "GMP-PREMISES-OPEN-A-IN-B" in run("gmp", "-", input=facts).stdout
    bad_standard = run("gmp", str(car_t_file(tmp_path)), "--standard", "fda")
    assert bad_standard.returncode == 2 and "standard" in bad_standard.stderr and "Traceback" not in bad_standard.stderr
    bad_fact = run("gmp", "-", input="manufacturing: {processing: sideways}\n")
    assert bad_fact.returncode == 2 and "manufacturing.processing" in bad_fact.stderr
    assert run("gmp", str(tmp_path / "missing.yaml")).returncode == 2


def test_ask_asks_only_what_changes_the_list_and_saves(tmp_path: Path) -> None:
    facts = car_t_file(tmp_path, stage="authorised")
    saved = tmp_path / "answered.yaml"
    result = run("gmp", str(facts), "--ask", "--json", "--save", str(saved),
                 input="closed\n\nsideways\nno\n" + "\n" * 20)
    assert result.returncode == 0, result.stderr
    assert "Are other products made in the same facility?" in result.stderr
    assert "answer yes or no" in result.stderr  # a wrong answer is asked again
    assert "Is each batch made from a donor matched" not in result.stderr  # autologous: cannot change the list
    data = json.loads(result.stdout)
    assert "GMP-CLOSED-BACKGROUND-GRADE" in {i["id"] for i in data["items"]}
    assert yaml.safe_load(saved.read_text())["manufacturing"]["processing"] == "closed"
    assert run("gmp", str(facts), "--save", str(tmp_path / "x.yaml")).returncode == 2


def test_a_saved_assessment_by_id_uses_its_stored_facts_and_verdict(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from atmpnav import store
    from atmpnav.assess import AssessmentInput
    from atmpnav.records import assessments, integrity
    from tests.gmp.products import make

    url = f"sqlite:///{tmp_path / 'gmp.db'}"
    monkeypatch.setenv(store.ENV_DATABASE_URL, url)
    monkeypatch.setenv(store.ENV_DATA_DIR, str(tmp_path / "data"))  # the chain key that keys the records
    env = dict(os.environ)
    engine = store.get_engine(url)
    try:
        integrity.ensure_ready(engine)
        facts = make("car_t", {"processing": "closed", "release_before_qc_complete": True})
        saved = assessments.create(engine, title="CAR-T", given=AssessmentInput.of_facts(facts), jurisdictions=["EU"],
                                   as_of="2026-11-30", note=None).record.assessment_id
    finally:
        store.dispose_engines()

    def gmp(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "atmpnav.cli", "gmp", *args], capture_output=True, text=True,
                              timeout=120, env=env)

    by_id = gmp(f"#{saved}", "--json")
    assert by_id.returncode == 0, by_id.stderr
    data = json.loads(by_id.stdout)
    assert data["verdict_outcome"] == "GTMP" and data["as_of"] == "2026-11-30"  # the day it was classified
    assert "GMP-RELEASE-TWO-STAGE" in {item["id"] for item in data["items"]}
    assert json.loads(gmp(str(saved), "--json", "--version", "1").stdout) == data
    for args, message in [((f"#{saved}", "--ask"), "new version"), ((str(saved), "--version", "9"), "version"),
                          (("99999",), "99999"), ((str(car_t_file(tmp_path)), "--version", "1"), "--version needs")]:
        refused = gmp(*args)
        assert refused.returncode == 2 and message in refused.stderr, (args, refused.stderr)
