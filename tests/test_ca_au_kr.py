"""Canada, Australia, South Korea: consequences, dated rule versions, jurisdiction-only questions, sources."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from atmpnav.assess import AssessmentInput, evaluate
from atmpnav.engine import classify_one
from atmpnav.errors import InputError
from atmpnav.facts import parse_facts
from atmpnav.law import JURISDICTIONS
from atmpnav.questions import QUESTIONS, questions_for
from atmpnav.verdict import Verdict

CASES = Path(__file__).parent / "cases"
CODES = ("CA", "AU", "KR")


def _case(code: str, stem: str) -> dict[str, Any]:
    return yaml.safe_load((CASES / code.lower() / f"{stem}.yaml").read_text(encoding="utf-8"))


def _verdict(code: str, stem: str, as_of: str | None = None) -> Verdict:
    case = _case(code, stem)
    day = as_of or case["expect"].get("as_of", "2026-11-25")
    return evaluate(AssessmentInput.of_facts(parse_facts(case["facts"])), (code,), day).verdicts[code]


def _texts(verdict: Verdict) -> str:
    return "\n".join(f"{c.topic}: {c.text} [{c.basis}]" for c in verdict.consequences)


@pytest.mark.parametrize("code", CODES)
def test_every_case_has_consequences_each_with_a_legal_basis(code: str) -> None:
    for path in sorted((CASES / code.lower()).glob("*.yaml")):
        verdict = _verdict(code, path.stem)
        assert verdict.consequences, path.stem
        assert all(c.basis.strip() and c.text.strip() for c in verdict.consequences), path.stem


def test_canada_drug_route_and_atp_pathway_for_a_car_t() -> None:
    text = _texts(_verdict("CA", "ca-01"))
    for needle in ("Part C, Division 5", "C.08.002", "NOC/c", "Schedule G", "ss. 21.9-21.96", "Division 4"):
        assert needle in text


def test_canada_cto_registration_and_clinical_trial_exclusion() -> None:
    text = _texts(_verdict("CA", "ca-05"))
    assert "s. 3(2)" in text and "CSA Z900.1" in text and "s. 3(1)(f)" in text
    assert "NDS" not in text


def test_canada_vaccine_is_schedule_d_but_not_advanced_and_has_no_atp_item() -> None:
    verdict = _verdict("CA", "ca-14")
    assert verdict.outcome == "biologic drug (Schedule D)" and verdict.advanced is False
    assert "Schedule G" not in _texts(verdict)


def test_australia_class_route_and_gmo_licence() -> None:
    text = _texts(_verdict("AU", "au-01"))
    assert "Class 4" in text and "Part 3-2A" in text and "Gene Technology Act 2000" in text


def test_australia_excluded_hospital_car_t_keeps_the_gmo_licence_and_the_conditions() -> None:
    verdict = _verdict("AU", "au-04")
    text = _texts(verdict)
    assert verdict.outcome == "excluded (autologous)"
    assert "not advertised to consumers" in text and "Gene Technology Act 2000" in text


def test_australia_exempt_tier_keeps_adverse_event_reporting() -> None:
    text = _texts(_verdict("AU", "au-06"))
    assert "adverse event" in text and "Sch 5 and Sch 7" in text
    assert "Gene Technology" not in text


def test_korea_obligations_and_the_treatment_system_from_2025() -> None:
    now = _texts(_verdict("KR", "kr-01"))
    for needle in ("MFDS product approval", "Art 32", "Arts 34-36", "Act No. 20331"):
        assert needle in now
    before = _texts(_verdict("KR", "kr-01", as_of="2024-06-01"))
    assert "Act No. 20331" not in before and "Art 32" in before


def test_korea_not_advanced_products_name_their_own_law() -> None:
    assert "Human Tissue Act" in _texts(_verdict("KR", "kr-07"))
    assert "Internal Organs Transplant Act" in _texts(_verdict("KR", "kr-08"))


def test_korea_before_the_act_is_a_clear_input_error() -> None:
    facts = parse_facts(_case("KR", "kr-01")["facts"])
    with pytest.raises(InputError, match="2020-08-28"):
        classify_one(facts, "KR", "2019-01-01")


def test_australia_before_the_hospital_exclusion_says_it_is_not_encoded() -> None:
    facts = parse_facts(_case("AU", "au-05")["facts"])
    verdict = classify_one(facts, "AU", "2017-01-01")
    assert verdict.outcome == "biological class 4"
    assert any("4(q)" in note for note in verdict.notes)
    assert "AU-X1" not in verdict.rules_fired


def test_canada_rule_versions_follow_the_date() -> None:
    facts = parse_facts(_case("CA", "ca-05")["facts"])
    bases = {day: {s.rule: s.basis for s in classify_one(facts, "CA", day).steps}["CA-C2"]
             for day in ("2015-01-01", "2022-06-01", "2026-11-25")}
    assert "before 2020-02-04" in bases["2015-01-01"]
    assert bases["2022-06-01"].endswith("s. 3(1)")
    assert "2024-11-27" in bases["2026-11-25"]


def test_jurisdiction_questions_are_offered_only_for_their_jurisdictions() -> None:
    marked = {f: q for f, q in QUESTIONS.items() if q.jurisdictions}
    assert {"cells_or_tissues.transplant_into_another_person", "cells_or_tissues.made_in_hospital_au",
            "cells_or_tissues.minimally_manipulated_kr"} <= set(marked)
    def offered(codes: list[str]) -> set[str]:
        return {q.fact for q in questions_for(codes)}

    ours = {f for f, q in marked.items() if set(q.jurisdictions) & set(CODES)}
    assert not ours & offered(["EU", "US"])
    for code in CODES:
        mine = {f for f, q in marked.items() if code in q.jurisdictions}
        assert mine and mine <= offered([code.lower()])
        assert not {f for f in marked if code not in marked[f].jurisdictions} & offered([code])


@pytest.mark.parametrize("code", CODES)
def test_every_jurisdiction_question_is_read_by_its_rules(code: str) -> None:
    """A question marked for a jurisdiction names a fact its rules read in some case (or ask for)."""
    read: set[str] = set()
    for path in (CASES / code.lower()).glob("*.yaml"):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        verdict = classify_one(parse_facts(case["facts"]), code, case["expect"].get("as_of", "2026-11-25"))
        read |= {f for step in verdict.steps for f in step.facts} | {m.fact for m in verdict.missing}
    marked = {f for f, q in QUESTIONS.items() if code in q.jurisdictions}
    assert marked <= read, sorted(marked - read)


@pytest.mark.parametrize("code", CODES)
def test_rule_sets_state_their_sources_and_vocabulary(code: str) -> None:
    rules = JURISDICTIONS[code]
    assert rules.sources and rules.sources_as_of
    assert rules.advanced_outcomes
    for rule in rules.all_rules():
        assert rule.id.startswith(f"{code}-") and rule.citation and rule.question.endswith("?")
        if rule.confidence == "U":
            assert rule.reading, f"{rule.id} is uncertain but does not say why"


@pytest.mark.parametrize(("code", "stem", "path", "fact"), [
    # A judgement is derived from observable facts (issue 8): with the transgene's role unknown too, that is asked.
    ("KR", "kr-01", "nucleic_acid.effect_from_sequence", "nucleic_acid.transgene_role"),
    ("AU", "au-09", "cells_or_tissues.manipulations", "cells_or_tissues.manipulations"),
    # ... and "same function" asks what the cells are to do (the AU HPC test asked the judgement itself before).
    ("AU", "au-09", "cells_or_tissues.same_essential_function", "cells_or_tissues.intended_action"),
    ("CA", "ca-05", "cells_or_tissues.blood_component", "cells_or_tissues.blood_component"),
])
def test_an_unknown_deciding_fact_is_asked_never_guessed(code: str, stem: str, path: str, fact: str) -> None:
    data = _case(code, stem)["facts"]
    block, name = path.split(".")
    data[block].pop(name)
    if fact != path:  # the observable fact the judgement is derived from is unknown as well
        data[block].pop(fact.split(".")[1], None)
    verdict = classify_one(parse_facts(data), code, "2026-11-25")
    assert verdict.outcome == "undetermined"
    assert fact in [m.fact for m in verdict.missing]


def _interview(jurisdictions: tuple[str, ...]) -> list[str]:
    """Run the questionnaire with Holoclar's facts as the answers; return the facts asked, in order."""
    from datetime import date

    from atmpnav.fact_paths import get_fact
    from atmpnav.questionnaire import Session

    holoclar = parse_facts(_case("AU", "au-03")["facts"])
    session = Session(as_of=date(2026, 11, 25), jurisdictions=jurisdictions)
    asked: list[str] = []
    while (question := session.next_question()) is not None and len(asked) < 60:
        asked.append(question.fact)
        value = get_fact(holoclar, question.fact)
        if question.fact.endswith(".present") and value is None:
            value = False
        session.answer(question.fact, getattr(value, "value", value) if not isinstance(value, list)
                       else [getattr(v, "value", v) for v in value])
    return asked


