"""Classify a plain description: extract facts with evidence, run the rules, add precedents.

The order of authority is: the user's answers, then what the description says, then the domain
defaults and claims read from the indication (listed in ``Envelope.assumptions``). The rules decide
from the facts that result; a verdict that rests on an assumption says so in its notes, and each
step that read an assumed fact shows the assumption as its evidence.

``likely_outcome`` of an EU verdict the rules cannot decide is, in this order: the outcome the rules
decide once typical scope facts are assumed (said in the notes); else the outcome the text model
(:mod:`atmpnav.text.model`) rates highest among the outcomes the open questions can still lead to,
labelled a *statistical estimate* with the words that weighed most; else the engine's own estimate
(the open questions answered every possible way), with the most similar precedents breaking a tie;
else a similarity-weighted vote of the precedents above :data:`~atmpnav.precedents.MIN_SIMILARITY`,
named and labelled a statistical estimate. ``confidence`` stays the engine's calibrated probability
only where the engine's own estimate stands, and is ``None`` otherwise (bench/accuracy.py measures
each estimate on text it was not trained on).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date
from typing import Any

from pydantic import ValidationError

from atmpnav.engine import (
    Exploration,
    classify_explored,
    classify_one_explored,
    enough_facts_to_estimate,
    is_estimate_note,
    parse_date,
)
from atmpnav.errors import FactsError
from atmpnav.fact_paths import get_fact
from atmpnav.facts import ProductFacts, with_fact
from atmpnav.precedents import Case, search_cases, strongest, vote
from atmpnav.text.extract import Extraction, extract_facts
from atmpnav.text.model import TextModel, shipped_model
from atmpnav.verdict import Envelope, Precedent, Verdict

VOTE_K = 5  # precedents consulted for a likely outcome
STATISTICAL = "Statistical estimate (not a rule step)"


def classify_text(
    text: str,
    indication: str | None = None,
    jurisdictions: tuple[str, ...] | list[str] = ("EU",),
    as_of: date | str | None = None,
    top: int = 5,
    *,
    exclude_id: str | None = None,
    answers: Mapping[str, Any] | None = None,
    defaults: bool = True,
    text_model: TextModel | None = None,
) -> Envelope:
    """Extract facts from ``text`` (and ``indication``), apply ``answers``, classify, attach evidence.

    ``answers`` (fact path -> value) beat what the text says and any assumption. ``defaults=False``
    reads the text alone (no domain defaults, no claims from the indication). ``exclude_id`` leaves
    a corpus case (and the cases of the same product) out of the precedents, for leave-one-out
    evaluation; ``text_model`` replaces the shipped text model likewise (bench/accuracy.py passes
    one trained without the description).
    """
    day = parse_date(as_of)
    extraction = extract_facts(text, indication, defaults=defaults)
    if answers:
        extraction = apply_answers(extraction, answers)
    envelope, explorations = classify_explored(extraction.facts, tuple(jurisdictions), day)
    envelope.evidence = dict(extraction.evidence)
    envelope.assumptions = list(extraction.assumptions)
    envelope.answers = dict(answers or {})
    query = text if not indication else f"{text}\n{indication}"
    need_likely = any(not v.determined and j == "EU" for j, v in envelope.verdicts.items())
    matches = search_cases(query, k=max(top, VOTE_K if need_likely else 0), exclude_id=exclude_id) \
        if top > 0 or need_likely else []
    envelope.precedents = [p for p, _ in matches[:top]] if top > 0 else []
    for jurisdiction, verdict in envelope.verdicts.items():
        _attach_evidence(verdict, extraction)
        if extraction.notes:
            verdict.notes.extend(f"From the text: {note}" for note in extraction.notes)
        if not verdict.determined and jurisdiction == "EU":
            _likely(verdict, explorations[jurisdiction], extraction, day, matches[:VOTE_K], query, text_model)
    return envelope


def apply_answers(extraction: Extraction, answers: Mapping[str, Any]) -> Extraction:
    """The extraction with the user's answers set (validated); answered facts lose their assumption."""
    facts: ProductFacts = extraction.facts
    problems = []
    for path, value in answers.items():
        try:
            facts = with_fact(facts, path, value)
        except (ValidationError, AttributeError, KeyError, ValueError, TypeError) as exc:
            problems.append(f"{path}: {_first_error(exc)}")
    if problems:
        raise FactsError("answers", problems)
    evidence = dict(extraction.evidence)
    for path, value in answers.items():
        evidence[path] = f"(answered: {_show(value)})"
    assumptions = [a for a in extraction.assumptions if a.fact not in answers]
    return Extraction(facts=facts, evidence=dict(sorted(evidence.items())), notes=extraction.notes,
                      assumptions=assumptions)


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        return f"{err['msg']} (got {err.get('input')!r})"
    return "no such fact (see `atmpnav schema facts`)"


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    return str(value)


