"""Run a jurisdiction's rule set over facts at a date and build the explained Verdict."""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field, fields, replace
from datetime import date
from functools import cache
from operator import attrgetter
from typing import Any

from atmpnav.errors import InputError, UnknownNameError
from atmpnav.facts import ProductFacts, fact_layout, fact_value, with_valid_fact
from atmpnav.law import JURISDICTIONS, priors
from atmpnav.law.ambiguities import AMBIGUITIES
from atmpnav.law.base import Answer, Blocked, Decision, Inquiry, Rule, RuleSet, StepRecord, Unresolved
from atmpnav.questions import QUESTIONS
from atmpnav.verdict import AmbiguityNote, Envelope, Missing, Step, Verdict

EXPLORE_BUDGET = 64  # rule-set runs spent estimating likely_outcome for an undetermined verdict
UNRESOLVED = "(unresolved)"
NEAR_TIE = 0.15  # best minus second probability below which the verdict says "open between", not "likely"
MIN_FACTS_FOR_ESTIMATE = 3  # with fewer known facts no likely outcome is shown
# Words every estimate note of the engine carries (_estimate), so a caller that replaces the estimate finds them.
PRIOR_WEIGHTED = "as often as their answers occur among known products"


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


@dataclass(frozen=True, slots=True)
class Leaf:
    """A decided run of the exploration: the open facts as answered on the way to it, the run and its decision."""

    answers: tuple[tuple[str, Any], ...]
    inquiry: Inquiry
    decision: Decision


@dataclass(frozen=True, slots=True)
class Exploration:
    """The open questions of an undetermined verdict answered every possible way (breadth-first, at most
    ``EXPLORE_BUDGET`` runs): what the engine's estimate rests on, handed on so no caller repeats it."""

    runs: Counter[str]  # outcome -> answer combinations that reach it
    mass: dict[str, float]  # outcome -> prior-weighted share (law/priors.py); ``UNRESOLVED`` for the rest
    leaves: tuple[Leaf, ...] = field(default=(), compare=False)
    # Every branch was decided within the budget, and every fact branched on was tried with all its possible
    # answers (a yes/no or a closed list; not a list of steps, where only representatives are tried).
    complete: bool = False

    @property
    def reachable(self) -> list[str]:
        return sorted(self.runs)


def answer_open_questions(rules: RuleSet, facts: ProductFacts, as_of: date, missing: list[str]) -> Exploration:
    """Each open question answered with each of its values (each weighted by how often it occurs among known
    products), following the questions the answers open in turn, until decided or the budget is spent."""
    runs: Counter[str] = Counter()
    mass: dict[str, float] = {}
    leaves: list[Leaf] = []
    exhaustive = True
    frontier: deque[tuple[ProductFacts, list[str], float, tuple[tuple[str, Any], ...]]] = deque(
        [(facts, missing, 1.0, ())])
    spent = 0
    while frontier and spent < EXPLORE_BUDGET:
        current, open_facts, weight, answered = frontier.popleft()
        fact = open_facts[0]
        values = _answers(fact)
        if not values:
            mass[UNRESOLVED] = mass.get(UNRESOLVED, 0.0) + weight
            continue
        exhaustive = exhaustive and _all_answers_tried(fact)
        for value, share in zip(values, _weights(fact), strict=True):
            candidate = with_valid_fact(current, fact, fact_value(fact, value))
            spent += 1
            inquiry, decision, _ = _run(rules, candidate, as_of)
            path = (*answered, (fact, value))
            if decision:
                key = decision.outcome
                runs[key] += 1
                leaves.append(Leaf(path, inquiry, decision))
            elif inquiry.missing and inquiry.missing[0] != fact:
                frontier.append((candidate, inquiry.missing, weight * share, path))
                continue
            else:
                key = UNRESOLVED
            mass[key] = mass.get(key, 0.0) + weight * share
    for _, _, weight, _ in frontier:
        mass[UNRESOLVED] = mass.get(UNRESOLVED, 0.0) + weight
    complete = exhaustive and UNRESOLVED not in mass
    return Exploration(runs=runs, mass=mass, leaves=tuple(leaves), complete=complete)


def _all_answers_tried(fact: str) -> bool:
    question = QUESTIONS.get(fact)
    return question is not None and question.kind in {"bool", "enum"}


STEP_CACHE_SIZE = 8192  # distinct steps kept; equal (rule, answer) pairs recur across verdicts
_step_cache: dict[tuple[Any, ...], tuple[Step, str | None]] = {}


def _step_key(record: StepRecord) -> tuple[Any, ...]:
    """What makes two recorded steps the same step: the rule version (a Rule hashes by identity) and its answer."""
    answer = record.answer
    return (record.rule, answer.value, answer.because, answer.facts)


