"""The questionnaire's state, carried in the page's query string (no server session).

``a=<fact>=<value>`` (repeated, in the order given) holds the answers, ``skip=<fact>`` the facts
the user does not know, ``j`` (repeated) the jurisdictions (default EU), ``as_of`` the date. A
list answer is comma-separated (empty: none of the listed steps). The rules decide which question
comes next (:func:`atmpnav.questionnaire.plan`: what decides, what could still decide after an
"I don't know", what the record needs to be complete).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from atmpnav.engine import parse_date
from atmpnav.errors import InputError
from atmpnav.fact_paths import get_fact
from atmpnav.facts import (
    ANNEX_I_MANIPULATIONS,
    CASE_BY_CASE_MANIPULATIONS,
    SUBSTANTIAL_MANIPULATIONS,
    ProductFacts,
    with_fact,
)
from atmpnav.questionnaire import Pending, Session, presence_blocks
from atmpnav.questions import QUESTIONS, Question
from atmpnav.verdict import Verdict

MAX_ANSWERS = len(QUESTIONS) * 2

MANIPULATION_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Not substantial (Regulation (EC) No 1394/2007, Annex I)", tuple(sorted(m.value for m in ANNEX_I_MANIPULATIONS))),
    ("Substantial", tuple(sorted(m.value for m in SUBSTANTIAL_MANIPULATIONS))),
    ("Judged case by case", tuple(sorted(m.value for m in CASE_BY_CASE_MANIPULATIONS))),
)


def encode_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def decode_value(fact: str, raw: str | list[str]) -> Any:
    """A submitted value as the fact's value; :class:`InputError` names the fact and what is allowed."""
    question = QUESTIONS.get(fact)
    if question is None:
        raise InputError(f"{fact}: not a question of the questionnaire")
    if question.kind == "list":
        items: list[str] = []
        for part in [raw] if isinstance(raw, str) else raw:
            items += [p.strip() for p in part.split(",") if p.strip()]
        bad = [i for i in items if i not in question.options]
        if bad:
            raise InputError(f"{fact}: unknown step(s) {', '.join(bad)}; allowed: {', '.join(question.options)}")
        return list(dict.fromkeys(items))
    text = (raw if isinstance(raw, str) else (raw[0] if raw else "")).strip()
    if question.kind == "number":
        from atmpnav.questions import coerce_answer

        try:
            return coerce_answer(fact, text)
        except ValueError as err:
            raise InputError(f"{fact}: {err}") from None
    if question.kind == "bool":
        if text in ("true", "false"):
            return text == "true"
        raise InputError(f"{fact}: answer yes or no")
    if text in question.options:
        return text
    raise InputError(f"{fact}: choose one of {', '.join(question.options)}")


