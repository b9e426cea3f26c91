"""Run a jurisdiction's rule set over facts at a date and build the explained Verdict."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from atmpnav.errors import InputError, UnknownNameError
from atmpnav.facts import ProductFacts, with_fact
from atmpnav.law import JURISDICTIONS
from atmpnav.law.base import Blocked, Decision, Inquiry, RuleSet, Unresolved
from atmpnav.questions import QUESTIONS
from atmpnav.verdict import Envelope, Missing, Verdict

EXPLORE_BUDGET = 64  # rule-set runs spent estimating likely_outcome for an undetermined verdict


def ruleset(jurisdiction: str) -> RuleSet:
    try:
        return JURISDICTIONS[jurisdiction.upper()]
    except KeyError:
        raise UnknownNameError("jurisdiction", jurisdiction, sorted(JURISDICTIONS)) from None


def parse_date(text: str | date | None) -> date:
    """An ISO date (YYYY-MM-DD); None means today."""
    if text is None:
        return date.today()
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"invalid date {text!r}: expected YYYY-MM-DD, e.g. 2026-11-25") from None


def _run(rules: RuleSet, facts: ProductFacts, as_of: date) -> tuple[Inquiry, Decision | None, Unresolved | None]:
    inquiry = Inquiry(rules, facts, as_of)
    assert rules.procedure is not None
    try:
        return inquiry, rules.procedure(inquiry), None
    except Blocked:
        return inquiry, None, None
    except Unresolved as open_question:
        inquiry.flag(open_question.ambiguity)
        return inquiry, None, open_question


def explore(rules: RuleSet, facts: ProductFacts, as_of: date, missing: list[str]) -> Counter[str]:
    """Outcomes reachable by answering the missing facts every possible way (breadth-first, bounded)."""
    outcomes: Counter[str] = Counter()
    frontier: list[tuple[ProductFacts, list[str]]] = [(facts, missing)]
    runs = 0
    while frontier and runs < EXPLORE_BUDGET:
        current, open_facts = frontier.pop(0)
        fact = open_facts[0]
        question = QUESTIONS.get(fact)
        if question is None:
            continue
        values: list[Any] = [True, False] if question.kind == "bool" else list(question.options)
        if question.kind == "list":
            values = [[v] for v in ("expansion", "cell_separation")]  # one substantial, one Annex I
        for value in values:
            candidate = with_fact(current, fact, value)
            runs += 1
            inquiry, decision, _ = _run(rules, candidate, as_of)
            if decision:
                outcomes[decision.outcome] += 1
            elif inquiry.missing and inquiry.missing[0] != fact:
                frontier.append((candidate, inquiry.missing))
    return outcomes


def _steps(inquiry: Inquiry) -> list[dict[str, Any]]:
    # Plain dicts, validated once with the Verdict (pydantic-core is faster on one big dict).
    return [
        {
            "rule": record.rule.id,
            "question": record.rule.question,
            "answer": record.answer.label,
            "basis": record.rule.citation,
            "explanation": record.answer.because,
            "confidence": record.rule.confidence,
            "facts": list(record.answer.facts),
        }
        for record in inquiry.steps
    ]


def _missing(paths: list[str]) -> list[Missing]:
    out = []
    for path in paths:
        q = QUESTIONS.get(path)
        out.append(Missing(fact=path, question=q.text if q else path, help=q.help if q else "",
                           options=list(q.options) if q else []))
    return out


def classify_one(facts: ProductFacts, jurisdiction: str = "EU", as_of: date | str | None = None) -> Verdict:
    rules = ruleset(jurisdiction)
    day = parse_date(as_of)
    inquiry, decision, open_question = _run(rules, facts, day)
    fired = []
    for record in inquiry.steps:
        if record.answer.value is not None and record.rule.id not in fired:
            fired.append(record.rule.id)
    notes = list(inquiry.notes)
    for record in inquiry.steps:
        uncertain = record.rule.confidence == "U" or record.rule.reading.startswith("[U]")
        if uncertain and record.answer.value not in (None, False) and record.rule.reading:
            notes.append(f"{record.rule.id}: {record.rule.reading}")
    verdict = Verdict.model_validate({
        "jurisdiction": rules.jurisdiction,
        "outcome": "undetermined",
        "likely_outcome": "undetermined",
        "rules_fired": fired,
        "steps": _steps(inquiry),
        "missing": _missing(inquiry.missing),
        "ambiguities": sorted(inquiry.ambiguities, key=lambda a: int(a[1:])),
        "pathway_notes": inquiry.pathway_notes,
        "notes": notes,
        "origin": inquiry.origin,
        "as_of": day.isoformat(),
        "ruleset": rules.version,
    })
    if decision:
        verdict.outcome = verdict.likely_outcome = decision.outcome
        verdict.regime = decision.regime
        verdict.combined = decision.combined
        verdict.combination_product = decision.combination_product
        verdict.lead_center = decision.lead_center
        verdict.advanced = (decision.advanced if decision.advanced is not None
                            else decision.outcome in rules.advanced_outcomes)
    else:
        _estimate(verdict, rules, facts, day, inquiry, open_question)
    return verdict


def _estimate(verdict: Verdict, rules: RuleSet, facts: ProductFacts, day: date, inquiry: Inquiry,
              open_question: Unresolved | None) -> None:
    """likely_outcome and confidence of an undetermined verdict."""
    verdict.confidence = 0.0
    if open_question:
        verdict.open_legal_question = open_question.ambiguity
        verdict.notes.insert(0, f"The law leaves this open (ambiguity {open_question.ambiguity}); an EMA/CAT "
                             "classification request (Art 17 of Regulation (EC) No 1394/2007) can settle it.")
        if open_question.likely:
            verdict.likely_outcome = open_question.likely
            verdict.confidence = 0.6
            verdict.notes.append(f"Likely {open_question.likely}: the product meets the other limbs of that "
                                 "definition.")
        return
    reachable = explore(rules, facts, day, inquiry.missing)
    if reachable:
        best, count = reachable.most_common(1)[0]
        total = sum(reachable.values())
        verdict.likely_outcome = best
        verdict.confidence = round(count / total * 0.9, 2)
        shares = ", ".join(f"{o} {n}/{total}" for o, n in reachable.most_common())
        verdict.notes.append(f"Likely outcome from answering the open questions every possible way: {shares}.")


def classify(
    facts: ProductFacts,
    jurisdictions: list[str] | tuple[str, ...] = ("EU",),
    as_of: date | str | None = None,
) -> Envelope:
    """The contract's envelope: facts, one verdict per jurisdiction, precedents (filled by callers)."""
    return Envelope(facts=facts, verdicts={j.upper(): classify_one(facts, j, as_of) for j in jurisdictions})
