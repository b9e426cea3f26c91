"""Cross-check: the EU engine's verdict on each EU-authorised ATMP equals its official category.

Facts files: src/atmpnav/data/products/<slug>.yaml (the product as authorised). A disagreement is
either fixed in the rules or recorded below as a cited exception.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from atmpnav.engine import classify_one
from atmpnav.facts import load_facts

DATA = Path(__file__).resolve().parents[1] / "src/atmpnav/data"

# product name -> why the engine's answer may differ from the data set's category (with its source)
EXCEPTIONS: dict[str, str] = {
    "Zemcelpro": "ATMP category not verified in the source data (data/README.md, 'Known gaps'): only the ATMP "
    "status is checked, not the subtype.",
}


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _official() -> list[dict[str, str]]:
    with (DATA / "eu_authorised_atmps.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("row", _official(), ids=lambda r: r["product_name"])
def test_engine_agrees_with_the_official_category(row: dict[str, str]) -> None:
    path = DATA / "products" / f"{_slug(row['product_name'])}.yaml"
    assert path.exists(), f"no facts file for {row['product_name']} ({path.name})"
    verdict = classify_one(load_facts(path), "EU", "2026-11-25")
    category = row["atmp_category"]
    expected = category.split()[0]
    combined = "combined" in category.lower()
    reasoning = "\n".join(f"{s.rule}: {s.answer} - {s.explanation}" for s in verdict.steps)
    if row["product_name"] in EXCEPTIONS:
        assert verdict.outcome in {"GTMP", "sCTMP", "TEP"}, reasoning
        return
    assert verdict.outcome == expected, f"{row['product_name']}: engine {verdict.outcome}, official {category}\n" + (
        reasoning
    )
    assert verdict.combined == combined, row["product_name"]
