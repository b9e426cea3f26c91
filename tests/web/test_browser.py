"""Browser tests: Playwright drives Debian's Chromium against the real server (uvicorn in a
subprocess on a free loopback port). Screenshots go to tests/_artifacts/. Any request that a
page makes to anywhere but the test server is blocked and fails the test (no CDN, no network)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

HAS_TEXT = importlib.util.find_spec("atmpnav.text.classify") is not None
CAR_T = {
    "for_human_administration": True,
    "product_role": "finished_product",
    "special_category": "none",
    "claimed_purpose": "treat_prevent_diagnose",
    "vaccine_against_infectious_disease": False,
    "disease_target": "tumour",
    "biological_active_substance": True,
    "nucleic_acid.present": True,
    "nucleic_acid.origin": "recombinant",
    "nucleic_acid.vehicle": "modified_cells",
    "nucleic_acid.acts_on_genetic_sequence": True,
    "nucleic_acid.effect_from_sequence": True,
    "nucleic_acid.transgene_role": "therapeutic",
    "nucleic_acid.genome_editing": "none",
    "cells_or_tissues.present": True,
    "cells_or_tissues.form": "intact_cells",
    "cells_or_tissues.source": "autologous",
    "cells_or_tissues.viability": "viable",
    "cells_or_tissues.blood_component": False,
    "cells_or_tissues.manipulations": ["activation", "genetic_modification", "expansion"],
    "cells_or_tissues.same_essential_function": False,
    "device.present": False,
}


def shot(page: Any, artifacts: Path, name: str, full_page: bool = True) -> None:
    """Screenshot into tests/_artifacts/ (after checking that the page does not scroll sideways)."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=full_page)
    assert overflow <= 0, f"{name}: the page is {overflow}px wider than the window"


def no_offsite(page: Any) -> None:
    assert page.offsite == [], f"the page tried to reach the network: {page.offsite}"


def answer_current_question(page: Any, answers: dict[str, Any]) -> str | None:
    """Answer the question on screen by clicking its labels; returns its fact (None when done)."""
    form = page.locator("form#question")
    if form.count() == 0:
        return None
    fact = form.locator('input[name="fact"]').get_attribute("value")
    value = answers[fact]
    if isinstance(value, bool):
        form.get_by_label("Yes" if value else "No", exact=True).check()
    elif isinstance(value, list):
        for item in value:
            form.locator(f"#q-{item}").check()
    else:
        form.locator(f'label[for="q-{value}"]').click()
    form.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("domcontentloaded")
    return fact


def test_questionnaire_car_t_reaches_gtmp_with_reasons(page: Any, artifacts: Path) -> None:
    page.goto("/classify?as_of=2026-11-25")
    # Keyboard: the first Tab reaches the skip link, which is then visible.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").is_visible()
    # Answer the first question with the keyboard only.
    first = page.locator('form#question input[name="fact"]').get_attribute("value")
    assert first == "product_role"
    page.locator("#q-finished_product").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"a=product_role"))
    shot(page, artifacts, "questionnaire-2-question")

    asked = [first]
    for _ in range(30):
        fact = answer_current_question(page, CAR_T)
        if fact is None:
            break
        asked.append(fact)
        if len(asked) == 5:
            # The verdict firms up as answers come in: provisional before the end.
            assert page.locator(".verdict-side .badge-provisional").count() == 1
    else:
        pytest.fail(f"the questionnaire did not end; asked {asked}")

    assert page.get_by_role("heading", name="The rules have decided").is_visible()
    badge = page.locator(".verdict-side .badge-large")
    assert badge.inner_text().strip() == "GTMP"
    steps = page.locator("ol.steps > li")
    assert steps.count() >= 5
    reasons = page.locator("ol.steps").inner_text()
    for rule in ("EU-G2", "EU-G3", "EU-G4"):
        assert rule in reasons
    assert "Directive 2001/83/EC" in reasons
    assert len(asked) < len(CAR_T), "only what the rules need is asked"
    shot(page, artifacts, "questionnaire-3-gtmp")

    # Change an earlier answer, then cancel: back where we were.
    page.get_by_role("link", name=re.compile("Change the answer to “Does the product contain DNA")).click()
    assert page.get_by_text("Change your answer").is_visible()
    assert page.locator("#q-yes").is_checked()
    shot(page, artifacts, "questionnaire-4-change")
    page.get_by_role("link", name="Cancel").click()
    assert page.locator(".verdict-side .badge-large").inner_text().strip() == "GTMP"
    no_offsite(page)