def _attach_evidence(verdict: Verdict, extraction: Extraction) -> None:
    assumed = {a.fact: a for a in extraction.assumptions}
    rests_on: dict[str, str] = {}
    steps = []
    for step in verdict.steps:
        words = []
        for path in step.facts:
            assumption = assumed.get(path)
            if assumption is not None:
                words.append(f"assumed {assumption.said}: {assumption.because}")
                rests_on[path] = assumption.said
            else:
                word = extraction.evidence_for(path)
                if word:
                    words.append(word)
        evidence = "; ".join(dict.fromkeys(words)) if words else None
        # steps are immutable (shared between verdicts): new evidence goes on a copy, none needs none
        steps.append(step if evidence == step.evidence else step.model_copy(update={"evidence": evidence}))
    verdict.steps = steps
    if rests_on and verdict.determined:
        said = "; ".join(f"{path}: {s}" for path, s in rests_on.items())
        verdict.notes.insert(0, f"This outcome rests on assumptions the text does not state ({said}). "
                             "Answer these facts to confirm or change it.")


_SCOPE_ASSUMED = {
    "for_human_administration": (True, "it is given to patients"),
    "product_role": ("finished_product", "it is the finished product"),
}


def _scope_assumptions(verdict: Verdict, extraction: Extraction) -> dict[str, Any]:
    """Typical values of open scope facts, used only to estimate the likely outcome."""
    missing = {m.fact for m in verdict.missing}
    assumed: dict[str, Any] = {}
    if missing & set(_SCOPE_ASSUMED):
        assumed.update({k: v for k, (v, _) in _SCOPE_ASSUMED.items()})
    infection_named = "vaccine_against_infectious_disease" in extraction.evidence
    vaccine_open = {"vaccine_against_infectious_disease", "disease_target"} & missing
    if vaccine_open and not infection_named:
        assumed["vaccine_against_infectious_disease"] = False
    return {k: v for k, v in assumed.items() if k in missing or get_fact(extraction.facts, k) is None}


_SAID = {
    "for_human_administration": "it is given to patients",
    "product_role": "it is the finished product",
    "vaccine_against_infectious_disease": "it is not a vaccine against an infectious disease",
}


