"""Queries: list / show / stats, the as-of semantics and the 19 March 2024 figures."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from atmpnav.errors import InputError, UnknownNameError
from atmpnav.registry.models import Product, StatusEvent
from atmpnav.registry.queries import list_products, show_product, stats, status_on
from atmpnav.registry.types import PartialDate, Precision, Status, parse_as_of


def test_figures_of_19_march_2024(db) -> None:  # type: ignore[no-untyped-def]
    """Data README: 26 EU ATMPs authorised (18 GTMP, 4 sCTMP, 4 TEP of which 1 combined), 19 still authorised."""
    result = stats("2024-03-19", engine=db.engine)
    assert result.authorised == 26
    assert result.still_authorised == 19
    assert result.ended == 7
    assert result.category("GTMP").authorised == 18
    assert result.category("sCTMP").authorised == 4
    assert result.category("TEP").authorised == 4
    assert result.category("TEP").combined == 1
    assert result.status_unknown == 0
    assert [c.category for c in result.categories] == ["GTMP", "sCTMP", "TEP"]
    (tally,) = result.tallies
    assert tally.source == "EuroGCT" and tally.total == result.authorised
    assert tally.differences == {"GTMP": 1, "sCTMP": -1}
    assert any(note.startswith("Holoclar:") for note in result.notes)


def test_stats_over_time(db) -> None:  # type: ignore[no-untyped-def]
    assert stats("2009-10-04", engine=db.engine).authorised == 0
    first = stats("2009-10-05", engine=db.engine)
    assert (first.authorised, first.category("TEP").authorised) == (1, 1)
    assert stats("2015-01-01", engine=db.engine).tallies == []
    later = stats("2026-02-01", engine=db.engine)
    assert later.category("unknown").authorised == 1  # Zemcelpro
    assert later.authorised == 31


def test_list_as_of_lists_authorised_with_status_then(db) -> None:  # type: ignore[no-untyped-def]
    rows = {r.name: r for r in list_products(region="EU", as_of="2016-01-01", engine=db.engine)}
    assert set(rows) == {"ChondroCelect", "Glybera", "MACI", "Provenge", "Holoclar", "Imlygic"}
    assert rows["ChondroCelect"].status == "authorised"
    assert rows["ChondroCelect"].status_since == "2009-10-05"
    assert rows["Provenge"].status == "withdrawn"
    assert (rows["MACI"].status, rows["MACI"].status_since) == ("suspended", "2014-11-19")
    assert stats("2016-01-01", engine=db.engine).still_authorised == 5  # a suspended MA still exists
    later = {r.name: r for r in list_products(region="EU", as_of="2017-01-01", engine=db.engine)}
    assert later["ChondroCelect"].status == "withdrawn"
    assert later["ChondroCelect"].status_since == "2016-11-30"
    current = {r.name: r for r in list_products(region="EU", engine=db.engine)}
    assert current["ChondroCelect"].status == "withdrawn"


def test_list_as_of_partial_dates_are_counted_from_period_end(db) -> None:  # type: ignore[no-untyped-def]
    def names(day: str) -> set[str]:
        return {r.name for r in list_products(region="EU", as_of=day, engine=db.engine)}

    assert "Aucatzyl" not in names("2025-07-15")  # authorised "2025-07"
    assert "Aucatzyl" in names("2025-07-31")
    assert "ALLOCORD" not in {r.name for r in list_products(region="US", as_of="2013-12-30", engine=db.engine)}


def test_list_filters(db) -> None:  # type: ignore[no-untyped-def]
    tep = list_products(category="tep", region="EU", engine=db.engine)
    assert {r.name for r in tep} == {"ChondroCelect", "MACI", "Holoclar", "Spherox"}
    ended = list_products(region="EU", status="not-renewed", engine=db.engine)
    assert {r.name for r in ended} == {"Glybera", "MACI"}
    withdrawn_2020 = list_products(status="withdrawn", as_of="2020-01-01", engine=db.engine)
    assert {r.name for r in withdrawn_2020} == {"ChondroCelect", "Provenge", "Zalmoxis"}
    us = list_products(region="us", engine=db.engine)
    assert len(us) == 51 and all(r.region == "US" for r in us)
    eu = list_products(region="EU", engine=db.engine)
    assert [r.region for r in list_products(engine=db.engine)][: len(eu)] == ["EU"] * len(eu)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"as_of": "2024-13-01"}, "--as-of: '2024-13-01' is not a valid date"),
        ({"as_of": "19/03/2024"}, "expected YYYY-MM-DD"),
        ({"region": "JP"}, "--region: 'JP' is not a region; expected one of EU, US"),
        ({"category": "vaccine"}, "--category: 'vaccine' is not a category"),
        ({"status": "gone"}, "--status: 'gone' is not a status"),
    ],
)
def test_bad_query_input(kwargs: dict[str, str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Input is checked before the database is touched (which would be under tmp_path anyway).
    monkeypatch.setenv("ATMPNAV_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("ATMPNAV_DATABASE_URL", raising=False)
    with pytest.raises(InputError) as caught:
        list_products(**kwargs, engine=None)
    assert message in caught.value.message
    assert caught.value.exit_code == 2


def test_show_is_case_insensitive_with_links_and_timeline(db) -> None:  # type: ignore[no-untyped-def]
    detail = show_product("LIBMELDY", engine=db.engine)
    assert detail.summary.name == "Libmeldy" and detail.summary.region == "EU"
    assert [(link.region, link.name) for link in detail.links] == [("US", "LENMELDY")]
    assert detail.facts_file is not None and detail.facts_file.endswith("libmeldy.yaml")
    upstaza = show_product("kebilidi", engine=db.engine)
    assert upstaza.summary.region == "US" and upstaza.links[0].name == "Upstaza"
    # Same name in both regions: the EU product, with its US twin linked.
    kymriah = show_product("Kymriah", engine=db.engine)
    assert kymriah.summary.region == "EU" and kymriah.links[0].name == "KYMRIAH"
    assert show_product("kymriah", region="US", engine=db.engine).summary.region == "US"
    assert show_product("tisagenlecleucel", engine=db.engine).summary.name == "Kymriah"
    maci = show_product("maci", engine=db.engine)
    assert [(t.status, t.effective_on) for t in maci.timeline] == [
        ("authorised", "2013-06-27"),
        ("suspended", "2014-11-19"),
        ("not renewed", "2018-07-01"),
    ]
    data = maci.to_dict()
    assert data["name"] == "MACI" and data["combined"] is True and data["history"]


def test_show_unknown_product(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownNameError) as caught:
        show_product("Kymria", engine=db.engine)
    assert "Kymriah" in caught.value.message and caught.value.exit_code == 2


def _product(*events: tuple[str, str | None]) -> Product:
    product = Product(name="X", region="EU", status=events[-1][0])
    for seq, (status, when) in enumerate(events, start=1):
        found = PartialDate.parse(when) if when else None
        product.events.append(
            StatusEvent(
                seq=seq,
                status=status,
                effective_on=found.earliest if found else None,
                precision=found.precision.value if found else None,
                source="test",
            )
        )
    return product


def test_status_on_follows_the_timeline() -> None:
    product = _product(("authorised", "2013-06-27"), ("suspended", "2014-11-19"), ("not renewed", "2018-07-01"))
    assert status_on(product, date(2013, 6, 26)) is None
    assert status_on(product, date(2013, 6, 27)) is Status.authorised
    assert status_on(product, date(2015, 1, 1)) is Status.suspended
    assert status_on(product, date(2018, 6, 30)) is Status.suspended
    assert status_on(product, date(2018, 7, 1)) is Status.not_renewed


def test_status_on_partial_and_unknown_dates() -> None:
    monthly = _product(("authorised", "2025-07"))
    assert status_on(monthly, date(2025, 7, 30)) is None
    assert status_on(monthly, date(2025, 8, 1)) is Status.authorised
    undated_end = _product(("authorised", "2020-01-01"), ("withdrawn", None))
    assert status_on(undated_end, date(2019, 1, 1)) is None
    assert status_on(undated_end, date(2021, 1, 1)) is Status.unknown
    undated_start = _product(("authorised", None))
    assert status_on(undated_start, date(2030, 1, 1)) is None


def test_partial_date_and_as_of_parsing() -> None:
    assert PartialDate.parse("2025-07").latest == date(2025, 7, 31)
    assert PartialDate.parse("2024-02").latest == date(2024, 2, 29)
    assert PartialDate.parse("2013").latest == date(2013, 12, 31)
    assert PartialDate.parse("2013").precision is Precision.year
    assert str(PartialDate.parse("2012-05")) == "2012-05"
    assert parse_as_of(None) is None
    assert parse_as_of("2024-03-19") == date(2024, 3, 19)
    with pytest.raises(ValueError):
        PartialDate.parse("May 2012")
