"""Ambiguities as the views show them: from a plain id (as older saved verdicts hold them), a
mapping, or the engine's ``{id, title, explanation}`` object, with the title and explanation of
:mod:`atmpnav.law.ambiguities` filled in where missing."""

from __future__ import annotations

from typing import Any

from atmpnav.law.ambiguities import AMBIGUITIES, Ambiguity


def all_ambiguities() -> dict[str, Ambiguity]:
    return AMBIGUITIES


def resolve(item: Any) -> Ambiguity:
    """An ambiguity from an id, a mapping or an object with ``id`` (a given title or explanation wins)."""
    if isinstance(item, str):
        ident, title, explanation = item, None, None
    elif isinstance(item, dict):
        ident, title, explanation = str(item.get("id", "")), item.get("title"), item.get("explanation")
    else:
        ident = str(getattr(item, "id", item))
        title, explanation = getattr(item, "title", None), getattr(item, "explanation", None)
    known = AMBIGUITIES.get(ident.upper())
    return Ambiguity(
        ident,
        title or (known.title if known else ident),
        explanation or (known.explanation if known else ""),
        known.rules if known else (),
    )


def for_rule(rule_id: str) -> list[Ambiguity]:
    """The ambiguities that name ``rule_id`` among the rules they affect."""
    return [a for a in AMBIGUITIES.values() if rule_id in a.rules]
