"""Jurisdictions: one module per rule set, registered here by code.

A rule set's module is imported the first time the rule set is asked for, so a run under one
jurisdiction does not load the other seven (CLI start-up); iterating imports them all.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from importlib import import_module

from atmpnav.errors import UnknownNameError
from atmpnav.law.base import RuleSet

# Code -> module that defines the rule set under the same name as the code.
_MODULES = {"EU": "atmpnav.law.eu", "US": "atmpnav.law.us", "UK": "atmpnav.law.uk", "CH": "atmpnav.law.ch",
            "JP": "atmpnav.law.jp", "CA": "atmpnav.law.ca", "AU": "atmpnav.law.au", "KR": "atmpnav.law.kr"}


class _RuleSets(MutableMapping[str, RuleSet]):
    """Code -> rule set, in registration order; a rule set may also be registered at run time (``[code] = rules``)."""

    def __init__(self) -> None:
        self._modules: dict[str, str | None] = dict(_MODULES)  # None: registered at run time, already loaded
        self._loaded: dict[str, RuleSet] = {}

    def __getitem__(self, code: str) -> RuleSet:
        found = self._loaded.get(code)
        if found is None:
            module = self._modules[code]
            if module is None:
                raise KeyError(code)
            found = self._loaded[code] = getattr(import_module(module), code)
        return found

    def __setitem__(self, code: str, rules: RuleSet) -> None:
        self._modules.setdefault(code, None)
        self._loaded[code] = rules

    def __delitem__(self, code: str) -> None:
        del self._modules[code]
        self._loaded.pop(code, None)

    def __contains__(self, code: object) -> bool:
        return code in self._modules  # without importing the module

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)

    def __repr__(self) -> str:
        return f"JURISDICTIONS({', '.join(self._modules)})"


JURISDICTIONS: MutableMapping[str, RuleSet] = _RuleSets()

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
