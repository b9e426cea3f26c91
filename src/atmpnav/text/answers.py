"""Answers given with a description (CLI ``classify --text … --answer FACT=VALUE``, ``ask --from-text``)."""

from __future__ import annotations

from typing import Any

from atmpnav.errors import InputError

_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


def parse_answer(item: str) -> tuple[str, Any]:
    """``FACT=VALUE`` -> (fact, value), with the value typed as the fact's question expects."""
    from atmpnav.questions import QUESTIONS, coerce_answer

    fact, sep, raw = item.partition("=")
    fact = fact.strip()
    if not sep or not fact:
        raise InputError(f"--answer {item!r}: expected FACT=VALUE, e.g. cells_or_tissues.source=autologous")
    text = raw.strip()
    if text.lower() in {"unknown", "null", "?"}:
        return fact, None
    if fact in QUESTIONS:
        try:
            return fact, coerce_answer(fact, text)
        except ValueError as err:
            raise InputError(f"--answer {fact}: {err}") from None
    lowered = text.lower()
    if lowered in _TRUE | _FALSE:
        return fact, lowered in _TRUE
    return fact, text  # validated against the facts schema when it is applied


def parse_answers(items: list[str]) -> dict[str, Any]:
    return dict(parse_answer(item) for item in items)


def start_from_text(text: str, indication: str | None, as_of: str | None) -> tuple[list[tuple[str, Any]], list[str]]:
    """The questionnaire's starting answers from a description, and which of them are assumptions."""
    from atmpnav.engine import parse_date
    from atmpnav.text.extract import extract_facts
    from atmpnav.web.wizard import Wizard

    if not text.strip():
        raise InputError("--from-text: the description is empty")
    extraction = extract_facts(text, indication)
    wizard = Wizard.prefill(extraction.facts, parse_date(as_of), [a.fact for a in extraction.assumptions])
    return list(wizard.answers), list(wizard.assumed)
