"""The shipped data sets (``atmpnav/data``) and the one-time seeding of a new database.

Seeding runs the first time the registry is used on a database: every row of the EU and US
CSVs becomes a product whose fields are recorded in the history with the CSV file and its as-of
date as the source; then the category notes, extra status periods and EU-US links are added the
same way. Each data set is loaded once per database (recorded in ``registry_import``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from atmpnav.errors import DataFormatError
from atmpnav.registry.types import Category, PartialDate, Region, Status, name_key

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

    from atmpnav.registry.history import Recorder
    from atmpnav.registry.models import Product


@dataclass(frozen=True)
class DataSet:
    file: str
    title: str
    as_of: str
    url: str
    licence: str


EU_DATASET = DataSet(
    file="eu_authorised_atmps.csv",
    title="ATMPs granted an EU (centralised) marketing authorisation, 2009 to Jan 2026",
    as_of="2026-01",
    url="https://www.ema.europa.eu/en/medicines (EPARs, orphan pages, data export) + per-row source_urls",
    licence="compiled from public sources; facts only; see data/README.md",
)
US_DATASET = DataSet(
    file="us_approved_cgt.csv",
    title="FDA CBER 'Approved Cellular and Gene Therapy Products', 2010 to mid-2026",
    as_of="2026-06",
    url="https://www.fda.gov/vaccines-blood-biologics/cellular-gene-therapy-products/approved-cellular-and-gene-therapy-products",
    licence="compiled from public sources (US government works are public domain); see data/README.md",
)
LINKS_DATASET = DataSet(
    file="eu_us_links.csv",
    title="EU and US entries of the same product",
    as_of="2026-06",
    url="derived from the two data sets (names, INNs, notes)",
    licence="project data",
)
NOTES_DATASET = DataSet(
    file="category_notes.csv",
    title="Where sources differ on, or do not confirm, a product's ATMP class",
    as_of="2026-01",
    url="see the note text",
    licence="project data",
)
EVENTS_DATASET = DataSet(
    file="status_events.csv",
    title="Status periods between authorisation and the current status (e.g. suspensions)",
    as_of="2026-01",
    url="see the source_note column",
    licence="project data",
)
US_CATEGORIES_DATASET = DataSet(
    file="us_category_mapping.csv",
    title="Our mapping of the US products onto the EU categories (GTMP / sCTMP / TEP / not ATMP)",
    as_of="2026-06",
    url="project mapping from each product's type and description; not an FDA or EU classification",
    licence="project data",
)
TALLIES_DATASET = DataSet(
    file="category_tallies.csv",
    title="Independent counts of EU ATMPs per class",
    as_of="2024-02",
    url="see the url column",
    licence="facts only",
)
EMA_EXAMPLE = "ema_medicines_output_2025-07-15.xlsx"

EU_COLUMNS = (
    "product_name",
    "inn",
    "atmp_category",
    "marketing_authorisation_holder",
    "ec_decision_date",
    "status",
    "status_date",
    "conditional_approval",
    "orphan",
    "prime",
    "indication_short",
    "therapeutic_area",
    "source_urls",
    "notes",
)
US_COLUMNS = (
    "product_name",
    "proper_name",
    "manufacturer",
    "approval_date",
    "product_type",
    "indication_short",
    "source_urls",
    "notes",
)


def data_file(name: str) -> resources.abc.Traversable:
    return resources.files("atmpnav").joinpath("data", name)


def read_bytes(name: str) -> bytes:
    return data_file(name).read_bytes()


def read_csv(name: str, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a shipped CSV with their line number; checks the header."""
    raw = read_bytes(name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFormatError(name, f"not UTF-8 text ({exc})") from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise DataFormatError(name, f"missing column(s): {', '.join(missing)}")
    return [(reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}) for row in reader]


# --------------------------------------------------------------------------- field parsing


def _yes_no(value: str, *, source: str, row: int, column: str) -> bool | None:
    lowered = value.strip().casefold()
    if lowered in ("yes", "y", "true"):
        return True
    if lowered in ("no", "n", "false"):
        return False
    if lowered in ("", "unknown"):
        return None
    raise DataFormatError(source, f"{column}: {value!r} is not yes/no/unknown", row)


def _date(value: str, *, source: str, row: int, column: str) -> PartialDate | None:
    if not value:
        return None
    try:
        return PartialDate.parse(value)
    except ValueError as exc:
        raise DataFormatError(source, f"{column}: {exc}", row) from None


def _category(value: str, *, source: str, row: int) -> tuple[Category, bool | None]:
    text = value.strip()
    if text.casefold() == "unknown" or not text:
        return Category.unknown, None
    combined = "combined" in text.casefold()
    base = text.split("(", 1)[0].strip()
    for member in Category:
        if member.value.casefold() == base.casefold():
            return member, combined
    raise DataFormatError(source, f"category: {value!r} is not GTMP, sCTMP, TEP, not ATMP or unknown", row)