def test_the_questionnaire_asks_a_jurisdictions_questions_only_when_it_is_selected() -> None:
    marked = {f for f, q in QUESTIONS.items() if q.jurisdictions}
    assert not set(_interview(("EU",))) & marked
    asked = _interview(("EU", "AU"))
    assert "cells_or_tissues.treating_practitioner_au" in asked
    assert not {f for f in asked if f in marked and "AU" not in QUESTIONS[f].jurisdictions}


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("fact", ["product_role", "for_human_administration"])
def test_the_scope_gate_asks_rather_than_assumes(code: str, fact: str) -> None:
    data = _case(code, f"{code.lower()}-01")["facts"]
    data.pop(fact)
    verdict = classify_one(parse_facts(data), code, "2026-11-25")
    assert verdict.outcome == "undetermined" and verdict.missing[0].fact == fact


@pytest.mark.parametrize("code", CODES)
def test_cases_state_the_advanced_flag_and_it_holds(code: str) -> None:
    for path in sorted((CASES / code.lower()).glob("*.yaml")):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        expect = case["expect"]
        verdict = classify_one(parse_facts(case["facts"]), code, expect.get("as_of", "2026-11-25"))
        if "advanced" in expect:
            assert verdict.advanced is expect["advanced"], path.stem
        by_outcome = verdict.outcome in JURISDICTIONS[code].advanced_outcomes
        # The contract's vocabularies cannot tell these apart, so the rules set the flag themselves: a Canadian
        # Schedule D vaccine or protein is not an advanced therapy; an Australian gene therapy medicine is.
        exception = (code, verdict.outcome) in {("CA", "biologic drug (Schedule D)"),
                                                ("AU", "not a biological: prescription medicine")}
        assert verdict.advanced == by_outcome or exception, path.stem


