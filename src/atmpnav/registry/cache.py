"""Registry reads cached per import generation (the data changes only when something is imported).

Every write to the registry goes through :class:`atmpnav.registry.history.Recorder`, which adds a
``registry_import`` row in the same transaction. The *generation* is ``(max(id), count(*))`` of
that table: one cheap indexed query per read. A process keeps one :class:`Snapshot` per database
(plain frozen values, no ORM objects) and reloads it when the generation it reads differs, so
several worker processes, on one machine or several, and an import made by any of them (or by
the CLI) are seen at the next request. The count also changes when an import with a lower id
commits after a higher one (concurrent imports on PostgreSQL).

Results derived from a snapshot (lists, counts, the tool's own verdicts) are memoised on it and
so live exactly as long as the generation does.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

T = TypeVar("T")
MEMO_SIZE = 512


@dataclass(frozen=True)
class EventRow:
    seq: int
    status: str
    effective_on: date | None
    precision: str | None
    source: str


@dataclass(frozen=True)
class ProductRow:
    """A product as read (the attribute names of :class:`atmpnav.registry.models.Product`)."""

    id: int
    region: str
    name: str
    name_key: str
    slug: str
    aliases: tuple[str, ...]
    inn: str | None
    category: str | None
    combined: bool | None
    category_note: str | None
    product_type: str | None
    holder: str | None
    authorised_on: date | None
    authorised_on_precision: str | None
    status: str
    status_date: date | None
    status_date_precision: str | None
    conditional: bool | None
    orphan: bool | None
    prime: bool | None
    exceptional_circumstances: bool | None
    indication: str | None
    therapeutic_area: str | None
    source_urls: tuple[str, ...]
    notes: str | None
    ema_product_number: str | None
    url: str | None
    updated_at: datetime | None
    events: tuple[EventRow, ...]


@dataclass(frozen=True)
class LinkRow:
    kind: str
    basis: str | None


@dataclass
class Snapshot:
    generation: tuple[int, int]
    products: list[ProductRow]
    links: dict[int, list[tuple[ProductRow, LinkRow]]]
    _memo: dict[Any, Any] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def memoized(self, key: Any) -> Any | None:
        """The value :meth:`memo` keeps for ``key``, or None if it was not computed for this generation."""
        found = self._memo.get(key, _MISSING)
        return None if found is _MISSING else found

    def memo(self, key: Any, compute: Callable[[], T]) -> T:
        """``compute()`` once per key for this generation (bounded; values must not be mutated)."""
        found = self._memo.get(key, _MISSING)
        if found is _MISSING:
            found = compute()
            with self._lock:
                if len(self._memo) >= MEMO_SIZE:
                    self._memo.clear()
                self._memo[key] = found
        return found  # type: ignore[return-value]


_MISSING = object()
_snapshots: dict[str, Snapshot] = {}
_load_lock = threading.Lock()


def generation(engine: Engine) -> tuple[int, int]:
    """The registry's import generation: changes whenever the registry does."""
    with engine.connect() as conn:
        row = conn.execute(_generation_query()).one()
    return int(row[0] or 0), int(row[1] or 0)


@lru_cache(maxsize=1)
def _generation_query() -> Any:
    """Built once: it runs on every registry request (the statement is immutable, its compiled form cached)."""
    from sqlalchemy import func, select

    from atmpnav.registry.models import Import

    return select(func.max(Import.id), func.count(Import.id))


def snapshot(engine: Engine) -> Snapshot:
    """The registry as of its current generation (loaded at most once per generation and process)."""
    key = engine.url.render_as_string(hide_password=True)
    current = generation(engine)
    found = _snapshots.get(key)
    if found is not None and found.generation == current:
        return found
    with _load_lock:
        found = _snapshots.get(key)
        if found is not None and found.generation == current:
            return found
        loaded = _load(engine)
        _snapshots[key] = loaded
        return loaded


def loaded_snapshot(engine: Engine) -> Snapshot | None:
    """The snapshot of the current generation if this process has loaded it, else None: it reads only the
    generation (one query), never the registry itself."""
    found = _snapshots.get(engine.url.render_as_string(hide_password=True))
    return found if found is not None and found.generation == generation(engine) else None


def clear() -> None:
    with _load_lock:
        _snapshots.clear()


def _load(engine: Engine) -> Snapshot:
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from atmpnav import store
    from atmpnav.registry.models import Link, Product

    with store.session_scope(engine) as session:
        # Read the generation inside the same transaction as the data, so they agree.
        gen = generation_in(session)
        products = []
        for p in session.scalars(select(Product).options(selectinload(Product.events))):
            products.append(ProductRow(
                id=p.id, region=p.region, name=p.name, name_key=p.name_key, slug=p.slug,
                aliases=tuple(p.aliases or ()), inn=p.inn, category=p.category, combined=p.combined,
                category_note=p.category_note, product_type=p.product_type, holder=p.holder,
                authorised_on=p.authorised_on, authorised_on_precision=p.authorised_on_precision,
                status=p.status, status_date=p.status_date, status_date_precision=p.status_date_precision,
                conditional=p.conditional, orphan=p.orphan, prime=p.prime,
                exceptional_circumstances=p.exceptional_circumstances, indication=p.indication,
                therapeutic_area=p.therapeutic_area, source_urls=tuple(p.source_urls or ()), notes=p.notes,
                ema_product_number=p.ema_product_number, url=p.url, updated_at=p.updated_at,
                events=tuple(EventRow(e.seq, e.status, e.effective_on, e.precision, e.source)
                             for e in sorted(p.events, key=lambda e: e.seq)),
            ))
        by_id = {p.id: p for p in products}
        links: dict[int, list[tuple[ProductRow, LinkRow]]] = {}
        for link in session.scalars(select(Link).order_by(Link.id)):
            eu, us = by_id[link.eu_product_id], by_id[link.us_product_id]
            row = LinkRow(link.kind, link.basis)
            links.setdefault(eu.id, []).append((us, row))
            links.setdefault(us.id, []).append((eu, row))
    return Snapshot(gen, products, links)


def generation_in(session: Any) -> tuple[int, int]:
    row = session.execute(_generation_query()).one()
    return int(row[0] or 0), int(row[1] or 0)
