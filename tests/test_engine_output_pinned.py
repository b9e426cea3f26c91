"""The engine's output, pinned: speed work on the engine must not change one byte of any verdict.

Generated facts (the engine bench's generator, fixed seed; complete and 10 % unknown) are classified in every
jurisdiction at two dates, and a digest of every verdict's JSON is compared with the digest the code of
2026-12-02 (main at de11177) gave, recomputed for ``Verdict.combined_open`` (unknown device facts no longer hold
a decided category undetermined; rule set eu-2026.12) and for EU-T3 and US-3 answering where the unknown
fact cannot change the answer. A change of law changes the digest too: then recompute it,
and say why in the commit.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from atmpnav.engine import classify_one
from atmpnav.facts import ProductFacts
from atmpnav.law import JURISDICTIONS

FACT_SETS = 300  # per share of unknown facts
DATES = ("2026-11-25", "2021-03-01", "2027-09-01")  # versions of rules in force before and after
EXPECTED = {
    "AU": "0973a59b397d75b3bcafe40cb96d67a92307d34db551f7ba82901b6d51ea8a33",
    "CA": "8946ea4faeb5cf64a25e13a401e8149f27ef7f4c2ef1f6332bc9937a540b5f8e",
    "CH": "a51279613495d9009d33717dc94bbafacca4d5fd025ab2e81d566f202a00fc1a",
    "EU": "6e4aa494a48f946d10e1aa69026859bdcd20c987b5969861dd3b1256e0f52886",
    "JP": "b5f562d4f8f874cdda711a0e8df639844435eab4a202d6cc9c2d680d376ef0af",
    "KR": "d47ff88a39a62b5a6572542448bbbfb24de352826297ad29b2c8e802630d3591",
    "UK": "e6cd3db57ce12c055b69b0108a92aa5d61a2d89d45dd2b7782bd57a3e1813fa6",
    "US": "4653f638a88e6c3582dc831f8b4c132b652c0bf55d6128451ad103ca5bb0ff7f",
}


def _bench() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "bench" / "engine_speed.py"
    spec = importlib.util.spec_from_file_location("engine_speed_bench", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def fact_sets() -> list[ProductFacts]:
    bench = _bench()
    raw = bench.generate(FACT_SETS, 0.0) + bench.generate(FACT_SETS, 0.1, seed=11)
    return [ProductFacts.model_validate(d) for d in raw]


def verdicts_digest(facts: list[ProductFacts], jurisdiction: str) -> str:
    digest = hashlib.sha256()
    for day in DATES:
        for product in facts:
            digest.update(classify_one(product, jurisdiction, day).model_dump_json().encode())
            digest.update(b"\n")
    return digest.hexdigest()


@pytest.mark.parametrize("jurisdiction", sorted(EXPECTED))
def test_every_verdict_is_byte_identical_to_the_pinned_output(fact_sets: list[ProductFacts],
                                                               jurisdiction: str) -> None:
    assert verdicts_digest(fact_sets, jurisdiction) == EXPECTED[jurisdiction]


def test_the_pin_covers_every_jurisdiction() -> None:
    assert sorted(EXPECTED) == sorted(JURISDICTIONS)