@pytest.mark.skipif(not HAS_TEXT, reason="atmpnav.text.classify is not there yet")
def test_describe_highlights_evidence(page: Any, artifacts: Path) -> None:
    page.goto("/describe")
    text = ("Autologous T cells transduced ex vivo with a lentiviral vector encoding an anti-CD19 chimeric "
            "antigen receptor, expanded in culture and infused to treat relapsed B-cell leukaemia.")
    page.get_by_label("Description").fill(text)
    page.get_by_label("Intended use").fill("relapsed B-cell acute lymphoblastic leukaemia")
    us = page.get_by_label("United States")
    if us.count():
        us.check()
    page.get_by_role("button", name="Classify the description").click()
    page.wait_for_load_state("domcontentloaded")
    marks = page.locator("#described mark")
    assert marks.count() >= 2
    marked = " ".join(marks.all_inner_texts()).lower()
    assert "lentiviral" in marked or "transduced" in marked or "vector" in marked
    assert page.locator(".verdict-side .badge-large").first.inner_text().strip().endswith("GTMP")
    assert page.locator(".verdict-side").count() == (2 if us.count() else 1)
    assert page.get_by_role("heading", name="Similar known cases").is_visible()
    shot(page, artifacts, "describe-car-t")
    no_offsite(page)


def test_registry_filter(page: Any, artifacts: Path) -> None:
    page.goto("/registry")
    total = page.locator("table.registry-table tbody tr").count()
    page.get_by_label("Region", exact=True).select_option("EU")
    page.get_by_label("Category", exact=True).select_option("TEP")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"region=EU.*category=TEP"))
    rows = page.locator("table.registry-table tbody tr")
    assert 0 < rows.count() < total
    assert set(rows.locator("td:nth-child(3) .badge").all_inner_texts()) <= {"TEP", "TEP · combined"}
    assert page.locator("#result-count").inner_text().startswith(str(rows.count()))
    chart = page.locator("figure.chart img")
    chart.scroll_into_view_if_needed()
    for _ in range(300):  # the chart is rendered on first request (matplotlib)
        if chart.evaluate("img => img.complete && img.naturalWidth > 0"):
            break
        page.wait_for_timeout(100)
    else:
        pytest.fail("the registry chart did not load")
    shot(page, artifacts, "registry-tep")
    # A product page with its history and links.
    rows.first.locator("th a").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_role("heading", name="Status over time").is_visible()
    shot(page, artifacts, "registry-product")
    no_offsite(page)


def test_save_and_reopen_an_assessment(page: Any, artifacts: Path) -> None:
    answers = ["product_role=finished_product", "for_human_administration=true", "nucleic_acid.present=true",
               "nucleic_acid.origin=recombinant", "vaccine_against_infectious_disease=false",
               "nucleic_acid.acts_on_genetic_sequence=true", "nucleic_acid.effect_from_sequence=true",
               "device.present=false"]
    page.goto("/classify?" + "&".join(f"a={a.replace('=', '%3D')}" for a in answers) + "&as_of=2026-11-25")
    assert page.locator(".verdict-side .badge-large").inner_text().strip() == "GTMP"
    page.get_by_label("Title").fill("Anti-CD19 CAR-T (browser test)")
    page.get_by_role("button", name="Save as assessment").click()
    page.wait_for_url(re.compile(r"/assessments/\d+"))
    assert page.get_by_role("heading", name="Anti-CD19 CAR-T (browser test)").is_visible()
    assert page.get_by_text("Saved as version 1").is_visible()
    assert page.locator(".chain-status").inner_text().startswith("Intact")
    url = page.url

    page.goto("/assessments")
    page.get_by_role("link", name="Anti-CD19 CAR-T (browser test)").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.url.split("?")[0] == url.split("?")[0]
    assert page.locator(".verdict-side .badge-large").inner_text().strip() == "GTMP"

    page.get_by_role("link", name="Edit as new version").click()
    page.get_by_label("What changed and why").fill("Reviewed with the regulatory team")
    page.get_by_role("button", name="Save version 2").click()
    page.wait_for_url(re.compile(r"/assessments/\d+"))
    assert page.get_by_text("version 2 of 2").is_visible()
    assert page.locator("ol.versions > li").count() == 2
    shot(page, artifacts, "assessment-detail")

    page.get_by_role("link", name="Printable report").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.locator(".disclaimer").inner_text().startswith("Not a regulatory decision.")
    page.emulate_media(media="print")
    shot(page, artifacts, "assessment-report-print")
    page.emulate_media(media="screen")
    no_offsite(page)


PHONE = {"width": 375, "height": 812}


@pytest.mark.parametrize("path", ["/", "/classify?a=product_role%3Dfinished_product&as_of=2026-11-25",
                                  "/registry?region=EU", "/categories", "/assessments"])
def test_phone_viewport(browser: Any, live_server: str, artifacts: Path, path: str) -> None:
    context = browser.new_context(viewport=PHONE, base_url=live_server, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    try:
        phone = context.new_page()
        phone.goto(path)
        phone.wait_for_load_state("networkidle")
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 375px"
        assert phone.locator("nav.site-nav").is_visible()
        assert phone.locator("h1").is_visible()
        name = re.sub(r"[^a-z]+", "-", path.split("?")[0]).strip("-") or "home"
        shot(phone, artifacts, f"phone-{name}")
    finally:
        context.close()


def test_api_docs_work_offline(page: Any, artifacts: Path) -> None:
    page.goto("/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=30_000)
    assert "ATMP Navigator" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock-tag").count() >= 4
    shot(page, artifacts, "api-docs", full_page=False)
    no_offsite(page)
