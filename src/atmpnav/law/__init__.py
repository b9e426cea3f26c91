"""Jurisdictions: one module per rule set, registered here by code.

A rule set's module is imported the first time the rule set is asked for, so a run under one
jurisdiction does not load the other seven (CLI start-up); iterating imports them all.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import import_module

from atmpnav.errors import UnknownNameError
from atmpnav.law.base import RuleSet

# Code -> module that defines the rule set under the same name as the code.
_MODULES = {"EU": "atmpnav.law.eu", "US": "atmpnav.law.us", "UK": "atmpnav.law.uk", "CH": "atmpnav.law.ch",
            "JP": "atmpnav.law.jp", "CA": "atmpnav.law.ca", "AU": "atmpnav.law.au", "KR": "atmpnav.law.kr"}


class _RuleSets(Mapping[str, RuleSet]):
    def __init__(self) -> None:
        self._loaded: dict[str, RuleSet] = {}

    def __getitem__(self, code: str) -> RuleSet:
        found = self._loaded.get(code)
        if found is None:
            found = self._loaded[code] = getattr(import_module(_MODULES[code]), code)
        return found

    def __contains__(self, code: object) -> bool:
        return code in _MODULES  # without importing the module

    def __iter__(self) -> Iterator[str]:
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)

    def __repr__(self) -> str:
        return f"JURISDICTIONS({', '.join(_MODULES)})"


JURISDICTIONS: Mapping[str, RuleSet] = _RuleSets()

ALL = "ALL"


def expand_jurisdictions(codes: list[str] | tuple[str, ...] | None, default: tuple[str, ...] = ("EU",)) -> list[str]:
    """Upper-cased codes in the order given, ``all`` expanded to every registered rule set, duplicates dropped;
    an unknown code is an error naming the known ones."""
    out: list[str] = []
    for code in codes or default:
        upper = code.strip().upper()
        names = list(JURISDICTIONS) if upper == ALL else [upper]
        for name in names:
            if name not in JURISDICTIONS:
                raise UnknownNameError("jurisdiction", code, [*JURISDICTIONS, "all"])
            if name not in out:
                out.append(name)
    return out
