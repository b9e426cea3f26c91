"""A questionnaire that asks what the rules still need (CLI `ask` and the web form share it).

What to ask next is worked out from the rule sets alone, generically over ``Verdict.missing``
and the facts model, so that a new question in ``questions.py`` flows in without a change here:

1. **What decides now**: a fact some chosen jurisdiction's rules stop at, not yet answered or
   skipped ("I don't know").
2. **What could still decide**: a skipped fact blocks the rules at that point, so the rules are
   run once per possible answer of the skipped fact (treating it as unknown, not as any one
   value) and the facts those branches stop at are asked. Facts of a sub-record whose presence
   was skipped (``nucleic_acid.*`` after "don't know" to ``nucleic_acid.present``) are not asked:
   one cannot describe what one does not know is there.
3. **What the record needs to be complete**: every sub-record with a ``present`` flag (nucleic
   acid, cells or tissues, device) is asked about, and each one present is classified on its own
   (the other sub-records taken as absent) so that the facts its own rules read are asked too;
   a CAR-T product decided GTMP on its vector still gets its cells described.

:func:`what_if` answers "which single answer would change the outcome, and to what".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from atmpnav.assess import AssessmentInput, evaluate
from atmpnav.engine import parse_date, ruleset
from atmpnav.fact_paths import get_fact
from atmpnav.facts import ProductFacts, with_fact
from atmpnav.law.base import Blocked, Inquiry, Unresolved
from atmpnav.questions import QUESTIONS, Question, coerce_answer
from atmpnav.verdict import Envelope, Verdict

UNDETERMINED = "undetermined"
#: Bound on rule-set runs spent exploring the answers of skipped facts (each run is ~0.1 ms).
BRANCH_BUDGET = 160
BRANCH_DEPTH = 3
DONT_KNOW_WORDS = frozenset({"?", "dk", "don't know", "dont know", "don’t know", "unknown", "not known",
                             "i don't know", "i dont know", "skip"})

# Labels for the options whose value does not read well with underscores replaced.
OPTION_LABELS: dict[str, str] = {
    "treat_prevent_diagnose": "treat, prevent or diagnose a disease",
    "regenerate_repair_replace": "regenerate, repair or replace a tissue",
    "none": "none of these",
    "intact_cells": "intact cells or tissue",
    "pharmacological_immunological_metabolic": "pharmacological, immunological or metabolic",
    "physical_structural": "physical or structural",
    "nucleic_acid_encoded": "yes, editor delivered as DNA or mRNA",
    "protein_only": "yes, editor delivered as protein or RNP",
    "safety_switch": "safety switch (suicide gene)",
    "manufacturing_tool": "manufacturing tool (e.g. immortalisation)",
}


def option_label(option: str) -> str:
    """An option value in words: ``finished_product`` -> ``finished product``."""
    return OPTION_LABELS.get(option, option.replace("_", " "))


def value_label(value: Any) -> str:
    if value is None:
        return "not known"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, list):
        return ", ".join(option_label(str(v)) for v in value) if value else "none"
    return option_label(str(getattr(value, "value", value)))


def initial_facts() -> ProductFacts:
    """Nothing known yet: the sub-records exist with `present` unknown, so the rules ask about them."""
    return ProductFacts(nucleic_acid={"present": None}, cells_or_tissues={"present": None},
                        device={"present": None})


@lru_cache(maxsize=1)
def presence_blocks() -> tuple[str, ...]:
    """The sub-records of the facts model that carry a ``present`` flag, in declaration order."""
    from pydantic import BaseModel

    blocks = []
    for name, info in ProductFacts.model_fields.items():
        for candidate in getattr(info.annotation, "__args__", (info.annotation,)):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel) and "present" in candidate.model_fields:
                blocks.append(name)
    return tuple(blocks)


def candidate_values(fact: str) -> list[Any]:
    """Every answer a question allows (a list question: none, or each step on its own)."""
    question = QUESTIONS[fact]
    if question.kind == "bool":
        return [True, False]
    if question.kind == "list":
        return [[], *([option] for option in question.options)]
    return list(question.options)


# --------------------------------------------------------------------------- one rule-set run


@dataclass(frozen=True)
class Probe:
    """One run of a rule set: the outcome (or undetermined) and the facts it stopped at."""

    outcome: str
    missing: tuple[str, ...]


def probe(jurisdiction: str, facts: ProductFacts, as_of: date) -> Probe:
    """Run the rules without the engine's estimate of a likely outcome (cheap enough to branch on)."""
    rules = ruleset(jurisdiction)
    assert rules.procedure is not None
    inquiry = Inquiry(rules, facts, as_of)
    try:
        decision = rules.procedure(inquiry)
    except (Blocked, Unresolved):
        return Probe(UNDETERMINED, tuple(inquiry.missing))
    return Probe(decision.outcome, tuple(inquiry.missing))


