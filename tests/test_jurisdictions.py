"""Several regulators: vocabularies, sources, `-j all`, `atmpnav jurisdictions`, batch, and adding a jurisdiction."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from atmpnav.cli import app
from atmpnav.engine import classify_one
from atmpnav.errors import AtmpnavError, UnknownNameError
from atmpnav.facts import parse_facts
from atmpnav.law import JURISDICTIONS, expand_jurisdictions
from atmpnav.law.base import Answer, Decision, Inquiry, RuleSet
from atmpnav.questions import QUESTIONS, questions_for

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "src/atmpnav/data/examples/car-t.yaml"
runner = CliRunner()

# contract-part2.md §1 (plus `undetermined` everywhere)
CONTRACT_OUTCOMES = {
    "UK": {"GTMP", "sCTMP", "TEP", "not ATMP"},
    "CH": {"transplant product", "gene therapy product", "nucleic-acid medicinal product",
           "transplant (not a product)", "not ATMP"},
    "JP": {"regenerative medical product (cell-processed)", "regenerative medical product (gene therapy)",
           "not a regenerative medical product"},
}
UK_REGIMES = {"atmp", "hta_tissues_cells", "blood", "medical_device", "medicinal_product", "vaccine", "other"}


def test_vocabularies_are_the_contracts() -> None:
    for code, outcomes in CONTRACT_OUTCOMES.items():
        assert set(JURISDICTIONS[code].outcomes) == outcomes | {"undetermined"}, code


def test_every_case_outcome_is_in_its_vocabulary() -> None:
    for path in sorted((ROOT / "tests/cases").glob("*/*.yaml")):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        code = path.parent.name.upper()
        verdict = classify_one(parse_facts(case["facts"]), code, str(case["expect"].get("as_of", "2026-11-25")))
        assert verdict.outcome in JURISDICTIONS[code].outcomes, (path.name, verdict.outcome)
        if code == "UK" and verdict.determined:
            assert verdict.regime in UK_REGIMES, (path.name, verdict.regime)
        if verdict.determined and code in CONTRACT_OUTCOMES:
            assert verdict.advanced == (verdict.outcome in JURISDICTIONS[code].advanced_outcomes)
        if code != "JP":
            assert verdict.asrm_class is None


def test_every_rule_set_states_its_sources_and_currency() -> None:
    for code, rules in JURISDICTIONS.items():
        assert rules.sources and rules.sources_as_of and rules.outcomes, code
        assert all(rule.id.startswith((f"{code}-", "PROP-")) for rule in rules.all_rules()), code
    reference = (ROOT / "docs/rules-reference.md").read_text(encoding="utf-8")
    assert reference.count("How current:") == len(JURISDICTIONS)


def test_uncertain_rules_are_said_in_the_notes() -> None:
    kymriah = yaml.safe_load((ROOT / "src/atmpnav/data/products/kymriah.yaml").read_text(encoding="utf-8"))
    verdict = classify_one(parse_facts(kymriah), "CH", "2026-11-25")
    assert any(s.rule == "CH-G2" and s.confidence == "U" for s in verdict.steps)
    assert any(note.startswith("CH-G2: [U]") for note in verdict.notes)


def test_dated_versions_change_the_answer() -> None:
    facts = parse_facts(yaml.safe_load((ROOT / "src/atmpnav/data/products/zolgensma.yaml").read_text()))
    before, after = classify_one(facts, "JP", "2025-05-30"), classify_one(facts, "JP", "2025-05-31")
    assert (before.asrm_class, after.asrm_class) == (None, "I")
    uk_2024, uk_2025 = classify_one(facts, "UK", "2024-12-31"), classify_one(facts, "UK", "2025-01-01")
    licensing = [{s.rule: s.answer for s in v.steps}["UK-L1"] for v in (uk_2024, uk_2025)]
    assert licensing == ["GB licence; NI through the EU", "UK-wide"]


def test_expand_all_and_unknown_codes() -> None:
    assert expand_jurisdictions(["all"]) == list(JURISDICTIONS)
    assert expand_jurisdictions(["jp", "EU", "JP"]) == ["JP", "EU"]
    assert expand_jurisdictions(None) == ["EU"]
    with pytest.raises(UnknownNameError, match="known: EU"):
        expand_jurisdictions(["EU", "XX"])


def test_questions_serve_their_jurisdictions() -> None:
    jp_only = QUESTIONS["cells_or_tissues.cultured_or_processed_jp"]
    assert jp_only.jurisdictions == ("JP",)
    assert jp_only not in questions_for(["EU", "US"]) and jp_only in questions_for(["EU", "JP"])
    assert QUESTIONS["nucleic_acid.origin"] in questions_for(["CH"])
    # the JP-only fact is asked by the JP rules, never by the EU ones
    svf = parse_facts(yaml.safe_load((ROOT / "tests/cases/eu/tc-062.yaml").read_text())["facts"])
    assert "cells_or_tissues.cultured_or_processed_jp" in [m.fact for m in classify_one(svf, "JP").missing]
    for code in ("EU", "UK", "CH", "US"):
        assert all(QUESTIONS[m.fact].serves([code]) for m in classify_one(svf, code).missing)


def test_classify_all_prints_the_comparison_first() -> None:
    result = runner.invoke(app, ["classify", str(EXAMPLE), "-j", "all", "--as-of", "2026-11-25"])
    assert result.exit_code == 0, result.output
    table, details = result.output.split("Product:", 1)
    rows = {line.split()[0]: line for line in table.splitlines()[3:] if line[:2] in JURISDICTIONS}
    assert set(rows) == set(JURISDICTIONS)
    assert "GTMP" in rows["UK"] and "UK-P4" in rows["UK"] and "MHRA MA (UK-wide)" in rows["UK"]
    assert "transplant product" in rows["CH"] and "yes" in rows["CH"]
    assert "ASRM I" in rows["JP"] and "JP-1" in rows["JP"]
    assert "Uncertain points" in table and "CH-G2" in table
    for code in JURISDICTIONS:
        assert f"\n{code}: " in details


def test_single_jurisdiction_has_no_table() -> None:
    result = runner.invoke(app, ["classify", str(EXAMPLE), "-j", "JP", "--as-of", "2026-11-25"])
    assert result.exit_code == 0 and "Side by side" not in result.output
    assert result.output.startswith("Product:")


def test_jurisdictions_command_lists_every_rule_set() -> None:
    result = runner.invoke(app, ["jurisdictions", "--json"])
    rows = {row["code"]: row for row in json.loads(result.output)}
    assert set(rows) == set(JURISDICTIONS)
    assert rows["JP"]["version"] == JURISDICTIONS["JP"].version and "PMD Act" in rows["JP"]["sources"][0]
    assert "transplant (not a product)" in rows["CH"]["outcomes"]
    text = runner.invoke(app, ["jurisdictions"]).output
    assert "sources as of:" in text and "UK  United Kingdom" in text


def test_batch_in_several_jurisdictions(tmp_path: Path) -> None:
    from atmpnav.text.batch import batch_file, resolve_options

    source = tmp_path / "in.csv"
    source.write_text("id,text\n1,Autologous T cells transduced ex vivo with a lentiviral vector encoding an "
                      "anti-CD19 chimeric antigen receptor\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    batch_file(source, out, options=resolve_options(("EU", "JP"), "2026-11-25"))
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[:4] == ["id", "error", "eu_outcome", "eu_likely_outcome"] and "jp_advanced" in rows[0]
    assert rows[0]["jp_outcome"] in JURISDICTIONS["JP"].outcomes
    with pytest.raises(AtmpnavError):  # resuming with other jurisdictions is refused
        batch_file(source, out, options=resolve_options(("EU",), "2026-11-25"))
    cli = runner.invoke(app, ["batch", str(source), "-o", str(tmp_path / "cli.csv"), "-j", "uk", "-j", "CH"])
    assert cli.exit_code == 0, cli.output
    assert (tmp_path / "cli.csv").read_text().startswith("id,error,uk_outcome,")


# --- Adding a jurisdiction: only its module (here: this rule set), cases, docs and facts -----------


def _toy_ruleset() -> RuleSet:
    toy = RuleSet(jurisdiction="ZZ", name="Toyland", version="zz-1", advanced_outcomes=frozenset({"toy ATMP"}),
                  outcomes=("toy ATMP", "not a toy ATMP", "undetermined"), sources=("Toy Act 2026, s 1",),
                  sources_as_of="Read on 2026-12-01.")

    @toy.define("ZZ-1", title="Cells", question="Does it contain cells?", citation="Toy Act 2026, s 1(1)",
                confidence="K", valid_from=date(2026, 1, 1))
    def cells(c: Inquiry) -> Answer:
        present = c.fact("cells_or_tissues.present") if c.facts.cells_or_tissues else False
        return Answer(present, "Cells." if present else "No cells.", ("cells_or_tissues.present",),
                      missing=("cells_or_tissues.present",))

    def procedure(c: Inquiry) -> Decision:
        return Decision("toy ATMP" if c.ask("ZZ-1") else "not a toy ATMP")

    toy.procedure = procedure
    return toy


@pytest.fixture
def toy(monkeypatch: pytest.MonkeyPatch) -> RuleSet:
    ruleset = _toy_ruleset()
    monkeypatch.setitem(JURISDICTIONS, "ZZ", ruleset)
    return ruleset


def test_a_new_jurisdiction_appears_everywhere(toy: RuleSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from atmpnav import store

    monkeypatch.setenv(store.ENV_DATA_DIR, str(tmp_path / "data"))
    classified = runner.invoke(app, ["classify", str(EXAMPLE), "-j", "all", "--as-of", "2026-11-25"])
    assert classified.exit_code == 0, classified.output
    assert any(line.startswith("ZZ  toy ATMP") and "ZZ-1" in line for line in classified.output.splitlines())
    listed = json.loads(runner.invoke(app, ["jurisdictions", "--json"]).output)
    assert {"code": "ZZ", "version": "zz-1"}.items() <= next(r for r in listed if r["code"] == "ZZ").items()
    assert "ZZ-1" in runner.invoke(app, ["rules", "-j", "ZZ"]).output

    from fastapi.testclient import TestClient

    from atmpnav.web.app import create_app

    with TestClient(create_app(f"sqlite:///{tmp_path / 'toy.db'}")) as client:
        body: dict[str, Any] = {"facts": yaml.safe_load(EXAMPLE.read_text()), "jurisdictions": ["all"],
                                "as_of": "2026-11-25"}
        verdicts = client.post("/api/v1/classify", json=body).json()["verdicts"]
        assert verdicts["ZZ"]["outcome"] == "toy ATMP" and verdicts["ZZ"]["advanced"] is True
        catalogue = client.get("/api/v1/jurisdictions").json()
        assert [row["code"] for row in catalogue] == list(JURISDICTIONS)
        page = client.get("/compare", params={"a": "cells_or_tissues.present=true", "as_of": "2026-11-25"}).text
        assert 'id="row-ZZ"' in page and 'href="#j-ZZ"' in page and "Toyland" in page
    store.dispose_engines()


@pytest.mark.parametrize("path", sorted((ROOT / "src/atmpnav/data/products").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_eu_authorised_atmp_is_advanced_in_uk_ch_and_jp(path: Path) -> None:
    """Authorised EU ATMPs: the same category in the UK (reg 2A mirrors the EU definitions), a transplant or gene
    therapy product in Switzerland, a regenerative medical product in Japan."""
    from atmpnav.facts import load_facts

    facts = load_facts(path)
    eu, uk, ch, jp = (classify_one(facts, code, "2026-11-25") for code in ("EU", "UK", "CH", "JP"))
    assert uk.outcome == eu.outcome and uk.regime == "atmp"
    assert ch.advanced and jp.advanced, (ch.outcome, jp.outcome)
    cells = facts.cells_or_tissues is not None and facts.cells_or_tissues.present
    assert jp.outcome == ("regenerative medical product (cell-processed)" if cells else
                          "regenerative medical product (gene therapy)")
    assert ch.outcome == ("transplant product" if cells else "gene therapy product")
