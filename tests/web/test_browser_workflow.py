"""Browser tests of the daily workflow at desktop and phone width, on the real server: the
questionnaire after "I don't know" and its what-if, the registry (counts first, search, sort,
paging, export, our verdict), rule pages, the filterable categories, ambiguities, ISO dates."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import LOOPBACK_PREFIXES
from tests.web.test_browser import no_offsite, shot

pytestmark = pytest.mark.browser

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 2},
}
SKIPPED = "/classify?a=product_role%3Dfinished_product&a=for_human_administration%3Dtrue&skip=nucleic_acid.present"


@pytest.fixture(params=sorted(VIEWPORTS))
def screen(request: pytest.FixtureRequest, browser: Any, live_server: str) -> Iterator[Any]:
    """A fresh page at desktop or phone width; requests off the loopback server are blocked."""
    context = browser.new_context(base_url=live_server, accept_downloads=True, **VIEWPORTS[request.param])
    offsite: list[str] = []

    def guard(route: Any) -> None:
        if route.request.url.startswith(LOOPBACK_PREFIXES):
            route.continue_()
        else:
            offsite.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.offsite = offsite
    page.width = request.param
    page.set_default_timeout(20_000)
    try:
        yield page
    finally:
        context.close()


def answer(page: Any, value: str) -> None:
    form = page.locator("form#question")
    if value == "?":
        form.get_by_role("button", name="I don’t know").click()
    else:
        form.locator(f'label[for="q-{value}"]').click()
        form.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("domcontentloaded")


def fact(page: Any) -> str | None:
    form = page.locator("form#question")
    return form.locator('input[name="fact"]').get_attribute("value") if form.count() else None


def test_dont_know_keeps_asking_then_shows_what_is_open_and_what_if(screen: Any, artifacts: Path) -> None:
    page = screen
    page.goto("/classify?as_of=2026-11-25")
    answer(page, "finished_product")
    answer(page, "yes")
    assert fact(page) == "nucleic_acid.present"
    answer(page, "?")
    assert fact(page) == "cells_or_tissues.present"
    assert page.locator(".why-asked").inner_text().startswith("Could still decide the EU outcome")
    shot(page, artifacts, f"wf-{page.width}-classify-after-dont-know")
    plan = {"cells_or_tissues.present": "yes", "cells_or_tissues.form": "intact_cells",
            "cells_or_tissues.viability": "viable", "claimed_purpose": "treat_prevent_diagnose",
            "device.present": "no", "cells_or_tissues.same_essential_function": "no"}
    for _ in range(12):
        current = fact(page)
        if current is None:
            break
        if current == "cells_or_tissues.manipulations":
            form = page.locator("form#question")
            form.locator("#q-expansion").check()
            form.get_by_role("button", name="Continue").click()
            page.wait_for_load_state("domcontentloaded")
            continue
        answer(page, plan.get(current, "?"))
    assert fact(page) is None
    done = page.locator(".done-card")
    assert "undetermined" in done.inner_text()
    assert "Does the product contain DNA or RNA" in done.locator(".open-facts").inner_text()
    what_if = page.locator("#what-if")
    assert what_if.is_visible()
    assert "If no" in what_if.inner_text() and "sCTMP" in what_if.inner_text()
    shot(page, artifacts, f"wf-{page.width}-classify-what-if")
    done.get_by_role("link", name=re.compile("Answer now")).first.click()
    page.wait_for_load_state("domcontentloaded")
    assert fact(page) == "nucleic_acid.present"
    no_offsite(page)


def test_registry_counts_first_search_sort_page_export_and_our_verdict(screen: Any, artifacts: Path) -> None:
    page = screen
    page.goto("/registry")
    stats_top = page.locator("#stats-h").bounding_box()["y"]
    table_top = page.locator("table.registry-table").bounding_box()["y"]
    assert stats_top < table_top
    assert page.locator("table.numbers").bounding_box()["y"] < page.viewport_size["height"]
    assert page.locator("table.registry-table tbody tr").count() == 25
    shot(page, artifacts, f"wf-{page.width}-registry", full_page=False)
    page.get_by_label("Search", exact=True).fill("car-t")
    page.get_by_label("Sort by").select_option("-authorised")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"q=car-t"))
    names = page.locator("table.registry-table tbody th a").all_inner_texts()
    assert "Kymriah" in names and "KYMRIAH" in names
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert [line.split(",")[0] for line in text.splitlines()[1:]] == names
    page.goto("/registry?page=2")
    assert page.locator('.pager [aria-current="page"]').inner_text() == "2"
    page.goto("/registry?region=US&category=GTMP")
    assert page.locator("table.registry-table tbody tr").count() > 0
    assert "our mapping" in page.locator("table.registry-table tbody").inner_text()
    page.goto("/registry?region=EU&q=kymriah")
    page.get_by_role("link", name=re.compile("Reasoning")).first.click()
    page.wait_for_load_state("domcontentloaded")
    assert page.url.endswith("#verdict")
    page.locator("#verdict summary").click()
    assert page.locator("#verdict ol.steps").is_visible()
    assert "Data quality:" in page.locator("main").inner_text()
    shot(page, artifacts, f"wf-{page.width}-registry-product-verdict")
    no_offsite(page)


def test_rule_pages_categories_filter_and_ambiguities(screen: Any, artifacts: Path) -> None:
    page = screen
    page.goto("/rules/EU-P4")
    assert page.get_by_role("link", name="Regulation (EC) No 1394/2007").first.get_attribute("href") == \
        "https://eur-lex.europa.eu/eli/reg/2007/1394/oj"
    shot(page, artifacts, f"wf-{page.width}-rule")
    page.goto("/rules/EU-M4")
    assert "No official text to link" in page.locator("main").inner_text()
    page.locator('a.ambiguity[href="/rules/A1"]').first.click()
    page.wait_for_load_state("domcontentloaded")
    assert page.url.endswith("/rules/A1")
    assert "A1" in page.locator("h1").inner_text()
    page.goto("/ambiguities#A1")
    assert page.locator("dt#A1").is_visible()
    shot(page, artifacts, f"wf-{page.width}-ambiguities", full_page=False)
    page.goto("/categories")
    page.get_by_label("Filter", exact=True).fill("substantial")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"q=substantial"))
    assert re.match(r"\d+ of \d+ rules match", page.locator("#filter-count").inner_text())
    ids = page.locator("a.rule-id-plain")
    assert ids.count() > 0
    for n in range(ids.count()):
        box = ids.nth(n).bounding_box()
        line = float(ids.nth(n).evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || 20"))
        assert box["height"] < 1.8 * line, "a rule id wraps"
    shot(page, artifacts, f"wf-{page.width}-categories-filtered")
    no_offsite(page)


def test_dates_are_iso_everywhere(screen: Any, artifacts: Path) -> None:
    page = screen
    page.goto("/classify?as_of=2026-11-25")
    field = page.get_by_label(re.compile("Law in force on"))
    assert field.get_attribute("type") == "text" and field.input_value() == "2026-11-25"
    field.fill("2024-03-19")
    page.get_by_role("button", name="Update").click()
    page.wait_for_url(re.compile(r"as_of=2024-03-19"))
    assert "Law in force on 2024-03-19" in page.locator("main").inner_text()
    page.goto("/registry")
    registry_date = page.get_by_role("textbox", name="As of")
    assert registry_date.get_attribute("placeholder") == "YYYY-MM-DD"
    registry_date.fill("2020-01-01")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"as_of=2020-01-01"))
    assert "as of 2020-01-01" in page.locator("#stats-h").inner_text()
    no_offsite(page)
