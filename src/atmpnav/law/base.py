"""Rules as code: a rule is a small unit with an id, a question, a citation and dates.

A jurisdiction is a :class:`RuleSet`: its rules (each id may have several versions that apply
between different dates) and a decision procedure that asks them in order. The procedure reads
facts only through :class:`Inquiry`, which records every step, the facts each step read, and
stops with the missing facts when a deciding fact is unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from atmpnav.errors import InputError, UnknownNameError
from atmpnav.fact_paths import get_fact
from atmpnav.facts import ProductFacts

Confidence = Literal["V", "K", "U"]


# The classes made on every step write their __init__ out: compiled (atmpnav/compiled.py), a dataclass's generated
# __init__ would still run in the interpreter, a third of the cost of a step.
@dataclass(slots=True, init=False)
class Answer:
    """What a rule found: yes/no/None (unknown) or a short value, and why."""

    value: bool | str | None
    because: str
    facts: tuple[str, ...]
    missing: tuple[str, ...]  # facts to ask when value is None
    ambiguities: tuple[str, ...]

    def __init__(self, value: bool | str | None, because: str, facts: tuple[str, ...] = (),
                 missing: tuple[str, ...] = (), ambiguities: tuple[str, ...] = ()) -> None:
        self.value = value
        self.because = because
        self.facts = facts
        self.missing = missing
        self.ambiguities = ambiguities

    @property
    def label(self) -> str:
        if self.value is True:
            return "yes"
        if self.value is False:
            return "no"
        if self.value is None:
            return "unknown"
        return str(self.value)


Test = Callable[["Inquiry"], Answer]


@dataclass(slots=True, init=False)
class Derivation:
    """A legal judgement reached from observable facts (e.g. 'same essential function' from the source
    tissue and what the cells are to do), with the precedent or guidance that supports it."""

    value: bool | None
    because: str
    facts: tuple[str, ...]
    missing: tuple[str, ...]  # observable facts to ask when value is None
    support: str  # precedent or guidance behind the derivation

    def __init__(self, value: bool | None, because: str, facts: tuple[str, ...] = (), missing: tuple[str, ...] = (),
                 support: str = "") -> None:
        self.value = value
        self.because = because
        self.facts = facts
        self.missing = missing
        self.support = support


def _label(value: Any) -> str:
    return {True: "yes", False: "no"}.get(value, str(value))


@dataclass(frozen=True, eq=False)  # one object per rule version: compared and hashed by identity (engine step cache)
class Rule:
    id: str
    title: str
    question: str
    citation: str
    confidence: Confidence
    test: Test | None = None
    valid_from: date | None = None
    valid_to: date | None = None  # last day the version applies
    status: Literal["in_force", "proposal"] = "in_force"
    ambiguities: tuple[str, ...] = ()
    reading: str = ""  # where our reading is uncertain or departs from the spec, said openly

    def applies_on(self, day: date) -> bool:
        if self.status != "in_force":
            return False
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_to and day > self.valid_to)

    def period(self) -> str:
        start = self.valid_from.isoformat() if self.valid_from else "…"
        end = self.valid_to.isoformat() if self.valid_to else "…"
        if self.status == "proposal":
            return "proposal, not in force"
        return f"{start} to {end}"


class Blocked(Exception):
    """A deciding fact is unknown: the verdict is undetermined until it is answered."""


class Unresolved(Exception):
    """The law itself leaves the question open (an ambiguity A1-A20, law/ambiguities.py)."""

    def __init__(self, ambiguity: str, likely: str | None = None) -> None:
        super().__init__(ambiguity)
        self.ambiguity = ambiguity
        self.likely = likely


@dataclass(init=False)
class Decision:
    outcome: str
    regime: str | None
    combined: bool
    advanced: bool | None  # None: the rule set's ``advanced_outcomes`` decide
    combination_product: bool  # US: 21 CFR Part 3
    lead_center: str | None  # US: CBER | CDER | CDRH
    asrm_class: str | None  # JP only: ASRM class I | II | III (Verdict.asrm_class)
    combined_open: bool  # the category is decided; whether it is combined waits on device facts

    def __init__(self, outcome: str, regime: str | None = None, combined: bool = False, advanced: bool | None = None,
                 combination_product: bool = False, lead_center: str | None = None, asrm_class: str | None = None,
                 combined_open: bool = False) -> None:
        self.outcome = outcome
        self.regime = regime
        self.combined = combined
        self.advanced = advanced
        self.combination_product = combination_product
        self.lead_center = lead_center
        self.asrm_class = asrm_class
        self.combined_open = combined_open


@dataclass(slots=True, init=False)
class StepRecord:
    rule: Rule
    answer: Answer

    def __init__(self, rule: Rule, answer: Answer) -> None:
        self.rule = rule
        self.answer = answer


@dataclass(slots=True, init=False)
class Inquiry:
    """One run of a rule set over facts at a date: the facts, the steps, what is missing."""

    ruleset: RuleSet
    facts: ProductFacts
    as_of: date
    steps: list[StepRecord]
    missing: list[str]
    ambiguities: list[str]
    notes: list[str]
    pathway_notes: list[str]
    origin: str | None
    # The facts do not change during a run, and rules read the same facts many times: each path is read once.
    _values: dict[str, Any] = field(repr=False)

    def __init__(self, ruleset: RuleSet, facts: ProductFacts, as_of: date) -> None:
        self.ruleset = ruleset
        self.facts = facts
        self.as_of = as_of
        self.steps = []
        self.missing = []
        self.ambiguities = []
        self.notes = []
        self.pathway_notes = []
        self.origin = None
        self._values = {}

    def fact(self, path: str) -> Any:
        values = self._values
        if path in values:
            return values[path]
        value = values[path] = get_fact(self.facts, path)
        return value

    def rule(self, rule_id: str) -> Rule:
        # as_of is read at each ask: a procedure may run part of its questions on another date (UK: retained EU law)
        return self.ruleset.in_force(rule_id, self.as_of)

    def ask(self, rule_id: str, *, block: bool = True) -> bool | str | None:
        """Apply a rule, record the step; an unknown answer blocks unless ``block`` is false."""
        rule = self.rule(rule_id)
        assert rule.test is not None, f"{rule_id} has no test"
        answer = rule.test(self)
        self._append(rule, answer)
        if answer.value is None and block:
            self.need(*answer.missing)
        return answer.value

    def missing_of(self, rule_id: str) -> list[str]:
        """The facts the latest unknown answer of ``rule_id`` asked for (to block on them later)."""
        asked = self.rule(rule_id).id  # a mirroring rule set answers EU-F1 as UK-F1
        for record in reversed(self.steps):
            if record.rule.id == asked:
                return list(record.answer.missing) if record.answer.value is None else []
        return []

    def record(self, rule: Rule | str, answer: Answer) -> None:
        self._append(self.rule(rule) if isinstance(rule, str) else rule, answer)

    def note(self, rule_id: str, value: bool | str, because: str, facts: Iterable[str] = ()) -> None:
        """Record a step whose answer the procedure itself establishes (priority rules, outcomes)."""
        self._append(self.rule(rule_id), Answer(value, because, tuple(facts)))

    def _append(self, rule: Rule, answer: Answer) -> None:
        """The one place a step is recorded, with the ambiguities its answer meets."""
        self.steps.append(StepRecord(rule, answer))
        if answer.ambiguities:
            for amb in answer.ambiguities:
                self.flag(amb)

    def judge(self, path: str, derived: Derivation) -> Answer:
        """Settle a legal judgement: derived from observable facts; a stated value overrides the
        derivation only with a justification (``justifications[path]``), and either way the step says so."""
        stated = self.fact(path)
        why = (self.facts.justifications or {}).get(path)
        support = f" ({derived.support})" if derived.support else ""
        facts = (*derived.facts, path) if stated is not None else derived.facts
        if derived.value is None:
            if stated is None:
                return Answer(None, derived.because, derived.facts, missing=derived.missing or (path,))
            if why:
                return Answer(stated, f"Stated by the user: {why} (not derivable: {derived.because})", facts)
            return Answer(stated, f"As stated by the user (not derived: {derived.because})", facts)
        if stated is None or stated == derived.value:
            return Answer(derived.value, f"Derived: {derived.because}{support}", facts)
        if why:
            self._note_once(f"{path} overridden by the user ({_label(stated)}; the rules derive "
                              f"{_label(derived.value)}): {why}")
            return Answer(stated, f"Overridden by the user: {why}. The rules would derive {_label(derived.value)}: "
                          f"{derived.because}{support}", facts)
        self._note_once(f"{path}: you stated {_label(stated)}, but the rules derive {_label(derived.value)} "
                          f"({derived.because}); the derived value is used. To override it, give a justification "
                          f"under justifications.{path}.")
        return Answer(derived.value, f"Derived: {derived.because}{support} (the stated {_label(stated)} is not "
                      "used without a justification)", facts)

    def _note_once(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def flag(self, ambiguity: str) -> None:
        if ambiguity not in self.ambiguities:
            self.ambiguities.append(ambiguity)

    def need(self, *paths: str) -> None:
        self.ask_later(*paths)
        raise Blocked()

    def ask_later(self, *paths: str) -> None:
        """List facts to ask without blocking: they settle a detail (e.g. combined or not), not the outcome."""
        for path in paths:
            if path not in self.missing:
                self.missing.append(path)


@dataclass
class RuleSet:
    jurisdiction: str
    name: str
    version: str
    procedure: Callable[[Inquiry], Decision] | None = None
    rules: dict[str, list[Rule]] = field(default_factory=dict)
    # Outcomes inside this jurisdiction's advanced-therapy regime (contract-part2.md §1, ``advanced``).
    advanced_outcomes: frozenset[str] = frozenset()
    # The outcome vocabulary (contract-part2.md §1), ``undetermined`` included.
    outcomes: tuple[str, ...] = ()
    # The legal and guidance texts the rules were written from, and how current that reading is.
    sources: tuple[str, ...] = ()
    sources_as_of: str = ""
    # Rules whose answer the procedure itself establishes (recorded with Inquiry.note, no test).
    procedural: frozenset[str] = frozenset()
    # Rules asked after the classification (category labels, licensing, exemptions, designations): never the
    # deciding rule of the comparison table.
    subsidiary_rules: frozenset[str] = frozenset()
    # Who settles a question the law leaves open (said in the verdict's notes); EU text by default.
    open_question_advice: str = ""
    _in_force_cache: dict[date, dict[str, Rule]] = field(default_factory=dict, repr=False)

    def add(self, rule: Rule) -> Rule:
        self.rules.setdefault(rule.id, []).append(rule)
        self._in_force_cache.clear()
        return rule

    def define(self, rule_id: str, **meta: Any) -> Callable[[Test], Test]:
        """Decorator: register ``test`` as the rule ``rule_id`` with its metadata."""

        def wrap(test: Test) -> Test:
            self.add(Rule(id=rule_id, test=test, **meta))
            return test

        return wrap

    def in_force(self, rule_id: str, day: date) -> Rule:
        try:  # the versions found in force on that day so far (asked on every step: subscripts, no calls)
            return self._in_force_cache[day][rule_id]
        except KeyError:
            found = self._in_force_cache.setdefault(day, {})[rule_id] = self._find(rule_id, day)
            return found

    def _find(self, rule_id: str, day: date) -> Rule:
        versions = self.rules.get(rule_id)
        if not versions:
            raise UnknownNameError("rule", rule_id, sorted(self.rules))
        for rule in versions:
            if rule.applies_on(day):
                return rule
        periods = "; ".join(r.period() for r in versions)
        raise InputError(
            f"rule {rule_id} has no version in force on {day.isoformat()} (encoded periods: {periods}); "
            "choose a later --as-of date"
        )

    def all_rules(self) -> list[Rule]:
        return [r for versions in self.rules.values() for r in versions]
