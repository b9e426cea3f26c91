"""Classify a plain description: extract facts with evidence, run the rules, add precedents.

``likely_outcome`` is always set for text input: from the rules when they decide; otherwise from
the engine's own estimate (open questions answered every possible way), with the most similar
precedents breaking a tie between the outcomes the engine found reachable; otherwise from the most
similar precedents alone. A likely outcome that the rules did not decide has confidence below 1
and its reason in ``notes``.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from atmpnav.engine import classify, classify_one, explore, parse_date, ruleset
from atmpnav.facts import get_fact, with_fact
from atmpnav.precedents import prior, search_cases, vote
from atmpnav.text.extract import Extraction, extract_facts
from atmpnav.verdict import Envelope, Verdict

VOTE_K = 5  # precedents consulted for a likely outcome
TIE = 0.5  # the engine's best share at or below which precedents may break the tie


def classify_text(
    text: str,
    indication: str | None = None,
    jurisdictions: tuple[str, ...] | list[str] = ("EU",),
    as_of: date | str | None = None,
    top: int = 5,
    *,
    exclude_id: str | None = None,
) -> Envelope:
    """Extract facts from ``text`` (and ``indication``), classify them and attach evidence and precedents.

    ``exclude_id`` leaves a corpus case (and the cases of the same product) out of the precedents,
    for leave-one-out evaluation.
    """
    day = parse_date(as_of)
    extraction = extract_facts(text, indication)
    envelope = classify(extraction.facts, tuple(jurisdictions), day)
    envelope.evidence = dict(extraction.evidence)
    query = text if not indication else f"{text}\n{indication}"
    need_likely = any(not v.determined and j == "EU" for j, v in envelope.verdicts.items())
    matches = search_cases(query, k=max(top, VOTE_K if need_likely else 0), exclude_id=exclude_id)
    envelope.precedents = [p for p, _ in matches[:top]] if top > 0 else []
    for jurisdiction, verdict in envelope.verdicts.items():
        _attach_evidence(verdict, extraction)
        if extraction.notes:
            verdict.notes.extend(f"From the text: {note}" for note in extraction.notes)
        if not verdict.determined and jurisdiction == "EU":
            _likely(verdict, extraction, day, matches[:VOTE_K])
    return envelope


def _attach_evidence(verdict: Verdict, extraction: Extraction) -> None:
    for step in verdict.steps:
        words = [extraction.evidence_for(path) for path in step.facts]
        unique = list(dict.fromkeys(w for w in words if w))
        step.evidence = "; ".join(unique) if unique else None


def _share_text(counter: Counter[str]) -> str:
    total = sum(counter.values())
    return ", ".join(f"{o} {n / total:.0%}" for o, n in counter.most_common())


def _assumptions(verdict: Verdict, extraction: Extraction) -> dict[str, object]:
    """Typical values of open scope facts, used only to estimate the likely outcome."""
    missing = {m.fact for m in verdict.missing}
    assumed: dict[str, object] = {}
    if "for_human_administration" in missing or "product_role" in missing:
        assumed["for_human_administration"] = True
        assumed["product_role"] = "finished_product"
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


_ENGINE_ESTIMATE = "Likely outcome from answering the open questions"


def _likely(verdict: Verdict, extraction: Extraction, day: date, matches: list) -> None:
    missing = [m.fact for m in verdict.missing]
    assumed = _assumptions(verdict, extraction)
    if assumed:
        facts = extraction.facts
        trial = verdict
        for _ in range(3):  # assumptions may open the next scope question (e.g. the vaccine exclusion)
            for path, value in assumed.items():
                facts = with_fact(facts, path, value)
            trial = classify_one(facts, verdict.jurisdiction, day)
            more = {k: v for k, v in _assumptions(trial, extraction).items() if k not in assumed}
            if trial.determined or not more:
                break
            assumed.update(more)
        verdict.notes = [n for n in verdict.notes if not n.startswith(_ENGINE_ESTIMATE)]
        said = " and ".join(dict.fromkeys(_SAID[k] for k in assumed))
        if trial.determined:
            verdict.likely_outcome = trial.outcome
            verdict.confidence = 0.8
            verdict.notes.append(f"Likely {trial.outcome}: assuming {said} (the text does not say so), the rules "
                                 f"decide {trial.outcome}.")
            return
        verdict.notes.append(f"For the estimate below it is assumed that {said} (the text does not say so).")
        verdict.likely_outcome, verdict.confidence = trial.likely_outcome, trial.confidence
        missing = [m.fact for m in trial.missing]
        extraction = Extraction(facts=facts, evidence=extraction.evidence, notes=extraction.notes)
        if trial.likely_outcome != "undetermined":
            verdict.notes.extend(n for n in trial.notes if n.startswith(_ENGINE_ESTIMATE))
    votes = vote(matches)
    ids = ", ".join(p.id for p, _ in matches)
    if verdict.likely_outcome != "undetermined":
        if (verdict.confidence or 0.0) > TIE * 0.9 or not votes:
            return
        # The engine's estimate is a tie: let the similar cases choose among the reachable outcomes.
        rules = ruleset(verdict.jurisdiction)
        reachable = explore(rules, extraction.facts, day, missing) if missing else Counter()
        best_share = max(reachable.values()) if reachable else 0
        tied = [o for o, n in reachable.items() if n == best_share]
        among = Counter({o: votes[o] for o in tied if votes[o] > 0})
        if len(tied) < 2 or not among:
            return
        choice = among.most_common(1)[0][0]
        if choice != verdict.likely_outcome:
            verdict.likely_outcome = choice
            verdict.notes.append(f"The open questions leave {' and '.join(sorted(tied))} equally possible; the most "
                                 f"similar known cases ({ids}) point to {choice}.")
        return
    if votes:
        choice, weight = votes.most_common(1)[0]
        share = weight / sum(votes.values())
        verdict.likely_outcome = choice
        verdict.confidence = round(min(0.8, 0.8 * share), 2)
        verdict.notes.append(f"The rules cannot decide from the text; likely {choice} from the most similar known "
                             f"cases ({ids}; similarity-weighted: {_share_text(votes)}). Similar, not binding.")
        return
    base = prior()
    choice, count = base.most_common(1)[0]
    verdict.likely_outcome = choice
    verdict.confidence = round(0.5 * count / sum(base.values()), 2)
    verdict.notes.append(f"The rules cannot decide and no similar known case was found; {choice} is only the most "
                         "common outcome among known cases. Answer the open questions to decide.")
