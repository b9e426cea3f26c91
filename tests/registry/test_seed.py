"""Seeding the registry from the shipped data sets, once, with history."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from atmpnav import store
from atmpnav.registry import seed
from atmpnav.registry.models import Change, Import, Link, Product
from atmpnav.registry.queries import list_products, registry_engine, show_product

EU_ROWS = 31
US_ROWS = 51


def test_seed_loads_both_data_sets_with_links(db) -> None:  # type: ignore[no-untyped-def]
    registry_engine(db.engine)
    assert db.count("registry_product") == EU_ROWS + US_ROWS
    with store.session_scope(db.engine) as session:
        regions = dict(session.execute(select(Product.region, func.count()).group_by(Product.region)).all())
        assert regions == {"EU": EU_ROWS, "US": US_ROWS}
        pairs = {(link.eu_product.name, link.us_product.name, link.kind) for link in session.scalars(select(Link))}
    for eu, us in [
        ("Libmeldy", "LENMELDY"),
        ("Upstaza", "KEBILIDI"),
        ("Durveqtix", "BEQVEZ"),
        ("Kymriah", "KYMRIAH"),
        ("Yescarta", "YESCARTA"),
        ("Zolgensma", "ZOLGENSMA"),
        ("Luxturna", "LUXTURNA"),
        ("MACI", "MACI"),
        ("Casgevy", "CASGEVY"),
    ]:
        assert (eu, us, "same_product") in pairs
    assert ("Zolgensma", "ITVISMA", "same_active_substance") in pairs
    assert len(pairs) == 23


def test_seed_records_history_with_source_and_as_of(db) -> None:  # type: ignore[no-untyped-def]
    shown = show_product("kymriah", engine=db.engine)
    imported = [h for h in shown.history if h.action == "import"]
    assert len(imported) == 1 and not [h for h in shown.history if h.action == "create"]
    assert imported[0].new == "imported from eu_authorised_atmps.csv as of 2026-01"
    assert imported[0].fields_set >= 15
    detail = show_product("kymriah", engine=db.engine, full_history=True)
    created = {h.field: h for h in detail.history if h.action == "create"}
    assert created["category"].new == "GTMP"
    assert created["authorised_on"].new == "2018-08-23"
    assert created["name"].old is None
    assert all(h.source == "eu_authorised_atmps.csv" and h.source_as_of == "2026-01" for h in created.values())
    linked = [h for h in detail.history if h.action == "link"]
    assert linked and linked[0].source == "eu_us_links.csv" and "KYMRIAH" in (linked[0].new or "")
    us = show_product("KYMRIAH", region="US", engine=db.engine, full_history=True)
    assert {h.source for h in us.history if h.action == "create"} == {"us_approved_cgt.csv"}


def test_seed_happens_once(db) -> None:  # type: ignore[no-untyped-def]
    registry_engine(db.engine)
    changes = db.count("registry_change")
    imports = db.count("registry_import")
    # A new process (no memory of having seeded) and an explicit second call.
    seed._seeded_engines.clear()
    registry_engine(db.engine)
    seed.ensure_seeded(db.engine)
    assert db.count("registry_product") == EU_ROWS + US_ROWS
    assert db.count("registry_change") == changes
    assert db.count("registry_import") == imports
    with store.session_scope(db.engine) as session:
        kinds = sorted(session.scalars(select(Import.kind)))
        assert kinds == ["seed-eu", "seed-events", "seed-links", "seed-notes", "seed-us", "seed-us-categories"]
        sources = set(session.scalars(select(Change.source)))
    assert sources == {
        "eu_authorised_atmps.csv",
        "us_approved_cgt.csv",
        "eu_us_links.csv",
        "category_notes.csv",
        "status_events.csv",
        "us_category_mapping.csv",
    }


def test_categories_combined_and_partial_dates(db) -> None:  # type: ignore[no-untyped-def]
    rows = {r.name: r for r in list_products(region="EU", engine=db.engine)}
    assert (rows["MACI"].category, rows["MACI"].combined) == ("TEP", True)
    assert (rows["Holoclar"].category, rows["Holoclar"].combined) == ("TEP", False)
    assert (rows["Zemcelpro"].category, rows["Zemcelpro"].combined) == ("unknown", None)
    assert rows["Aucatzyl"].authorised_on == "2025-07"
    us = {r.name: r for r in list_products(region="US", engine=db.engine)}
    assert us["ALLOCORD"].authorised_on == "2013"
    assert (us["KYMRIAH"].category, us["KYMRIAH"].category_mapped) == ("GTMP", True)
    assert us["HEMACORD"].category == "not ATMP"
    assert us["KYMRIAH"].product_type == "gene therapy (CAR-T cell)"


def test_category_disagreements_are_kept(db) -> None:  # type: ignore[no-untyped-def]
    assert "sCTMP" in (show_product("Holoclar", engine=db.engine).category_note or "")
    assert "safety switch" in (show_product("Zalmoxis", engine=db.engine).category_note or "")


def test_shipped_data_parse() -> None:
    eu = seed.eu_rows()
    us = seed.us_rows()
    assert len(eu) == EU_ROWS and len(us) == US_ROWS
    assert {r["category"] for r in eu} == {"GTMP", "sCTMP", "TEP", "unknown"}
    assert sum(1 for r in eu if r["combined"]) == 1
    glybera = next(r for r in eu if r["name"] == "Glybera")
    assert glybera["status"] == "not renewed" and glybera["status_date"] == date(2017, 10, 28)
    (tally,) = seed.tallies()
    assert (tally.source, tally.total, tally.counts) == ("EuroGCT", 26, {"GTMP": 17, "sCTMP": 5, "TEP": 4})


def test_data_set_added_in_a_later_version_is_loaded_on_next_use(db) -> None:  # type: ignore[no-untyped-def]
    # A database seeded by an older version that shipped only the two product lists.
    with store.session_scope(db.engine) as session:
        seed._seed_eu(session)
        seed._seed_us(session)
        assert not seed.is_seeded(session)
    assert show_product("MACI", engine=db.engine).timeline[1].status == "suspended"
    assert db.count("registry_link") == 23
    with store.session_scope(db.engine) as session:
        assert seed.is_seeded(session)
        assert session.scalar(select(func.count()).select_from(Import).where(Import.kind == "seed-eu")) == 1
