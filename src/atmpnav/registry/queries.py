"""Reading the registry: lists, one product with its links and history, counts per category.

Every function takes an optional ``engine``; without one it uses the configured database
(:func:`atmpnav.store.get_engine`), which is created, migrated and seeded on first use.

``as_of`` semantics: a product is "authorised by" a date when its authorisation date is on or
before it (a date known only to the month or year counts from the period's last day); its status
on that date comes from its status timeline (:func:`status_on`).
"""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from atmpnav.errors import UnknownNameError
from atmpnav.registry.types import (
    ENDED,
    STILL_AUTHORISED,
    Category,
    PartialDate,
    Region,
    Status,
    name_key,
    parse_as_of,
    parse_category,
    parse_region,
    parse_status,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

    from atmpnav.registry.models import Product, StatusEvent


def registry_engine(engine: Engine | None = None) -> Engine:
    """The engine to use, with the registry seeded."""
    from atmpnav import store
    from atmpnav.registry.seed import ensure_seeded

    engine = engine or store.get_engine()
    ensure_seeded(engine)
    return engine


# --------------------------------------------------------------------------- status timeline


@dataclass(frozen=True)
class StatusAt:
    """The status on a date and the date it took effect (None when not known)."""

    status: Status
    since: PartialDate | None


def _happened_by(event: StatusEvent, when: date) -> bool | None:
    """Whether the event had certainly taken effect by ``when`` (None: its date is unknown)."""
    found = PartialDate.of(event.effective_on, event.precision)
    if found is None:
        return None
    return found.latest <= when


def status_at(product: Product, when: date) -> StatusAt | None:
    """Status of ``product`` on ``when`` with its start, from the status timeline; None when
    the product was not (certainly) authorised by then. ``Status.unknown`` when an undated
    change may or may not have happened by then."""
    current: StatusAt | None = None
    for event in sorted(product.events, key=lambda e: e.seq):
        happened = _happened_by(event, when)
        if happened is None:
            if current is not None:
                current = StatusAt(Status.unknown, None)
            continue
        if not happened:
            break
        current = StatusAt(Status(event.status), PartialDate.of(event.effective_on, event.precision))
    return current


def status_on(product: Product, when: date) -> Status | None:
    """Status of ``product`` on ``when`` (None: not yet authorised then)."""
    found = status_at(product, when)
    return found.status if found else None


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class LinkedProduct:
    region: str
    name: str
    kind: str
    basis: str | None
    status: str
    authorised_on: str | None


@dataclass(frozen=True)
class ProductSummary:
    name: str
    region: str
    category: str | None
    combined: bool | None
    status: str
    status_since: str | None
    authorised_on: str | None
    inn: str | None
    holder: str | None
    product_type: str | None
    conditional: bool | None
    orphan: bool | None
    prime: bool | None
    slug: str
    linked: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def category_label(self) -> str:
        if self.category is None:
            return "-"
        return f"{self.category} (combined)" if self.combined else self.category


@dataclass(frozen=True)
class TimelineEntry:
    status: str
    effective_on: str | None
    source: str


@dataclass(frozen=True)
class HistoryEntry:
    changed_at: str
    action: str
    field: str
    old: str | None
    new: str | None
    source: str
    source_as_of: str | None


@dataclass(frozen=True)
class ProductDetail:
    summary: ProductSummary
    aliases: list[str]
    category_note: str | None
    indication: str | None
    therapeutic_area: str | None
    exceptional_circumstances: bool | None
    status_date: str | None
    notes: str | None
    source_urls: list[str]
    url: str | None
    ema_product_number: str | None
    facts_file: str | None
    timeline: list[TimelineEntry]
    links: list[LinkedProduct]
    history: list[HistoryEntry]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        summary = data.pop("summary")
        return {**summary, **data}


def _partial(value: date | None, precision: str | None) -> str | None:
    found = PartialDate.of(value, precision)
    return str(found) if found else None


def _linked(product: Product, links: dict[int, list[tuple[Product, Any]]]) -> list[tuple[Product, Any]]:
    return links.get(product.id, [])


def _summary(product: Product, links: list[tuple[Product, Any]], when: date | None) -> ProductSummary:
    if when is None:
        status = product.status
        since = _partial(product.status_date, product.status_date_precision)
        if product.status == Status.authorised:
            since = _partial(product.authorised_on, product.authorised_on_precision)
    else:
        found = status_at(product, when)
        status = found.status.value if found else Status.unknown.value
        since = str(found.since) if found and found.since else None
    return ProductSummary(
        name=product.name,
        region=product.region,
        category=product.category,
        combined=product.combined,
        status=status,
        status_since=since,
        authorised_on=_partial(product.authorised_on, product.authorised_on_precision),
        inn=product.inn,
        holder=product.holder,
        product_type=product.product_type,
        conditional=product.conditional,
        orphan=product.orphan,
        prime=product.prime,
        slug=product.slug,
        linked=[
            f"{other.region}: {other.name}" + ("" if link.kind == "same_product" else " (same active substance)")
            for other, link in links
        ],
    )


def _load(session: Session) -> tuple[list[Product], dict[int, list[tuple[Product, Any]]]]:
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from atmpnav.registry.models import Link, Product

    products = list(session.scalars(select(Product).options(selectinload(Product.events))))
    by_id = {p.id: p for p in products}
    links: dict[int, list[tuple[Product, Any]]] = {}
    for link in session.scalars(select(Link).order_by(Link.id)):
        eu, us = by_id[link.eu_product_id], by_id[link.us_product_id]
        links.setdefault(eu.id, []).append((us, link))
        links.setdefault(us.id, []).append((eu, link))
    return products, links


def _order(product: Product) -> tuple[str, date, str]:
    return (product.region, product.authorised_on or date.max, product.name_key)


# --------------------------------------------------------------------------- queries


def list_products(
    region: Region | str | None = None,
    category: Category | str | None = None,
    status: Status | str | None = None,
    as_of: date | str | None = None,
    *,
    engine: Engine | None = None,
) -> list[ProductSummary]:
    """Products (EU first, each region by authorisation date). With ``as_of``: only those
    authorised by then, with their status on that date. ``category`` TEP includes combined TEPs;
    ``status`` filters on the status shown."""
    from atmpnav import store

    wanted_region = parse_region(region)
    wanted_category = parse_category(category)
    wanted_status = parse_status(status)
    when = parse_as_of(as_of)
    with store.session_scope(registry_engine(engine)) as session:
        products, links = _load(session)
        rows = []
        for product in sorted(products, key=_order):
            if wanted_region and product.region != wanted_region:
                continue
            if wanted_category and product.category != wanted_category:
                continue
            if when is not None and status_at(product, when) is None:
                continue
            summary = _summary(product, _linked(product, links), when)
            if wanted_status and summary.status != wanted_status:
                continue
            rows.append(summary)
        return rows


def _find(session: Session, name: str, region: Region | None) -> Product:
    from sqlalchemy import select

    from atmpnav.registry.models import Product

    key = name_key(name)
    candidates = list(session.scalars(select(Product)))
    if region:
        candidates = [p for p in candidates if p.region == region]
    by_name = [p for p in candidates if key == p.name_key or key in {name_key(a) for a in (p.aliases or [])}]
    by_inn = [p for p in candidates if p.inn and name_key(p.inn) == key]
    for group in (by_name, by_inn):
        if group:
            # The same name in both regions: the EU entry (its US twin is shown as a link);
            # within a region the product's own name before another product's other name.
            return sorted(group, key=lambda p: (p.region != Region.EU, p.name_key != key, p.id))[0]
    names = sorted({p.name for p in candidates})
    close = difflib.get_close_matches(name, names, n=5, cutoff=0.6) or names
    raise UnknownNameError("product", name, close)


def show_product(name: str, region: Region | str | None = None, *, engine: Engine | None = None) -> ProductDetail:
    """One product by name (case-insensitive; also other names and INNs), with its linked
    products, status timeline and full change history."""
    from sqlalchemy import select

    from atmpnav import store
    from atmpnav.registry.facts_files import facts_path
    from atmpnav.registry.history import as_utc
    from atmpnav.registry.models import Change

    wanted_region = parse_region(region)
    with store.session_scope(registry_engine(engine)) as session:
        product = _find(session, name, wanted_region)
        _, links = _load(session)
        linked = _linked(product, links)
        changes = session.scalars(select(Change).where(Change.product_id == product.id).order_by(Change.id))
        path = facts_path(product.slug) if product.region == Region.EU else None
        return ProductDetail(
            summary=_summary(product, linked, None),
            aliases=list(product.aliases or []),
            category_note=product.category_note,
            indication=product.indication,
            therapeutic_area=product.therapeutic_area,
            exceptional_circumstances=product.exceptional_circumstances,
            status_date=_partial(product.status_date, product.status_date_precision),
            notes=product.notes,
            source_urls=list(product.source_urls or []),
            url=product.url,
            ema_product_number=product.ema_product_number,
            facts_file=str(path) if path and path.is_file() else None,
            timeline=[
                TimelineEntry(e.status, _partial(e.effective_on, e.precision), e.source)
                for e in sorted(product.events, key=lambda e: e.seq)
            ],
            links=[
                LinkedProduct(
                    region=other.region,
                    name=other.name,
                    kind=link.kind,
                    basis=link.basis,
                    status=other.status,
                    authorised_on=_partial(other.authorised_on, other.authorised_on_precision),
                )
                for other, link in linked
            ],
            history=[
                HistoryEntry(
                    changed_at=as_utc(c.changed_at).isoformat(timespec="seconds"),
                    action=c.action,
                    field=c.field,
                    old=c.old_value,
                    new=c.new_value,
                    source=c.source,
                    source_as_of=c.source_as_of,
                )
                for c in changes
            ],
        )


# --------------------------------------------------------------------------- stats

STATS_CATEGORIES = (Category.GTMP, Category.sCTMP, Category.TEP, Category.unknown)


@dataclass(frozen=True)
class CategoryCount:
    category: str
    authorised: int
    still_authorised: int
    ended: int
    status_unknown: int
    combined: int
    combined_still_authorised: int
    products: list[str]


@dataclass(frozen=True)
class TallyComparison:
    source: str
    as_of: str
    counts: dict[str, int]
    combined: int
    total: int
    ours: dict[str, int]
    ours_as_of: str
    differences: dict[str, int]
    url: str
    note: str


@dataclass(frozen=True)
class Stats:
    """EU ATMPs per category on ``as_of``: authorised by then, and still authorised then."""

    as_of: str
    region: str
    categories: list[CategoryCount]
    authorised: int
    still_authorised: int
    ended: int
    status_unknown: int
    tallies: list[TallyComparison]
    notes: list[str]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def category(self, name: str) -> CategoryCount:
        for row in self.categories:
            if row.category == name:
                return row
        return CategoryCount(name, 0, 0, 0, 0, 0, 0, [])


def _count(products: list[Product], when: date) -> tuple[list[CategoryCount], dict[str, list[Product]]]:
    groups: dict[str, list[tuple[Product, Status]]] = {c.value: [] for c in STATS_CATEGORIES}
    for product in products:
        status = status_on(product, when)
        if status is None:
            continue
        groups[Category(product.category or Category.unknown).value].append((product, status))
    rows = []
    for category in STATS_CATEGORIES:
        members = groups[category.value]
        if category is Category.unknown and not members:
            continue
        rows.append(
            CategoryCount(
                category=category.value,
                authorised=len(members),
                still_authorised=sum(1 for _, s in members if s in STILL_AUTHORISED),
                ended=sum(1 for _, s in members if s in ENDED),
                status_unknown=sum(1 for _, s in members if s is Status.unknown),
                combined=sum(1 for p, _ in members if p.combined),
                combined_still_authorised=sum(1 for p, s in members if p.combined and s in STILL_AUTHORISED),
                products=[p.name for p, _ in sorted(members, key=lambda m: _order(m[0]))],
            )
        )
    return rows, {k: [p for p, _ in v] for k, v in groups.items()}


def _tally_date(as_of: str) -> date:
    return PartialDate.parse(as_of).latest


def stats(as_of: date | str | None = None, *, engine: Engine | None = None) -> Stats:
    """Counts of EU ATMPs per category on ``as_of`` (default: today), compared with
    independent tallies published on or before that date."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from atmpnav import store
    from atmpnav.registry.models import Product
    from atmpnav.registry.seed import tallies

    when = parse_as_of(as_of) or date.today()
    with store.session_scope(registry_engine(engine)) as session:
        products = list(
            session.scalars(
                select(Product).where(Product.region == Region.EU.value).options(selectinload(Product.events))
            )
        )
        rows, _ = _count(products, when)
        comparisons = []
        for tally in tallies():
            tally_day = _tally_date(tally.as_of)
            if tally_day > when:
                continue
            ours_rows, _ = _count(products, tally_day)
            ours = {r.category: r.authorised for r in ours_rows}
            differences = {
                c: ours.get(c, 0) - tally.counts.get(c, 0)
                for c in tally.counts
                if ours.get(c, 0) != tally.counts.get(c, 0)
            }
            comparisons.append(
                TallyComparison(
                    source=tally.source,
                    as_of=tally.as_of,
                    counts=tally.counts,
                    combined=tally.combined,
                    total=tally.total,
                    ours=ours,
                    ours_as_of=tally_day.isoformat(),
                    differences=differences,
                    url=tally.url,
                    note=tally.note,
                )
            )
        notes = [
            f"{p.name}: {p.category_note}"
            for p in sorted(products, key=_order)
            if p.category_note and status_on(p, when) is not None
        ]
        return Stats(
            as_of=when.isoformat(),
            region=Region.EU.value,
            categories=rows,
            authorised=sum(r.authorised for r in rows),
            still_authorised=sum(r.still_authorised for r in rows),
            ended=sum(r.ended for r in rows),
            status_unknown=sum(r.status_unknown for r in rows),
            tallies=comparisons,
            notes=notes,
        )


def eu_products(*, engine: Engine | None = None) -> list[ProductSummary]:
    """Every EU product (current status), for cross-checks such as facts files vs registry."""
    return list_products(region=Region.EU, engine=engine)