def _try_fact(facts: ProductFacts, fact: str, value: Any) -> ProductFacts | None:
    try:
        return with_fact(facts, fact, value)
    except ValueError:  # pydantic's ValidationError: a combination the facts model refuses
        return None


# --------------------------------------------------------------------------- what to ask


@dataclass(frozen=True)
class Pending:
    """A question still to ask and why: ``decides`` | ``could_decide`` | ``completes``."""

    fact: str
    reason: str
    jurisdiction: str
    assuming: tuple[tuple[str, Any], ...] = ()

    @property
    def question(self) -> Question:
        return QUESTIONS[self.fact]

    def explain(self) -> str:
        if self.reason == "decides":
            return f"The {self.jurisdiction} rules need this to decide."
        if self.reason == "could_decide":
            cond = " and ".join(f"“{_short(QUESTIONS[f].text, 48)}” turns out to be {value_label(v)}"
                                for f, v in self.assuming)
            return f"Could still decide the {self.jurisdiction} outcome: it matters if {cond}."
        return f"For a complete record under {self.jurisdiction} rules (the outcome does not depend on it)."


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def help_text(question: Question) -> str:
    """The question's help with option values in words (``intact_cells`` -> ``intact cells``)."""
    text = question.help
    for option in sorted(question.options, key=len, reverse=True):
        if "_" in option:
            text = text.replace(option, option.replace("_", " "))
    return text


def _depends_on_skipped(fact: str, skipped: Iterable[str]) -> bool:
    """A fact of a sub-record whose presence the user does not know."""
    block = fact.partition(".")[0]
    return any(s == f"{block}.present" and fact != s for s in skipped)


def plan(facts: ProductFacts, skipped: Sequence[str], jurisdictions: Sequence[str], as_of: date) -> list[Pending]:
    """The questions still worth asking, most useful first (see the module docstring)."""
    skip = set(skipped)

    def askable(fact: str) -> bool:
        # A jurisdiction's own questions only when it is selected (Question.jurisdictions).
        return (fact in QUESTIONS and fact not in skip and not _depends_on_skipped(fact, skip)
                and QUESTIONS[fact].serves(jurisdictions))

    found: dict[str, Pending] = {}
    runs = {j: probe(j, facts, as_of) for j in jurisdictions}
    for j, run in runs.items():
        for fact in run.missing:
            if askable(fact):
                found.setdefault(fact, Pending(fact, "decides", j))
    if found:
        return list(found.values())

    # 2. Branch on the skipped facts the rules stopped at.
    budget = BRANCH_BUDGET
    for j, run in runs.items():
        frontier: list[tuple[ProductFacts, tuple[tuple[str, Any], ...], tuple[str, ...]]] = [(facts, (), run.missing)]
        while frontier and budget > 0:
            current, assumed, missing = frontier.pop(0)
            for fact in missing:
                if askable(fact):
                    found.setdefault(fact, Pending(fact, "could_decide", j, assumed))
                    continue
                if fact not in skip or fact not in QUESTIONS or len(assumed) >= BRANCH_DEPTH:
                    continue
                for value in candidate_values(fact):
                    branch = _try_fact(current, fact, value)
                    if branch is None or budget <= 0:
                        continue
                    budget -= 1
                    result = probe(j, branch, as_of)
                    if result.missing:
                        frontier.append((branch, (*assumed, (fact, value)), result.missing))
    if found:
        return list(found.values())

    # 3. A complete record: each sub-record asked about, and each present one described.
    for block in presence_blocks():
        # An absent sub-record means "none" in the facts model; only an unknown `present` is asked.
        record = getattr(facts, block)
        if record is not None and record.present is None and askable(f"{block}.present"):
            found.setdefault(f"{block}.present", Pending(f"{block}.present", "completes", jurisdictions[0]))
    if found:
        return list(found.values())
    for block in presence_blocks():
        if get_fact(facts, f"{block}.present") is not True:
            continue
        alone = facts
        for other in presence_blocks():
            if other != block and getattr(alone, other) is not None:
                alone = _try_fact(alone, f"{other}.present", False) or alone
        for j in jurisdictions:
            for fact in probe(j, alone, as_of).missing:
                if askable(fact) and get_fact(facts, fact) is None:
                    found.setdefault(fact, Pending(fact, "completes", j))
    return list(found.values())