def test_routes_to_market_in_a_few_words() -> None:
    from atmpnav.consequences.au import au_route
    from atmpnav.consequences.ca import ca_route
    from atmpnav.consequences.kr import kr_route

    assert ca_route(_verdict("CA", "ca-01")) == "CTA, then NDS/NOC (NOC/c possible); ATP if in Schedule G [U]"
    assert ca_route(_verdict("CA", "ca-05")) == "CTO establishment registration"
    assert ca_route(_verdict("CA", "ca-14")) == "CTA, then NDS/NOC (NOC/c possible)"
    assert au_route(_verdict("AU", "au-01")) == "ARTG inclusion (Class 4 biological)"
    assert au_route(_verdict("AU", "au-04")) == "excluded from TGA regulation (hospital)"
    assert au_route(_verdict("AU", "au-09")) == "TGA standards for HPC"
    assert kr_route(_verdict("KR", "kr-01")) == "MFDS approval (advanced biological product)"
    assert kr_route(_verdict("KR", "kr-07")) == "Human Tissue Act (tissue bank)"
    for code, route in (("CA", ca_route), ("AU", au_route), ("KR", kr_route)):
        for path in sorted((CASES / code.lower()).glob("*.yaml")):
            text = route(_verdict(code, path.stem))
            assert text != "other regime" and len(text) <= 60, (path.stem, text)


def test_australia_transition_of_the_2018_autologous_reform() -> None:
    during = _texts(_verdict("AU", "au-01", as_of="2019-03-01"))
    assert "30 June 2019" in during
    assert "30 June 2019" not in _texts(_verdict("AU", "au-01"))


def test_a_known_fact_is_never_asked_again() -> None:
    """Found by the property test: AU's HPC test asked the processing steps after they were given, so answering
    what is asked never converged. It asks only what is still open."""
    facts = parse_facts({"product_role": "finished_product", "for_human_administration": True,
                         "cells_or_tissues": {"present": True, "source": "allogeneic", "blood_component": False,
                                              "tissue_origin": "bone_marrow", "manipulations": ["cutting"]}})
    verdict = classify_one(facts, "AU", "2026-11-25")
    assert verdict.outcome == "undetermined"
    assert [m.fact for m in verdict.missing] == ["cells_or_tissues.intended_action"]