def _status(value: str, *, source: str, row: int) -> Status:
    for member in Status:
        if member is not Status.unknown and member.value == value.strip().casefold():
            return member
    raise DataFormatError(source, f"status: {value!r} is not a known status", row)


def _urls(value: str) -> list[str]:
    return [u.strip() for u in value.split("|") if u.strip()]


def eu_rows() -> list[dict[str, Any]]:
    """The EU CSV as product field values."""
    source = EU_DATASET.file
    products = []
    for line, row in read_csv(source, EU_COLUMNS):
        if not row["product_name"]:
            raise DataFormatError(source, "product_name is empty", line)
        category, combined = _category(row["atmp_category"], source=source, row=line)
        authorised = _date(row["ec_decision_date"], source=source, row=line, column="ec_decision_date")
        ended = _date(row["status_date"], source=source, row=line, column="status_date")
        products.append(
            {
                "region": Region.EU.value,
                "name": row["product_name"],
                "inn": row["inn"] or None,
                "category": category.value,
                "combined": combined,
                "holder": row["marketing_authorisation_holder"] or None,
                "authorised_on": authorised.earliest if authorised else None,
                "authorised_on_precision": authorised.precision.value if authorised else None,
                "status": _status(row["status"], source=source, row=line).value,
                "status_date": ended.earliest if ended else None,
                "status_date_precision": ended.precision.value if ended else None,
                "conditional": _yes_no(row["conditional_approval"], source=source, row=line, column="conditional"),
                "orphan": _yes_no(row["orphan"], source=source, row=line, column="orphan"),
                "prime": _yes_no(row["prime"], source=source, row=line, column="prime"),
                "indication": row["indication_short"] or None,
                "therapeutic_area": row["therapeutic_area"] or None,
                "source_urls": _urls(row["source_urls"]),
                "notes": row["notes"] or None,
            }
        )
    return products


def us_rows() -> list[dict[str, Any]]:
    """The US CSV as product field values (status: on FDA's list = authorised)."""
    source = US_DATASET.file
    products = []
    for line, row in read_csv(source, US_COLUMNS):
        if not row["product_name"]:
            raise DataFormatError(source, "product_name is empty", line)
        approved = _date(row["approval_date"], source=source, row=line, column="approval_date")
        products.append(
            {
                "region": Region.US.value,
                "name": row["product_name"],
                "inn": row["proper_name"] or None,
                "holder": row["manufacturer"] or None,
                "product_type": row["product_type"] or None,
                "authorised_on": approved.earliest if approved else None,
                "authorised_on_precision": approved.precision.value if approved else None,
                "status": Status.authorised.value,
                "indication": row["indication_short"] or None,
                "source_urls": _urls(row["source_urls"]),
                "notes": row["notes"] or None,
            }
        )
    return products


@dataclass(frozen=True)
class Tally:
    source: str
    as_of: str
    counts: dict[str, int]
    combined: int
    total: int
    url: str
    note: str


def tallies() -> list[Tally]:
    source = TALLIES_DATASET.file
    found = []
    for line, row in read_csv(source, ("source", "as_of", "GTMP", "sCTMP", "TEP", "TEP_combined", "total")):
        try:
            counts = {c.value: int(row[c.value]) for c in (Category.GTMP, Category.sCTMP, Category.TEP)}
            found.append(
                Tally(
                    row["source"],
                    row["as_of"],
                    counts,
                    int(row["TEP_combined"]),
                    int(row["total"]),
                    row.get("url", ""),
                    row.get("note", ""),
                )
            )
        except ValueError as exc:
            raise DataFormatError(source, f"count is not a number ({exc})", line) from None
    return found


# --------------------------------------------------------------------------- seeding


def _recorder(session: Session, kind: str, dataset: DataSet) -> Recorder:
    from atmpnav.registry.history import Recorder

    return Recorder(
        session,
        kind=kind,
        source=dataset.file,
        source_as_of=dataset.as_of,
        sha256=hashlib.sha256(read_bytes(dataset.file)).hexdigest(),
    )


def _products(session: Session) -> dict[tuple[str, str], Product]:
    from sqlalchemy import select

    from atmpnav.registry.models import Product

    return {(p.region, p.name_key): p for p in session.scalars(select(Product))}


def _seed_products(session: Session, kind: str, dataset: DataSet, rows: list[dict[str, Any]]) -> int:
    recorder = _recorder(session, kind, dataset)
    for values in rows:
        recorder.create_product(values)
    recorder.finish({"products_added": len(rows)}, always=True)
    return len(rows)


def _seed_eu(session: Session) -> int:
    return _seed_products(session, "seed-eu", EU_DATASET, eu_rows())


def _seed_us(session: Session) -> int:
    return _seed_products(session, "seed-us", US_DATASET, us_rows())


