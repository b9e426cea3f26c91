"""Refresh the EU registry from EMA's published medicines spreadsheet ("medicines output").

The spreadsheet has a banner (row 1 holds the generation stamp, e.g. ``15/07/2025 - 18:00``), then
the header (row 9 in the files EMA publishes; the first 30 rows are searched for it), then one row
per medicine. Rows with ``Category = Human`` and ``Advanced therapy = Yes`` are read.

For each such row the EU product with the same name is updated (status, authorisation and
end dates, conditional / exceptional / orphan / PRIME flags, EMA product number and URL); names
like ``Beqvez (previously Durveqtix)`` match either name, and the new name is kept as another
name of the product. Rows that match nothing add a new EU ATMP whose category is ``unknown``
until someone sets it. Blank cells never erase what is known.

The whole file is read and checked before anything is written, and the changes are applied in
one transaction: a malformed file raises :class:`~atmpnav.errors.DataFormatError` and changes
nothing. Importing the same file again changes nothing.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from atmpnav.errors import DataFormatError, InputFileError
from atmpnav.registry.types import Category, Precision, Region, Status, name_key

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from atmpnav.registry.history import FieldChange

COL_CATEGORY = "Category"
COL_NAME = "Name of medicine"
COL_NUMBER = "EMA product number"
COL_STATUS = "Medicine status"
COL_INN = "International non-proprietary name (INN) / common name"
COL_INDICATION = "Therapeutic indication"
COL_ATMP = "Advanced therapy"
COL_CONDITIONAL = "Conditional approval"
COL_EXCEPTIONAL = "Exceptional circumstances"
COL_ORPHAN = "Orphan medicine"
COL_PRIME = "PRIME: priority medicine"
COL_HOLDER = "Marketing authorisation developer / applicant / holder"
COL_MA_DATE = "Marketing authorisation date"
COL_END_DATE = "Withdrawal / expiry / revocation / lapse of marketing authorisation date"
COL_URL = "Medicine URL"

REQUIRED_COLUMNS = (
    COL_CATEGORY,
    COL_NAME,
    COL_NUMBER,
    COL_STATUS,
    COL_INN,
    COL_INDICATION,
    COL_ATMP,
    COL_CONDITIONAL,
    COL_EXCEPTIONAL,
    COL_ORPHAN,
    COL_PRIME,
    COL_HOLDER,
    COL_MA_DATE,
    COL_END_DATE,
    COL_URL,
)
HEADER_SEARCH_ROWS = 30

#: EMA's "Medicine status" -> registry status; statuses of medicines never authorised map to None.
EMA_STATUS: dict[str, Status | None] = {
    "authorised": Status.authorised,
    "suspended": Status.suspended,
    "withdrawn": Status.withdrawn,
    "expired": Status.expired,
    "revoked": Status.revoked,
    "lapsed": Status.lapsed,
    "refused": None,
    "opinion": None,
    "opinion under re-examination": None,
    "application withdrawn": None,
    "withdrawn from rolling review": None,
}
#: Registry statuses that say the same as EMA's (EMA's "Expired" covers "not renewed").
EQUIVALENT = {Status.expired: {Status.expired, Status.not_renewed}}

_STAMP_RE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
_PREVIOUSLY_RE = re.compile(r"^(?P<current>.+?)\s*\(\s*previously\s+(?P<previous>[^)]+)\)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class EmaRow:
    row: int
    names: list[str]  # [current name, previous names...]
    status: Status
    authorised_on: date | None
    ended_on: date | None
    conditional: bool | None
    exceptional: bool | None
    orphan: bool | None
    prime: bool | None
    number: str | None
    inn: str | None
    holder: str | None
    indication: str | None
    url: str | None


@dataclass
class ImportReport:
    """What an import did (``changes`` lists every field changed, per product)."""

    source: str
    source_as_of: str | None
    atmp_rows: int = 0
    matched: int = 0
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "source_as_of": self.source_as_of,
            "atmp_rows": self.atmp_rows,
            "matched": self.matched,
            "added": self.added,
            "updated": self.updated,
            "unchanged": len(self.unchanged),
            "skipped": self.skipped,
            "changes": [c.to_dict() for c in self.changes],
        }


# --------------------------------------------------------------------------- reading


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).replace("\xa0", " ").replace("&nbsp;", " ")
    text = re.sub(r"\s+", " ", text).strip()
    return text or None


def _flag(value: Any, *, source: str, row: int, column: str) -> bool | None:
    text = _text(value)
    if text is None:
        return None
    lowered = text.casefold()
    if lowered == "yes":
        return True
    if lowered == "no":
        return False
    raise DataFormatError(source, f"column {column!r}: {text!r} is not Yes or No", row)


def _date(value: Any, *, source: str, row: int, column: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        pass
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DataFormatError(source, f"column {column!r}: {text!r} is not a date (DD/MM/YYYY)", row) from None


def split_names(name: str) -> list[str]:
    """``Beqvez (previously Durveqtix)`` -> ``["Beqvez", "Durveqtix"]``."""
    match = _PREVIOUSLY_RE.match(name)
    if not match:
        return [name]
    previous = [p.strip() for p in re.split(r",|/|;", match.group("previous")) if p.strip()]
    return [match.group("current").strip(), *previous]


def _stamp(banner: list[tuple[Any, ...]]) -> str | None:
    for row in banner:
        for value in row:
            if isinstance(value, datetime):
                return value.date().isoformat()
            match = _STAMP_RE.search(str(value or ""))
            if match:
                day, month, year = match.groups()
                try:
                    return date(int(year), int(month), int(day)).isoformat()
                except ValueError:
                    continue
    return None


def read_ema(path: str | Path) -> tuple[str | None, list[EmaRow], list[str]]:
    """Parse the spreadsheet: (generation date, ATMP rows, skipped notes). Raises
    DataFormatError for anything that is not EMA's medicines output."""
    source = Path(path).name
    file = Path(path)
    if not file.is_file():
        raise InputFileError(str(path), "file not found")
    if not zipfile.is_zipfile(file):
        raise DataFormatError(source, "not an Excel .xlsx workbook (expected EMA's medicines output spreadsheet)")

    import openpyxl

    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged or foreign files
        raise DataFormatError(source, f"cannot read the workbook ({type(exc).__name__}: {exc})") from None
    try:
        if not workbook.worksheets:
            raise DataFormatError(source, "the workbook has no worksheet (expected EMA's medicines output)")
        sheet = workbook["Medicine"] if "Medicine" in workbook.sheetnames else workbook.worksheets[0]
        rows_iter = sheet.iter_rows(values_only=True)
        banner: list[tuple[Any, ...]] = []
        header: list[str | None] | None = None
        header_row = 0
        for number, values in enumerate(rows_iter, start=1):
            cells = [_text(v) for v in values]
            if COL_NAME in cells and COL_ATMP in cells:
                header, header_row = cells, number
                break
            banner.append(tuple(v for v in values if v is not None))
            if number >= HEADER_SEARCH_ROWS:
                break
        if header is None:
            raise DataFormatError(
                source,
                f"no header row with {COL_NAME!r} and {COL_ATMP!r} in the first {HEADER_SEARCH_ROWS} rows "
                "(expected EMA's medicines output, header on row 9)",
            )
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise DataFormatError(source, f"missing column(s): {', '.join(repr(c) for c in missing)}", header_row)
        index = {name: header.index(name) for name in REQUIRED_COLUMNS}
        as_of = _stamp(banner)

        found: list[EmaRow] = []
        skipped: list[str] = []
        for number, values in enumerate(rows_iter, start=header_row + 1):

            def cell(column: str, values: tuple[Any, ...] = values) -> Any:
                position = index[column]
                return values[position] if position < len(values) else None

            name = _text(cell(COL_NAME))
            atmp = _flag(cell(COL_ATMP), source=source, row=number, column=COL_ATMP)
            if not atmp:
                continue
            category = _text(cell(COL_CATEGORY))
            if category and category.casefold() != "human":
                continue
            if not name:
                raise DataFormatError(source, f"{COL_NAME!r} is empty", number)
            status_text = (_text(cell(COL_STATUS)) or "").casefold()
            if status_text not in EMA_STATUS:
                raise DataFormatError(source, f"{COL_STATUS!r}: {cell(COL_STATUS)!r} is not a known status", number)
            status = EMA_STATUS[status_text]
            if status is None:
                skipped.append(f"{name}: {cell(COL_STATUS)} (never authorised)")
                continue
            found.append(
                EmaRow(
                    row=number,
                    names=split_names(name),
                    status=status,
                    authorised_on=_date(cell(COL_MA_DATE), source=source, row=number, column=COL_MA_DATE),
                    ended_on=_date(cell(COL_END_DATE), source=source, row=number, column=COL_END_DATE),
                    conditional=_flag(cell(COL_CONDITIONAL), source=source, row=number, column=COL_CONDITIONAL),
                    exceptional=_flag(cell(COL_EXCEPTIONAL), source=source, row=number, column=COL_EXCEPTIONAL),
                    orphan=_flag(cell(COL_ORPHAN), source=source, row=number, column=COL_ORPHAN),
                    prime=_flag(cell(COL_PRIME), source=source, row=number, column=COL_PRIME),
                    number=_text(cell(COL_NUMBER)),
                    inn=_text(cell(COL_INN)),
                    holder=_text(cell(COL_HOLDER)),
                    indication=_text(cell(COL_INDICATION)),
                    url=_text(cell(COL_URL)),
                )
            )
    except DataFormatError:
        raise
    except Exception as exc:  # a damaged sheet surfaces only while its rows are read (XML, zip, values)
        raise DataFormatError(source, f"cannot read the worksheet ({type(exc).__name__}: {str(exc)[:200]})") from None
    finally:
        workbook.close()
    if not found and not skipped:
        raise DataFormatError(source, f"no rows with {COL_ATMP!r} = Yes; is this EMA's medicines output?")
    keys = [name_key(r.names[0]) for r in found]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise DataFormatError(source, f"medicine listed more than once: {', '.join(duplicates)}")
    return as_of, found, skipped


