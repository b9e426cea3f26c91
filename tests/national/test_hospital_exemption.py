"""National hospital-exemption rules: shown only where the EU verdict notes the exemption (or the product is
made under one), by manufacturing.member_state, with their citations; NL stays at the EU baseline; the
pharma-package reform is a proposal note, never applied."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from atmpnav.assess import AssessmentInput, evaluate
from atmpnav.errors import DataFormatError, UnknownNameError
from atmpnav.national.hospital_exemption import DATA_FILE, load_hospital_exemption, national_rules
from tests.gmp.products import make

HE = {"non_routine": True, "hospital": True, "same_member_state": True, "individual_prescription": True,
      "specific_quality_standards": True, "practitioner_responsibility": True, "custom_made": True}


def exemption_items(member_state: str | None = None, *, he: dict | None = HE, stage: str | None = None,
                    as_of: str | None = None) -> list:
    manufacturing = {k: v for k, v in {"member_state": member_state, "stage": stage}.items() if v}
    facts = make("car_t", manufacturing or None, hospital_exemption=he)
    verdict = evaluate(AssessmentInput.of_facts(facts), ("EU",), as_of).verdicts["EU"]
    return [c for c in verdict.consequences if c.topic in {"exemption", "proposal"}]


@pytest.mark.parametrize(("code", "needles"), [
    ("DE", ["§4b Arzneimittelgesetz", "Paul-Ehrlich-Institut", "§13 AMG", "AMWHV §3(2)"]),
    ("FR", ["L.5121-1 17°", "ANSM", "Agence de la biomédecine", "5 years", "Annual activity report"]),
    ("ES", ["Real Decreto 477/2014", "AEMPS", "3 years", "no fees"]),
    ("BE", ["6quater", "FAMHP", "compassionate use"]),
    ("IT", ["Decreto ministeriale 16 January 2015", "AIFA", "[U]"]),
])
def test_member_state_rules_with_citations(code: str, needles: list[str]) -> None:
    items = exemption_items(code)
    national = " ".join(f"{c.text} {c.basis}" for c in items if c.topic == "exemption")
    for needle in needles:
        assert needle in national, (code, needle)


def test_netherlands_gets_only_the_eu_baseline() -> None:
    text = " ".join(c.text for c in exemption_items("NL") if c.topic == "exemption")
    assert "Only the EU baseline is given" in text and "non-routine basis" in text
    assert "Geneesmiddelenwet" in text and "[U]" in text
    assert national_rules("NL") is None


def test_other_member_state_and_unknown_code() -> None:
    assert "No national rules for AT are encoded" in " ".join(c.text for c in exemption_items("AT"))
    with pytest.raises(UnknownNameError):
        national_rules("XX")


def test_member_state_unknown_asks_for_it() -> None:
    text = " ".join(c.text for c in exemption_items(None))
    assert "manufacturing.member_state" in text and "DE" in text


def test_not_shown_without_the_exemption() -> None:
    assert [c for c in exemption_items("DE", he=None) if c.topic == "proposal"] == []
    shown = exemption_items("DE", he=None, stage="hospital_exemption")
    assert any("Germany" in c.text for c in shown)
    # Not an ATMP: nothing national.
    verdict = evaluate(AssessmentInput.of_facts(make("hsc", {"member_state": "DE", "stage": "hospital_exemption"}))
                       ).verdicts["EU"]
    assert not [c for c in verdict.consequences if c.topic == "proposal"]


def test_pharma_package_is_a_proposal_note() -> None:
    proposal = [c for c in exemption_items("FR") if c.topic == "proposal"]
    assert len(proposal) == 1 and proposal[0].text.startswith("Proposal, not law")
    assert "requires Official Journal confirmation" in proposal[0].basis


def test_dated_rules() -> None:
    assert national_rules("BE", date(2017, 8, 31)) is None
    assert national_rules("BE", date(2017, 9, 1)) is not None


def test_an_applied_proposal_is_refused(tmp_path: Path) -> None:
    data = yaml.safe_load(DATA_FILE.read_text())
    data["proposal"]["effective_from"] = "2026-01-01"
    bad = tmp_path / "he.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(DataFormatError, match="proposal"):
        load_hospital_exemption(str(bad))
