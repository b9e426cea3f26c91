"""What the API and the pages share: the database handle, classification of an input, precedent
search and the registry chart (rendered once per date and format, then served from memory)."""

from __future__ import annotations

import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from atmpnav.assess import AssessmentInput, evaluate
from atmpnav.errors import InputError
from atmpnav.facts import ProductFacts
from atmpnav.verdict import Envelope, Precedent

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

CHART_FORMATS = {"svg": "image/svg+xml", "png": "image/png"}
CHART_CACHE_SIZE = 16


@dataclass
class Database:
    """The app's database: migrated (and the registry seeded) on first use or at startup."""

    url: str | None = None
    #: The schema revision found once the database is migrated (at startup).
    schema_revision: str | None = None
    _engine: Engine | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def engine(self) -> Engine:
        engine = self._engine
        if engine is None:
            with self._lock:
                if self._engine is None:
                    from atmpnav import store
                    from atmpnav.registry.seed import ensure_seeded

                    created = store.get_engine(self.url)
                    ensure_seeded(created)
                    self.schema_revision = store.current_revision(created)
                    self._engine = created
                engine = self._engine
        return engine

    @property
    def ready(self) -> bool:
        return self._engine is not None


def classify_input(
    facts: ProductFacts | None,
    text: str | None,
    indication: str | None,
    jurisdictions: list[str] | tuple[str, ...] = ("EU",),
    as_of: date | str | None = None,
    *,
    top: int = 5,
) -> Envelope:
    """The contract's envelope for facts or a description (the same function saved assessments use)."""
    if facts is not None:
        given = AssessmentInput.of_facts(facts)
    elif text is not None:
        given = AssessmentInput.of_text(text, indication)
    else:
        raise InputError("give either facts or a description")
    return evaluate(given, jurisdictions, as_of, top=top)


def search_precedents(query: str, k: int = 5) -> list[Precedent]:
    """Known cases most similar to ``query`` (similar, not binding)."""
    from atmpnav.precedents import search

    cleaned = query.strip()
    if not cleaned:
        raise InputError("q: give some words to search for")
    return list(search(cleaned, k=k))


def registry_generation(engine: Engine) -> tuple[int, int]:
    """The registry's import generation: it changes whenever the registry does."""
    from atmpnav.registry.cache import generation

    return generation(engine)


class ChartCache:
    """Rendered registry charts by (as-of date, format); matplotlib runs one chart at a time."""

    def __init__(self, size: int = CHART_CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, str, str], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, engine: Engine, as_of: date, fmt: str) -> bytes:
        if fmt not in CHART_FORMATS:
            raise InputError(f"chart format {fmt!r}: expected one of {', '.join(CHART_FORMATS)}")
        key = (str(engine.url), f"{as_of.isoformat()}@{registry_generation(engine)}", fmt)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
            from atmpnav.registry.charts import render_chart

            with tempfile.TemporaryDirectory(prefix="atmpnav-chart-") as tmp:
                out = render_chart(as_of, Path(tmp) / f"chart.{fmt}", engine=engine)
                data = out.read_bytes()
            self._items[key] = data
            while len(self._items) > self.size:
                self._items.popitem(last=False)
            return data

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
