"""Reading the registry: lists, one product with its links and history, counts per category.

Every function takes an optional ``engine``; without one it uses the configured database
(:func:`atmpnav.store.get_engine`), which is created, migrated and seeded on first use.

``as_of`` semantics: a product is "authorised by" a date when its authorisation date is on or
before it (a date known only to the month or year counts from the period's last day); its status
on that date comes from its status timeline (:func:`status_on`).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from atmpnav.errors import InputError, UnknownNameError
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

    from atmpnav.registry.cache import EventRow, Snapshot
    from atmpnav.registry.cache import ProductRow as Product


def registry_engine(engine: Engine | None = None) -> Engine:
    """The engine to use, with the registry seeded."""
    from atmpnav import store
    from atmpnav.registry.seed import ensure_seeded

    engine = engine or store.get_engine()
    ensure_seeded(engine)
    return engine


def current(engine: Engine | None = None) -> Snapshot:
    """The registry of the current import generation (cached; see :mod:`atmpnav.registry.cache`)."""
    from atmpnav.registry.cache import snapshot

    return snapshot(registry_engine(engine))


# --------------------------------------------------------------------------- status timeline


@dataclass(frozen=True)
class StatusAt:
    """The status on a date and the date it took effect (None when not known)."""

    status: Status
    since: PartialDate | None


def _happened_by(event: EventRow, when: date) -> bool | None:
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
    #: US products: the category is the project's mapping, not an official classification.
    category_mapped: bool = False
    #: The tool's own verdict from the product's facts file (None: no facts file).
    own_outcome: str | None = None
    own_agrees: bool | None = None
    data_quality: str = ""

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
    #: A seed import shown as one event: how many fields it set (0 for an ordinary change).
    fields_set: int = 0


@dataclass(frozen=True)
class SourceLink:
    url: str
    official: bool
    publisher: str


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
    sources: list[SourceLink] = field(default_factory=list)
    #: The tool's own verdict (a :class:`atmpnav.verdict.Verdict`) from the facts file, if any.
    verdict: Any = None

    def to_dict(self) -> dict[str, Any]:
        verdict = self.verdict
        data = asdict(replace(self, verdict=None))
        summary = data.pop("summary")
        data["verdict"] = verdict.model_dump(mode="json") if verdict is not None else None
        return {**summary, **data}


def _partial(value: date | None, precision: str | None) -> str | None:
    found = PartialDate.of(value, precision)
    return str(found) if found else None


def _linked(product: Product, links: dict[int, list[tuple[Product, Any]]]) -> list[tuple[Product, Any]]:
    return links.get(product.id, [])


def _summary(product: Product, links: list[tuple[Product, Any]], when: date | None,
             own: Any = None) -> ProductSummary:
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
        category_mapped=product.region == Region.US.value and product.category is not None,
        own_outcome=own.outcome if own else None,
        own_agrees=own.agrees if own else None,
        data_quality=data_quality(product),
    )


# --------------------------------------------------------------------------- sources and data quality

OFFICIAL_HOSTS = {
    "ema.europa.eu": "EMA",
    "ec.europa.eu": "European Commission",
    "health.ec.europa.eu": "European Commission",
    "fda.gov": "FDA",
    "api.fda.gov": "FDA (openFDA)",
    "accessdata.fda.gov": "FDA",
}


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    host = (urlsplit(url.strip()).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def classify_source(url: str) -> SourceLink:
    """A source URL and whether a regulator published it (official) or someone else (secondary)."""
    host = _host(url)
    for known, publisher in OFFICIAL_HOSTS.items():
        if host == known or host.endswith("." + known):
            return SourceLink(url, True, publisher)
    return SourceLink(url, False, host or url)


def sources_of(product: Product) -> list[SourceLink]:
    """The product's sources, official ones first (the order within each kind kept)."""
    urls = list(dict.fromkeys([*( [product.url] if product.url else []), *product.source_urls]))
    found = [classify_source(u) for u in urls]
    return [s for s in found if s.official] + [s for s in found if not s.official]


