"""The shape shared by every jurisdiction's consequences."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from atmpnav.facts import ProductFacts
from atmpnav.verdict import Consequence, Verdict

Builder = Callable[[Verdict, ProductFacts], list[Consequence]]


@cache
def item(topic: str, text: str, basis: str) -> Consequence:
    """One consequence; cached because the items are fixed texts shared (never mutated) between verdicts."""
    return Consequence(topic=topic, text=text, basis=basis)