@dataclass
class Wizard:
    """The questionnaire state of one page: a :class:`Session` and how it reads from / writes to a URL."""

    as_of: date
    answers: list[tuple[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    jurisdictions: tuple[str, ...] = ("EU",)
    # answers pre-filled from a description's assumptions (``assumed=<fact>``), until the user answers them
    assumed: list[str] = field(default_factory=list)
    _session: Session | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_params(cls, answers: Iterable[str], skipped: Iterable[str], as_of: str | None,
                    jurisdictions: Iterable[str] = (), assumed: Iterable[str] = ()) -> Wizard:
        wizard = cls(as_of=parse_date(as_of or None), jurisdictions=_codes(jurisdictions))
        for item in answers:
            fact, sep, raw = item.partition("=")
            if not sep:
                raise InputError(f"a: {item!r} is not fact=value")
            wizard.answer(fact, decode_value(fact, raw))
            if len(wizard.answers) > MAX_ANSWERS:
                raise InputError("too many answers")
        for fact in skipped:
            if fact not in QUESTIONS:
                raise InputError(f"skip: {fact!r} is not a question of the questionnaire")
            wizard.skip(fact)
        answered = {f for f, _ in wizard.answers}
        wizard.assumed = [f for f in dict.fromkeys(assumed) if f in answered]
        return wizard

    @classmethod
    def prefill(cls, facts: ProductFacts, as_of: date, assumed: Iterable[str] = ()) -> Wizard:
        """The questionnaire started from facts read from a description: every fact the questions ask
        that is known becomes an answer (an omitted block: "none"), ``assumed`` marks the assumptions."""
        wizard = cls(as_of=as_of)
        for path in QUESTIONS:
            block, _, name = path.partition(".")
            if name == "present" and getattr(facts, block, None) is None:
                wizard.answers.append((path, False))
                continue
            try:
                value = get_fact(facts, path)
            except AttributeError:
                continue
            if value is None or (path == "special_category" and getattr(value, "value", value) == "none"):
                continue
            plain = [getattr(v, "value", v) for v in value] if isinstance(value, list) else getattr(value, "value",
                                                                                                      value)
            wizard.answers.append((path, plain))
        answered = {f for f, _ in wizard.answers}
        wizard.assumed = [f for f in dict.fromkeys(assumed) if f in answered]
        return wizard

    @classmethod
    def from_facts(cls, facts: ProductFacts, as_of: date, jurisdictions: Iterable[str] = ()) -> Wizard | None:
        """The answers that rebuild ``facts``, or None when the facts hold more than the questions ask."""
        wizard = cls(as_of=as_of, jurisdictions=_codes(jurisdictions))
        for path in QUESTIONS:
            try:
                value = get_fact(facts, path)
            except AttributeError:
                continue
            if value is None:
                continue
            if path == "special_category" and encode_value(getattr(value, "value", value)) == "none":
                continue
            if isinstance(value, list):
                plain: Any = [getattr(v, "value", v) for v in value]
            else:
                plain = getattr(value, "value", value)
            wizard.answers.append((path, plain))
        keep = ("name", "description", "indication")
        original = facts.model_copy(update=dict.fromkeys(keep))
        for block in presence_blocks():
            if getattr(facts, block) is None:  # absent means none: the questionnaire records it as "no"
                wizard.answers.append((f"{block}.present", False))
                original = with_fact(original, f"{block}.present", False)
        rebuilt = wizard.facts()
        if rebuilt.model_dump(mode="json", exclude_none=True) != original.model_dump(mode="json", exclude_none=True):
            return None
        return wizard

    # -- state changes

    def answer(self, fact: str, value: Any) -> None:
        self.answers = [(f, v) for f, v in self.answers if f != fact]
        self.answers.append((fact, value))
        self.skipped = [f for f in self.skipped if f != fact]
        self.assumed = [f for f in self.assumed if f != fact]

    def skip(self, fact: str) -> None:
        self.answers = [(f, v) for f, v in self.answers if f != fact]
        if fact not in self.skipped:
            self.skipped.append(fact)

    def forget(self, fact: str) -> None:
        self.answers = [(f, v) for f, v in self.answers if f != fact]
        self.skipped = [f for f in self.skipped if f != fact]

    # -- reading

    def session(self) -> Session:
        """The questionnaire session of the current state (rebuilt when the state changed)."""
        current = self._session
        if (current is None or current.answers != self.answers or current.skipped != self.skipped
                or current.jurisdictions != self.jurisdictions or current.as_of != self.as_of):
            current = self._session = Session(as_of=self.as_of, answers=list(self.answers),
                                              skipped=list(self.skipped), jurisdictions=self.jurisdictions)
        return current

    def facts(self) -> ProductFacts:
        return self.session().facts()

    def verdicts(self) -> dict[str, Verdict]:
        return self.session().verdicts()

    def verdict(self) -> Verdict:
        return self.session().verdict()

    def pending(self) -> list[Pending]:
        return self.session().pending()

    def next_question(self, verdict: Verdict | None = None) -> Question | None:
        """The next question (``verdict`` is accepted for the callers that already have one)."""
        return self.session().next_question()

    def value_of(self, fact: str) -> Any:
        for f, v in self.answers:
            if f == fact:
                return v
        return None

    def params(self, *, without: str | None = None) -> list[tuple[str, str]]:
        """The state as query parameters (optionally without one fact's answer or skip)."""
        pairs = [("a", f"{f}={encode_value(v)}") for f, v in self.answers if f != without]
        pairs += [("skip", f) for f in self.skipped if f != without]
        pairs += [("assumed", f) for f in self.assumed if f != without]
        if self.jurisdictions != ("EU",):
            pairs += [("j", code) for code in self.jurisdictions]
        pairs.append(("as_of", self.as_of.isoformat()))
        return pairs

    def params_before_last(self) -> list[tuple[str, str]] | None:
        """The state with the last answer (or skip) undone, or None at the start."""
        if self.answers:
            return self.params(without=self.answers[-1][0])
        if self.skipped:
            return self.params(without=self.skipped[-1])
        return None


def _codes(jurisdictions: Iterable[str]) -> tuple[str, ...]:
    from atmpnav.law import JURISDICTIONS

    chosen = [j.strip().upper() for j in jurisdictions if j.strip()]
    unknown = [j for j in chosen if j not in JURISDICTIONS]
    if unknown:
        raise InputError(f"j: {', '.join(unknown)} unknown; known: {', '.join(sorted(JURISDICTIONS))}")
    return tuple(dict.fromkeys(chosen)) or ("EU",)