def data_quality(product: Product) -> str:
    """One plain line on how far the product's data can be relied on (the curation notes stay
    in the data files and the JSON)."""
    parts = []
    sources = sources_of(product)
    official = sum(1 for s in sources if s.official)
    if official:
        parts.append(f"{official} official source{'s' if official != 1 else ''}"
                     + (f", {len(sources) - official} secondary" if len(sources) > official else ""))
    elif sources:
        parts.append("secondary sources only")
    else:
        parts.append("no source recorded")
    if product.region == Region.US.value:
        parts.append("category: our mapping, not an EU classification" if product.category else "no category")
    elif product.category in (None, Category.unknown.value):
        parts.append("category not verified")
    elif product.category_note:
        parts.append("sources differ on or do not confirm the category")
    precision = product.authorised_on_precision
    if product.authorised_on is None:
        parts.append("authorisation date not known")
    elif precision and precision != "day":
        parts.append(f"authorisation date known to the {precision}")
    if product.notes and "not verified" in product.notes.casefold():
        parts.append("some details not verified")
    line = "; ".join(parts)
    return line[:1].upper() + line[1:]


def _order(product: Product) -> tuple[str, date, str]:
    return (product.region, product.authorised_on or date.max, product.name_key)


SORT_KEYS: dict[str, Callable[[ProductSummary], Any]] = {
    "name": lambda r: r.name.casefold(),
    "region": lambda r: r.region,
    "category": lambda r: (r.category or "~", r.name.casefold()),
    "status": lambda r: (r.status, r.name.casefold()),
    "authorised": lambda r: (r.authorised_on or "9999", r.name.casefold()),
    "holder": lambda r: ((r.holder or "~").casefold(), r.name.casefold()),
    "verdict": lambda r: (r.own_outcome or "~", r.name.casefold()),
}


def parse_sort(text: str | None) -> tuple[str, bool] | None:
    """``name``, ``-authorised`` … as (key, descending); None for the default order."""
    if not text:
        return None
    descending = text.startswith("-")
    key = text.lstrip("-+ ").casefold()
    if key not in SORT_KEYS:
        raise InputError(f"sort: {text!r} is not a column; choose one of {', '.join(SORT_KEYS)} (prefix - for "
                         "descending)")
    return key, descending


def _matches(product: Product, words: list[str]) -> bool:
    haystack = " ".join(x for x in (product.name, product.inn, product.holder, product.indication,
                                     product.therapeutic_area, product.product_type, product.category,
                                     *product.aliases) if x).casefold()
    return all(w in haystack for w in words)


# --------------------------------------------------------------------------- queries


def list_products(
    region: Region | str | None = None,
    category: Category | str | None = None,
    status: Status | str | None = None,
    as_of: date | str | None = None,
    *,
    q: str | None = None,
    sort: str | None = None,
    engine: Engine | None = None,
) -> list[ProductSummary]:
    """Products (EU first, each region by authorisation date). With ``as_of``: only those
    authorised by then, with their status on that date. ``category`` TEP includes combined TEPs
    (and, for US products, our mapping); ``status`` filters on the status shown; ``q`` keeps the
    products whose name, INN, holder, indication or type contain every word; ``sort`` orders by
    a column (``-`` for descending)."""
    wanted_region = parse_region(region)
    wanted_category = parse_category(category)
    wanted_status = parse_status(status)
    when = parse_as_of(as_of)
    words = (q or "").casefold().split()[:20]
    order = parse_sort(sort)
    snap = current(engine)
    key = ("list", wanted_region, wanted_category, wanted_status, when, tuple(words), order)
    return list(snap.memo(key, lambda: _list(snap, wanted_region, wanted_category, wanted_status, when, words,
                                             order)))


