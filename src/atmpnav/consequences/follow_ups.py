"""Add the consequences of other rooms (national rules, incentives) to a jurisdiction's builder with one
decorator line, so that the builders themselves stay as they are::

    @adds(incentive_consequences)
    def us_consequences(verdict, facts): ...
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from atmpnav.consequences.base import Builder
from atmpnav.facts import ProductFacts
from atmpnav.verdict import Consequence, Verdict


def adds(*providers: Builder) -> Callable[[Builder], Builder]:
    def decorate(builder: Builder) -> Builder:
        @wraps(builder)
        def combined(verdict: Verdict, facts: ProductFacts) -> list[Consequence]:
            items = list(builder(verdict, facts))
            for provider in providers:
                items.extend(provider(verdict, facts))
            return items

        return combined

    return decorate
