"""The questionnaire's planning: what decides, what could still decide after "I don't know",
what a complete record needs; "what if"; the terminal questionnaire."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from atmpnav.cli import app
from atmpnav.fact_paths import get_fact
from atmpnav.facts import load_facts
from atmpnav.questionnaire import Session, is_borderline, plan, what_if
from atmpnav.questions import QUESTIONS

DAY = date(2026, 11, 25)
ROOT = Path(__file__).resolve().parents[1]
CAR_T = load_facts(ROOT / "src/atmpnav/data/products/kymriah.yaml")  # observable facts, no overrides
runner = CliRunner()


def walk(session: Session, source, limit: int = 60) -> list[tuple[str, str]]:
    """Answer every question from ``source`` (absent sub-record -> not present; unknown -> skip)."""
    asked = []
    for _ in range(limit):
        pending = session.pending()
        if not pending:
            return asked
        fact = pending[0].fact
        asked.append((fact, pending[0].reason))
        value = get_fact(source, fact)
        block = fact.partition(".")[0]
        if value is None and fact.endswith(".present") and getattr(source, block) is None:
            value = False
        if value is None:
            session.skip(fact)
            continue
        value = [v.value for v in value] if isinstance(value, list) else getattr(value, "value", value)
        session.answer(fact, value)
    raise AssertionError(f"the questionnaire did not end: {asked}")


def test_dont_know_leaves_the_other_branches_open() -> None:
    session = Session(as_of=DAY)
    session.answer("product_role", "finished_product")
    session.answer("for_human_administration", True)
    session.skip("nucleic_acid.present")
    pending = session.pending()
    assert pending and pending[0].fact == "cells_or_tissues.present"
    assert pending[0].reason == "could_decide"
    assert ("nucleic_acid.present", False) in pending[0].assuming
    # The nucleic acid's own details are never asked while its presence is unknown.
    asked = walk(session, CAR_T)
    facts = [f for f, _ in asked]
    assert not any(f.startswith("nucleic_acid.") for f in facts)
    assert {"cells_or_tissues.manipulations", "device.present"} <= set(facts)
    verdict = session.verdict()
    assert verdict.outcome == "undetermined"
    assert [m.fact for m in verdict.missing] == ["nucleic_acid.present"]
    assert session.open_facts() == ["nucleic_acid.present"]


def test_car_t_walk_through_records_the_cells() -> None:
    session = Session(as_of=DAY)
    asked = walk(session, CAR_T)
    reasons = dict(asked)
    assert session.verdict().outcome == "GTMP"
    # GTMP is decided on the vector; the cells are still asked, for a complete record.
    for fact in ("cells_or_tissues.present", "cells_or_tissues.manipulations", "cells_or_tissues.viability"):
        assert reasons.get(fact) == "completes", asked
    assert session.facts().cells_or_tissues.present is True
    assert "expansion" in [m.value for m in session.facts().cells_or_tissues.manipulations]


def test_a_complete_record_depends_on_the_jurisdictions() -> None:
    eu, both = Session(as_of=DAY), Session(as_of=DAY, jurisdictions=("EU", "US"))
    eu_facts = {f for f, _ in walk(eu, CAR_T)}
    both_facts = {f for f, _ in walk(both, CAR_T)}
    assert eu_facts < both_facts
    assert set(both.verdicts()) == {"EU", "US"}
    assert all(QUESTIONS[f] for f in both_facts)


def test_plan_is_empty_when_everything_is_known() -> None:
    assert plan(CAR_T, (), ("EU",), DAY) == []


def test_what_if_names_the_answer_that_decides_and_the_ones_that_flip() -> None:
    session = Session(as_of=DAY)
    session.answer("product_role", "finished_product")
    session.answer("for_human_administration", True)
    session.skip("nucleic_acid.present")
    walk(session, CAR_T)
    items = {item.fact: item for item in session.what_if()}
    open_item = items["nucleic_acid.present"]
    assert open_item.current is None
    by_value = {alt.values: alt for alt in open_item.alternatives}
    assert by_value[(False,)].outcomes == {"EU": "sCTMP"}
    assert by_value[(True,)].then_asks == QUESTIONS["nucleic_acid.origin"].text
    assert items["product_role"].alternatives[0].outcomes == {"EU": "not ATMP"}


def test_what_if_of_a_decided_verdict_only_lists_real_changes() -> None:
    session = Session(as_of=DAY)
    walk(session, CAR_T)
    items = what_if(session.facts(), session.verdicts(), DAY)
    assert items, "a CAR-T's outcome turns on its vector"
    for item in items:
        for alt in item.alternatives:
            assert alt.outcomes and all(o not in ("GTMP", "undetermined") for o in alt.outcomes.values())
    assert "nucleic_acid.transgene_role" in {i.fact for i in items}  # a safety switch only: not GTMP
    assert not is_borderline(session.verdict()) or session.verdict().ambiguities


def test_ask_dont_know_labels_jurisdictions_and_name(tmp_path: Path) -> None:
    out = tmp_path / "answers.yaml"
    answers = ["My CAR-T", "Autologous T cells with a CAR", "1", "yes", "?", "yes", "1", "1",
               "cell separation, expansion", "treat, prevent or diagnose a disease", "no", "quit"]
    result = runner.invoke(app, ["ask", "-j", "EU", "-j", "US", "--save", str(out)], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "Product name" in result.output.split("\n")[2]
    assert "1. finished product   2. starting material   ?. don't know" in result.output
    assert "finished_product" not in result.output.split("Reasoning")[0]
    assert "Could still decide the EU outcome" in result.output
    assert "EU: UNDETERMINED" in result.output and "US:" in result.output
    assert "Still open" in result.output and "What would change the outcome" in result.output
    saved = yaml.safe_load(out.read_text())
    assert saved["name"] == "My CAR-T"
    assert "present" not in saved.get("nucleic_acid", {})


def test_ask_keeps_numbered_items_whole_on_a_line() -> None:
    answers = ["", "", "finished_product", "yes", "no", "yes", "intact_cells", "viable"]
    result = runner.invoke(app, ["ask"], input="\n".join(answers) + "\n")
    listing = [line for line in result.output.splitlines() if "cryopreservation" in line and "1. cutting" not in line]
    lines = [line for line in result.output.splitlines() if ". " in line and line.startswith("  ")]
    for line in lines:
        assert not line.rstrip().endswith(tuple(f"{n}." for n in range(1, 30)))
    assert any("16. expansion" in line for line in lines), listing


def test_ask_exits_non_zero_at_end_of_input(tmp_path: Path) -> None:
    out = tmp_path / "partial.yaml"
    result = runner.invoke(app, ["ask", "--save", str(out)], input="\n\nfinished_product\n")
    assert result.exit_code != 0
    assert yaml.safe_load(out.read_text())["product_role"] == "finished_product"


def test_ask_refuses_an_unknown_jurisdiction() -> None:
    result = runner.invoke(app, ["ask", "-j", "XX"], input="")
    assert result.exit_code != 0


def test_what_if_command(tmp_path: Path) -> None:
    result = runner.invoke(app, ["what-if", str(ROOT / "src/atmpnav/data/products/kymriah.yaml"), "--json"])
    assert result.exit_code == 0, result.output
    import json

    data = json.loads(result.output)
    assert data["verdicts"] == {"EU": "GTMP"}
    assert any(item["fact"] == "nucleic_acid.transgene_role" for item in data["what_if"])


@pytest.mark.parametrize("fact", sorted(QUESTIONS))
def test_every_question_has_labels_without_underscores(fact: str) -> None:
    from atmpnav.questionnaire import help_text, option_label

    question = QUESTIONS[fact]
    for option in question.options:
        assert "_" not in option_label(option)
        assert option not in help_text(question) or "_" not in option