# --------------------------------------------------------------------------- applying


def _updates(product: Any, row: EmaRow) -> dict[str, Any]:
    """Field values the row brings for an existing product (blank cells never erase)."""
    values: dict[str, Any] = {}
    current = Status(product.status)
    if current not in EQUIVALENT.get(row.status, {row.status}):
        values["status"] = row.status.value
    if row.authorised_on is not None:
        values["authorised_on"] = row.authorised_on
        values["authorised_on_precision"] = Precision.day.value
    if row.status != Status.authorised and row.ended_on is not None:
        values["status_date"] = row.ended_on
        values["status_date_precision"] = Precision.day.value
    elif row.status == Status.authorised and "status" in values:
        values["status_date"] = None
        values["status_date_precision"] = None
    for field_name, value in (
        ("conditional", row.conditional),
        ("exceptional_circumstances", row.exceptional),
        ("orphan", row.orphan),
        ("prime", row.prime),
        ("ema_product_number", row.number),
        ("url", row.url),
    ):
        if value is not None:
            values[field_name] = value
    current_name = row.names[0]
    if name_key(current_name) != product.name_key:
        aliases = list(product.aliases or [])
        if name_key(current_name) not in {name_key(a) for a in aliases}:
            values["aliases"] = [*aliases, current_name]
    return values


