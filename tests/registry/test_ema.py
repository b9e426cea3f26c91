"""Refreshing the EU registry from EMA's medicines spreadsheet."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from atmpnav import store
from atmpnav.errors import DataFormatError
from atmpnav.registry.ema import REQUIRED_COLUMNS, import_ema, read_ema, split_names
from atmpnav.registry.models import Product
from atmpnav.registry.queries import list_products, registry_engine, show_product, stats


def snapshot(db: Any) -> dict[str, Any]:
    """Everything the registry holds, for 'nothing changed' checks."""
    with store.session_scope(db.engine) as session:
        products = {
            (p.region, p.name): (p.tracked_values(), [(e.status, e.effective_on) for e in p.events])
            for p in session.scalars(select(Product))
        }
    counts = {t: db.count(t) for t in ("registry_change", "registry_status_event", "registry_link", "registry_import")}
    return {"products": products, "counts": counts}


def write_ema(path: Path, rows: list[dict[str, Any]], *, columns: tuple[str, ...] = REQUIRED_COLUMNS) -> Path:
    """A spreadsheet shaped like EMA's: banner (stamp in row 1), header on row 9, data below."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Medicine"
    sheet.append(["Content type:", "Medicine", "Output automatically generated on:", "01/09/2025 - 18:00"])
    for _ in range(7):
        sheet.append([])
    sheet.append(list(columns))
    for row in rows:
        sheet.append([row.get(c) for c in columns])
    workbook.save(path)
    return path


def ema_row(name: str, **values: Any) -> dict[str, Any]:
    row = {
        "Category": "Human",
        "Name of medicine": name,
        "EMA product number": None,
        "Medicine status": "Authorised",
        "International non-proprietary name (INN) / common name": None,
        "Therapeutic indication": None,
        "Advanced therapy": "Yes",
        "Conditional approval": "No",
        "Exceptional circumstances": "No",
        "Orphan medicine": "No",
        "PRIME: priority medicine": "No",
        "Marketing authorisation developer / applicant / holder": None,
        "Marketing authorisation date": None,
        "Withdrawal / expiry / revocation / lapse of marketing authorisation date": None,
        "Medicine URL": None,
    }
    row.update(values)
    return row


def test_read_real_example(ema_example: Path) -> None:
    as_of, rows, skipped = read_ema(ema_example)
    assert as_of == "2025-07-15"
    assert len(rows) == 28 and skipped == []
    beqvez = next(r for r in rows if r.names[0] == "Beqvez")
    assert beqvez.names == ["Beqvez", "Durveqtix"]
    assert beqvez.ended_on == date(2025, 5, 15)


def test_split_names() -> None:
    assert split_names("Beqvez (previously Durveqtix)") == ["Beqvez", "Durveqtix"]
    assert split_names("Kymriah") == ["Kymriah"]


def test_import_real_example_then_again_changes_nothing(db, ema_example: Path) -> None:  # type: ignore[no-untyped-def]
    registry_engine(db.engine)
    report = import_ema(ema_example, engine=db.engine)
    assert report.source_as_of == "2025-07-15"
    assert (report.atmp_rows, report.matched, report.added) == (28, 28, [])
    changed = {(c.product, c.field): (c.old, c.new) for c in report.changes}
    assert changed[("Holoclar", "conditional")] == ("yes", "no")
    assert changed[("Durveqtix", "aliases")] == ("[]", '["Beqvez"]')
    assert changed[("Kymriah", "ema_product_number")] == (None, "EMEA/H/C/004090")
    assert ("MACI", "status") not in changed  # EMA's "Expired" = the registry's "not renewed"
    assert ("Skysona", "status_date") not in changed  # blank cells never erase

    # Recorded in the history with the spreadsheet as source.
    holoclar = show_product("Holoclar", engine=db.engine)
    last = [h for h in holoclar.history if h.field == "conditional"][-1]
    assert (last.old, last.new, last.source, last.source_as_of) == ("yes", "no", ema_example.name, "2025-07-15")
    assert show_product("Beqvez", region="EU", engine=db.engine).summary.name == "Durveqtix"
    assert stats("2024-03-19", engine=db.engine).still_authorised == 19

    before = snapshot(db)
    again = import_ema(ema_example, engine=db.engine)
    assert not again.changed and again.updated == [] and again.added == []
    assert len(again.unchanged) == 28
    assert snapshot(db) == before


