"""The known ambiguities of the law (A1–A20): id, title, one-line explanation, rules affected.

Read from ``data/ambiguities.yaml``; views show an ambiguity wherever its id appears, whether a
verdict carries plain ids or objects ``{id, title, explanation}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Ambiguity:
    id: str
    title: str
    explanation: str
    rules: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def all_ambiguities() -> dict[str, Ambiguity]:
    import yaml

    text = resources.files("atmpnav").joinpath("data/ambiguities.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return {row["id"]: Ambiguity(row["id"], row["title"], row["explanation"], tuple(row.get("rules") or ()))
            for row in data["ambiguities"]}


def resolve(item: Any) -> Ambiguity:
    """An ambiguity from a plain id, a mapping or an object with ``id`` (titles filled from the data file)."""
    if isinstance(item, str):
        ident, title, explanation = item, None, None
    elif isinstance(item, dict):
        ident, title, explanation = str(item.get("id", "")), item.get("title"), item.get("explanation")
    else:
        ident = str(getattr(item, "id", item))
        title, explanation = getattr(item, "title", None), getattr(item, "explanation", None)
    known = all_ambiguities().get(ident)
    return Ambiguity(
        ident,
        title or (known.title if known else ident),
        explanation or (known.explanation if known else ""),
        known.rules if known else (),
    )


def for_rule(rule_id: str) -> list[Ambiguity]:
    return [a for a in all_ambiguities().values() if rule_id in a.rules]