def _steps(inquiry: Inquiry) -> tuple[list[Step], list[str], list[str]]:
    """The explained steps, the rules that fired (ordered, once each) and the notes of uncertain readings that
    answered. A step is immutable and fully given by its rule version and answer, so equal ones are built
    (validated) once and shared, with their note: building them was a third of the time of a verdict."""
    steps = []
    fired: dict[str, None] = {}
    uncertain: list[str] = []
    for record in inquiry.steps:
        rule, answer = record.rule, record.answer
        key = _step_key(record)
        built = _step_cache.get(key)
        if built is None:
            if len(_step_cache) >= STEP_CACHE_SIZE:
                _step_cache.clear()
            built = _step_cache[key] = _built_step(rule, answer)
        step, uncertain_note = built
        steps.append(step)
        if answer.value is None:
            continue
        fired[rule.id] = None
        if uncertain_note:
            uncertain.append(uncertain_note)
    return steps, list(fired), uncertain


def _built_step(rule: Rule, answer: Answer) -> tuple[Step, str | None]:
    """The step, and the note of the rule's uncertain reading when the answer rests on it (a yes or a value)."""
    step = Step(rule=rule.id, question=rule.question, answer=answer.label, basis=rule.citation,
                explanation=answer.because, confidence=rule.confidence, facts=list(answer.facts))
    uncertain = (answer.value is not None and answer.value is not False and bool(rule.reading)
                 and (rule.confidence == "U" or rule.reading.startswith("[U]")))
    return step, f"{rule.id}: {rule.reading}" if uncertain else None


@cache
def _ambiguity_note(code: str) -> AmbiguityNote:
    found = AMBIGUITIES[code]
    return AmbiguityNote(id=found.id, title=found.title, explanation=found.explanation)


@cache
def _missing_fact(path: str) -> Missing:
    q = QUESTIONS.get(path)
    return Missing(fact=path, question=q.text if q else path, help=q.help if q else "",
                   options=list(q.options) if q else [])


def _missing(paths: list[str]) -> list[Missing]:
    return [_missing_fact(path) for path in paths]


def classify_one(facts: ProductFacts, jurisdiction: str = "EU", as_of: date | str | None = None) -> Verdict:
    return classify_one_explored(facts, jurisdiction, as_of)[0]


def classify_one_explored(facts: ProductFacts, jurisdiction: str = "EU",
                          as_of: date | str | None = None) -> tuple[Verdict, Exploration | None]:
    """The verdict, and for an undetermined one the exploration its estimate rests on (None where the engine
    made none: decided, an open point of law, or too little known)."""
    rules = ruleset(jurisdiction)
    day = parse_date(as_of)
    inquiry, decision, open_question = _run(rules, facts, day)
    if decision:
        return _decided_verdict(rules, inquiry, decision), None
    explored = None
    if open_question is None and enough_facts_to_estimate(facts):
        explored = answer_open_questions(rules, facts, day, inquiry.missing)
        settled = _settled_by_cases(rules, inquiry, explored)
        if settled is not None:
            return settled, None
    verdict = Verdict.model_validate(_verdict_data(rules, inquiry))
    return verdict, _estimate(verdict, rules, open_question, explored)


def _verdict_data(rules: RuleSet, inquiry: Inquiry) -> dict[str, Any]:
    steps, fired, uncertain = _steps(inquiry)
    return {
        "jurisdiction": rules.jurisdiction,
        "outcome": "undetermined",
        "likely_outcome": "undetermined",
        "rules_fired": fired,
        "steps": steps,
        "missing": _missing(inquiry.missing),
        "ambiguities": [_ambiguity_note(code) for code in sorted(inquiry.ambiguities, key=lambda a: int(a[1:]))],
        "pathway_notes": inquiry.pathway_notes,
        "notes": inquiry.notes + uncertain,
        "origin": inquiry.origin,
        "as_of": inquiry.as_of.isoformat(),
        "ruleset": rules.version,
    }


def _decided_verdict(rules: RuleSet, inquiry: Inquiry, decision: Decision, **extra: Any) -> Verdict:
    data = _verdict_data(rules, inquiry)
    # Everything goes into the one validation: pydantic's setattr per field after it costs as much again.
    data.update(
        outcome=decision.outcome,
        likely_outcome=decision.outcome,
        regime=decision.regime,
        combined=decision.combined,
        combined_open=decision.combined_open,
        combination_product=decision.combination_product,
        lead_center=decision.lead_center,
        asrm_class=decision.asrm_class,  # validated by the JP rule set and by the Verdict
        advanced=(decision.advanced if decision.advanced is not None
                  else decision.outcome in rules.advanced_outcomes),
        **extra,
    )
    if data["ambiguities"]:
        # Decided on a contested point of law: no probability can be measured for that, so none is stated.
        data["confidence"] = None
        data["notes"].append("The rules decided, but on an open point of law ("
                             + ", ".join(a.id for a in data["ambiguities"])
                             + "): no confidence figure is given; see the explanation of each.")
    return Verdict.model_validate(data)