def test_import_status_change_and_new_product(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    registry_engine(db.engine)
    path = write_ema(
        tmp_path / "ema.xlsx",
        [
            ema_row(
                "Kymriah",
                **{
                    "Medicine status": "Withdrawn",
                    "Marketing authorisation date": "23/08/2018",
                    "Withdrawal / expiry / revocation / lapse of marketing authorisation date": "01/08/2025",
                    "Orphan medicine": "Yes",
                    "PRIME: priority medicine": "Yes",
                },
            ),
            ema_row(
                "Novacell",
                **{
                    "EMA product number": "EMEA/H/C/009999",
                    "Marketing authorisation date": "15/06/2025",
                    "International non-proprietary name (INN) / common name": "examplecel",
                },
            ),
            ema_row("Not an ATMP", **{"Advanced therapy": "No"}),
            ema_row("Refusedcel", **{"Medicine status": "Refused"}),
            ema_row("Vetcel", Category="Veterinary"),
        ],
    )
    report = import_ema(path, engine=db.engine)
    assert report.source_as_of == "2025-09-01"
    assert report.added == ["Novacell"]
    assert report.updated == ["Kymriah"]
    assert report.skipped == ["Refusedcel: Refused (never authorised)"]

    kymriah = show_product("Kymriah", engine=db.engine)
    assert kymriah.summary.status == "withdrawn" and kymriah.status_date == "2025-08-01"
    assert [(t.status, t.effective_on) for t in kymriah.timeline] == [
        ("authorised", "2018-08-23"),
        ("withdrawn", "2025-08-01"),
    ]
    rows = {r.name: r for r in list_products(region="EU", as_of="2025-07-31", engine=db.engine)}
    assert rows["Kymriah"].status == "authorised"
    rows = {r.name: r for r in list_products(region="EU", as_of="2025-08-01", engine=db.engine)}
    assert rows["Kymriah"].status == "withdrawn"

    novacell = show_product("novacell", engine=db.engine)
    assert (novacell.summary.category, novacell.summary.authorised_on) == ("unknown", "2025-06-15")
    assert {h.action for h in novacell.history} == {"create"}
    assert novacell.facts_file is None
    assert stats("2025-07-01", engine=db.engine).category("unknown").authorised == 1

    before = snapshot(db)
    assert not import_ema(path, engine=db.engine).changed
    assert snapshot(db) == before


def _csv_renamed(tmp_path: Path) -> Path:
    path = tmp_path / "medicines.xlsx"
    path.write_text("Name of medicine,Advanced therapy\nKymriah,Yes\n", encoding="utf-8")
    return path


def _missing_column(tmp_path: Path) -> Path:
    columns = tuple(c for c in REQUIRED_COLUMNS if c != "Medicine status")
    return write_ema(tmp_path / "no-status.xlsx", [ema_row("Kymriah")], columns=columns)


def _no_header(tmp_path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for i in range(40):
        sheet.append([f"row {i}", "data"])
    workbook.save(tmp_path / "other.xlsx")
    return tmp_path / "other.xlsx"


def _bad_date(tmp_path: Path) -> Path:
    # The first row is valid and would change Kymriah; the second is broken: nothing may change.
    return write_ema(
        tmp_path / "bad-date.xlsx",
        [
            ema_row("Kymriah", **{"Medicine status": "Withdrawn"}),
            ema_row("Yescarta", **{"Marketing authorisation date": "2018-13-45"}),
        ],
    )


def _bad_flag(tmp_path: Path) -> Path:
    return write_ema(tmp_path / "bad-flag.xlsx", [ema_row("Kymriah", **{"Orphan medicine": "Maybe"})])


def _truncated(tmp_path: Path) -> Path:
    good = write_ema(tmp_path / "good.xlsx", [ema_row("Kymriah")])
    data = good.read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    return path


@pytest.mark.parametrize(
    ("make_file", "message"),
    [
        (_csv_renamed, "not an Excel .xlsx workbook"),
        (_missing_column, "missing column(s): 'Medicine status'"),
        (_no_header, "no header row"),
        (_bad_date, "'2018-13-45' is not a date"),
        (_bad_flag, "'Maybe' is not Yes or No"),
        (_truncated, "not an Excel .xlsx workbook"),
    ],
)
def test_malformed_file_errors_and_changes_nothing(db, tmp_path: Path, make_file, message: str) -> None:  # type: ignore[no-untyped-def]
    registry_engine(db.engine)
    before = snapshot(db)
    with pytest.raises(DataFormatError) as caught:
        import_ema(make_file(tmp_path), engine=db.engine)
    assert message in caught.value.message
    assert caught.value.exit_code == 2
    assert snapshot(db) == before


def test_failure_while_applying_rolls_back(db, ema_example: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """One transaction: an error half-way through leaves no partial import behind."""
    from atmpnav.registry import history

    registry_engine(db.engine)
    before = snapshot(db)
    calls = {"n": 0}
    original = history.Recorder.update_product

    def failing(self: Any, product: Any, values: dict[str, Any]) -> Any:
        calls["n"] += 1
        if calls["n"] == 10:
            raise DataFormatError("test", "boom")
        return original(self, product, values)

    monkeypatch.setattr(history.Recorder, "update_product", failing)
    with pytest.raises(DataFormatError):
        import_ema(ema_example, engine=db.engine)
    assert snapshot(db) == before