def _seed_notes(session: Session) -> int:
    products = _products(session)
    recorder = _recorder(session, "seed-notes", NOTES_DATASET)
    for line, row in read_csv(NOTES_DATASET.file, ("product", "note")):
        product = products.get((Region.EU.value, name_key(row["product"])))
        if product is None:
            raise DataFormatError(NOTES_DATASET.file, f"no EU product named {row['product']!r}", line)
        recorder.update_product(product, {"category_note": row["note"]})
    recorder.finish({"notes": len(recorder.changes)}, always=True)
    return len(recorder.changes)


def _seed_events(session: Session) -> int:
    products = _products(session)
    recorder = _recorder(session, "seed-events", EVENTS_DATASET)
    for line, row in read_csv(EVENTS_DATASET.file, ("product", "region", "status", "effective_on")):
        product = products.get((row["region"], name_key(row["product"])))
        if product is None:
            raise DataFormatError(EVENTS_DATASET.file, f"no {row['region']} product named {row['product']!r}", line)
        when = _date(row["effective_on"], source=EVENTS_DATASET.file, row=line, column="effective_on")
        if when is None:
            raise DataFormatError(EVENTS_DATASET.file, "effective_on is empty", line)
        status = _status(row["status"], source=EVENTS_DATASET.file, row=line)
        recorder.add_status_event(product, status.value, when.earliest, when.precision.value)
    recorder.finish({"events": len(recorder.changes)}, always=True)
    return len(recorder.changes)


def _seed_us_categories(session: Session) -> int:
    products = _products(session)
    recorder = _recorder(session, "seed-us-categories", US_CATEGORIES_DATASET)
    source = US_CATEGORIES_DATASET.file
    for line, row in read_csv(source, ("product_name", "category", "combined", "basis")):
        product = products.get((Region.US.value, name_key(row["product_name"])))
        if product is None:
            raise DataFormatError(source, f"no US product named {row['product_name']!r}", line)
        category, _ = _category(row["category"], source=source, row=line)
        combined = _yes_no(row["combined"], source=source, row=line, column="combined")
        recorder.update_product(product, {"category": category.value, "combined": combined,
                                          "category_note": f"Our mapping, not an official classification: "
                                                           f"{row['basis']}"})
    recorder.finish({"categories": len(recorder.changes)}, always=True)
    return len(recorder.changes)


def _seed_links(session: Session) -> int:
    products = _products(session)
    recorder = _recorder(session, "seed-links", LINKS_DATASET)
    linked = 0
    for line, row in read_csv(LINKS_DATASET.file, ("eu_name", "us_name", "kind", "basis")):
        eu = products.get((Region.EU.value, name_key(row["eu_name"])))
        us = products.get((Region.US.value, name_key(row["us_name"])))
        if eu is None or us is None:
            missing = row["eu_name"] if eu is None else row["us_name"]
            raise DataFormatError(LINKS_DATASET.file, f"no product named {missing!r}", line)
        if row["kind"] not in ("same_product", "same_active_substance"):
            raise DataFormatError(LINKS_DATASET.file, f"kind {row['kind']!r} is not a link kind", line)
        if recorder.link(eu, us, kind=row["kind"], basis=row["basis"] or None) is not None:
            linked += 1
    recorder.finish({"links": linked}, always=True)
    return linked


#: Each shipped data set is loaded once per database, in this order (later steps refer to the
#: products of the first two). A data set added in a later version is loaded on first use then.
SEED_STEPS: tuple[tuple[str, Callable[[Session], int]], ...] = (
    ("seed-eu", _seed_eu),
    ("seed-us", _seed_us),
    ("seed-notes", _seed_notes),
    ("seed-events", _seed_events),
    ("seed-links", _seed_links),
    ("seed-us-categories", _seed_us_categories),
)


def seeded_steps(session: Session) -> set[str]:
    from sqlalchemy import select

    from atmpnav.registry.models import Import

    return set(session.scalars(select(Import.kind).where(Import.kind.in_([k for k, _ in SEED_STEPS]))))


def is_seeded(session: Session) -> bool:
    return seeded_steps(session) >= {k for k, _ in SEED_STEPS}


def seed(session: Session) -> dict[str, int]:
    """Load the shipped data sets not loaded yet (within the caller's transaction)."""
    done = seeded_steps(session)
    return {kind: step(session) for kind, step in SEED_STEPS if kind not in done}


_seeded_engines: weakref.WeakSet[Engine] = weakref.WeakSet()


def ensure_seeded(engine: Engine) -> None:
    """Seed the registry once per database (checked once per process and engine)."""
    from sqlalchemy.exc import IntegrityError

    from atmpnav import store

    if engine in _seeded_engines:
        return
    try:
        with store.session_scope(engine) as session:
            if not is_seeded(session):
                seed(session)
    except IntegrityError:
        # Another process seeded the same database at the same moment: its seed stands.
        with store.session_scope(engine) as session:
            if not is_seeded(session):
                raise
    _seeded_engines.add(engine)