CASES_SHOWN = 6  # answer combinations spelt out in a by-cases note; the rest are counted
# A decision but its regime: what every case must agree on (read once from the dataclass, so a field added to
# Decision is compared too).
_shape = attrgetter(*(f.name for f in fields(Decision) if f.name != "regime"))


def _settled_by_cases(rules: RuleSet, blocked: Inquiry, explored: Exploration) -> Verdict | None:
    """A verdict decided by cases: every possible answer to the open questions leads the rules to the same
    classification (only the regime may differ). None unless the exploration tried every answer and all agree.

    The steps are the run up to the open question, then the steps every case shares (the same rule, answer and
    reason in each); a note names each case and the rules that decided it, so the argument can be checked."""
    leaves = explored.leaves
    if not explored.complete or not leaves:
        return None
    shape = _shape(leaves[0].decision)
    if any(_shape(leaf.decision) != shape for leaf in leaves[1:]):
        return None
    regimes = list(dict.fromkeys(leaf.decision.regime for leaf in leaves))
    if len(regimes) > 1 and None in regimes:  # "regime open" would name only the cases that have one
        return None

    shown = {_step_key(record) for record in blocked.steps}
    in_every = set.intersection(*({_step_key(record) for record in leaf.inquiry.steps} for leaf in leaves))
    common = [r for r in leaves[0].inquiry.steps if _step_key(r) in in_every and _step_key(r) not in shown]
    shown |= in_every
    merged = Inquiry(rules, blocked.facts, blocked.as_of)
    merged.steps = blocked.steps + common
    merged.missing = list(dict.fromkeys([*blocked.missing, *(f for leaf in leaves for f, _ in leaf.answers),
                                         *(f for leaf in leaves for f in leaf.inquiry.missing)]))
    merged.ambiguities = list(dict.fromkeys([*blocked.ambiguities,
                                             *(a for leaf in leaves for a in leaf.inquiry.ambiguities)]))
    merged.pathway_notes = [n for n in leaves[0].inquiry.pathway_notes
                            if all(n in leaf.inquiry.pathway_notes for leaf in leaves)]
    origins = {leaf.inquiry.origin for leaf in leaves}
    merged.origin = blocked.origin or (origins.pop() if len(origins) == 1 else None)
    merged.notes = list(dict.fromkeys([*blocked.notes, *(n for n in leaves[0].inquiry.notes
                                                         if all(n in leaf.inquiry.notes for leaf in leaves))]))
    merged.notes.append(_cases_note(leaves[0].decision.outcome, leaves, shown, regimes))
    regime_open = [r for r in regimes if r] if len(regimes) > 1 else []
    decision = leaves[0].decision if len(regimes) == 1 else replace(leaves[0].decision, regime=None)
    return _decided_verdict(rules, merged, decision, regime_open=regime_open, decided_by_cases=True)


def _cases_note(outcome: str, leaves: tuple[Leaf, ...], shown: set[tuple[Any, ...]], regimes: list[str | None]) -> str:
    facts = list(dict.fromkeys(f for leaf in leaves for f, _ in leaf.answers))
    cases = []
    for leaf in leaves[:CASES_SHOWN]:
        when = " and ".join(f"{fact} {_answer_label(value)}" for fact, value in leaf.answers)
        deciding = [f"{r.rule.id} {r.answer.label}" for r in leaf.inquiry.steps
                    if r.answer.value is not None and _step_key(r) not in shown]
        regime = f", regime {leaf.decision.regime}" if len(regimes) > 1 and leaf.decision.regime else ""
        cases.append(f"{when}: {outcome}{regime} ({', '.join(deciding) or 'by the steps shown'})")
    more = f"; and {len(leaves) - CASES_SHOWN} more combinations, each {outcome}" if len(leaves) > CASES_SHOWN else ""
    regime = " The regime depends on the answers: answer the open questions to settle it." if len(regimes) > 1 else ""
    return (f"Decided by cases: whichever way {', '.join(facts)} {'is' if len(facts) == 1 else 'are'} answered, "
            f"the rules reach {outcome}. {'; '.join(cases)}{more}.{regime}")


def _answer_label(value: Any) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return f"= {value}"