# --------------------------------------------------------------------------- what if


@dataclass(frozen=True)
class Alternative:
    values: tuple[Any, ...]  # the answers (one or several) that lead to the same outcomes
    outcomes: dict[str, str]  # jurisdiction -> outcome it would have (only where it changes)
    then_asks: str | None = None  # for an open fact that decides nothing yet: the next question

    def label(self) -> str:
        return " or ".join(value_label(v) for v in self.values)


@dataclass(frozen=True)
class WhatIf:
    """One fact whose answer alone would change (or decide) the outcome."""

    fact: str
    question: str
    current: Any  # None: not known
    alternatives: tuple[Alternative, ...]


def what_if(facts: ProductFacts, verdicts: dict[str, Verdict], as_of: date,
            skipped: Sequence[str] = ()) -> list[WhatIf]:
    """For the open facts and the answered facts the reasoning read: which single other answer would
    change a jurisdiction's outcome, and to what. Open facts come first."""
    base = {j: v.outcome for j, v in verdicts.items()}
    open_facts: list[str] = []
    for v in verdicts.values():
        open_facts += [m.fact for m in v.missing]
    open_facts += list(skipped)
    read: list[str] = []
    for v in verdicts.values():
        for step in v.steps:
            read += step.facts
    candidates = [f for f in dict.fromkeys(open_facts + read) if f in QUESTIONS]
    results = []
    for fact in candidates:
        current = get_fact(facts, fact)
        current_plain = _plain(current)
        grouped: dict[tuple[tuple[tuple[str, str], ...], str | None], list[Any]] = {}
        for value in candidate_values(fact):
            if value == current_plain:
                continue
            changed = _try_fact(facts, fact, value)
            if changed is None:
                continue
            runs = {j: probe(j, changed, as_of) for j in verdicts}
            differs = tuple((j, r.outcome) for j, r in runs.items() if r.outcome not in (base[j], UNDETERMINED))
            then_asks = None
            if not differs and current is None:
                # An open fact: say what answering it would lead to, even when it decides nothing yet.
                nxt = next((m for r in runs.values() for m in r.missing if m in QUESTIONS and m != fact), None)
                then_asks = QUESTIONS[nxt].text if nxt else None
                if then_asks is None:
                    continue
            elif not differs:
                continue
            grouped.setdefault((differs, then_asks), []).append(value)
        if grouped:
            alternatives = tuple(Alternative(tuple(values), dict(key), asks) for (key, asks), values in grouped.items())
            results.append(WhatIf(fact, QUESTIONS[fact].text, current_plain, alternatives))
    return results


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [getattr(v, "value", v) for v in value]
    return getattr(value, "value", value)


def is_borderline(verdict: Verdict) -> bool:
    """Decided, but on a reading we mark uncertain or with a known ambiguity of the law."""
    if not verdict.determined:
        return False
    uncertain = any(s.confidence == "U" and s.answer not in ("unknown", "no") for s in verdict.steps)
    return bool(verdict.ambiguities) or uncertain or verdict.open_legal_question is not None


# --------------------------------------------------------------------------- the session


