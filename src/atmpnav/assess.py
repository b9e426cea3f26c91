"""Input -> verdict -> what follows: the one evaluation the CLI, the web app and saved records call.

The engine (``law/`` and ``engine.py``) decides the classification and knows nothing of its
consequences; this module adds them (``consequences/``) after the rules have decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from atmpnav.consequences import attach_consequences
from atmpnav.engine import classify, parse_date
from atmpnav.errors import InputError
from atmpnav.facts import ProductFacts
from atmpnav.verdict import Envelope

TEXT_MAX = 20_000
#: Sub-records whose ``present`` defaults to true: an unknown ``present`` must be kept explicitly.
_PRESENT_BLOCKS = ("nucleic_acid", "cells_or_tissues", "device")

@dataclass(frozen=True)
class AssessmentInput:
    """What is classified: structured facts, or a description (with its indication)."""

    kind: Literal["facts", "text"]
    facts: ProductFacts | None = None
    text: str | None = None
    indication: str | None = None
    # With a description: answers (fact path -> value) that beat the text and its assumptions.
    answers: dict[str, Any] | None = None

    @classmethod
    def of_facts(cls, facts: ProductFacts) -> AssessmentInput:
        return cls("facts", facts=facts)

    @classmethod
    def of_text(cls, text: str, indication: str | None = None,
                answers: dict[str, Any] | None = None) -> AssessmentInput:
        cleaned = text.strip()
        if not cleaned:
            raise InputError("text: the description is empty")
        if len(cleaned) > TEXT_MAX:
            raise InputError(f"text: the description is longer than {TEXT_MAX} characters")
        return cls("text", text=cleaned, indication=(indication or "").strip() or None,
                   answers=dict(answers or {}) or None)

    def to_dict(self) -> dict[str, Any]:
        if self.kind == "facts":
            assert self.facts is not None
            return {"kind": "facts", "facts": facts_to_json(self.facts)}
        data: dict[str, Any] = {"kind": "text", "text": self.text, "indication": self.indication}
        if self.answers:
            data["answers"] = dict(self.answers)  # a superset of the text-only input: text + answers
        return data


def facts_to_json(facts: ProductFacts) -> dict[str, Any]:
    """Facts as JSON without the unknowns, but keeping an unknown ``present`` of a sub-record
    (an absent ``present`` would read back as true)."""
    data = facts.model_dump(mode="json", exclude_none=True)
    for block in _PRESENT_BLOCKS:
        record = getattr(facts, block)
        if record is not None and record.present is None:
            data.setdefault(block, {})["present"] = None
    return data


def evaluate(
    given: AssessmentInput,
    jurisdictions: list[str] | tuple[str, ...] = ("EU",),
    as_of: date | str | None = None,
    *,
    top: int = 5,
) -> Envelope:
    """Classify the input: facts through the engine; a description through the free-text
    classifier (which also finds the precedents)."""
    day = parse_date(as_of)
    codes = tuple(j.upper() for j in jurisdictions) or ("EU",)
    if given.kind == "facts":
        assert given.facts is not None
        envelope = classify(given.facts, codes, day)
    else:
        from atmpnav.text.classify import classify_text

        assert given.text is not None
        envelope = classify_text(given.text, indication=given.indication, jurisdictions=codes, as_of=day, top=top,
                                 answers=given.answers)
    return attach_consequences(envelope)