def _list(snap: Snapshot, wanted_region: Region | None, wanted_category: Category | None,
          wanted_status: Status | None, when: date | None, words: list[str],
          order: tuple[str, bool] | None) -> tuple[ProductSummary, ...]:
    from atmpnav.registry.verdicts import own_verdicts

    verdicts = own_verdicts(snap, date.today())  # on today's law, whatever the as-of date of the list
    rows = []
    for product in sorted(snap.products, key=_order):
        if wanted_region and product.region != wanted_region:
            continue
        if wanted_category and product.category != wanted_category:
            continue
        if words and not _matches(product, words):
            continue
        if when is not None and status_at(product, when) is None:
            continue
        summary = _summary(product, _linked(product, snap.links), when, verdicts.get(product.id))
        if wanted_status and summary.status != wanted_status:
            continue
        rows.append(summary)
    if order:
        rows.sort(key=SORT_KEYS[order[0]], reverse=order[1])
    return tuple(rows)


def _find(snap: Snapshot, name: str, region: Region | None) -> Product:
    key = name_key(name)
    candidates = list(snap.products)
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


#: Imports that load a shipped data set: their "create" rows are shown as one event.
SEED_KINDS = ("seed-eu", "seed-us")


def _history(engine: Engine, product_id: int, full: bool) -> tuple[HistoryEntry, ...]:
    from sqlalchemy import select

    from atmpnav import store
    from atmpnav.registry.history import as_utc
    from atmpnav.registry.models import Change, Import

    entries: list[HistoryEntry] = []
    seeds: dict[int, int] = {}
    with store.session_scope(engine) as session:
        rows = session.execute(
            select(Change, Import.kind).outerjoin(Import, Change.import_id == Import.id)
            .where(Change.product_id == product_id).order_by(Change.id)
        )
        for change, kind in rows:
            when = as_utc(change.changed_at).isoformat(timespec="seconds")
            if not full and change.action == "create" and kind in SEED_KINDS and change.import_id is not None:
                if change.import_id in seeds:
                    index = seeds[change.import_id]
                    previous = entries[index]
                    entries[index] = HistoryEntry(previous.changed_at, previous.action, previous.field, None,
                                                  previous.new, previous.source, previous.source_as_of,
                                                  previous.fields_set + 1)
                    continue
                seeds[change.import_id] = len(entries)
                label = f"imported from {change.source}" + (f" as of {change.source_as_of}"
                                                             if change.source_as_of else "")
                entries.append(HistoryEntry(when, "import", "(all fields)", None, label, change.source,
                                            change.source_as_of, 1))
                continue
            entries.append(HistoryEntry(when, change.action, change.field, change.old_value, change.new_value,
                                        change.source, change.source_as_of))
    return tuple(entries)


def show_product(name: str, region: Region | str | None = None, *, engine: Engine | None = None,
                 full_history: bool = False) -> ProductDetail:
    """One product by name (case-insensitive; also other names and INNs), with its linked
    products, status timeline and change history: the loading of a shipped data set is one
    "imported from … as of …" event, unless ``full_history`` asks for every field it set."""
    from atmpnav.registry.facts_files import facts_path
    from atmpnav.registry.verdicts import own_verdicts

    wanted_region = parse_region(region)
    engine = registry_engine(engine)
    snap = current(engine)
    product = _find(snap, name, wanted_region)
    linked = _linked(product, snap.links)
    history = snap.memo(("history", product.id, full_history), lambda: _history(engine, product.id, full_history))
    path = facts_path(product.slug) if product.region == Region.EU else None
    own = own_verdicts(snap, date.today()).get(product.id)
    return ProductDetail(
        summary=_summary(product, linked, None, own),
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
        facts_file=str(path) if path and path.is_file() else (own.facts_file if own else None),
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
        history=list(history),
        sources=sources_of(product),
        verdict=own.verdict if own else None,
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
    when = parse_as_of(as_of) or date.today()
    snap = current(engine)
    return snap.memo(("stats", when), lambda: _stats(snap, when))


def _stats(snap: Snapshot, when: date) -> Stats:
    from atmpnav.registry.seed import tallies

    products = [p for p in snap.products if p.region == Region.EU.value]
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