def _new_product(row: EmaRow, source: str) -> dict[str, Any]:
    ended = row.ended_on if row.status != Status.authorised else None
    return {
        "region": Region.EU.value,
        "name": row.names[0],
        "aliases": row.names[1:],
        "inn": row.inn,
        "category": Category.unknown.value,
        "combined": None,
        "holder": row.holder,
        "authorised_on": row.authorised_on,
        "authorised_on_precision": Precision.day.value if row.authorised_on else None,
        "status": row.status.value,
        "status_date": ended,
        "status_date_precision": Precision.day.value if ended else None,
        "conditional": row.conditional,
        "exceptional_circumstances": row.exceptional,
        "orphan": row.orphan,
        "prime": row.prime,
        "indication": row.indication,
        "ema_product_number": row.number,
        "url": row.url,
        "source_urls": [row.url] if row.url else [],
        "notes": f"Added from {source}; ATMP category not yet set.",
    }


def import_ema(path: str | Path, *, engine: Engine | None = None) -> ImportReport:
    """Import EMA's medicines spreadsheet into the registry (see the module docstring)."""
    from sqlalchemy import select

    from atmpnav import store
    from atmpnav.registry.history import Recorder
    from atmpnav.registry.models import Product
    from atmpnav.registry.queries import registry_engine

    file = Path(path)
    as_of, rows, skipped = read_ema(file)
    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    report = ImportReport(source=file.name, source_as_of=as_of, atmp_rows=len(rows), skipped=skipped)

    with store.session_scope(registry_engine(engine)) as session:
        products = list(session.scalars(select(Product).where(Product.region == Region.EU.value)))
        by_number = {p.ema_product_number: p for p in products if p.ema_product_number}
        by_name: dict[str, Product] = {}
        for product in products:
            by_name.setdefault(product.name_key, product)
        for product in products:
            for alias in product.aliases or []:
                by_name.setdefault(name_key(alias), product)

        recorder = Recorder(session, kind="ema", source=file.name, source_as_of=as_of, sha256=digest)
        for row in rows:
            product = by_number.get(row.number) if row.number else None
            if product is None:
                product = next((by_name[k] for k in map(name_key, row.names) if k in by_name), None)
            if product is None:
                created = recorder.create_product(_new_product(row, file.name))
                by_name[created.name_key] = created
                report.added.append(created.name)
                continue
            report.matched += 1
            if recorder.update_product(product, _updates(product, row)):
                report.updated.append(product.name)
            else:
                report.unchanged.append(product.name)
        report.changes = list(recorder.changes)
        recorder.finish(
            {
                "atmp_rows": report.atmp_rows,
                "added": report.added,
                "updated": report.updated,
                "fields_changed": len(report.changes),
            }
        )
    return report