def _likely(verdict: Verdict, explored: Exploration | None, extraction: Extraction, day: date,
            matches: list[tuple[Precedent, Case]], text: str, text_model: TextModel | None) -> None:
    # The engine's confidence is a calibrated probability of its own estimate from these facts; an
    # estimate changed here (assumed scope facts, precedents) has no calibration, so it has none.
    missing = [m.fact for m in verdict.missing]
    assumed = _scope_assumptions(verdict, extraction)
    facts = extraction.facts
    if assumed:
        verdict.confidence = None
        trial = verdict
        for _ in range(3):  # assumptions may open the next scope question (e.g. the vaccine exclusion)
            for path, value in assumed.items():
                facts = with_fact(facts, path, value)
            trial, explored = classify_one_explored(facts, verdict.jurisdiction, day)
            more = {k: v for k, v in _scope_assumptions(trial, extraction).items() if k not in assumed}
            if trial.determined or not more:
                break
            assumed.update(more)
        # the engine's estimate from the facts as read gives way to the one with the assumptions
        verdict.notes = [n for n in verdict.notes if not is_estimate_note(n)]
        said = " and ".join(dict.fromkeys(_SAID[k] for k in assumed))
        verdict.open_between = list(trial.open_between)
        if trial.determined:
            verdict.likely_outcome = trial.outcome
            verdict.notes.append(f"Likely {trial.outcome}: assuming {said} (the text does not say so), the rules "
                                 f"decide {trial.outcome}.")
            return
        verdict.notes.append(f"For the estimate below it is assumed that {said} (the text does not say so).")
        verdict.likely_outcome = trial.likely_outcome
        missing = [m.fact for m in trial.missing]
        verdict.notes.extend(n for n in trial.notes if is_estimate_note(n))
    votes = vote(matches)
    named = ", ".join(f"{p.id} ({c.kind_label})" for p, c in matches if c.vote)
    if _estimate_from_words(verdict, facts, missing, explored, text, text_model or shipped_model(), votes, named):
        return
    if verdict.likely_outcome != "undetermined":
        if not votes:
            return
        # Where the engine's estimate is a tie, the similar cases choose among the reachable outcomes. Where the
        # engine explored nothing (an open point of law), its reading of the law stands.
        reachable = explored.runs if missing and explored else Counter()
        best_share = max(reachable.values()) if reachable else 0
        tied = [o for o, n in reachable.items() if n == best_share]
        among = {o: votes.get(o, 0.0) for o in tied if votes.get(o, 0.0) > 0}
        if len(tied) < 2 or not among:
            return
        choice = strongest(among)[0]
        if choice != verdict.likely_outcome:
            verdict.likely_outcome, verdict.confidence = choice, None
            verdict.notes.append(f"{STATISTICAL}: the open questions leave {' and '.join(sorted(tied))} equally "
                                 f"possible; the most similar known cases ({named}) point to {choice}.")
        return
    if votes:
        choice, weight = strongest(votes)
        share = weight / sum(votes.values())
        verdict.likely_outcome, verdict.confidence = choice, None
        verdict.notes.append(f"{STATISTICAL}: the rules cannot decide from the text; likely {choice} from the most "
                             f"similar known cases ({named}; similarity-weighted share {share:.0%}). Similar, "
                             "not binding.")
        return
    verdict.notes.append("The rules cannot decide and no sufficiently similar known case was found. Answer the "
                         "open questions to decide.")


def _estimate_from_words(verdict: Verdict, facts: ProductFacts, missing: list[str], explored: Exploration | None,
                         text: str, model: TextModel, votes: dict[str, float], named: str) -> bool:
    """The text model's choice among the outcomes still open; False where it does not apply.

    It does not apply to an open point of law (the engine's reading of the law stands), nor where
    too little is known or no outcome is reachable by answering the open questions.
    """
    if verdict.open_legal_question or not missing or explored is None or not enough_facts_to_estimate(facts):
        return False
    reachable = [o for o in explored.reachable if o in model.classes]
    if not reachable:
        return False
    scores = model.scores(text)
    choice = scores.best(reachable)
    if choice is None:
        return False
    words = ", ".join(f"'{w}'" for w in scores.words.get(choice, ())) or "none in particular"
    precedents = ""
    if votes:
        pointed = strongest(votes)[0]
        precedents = f" The most similar known cases ({named}) point to {pointed}."
    if choice != verdict.likely_outcome:
        # the engine's facts-only estimate stays as information; its probability was of another outcome
        verdict.notes = [_facts_only(n) for n in verdict.notes]
        verdict.likely_outcome, verdict.confidence = choice, None
    among = reachable[0] if len(reachable) == 1 else f"{', '.join(reachable[:-1])} or {reachable[-1]}"
    verdict.notes.append(
        f"{STATISTICAL}: likely {choice}. The open questions can still lead to {among}; of these, a text model "
        f"trained on {model.about.get('examples', 'the')} labelled descriptions and summaries rates {choice} highest "
        f"for these words (most telling: {words}). Its scores are not calibrated, so no probability is stated."
        f"{precedents}"
    )
    return True


def _facts_only(note: str) -> str:
    """The engine's estimate note, reworded once another estimate replaces its outcome."""
    if note.startswith("Likely ") and is_estimate_note(note):
        return "From the facts alone (not the words): " + note.split(": ", 1)[1]
    return note