@cache
def _weights(fact: str) -> tuple[float, ...]:
    """The prior share of each of ``_answers(fact)``, in that order (fixed for a fact: computed once)."""
    return tuple(priors.weights(fact, _answers(fact)))


def _answers(fact: str) -> list[Any]:
    question = QUESTIONS.get(fact)
    if question is None:
        return []
    if question.kind == "bool":
        return [True, False]
    if question.kind == "list":
        return [["expansion"], ["cell_separation"]]  # a substantial step, or only Annex I steps
    return list(question.options)


def is_estimate_note(note: str) -> bool:
    """Whether ``note`` is the engine's estimate from answering the open questions (a likely outcome or a tie)."""
    return PRIOR_WEIGHTED in note


def enough_facts_to_estimate(facts: ProductFacts) -> bool:
    """Whether enough is known of a product for any estimate of its outcome (the engine's, or a text model's)."""
    return _facts_given(facts) >= MIN_FACTS_FOR_ESTIMATE


_NOT_COUNTED = frozenset({"name", "description", "indication", "special_category"})  # say nothing the rules read


def _facts_given(facts: ProductFacts) -> int:
    """The facts known: each known top-level fact, and each known fact of a sub-record or map."""
    count = 0
    for name, subs in fact_layout():
        value = getattr(facts, name)
        if value is None or name in _NOT_COUNTED:
            continue
        if subs is not None:
            count += sum(getattr(value, sub) is not None for sub in subs)
        elif isinstance(value, dict):
            count += sum(v is not None for v in value.values())
        else:
            count += 1
    return count


def _estimate(verdict: Verdict, rules: RuleSet, open_question: Unresolved | None,
              explored: Exploration | None) -> Exploration | None:
    """likely_outcome and confidence of an undetermined verdict: a probability, an open tie, or nothing.
    Returns the exploration the estimate rests on, if one was made."""
    verdict.confidence = None
    if open_question:
        verdict.open_legal_question = open_question.ambiguity
        advice = rules.open_question_advice or ("an EMA/CAT classification request (Art 17 of Regulation (EC) "
                                                "No 1394/2007) can settle it.")
        verdict.notes.insert(0, f"The law leaves this open (ambiguity {open_question.ambiguity}); {advice}")
        if open_question.likely:
            verdict.likely_outcome = open_question.likely
            verdict.notes.append(f"Likely {open_question.likely}: the product meets the other limbs of that "
                                 "definition. No probability is stated: the open point is one of law, not of fact.")
        return None
    if explored is None:
        verdict.notes.append("Too little is known about the product to estimate an outcome: answer the questions "
                             "listed.")
        return None
    mass = explored.mass
    ranked = sorted(((p, o) for o, p in mass.items() if o != UNRESOLVED), reverse=True)
    if not ranked:
        return explored
    shares = ", ".join(f"{o} {p:.0%}" for p, o in ranked)
    unresolved = mass.get(UNRESOLVED, 0.0)
    tail = f", not resolved within the search {unresolved:.0%}" if unresolved >= 0.005 else ""
    best_p, best = ranked[0]
    second_p = ranked[1][0] if len(ranked) > 1 else 0.0
    if best_p - second_p < NEAR_TIE:
        verdict.open_between = [o for p, o in ranked if best_p - p < NEAR_TIE]
        verdict.notes.append(f"Open between {' and '.join(verdict.open_between)}: answering the open questions "
                             f"{PRIOR_WEIGHTED} gives {shares}{tail}.")
        return explored
    verdict.likely_outcome = best
    verdict.confidence = round(priors.calibrated(best_p), 2)
    verdict.notes.append(f"Likely {best} (probability {verdict.confidence:.0%}): the open questions answered "
                         f"{PRIOR_WEIGHTED} give {shares}{tail}.")
    return explored


def classify(
    facts: ProductFacts,
    jurisdictions: list[str] | tuple[str, ...] = ("EU",),
    as_of: date | str | None = None,
) -> Envelope:
    """The contract's envelope: facts, one verdict per jurisdiction, precedents (filled by callers)."""
    return classify_explored(facts, jurisdictions, as_of)[0]


def classify_explored(
    facts: ProductFacts,
    jurisdictions: list[str] | tuple[str, ...] = ("EU",),
    as_of: date | str | None = None,
) -> tuple[Envelope, dict[str, Exploration | None]]:
    """The envelope, and per jurisdiction the exploration behind an undetermined verdict's estimate."""
    results = {j.upper(): classify_one_explored(facts, j, as_of) for j in jurisdictions}
    envelope = Envelope(facts=facts, verdicts={j: verdict for j, (verdict, _) in results.items()})
    return envelope, {j: explored for j, (_, explored) in results.items()}
