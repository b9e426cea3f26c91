"""The vocabulary's concepts and cell families as the cache stores them (``text/cache.py`` pickles them).

Apart from ``extract.py`` because that module is compiled (``atmpnav/compiled.py``), and an instance of a compiled
frozen class cannot be unpickled: these stay plain classes, so the cache reads the same in both modes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Concept:
    id: str
    layer: str
    effects: Mapping[str, Any]


@dataclass(frozen=True)
class Family:
    name: str
    tissue: str | None
    blood: bool | None
    same: frozenset[str]
    other: str
    weak: bool
    replaces: frozenset[str] = frozenset()