@dataclass
class Session:
    """Answers given so far, in order (so any answer can be changed), and the facts skipped."""

    as_of: date
    answers: list[tuple[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    jurisdictions: tuple[str, ...] = ("EU",)
    name: str | None = None
    description: str | None = None
    order: list[str] = field(default_factory=list)  # facts in the order they were answered or skipped
    # What the current answers give, computed once each (a page asks for the facts three times); rebuilt when the
    # answers change. Callers never assign onto the facts they get (the engine and the views only read them).
    _facts: tuple[Any, ProductFacts] | None = field(default=None, repr=False, compare=False)
    _envelope: tuple[Any, Envelope] | None = field(default=None, repr=False, compare=False)

    def _key(self) -> Any:
        return (tuple((f, str(v)) for f, v in self.answers), self.jurisdictions, self.as_of, self.name,
                self.description)

    def facts(self) -> ProductFacts:
        key = self._key()
        if self._facts is None or self._facts[0] != key:
            facts = initial_facts()
            for path, value in self.answers:
                facts = with_fact(facts, path, value)
            if self.name or self.description:
                facts = facts.model_copy(update={"name": self.name or None,
                                                 "description": self.description or None})
            self._facts = (key, facts)
        return self._facts[1]

    def envelope(self) -> Envelope:
        key = self._key()
        if self._envelope is None or self._envelope[0] != key:
            self._envelope = (key, evaluate(AssessmentInput.of_facts(self.facts()), self.jurisdictions, self.as_of))
        return self._envelope[1]

    def verdicts(self) -> dict[str, Verdict]:
        return self.envelope().verdicts

    def verdict(self) -> Verdict:
        """The first chosen jurisdiction's verdict."""
        return self.verdicts()[self.jurisdictions[0]]

    def pending(self) -> list[Pending]:
        return plan(self.facts(), self.skipped, self.jurisdictions, self.as_of)

    def next_question(self) -> Question | None:
        found = self.pending()
        return found[0].question if found else None

    def what_if(self) -> list[WhatIf]:
        return what_if(self.facts(), self.verdicts(), self.as_of, self.skipped)

    def open_facts(self) -> list[str]:
        """Skipped facts the rules still stop at (what keeps a verdict undetermined)."""
        needed = {m.fact for v in self.verdicts().values() for m in v.missing}
        return [f for f in self.skipped if f in needed]

    def answer(self, path: str, value: Any) -> None:
        self.answers = [(p, v) for p, v in self.answers if p != path]
        self.answers.append((path, value))
        self.skipped = [p for p in self.skipped if p != path]
        self._acted(path)

    def skip(self, path: str) -> None:
        self.answers = [(p, v) for p, v in self.answers if p != path]
        if path not in self.skipped:
            self.skipped.append(path)
        self._acted(path)

    def _acted(self, path: str) -> None:
        self.order = [p for p in self.order if p != path] + [path]

    def back(self) -> str | None:
        """Undo the most recent answer or skip; returns its fact."""
        if not self.order:
            return None
        last = self.order.pop()
        self.answers = [(p, v) for p, v in self.answers if p != last]
        self.skipped = [p for p in self.skipped if p != last]
        return last


def facts_to_yaml(facts: ProductFacts) -> str:
    import yaml

    data = facts.model_dump(mode="json", exclude_none=True)
    for block in presence_blocks():
        if data.get(block) == {}:
            data.pop(block)  # an unanswered block stays unknown only while asking; saved, it would mean "none"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


# --------------------------------------------------------------------------- the terminal


class EndOfInput(Exception):
    """The input ended before the questionnaire did."""


def render_what_if(items: list[WhatIf]) -> str:
    if not items:
        return "No single answer would change the outcome.\n"
    lines = ["What would change the outcome (one answer at a time):"]
    for item in items:
        lines.append(f"  - {item.question} (now: {value_label(item.current)})")
        for alt in item.alternatives:
            outcomes = "; ".join(f"{j}: {o}" for j, o in alt.outcomes.items())
            if alt.then_asks:
                outcomes = f"still open; next question: {alt.then_asks}"
            lines.append(f"      if {alt.label()} -> {outcomes}")
    return "\n".join(lines) + "\n"


def _options_block(question: Question) -> list[str]:
    if question.kind == "bool":
        return ["  1. yes   2. no   ?. don't know"]
    labels = [f"{n}. {option_label(o)}" for n, o in enumerate(question.options, 1)]
    lines: list[str] = []
    line = ""
    for label in [*labels, "?. don't know"]:
        # Numbered items stay whole on one line; a line wraps only between items.
        if len(line) + len(label) + 3 > 100 and line:
            lines.append(line.rstrip())
            line = ""
        line += "  " + label + " "
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _coerce(question: Question, raw: str) -> Any:
    """A typed answer: a number, the option's words or its name; ValueError says what is allowed."""
    text = raw.strip()
    if question.kind == "bool":
        if text in {"1", "2"}:
            return text == "1"
        return coerce_answer(question.fact, text)
    by_words = {option_label(o).lower(): o for o in question.options} | {o: o for o in question.options}
    allowed = ", ".join(f"{n} {option_label(o)}" for n, o in enumerate(question.options, 1))

    def one(item: str) -> str:
        item = item.strip().lower()
        if item.isdigit() and 1 <= int(item) <= len(question.options):
            return question.options[int(item) - 1]
        if item in by_words:
            return by_words[item]
        if item.replace(" ", "_") in by_words:
            return by_words[item.replace(" ", "_")]
        raise ValueError(f"{item!r} is not an option; choose by number or words: {allowed}")

    if question.kind == "enum":
        return one(text)
    if text.lower() in {"none", "-", "0"}:
        return []
    return list(dict.fromkeys(one(item) for item in text.replace(";", ",").split(",") if item.strip()))


def run_terminal(
    save: Path | None = None,
    as_of: str | None = None,
    jurisdictions: Sequence[str] = ("EU",),
    read: Callable[[str], str] | None = None,
    write: Callable[[str], None] | None = None,
    answers: Sequence[tuple[str, Any]] = (),
    assumed: Sequence[str] = (),
) -> Envelope:
    """Ask in the terminal until nothing is left to ask; print the verdicts, what would change them,
    and optionally save the facts. End of input before the end raises :class:`EndOfInput` (after
    saving the answers given so far, when asked to save)."""
    import typer

    from atmpnav.views.text import render_verdict

    echo = write or typer.echo
    ask = read or (lambda prompt: input(prompt))
    codes = tuple(dict.fromkeys(j.upper() for j in jurisdictions)) or ("EU",)
    for code in codes:
        ruleset(code)  # an unknown jurisdiction is refused before the first question
    session = Session(as_of=parse_date(as_of), jurisdictions=codes)
    for path, value in answers:  # pre-filled, e.g. from a description (`ask --from-text`)
        session.answer(path, value)
    if answers:
        echo(f"Starting from {len(answers)} facts read from the description.")
        for fact in assumed:
            echo(f"  assumed {fact} = {dict(answers).get(fact)} (the text does not say; 'back' changes it)")
        echo("")

    def prompt(text: str) -> str:
        try:
            return ask(text)
        except EOFError:
            if save is not None:
                save.write_text(facts_to_yaml(session.facts()), encoding="utf-8")
                echo(f"\nSaved the answers given so far to {save}")
            raise EndOfInput(f"input ended before the questionnaire finished ({len(session.answers)} answers, "
                             f"{len(session.skipped)} not known)") from None

    echo(f"Jurisdictions: {', '.join(codes)}. Answer each question; '?' means you don't know, 'back' changes "
         "the previous answer, 'quit' stops. Options can be typed or chosen by number.\n")
    session.name = prompt("Product name (optional): ").strip()[:200] or None
    session.description = prompt("Short description (optional): ").strip()[:2000] or None
    echo("")
    while True:
        pending = session.pending()
        if not pending:
            break
        question = pending[0].question
        echo(question.text)
        if pending[0].reason != "decides":
            echo(f"  [{pending[0].explain()}]")
        if question.help:
            echo(f"  ({help_text(question)})")
        for line in _options_block(question):
            echo(line)
        raw = prompt("> ")
        command = raw.strip().lower()
        if command == "quit":
            break
        if command == "back":
            changed = session.back()
            echo(f"  (changing: {QUESTIONS[changed].text})\n" if changed else "  (nothing to go back to)\n")
            continue
        if command in DONT_KNOW_WORDS:
            session.skip(question.fact)
            echo("")
            continue
        try:
            session.answer(question.fact, _coerce(question, raw))
        except ValueError as err:
            echo(f"  {err}\n")
            continue
        echo("")
    envelope = session.envelope()
    for verdict in envelope.verdicts.values():
        echo(render_verdict(verdict))
    open_facts = session.open_facts()
    if open_facts:
        echo("Still open (answered “don't know”): " + "; ".join(QUESTIONS[f].text for f in open_facts) + "\n")
    if any(not v.determined or is_borderline(v) for v in envelope.verdicts.values()):
        echo(render_what_if(session.what_if()))
    if save is not None:
        save.write_text(facts_to_yaml(session.facts()), encoding="utf-8")
        echo(f"Saved the answers to {save}")
    return envelope
