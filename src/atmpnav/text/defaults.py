"""Domain defaults and claims from the indication, read from dated data files.

``defaults.yaml`` says what is typical for known product types (TILs are expanded, MSCs are
cultured, a coded oncolytic virus is engineered...), ``claims.yaml`` which claim the CAT reads into
the indication of a cell product (MSCs for cartilage: repair; MSCs for GvHD: immunomodulation).
The extractor (:mod:`atmpnav.text.extract`) applies them only where the description is silent and
lists each use as an :class:`~atmpnav.verdict.Assumption`; the rules then decide as for any facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from atmpnav.text.cache import load_yaml

_FLAGS = re.IGNORECASE


@dataclass(frozen=True)
class ProductType:
    id: str
    label: str
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None
    facts: dict[str, Any]
    said: str
    because: str
    source: str


@dataclass(frozen=True)
class ClaimMapping:
    id: str
    cells: frozenset[str]
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None
    claim: str
    said: str
    because: str
    precedents: tuple[str, ...]


@dataclass(frozen=True)
class Defaults:
    version: str
    as_of: str
    types: tuple[ProductType, ...]
    claims: tuple[ClaimMapping, ...]
    point_of_care: re.Pattern[str]


def _either(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), _FLAGS)


def _optional(pattern: str | None) -> re.Pattern[str] | None:
    return re.compile(pattern, _FLAGS) if pattern else None


def _text(name: str) -> str:
    return resources.files("atmpnav.text").joinpath(name).read_text(encoding="utf-8")


@cache
def domain_defaults() -> Defaults:
    """Load and compile both files once per process."""
    raw = load_yaml("defaults.yaml", _text("defaults.yaml"))
    claims = load_yaml("claims.yaml", _text("claims.yaml"))
    types = tuple(
        ProductType(t["id"], t["label"], _either(t["patterns"]), _optional(t.get("unless")), dict(t["facts"]),
                    t["said"], t["because"], t["source"])
        for t in raw["types"]
    )
    mappings = tuple(
        ClaimMapping(m["id"], frozenset(m["cells"]), _either(m["patterns"]), _optional(m.get("unless")), m["claim"],
                     m["said"], m["because"], tuple(m.get("precedents") or ()))
        for m in claims["mappings"]
    )
    return Defaults(str(raw["version"]), str(raw["as_of"]), types, mappings, re.compile(raw["point_of_care"], _FLAGS))


def matching_types(text: str) -> list[ProductType]:
    """The product types a text names, in file order (earlier types fill a fact first)."""
    return [t for t in domain_defaults().types if t.pattern.search(text) and not (t.unless and t.unless.search(text))]
