"""The engine's output, pinned: speed work on the engine must not change one byte of any verdict.

Generated facts (the engine bench's generator, fixed seed; complete and 10 % unknown) are classified in every
jurisdiction at two dates, and a digest of every verdict's JSON is compared with the digest the code of
2026-12-02 (main at de11177) gave, recomputed for ``Verdict.combined_open`` (unknown device facts no longer hold
a decided category undetermined; rule set eu-2026.12), for EU-T3 and US-3 answering where the unknown
fact cannot change the answer, and for verdicts decided by cases (``decided_by_cases``, ``regime_open``: every
answer to the open questions leads to the same outcome; each changed verdict was undetermined and is now its
former likely outcome). A change of law changes the digest too: then recompute it,
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
    "AU": "28f4f6e3e5f87deb42b976308004a65f5ff71ec826e76be8ec1e789521d3632f",
    "CA": "12d362121c5fe8461f908fcc9c06cfc97fc3090287e541bfbf41e0d539260aec",
    "CH": "600611685ffbc4532d064381dd0ce9fba9779891109a087abf717f01c900d797",
    "EU": "91f19337e9bfa35230eae3f72cc335704b8938f683e71d01eba03defc2f72e86",
    "JP": "9e96904e87714f4127c268a37c934ad865393d36ca7e38853b22548667b89161",
    "KR": "7f6f5fe08c2cb436a9a1b78a0a28b2c00bd9aa4449cb7fea277aed80a0db48e5",
    "UK": "16edda87d13c3315678a597dc1e80ebecec3e1ae84cb0a89bd7923d265431fcf",
    "US": "66e17738ec03ffd2136ba635c56be71635d7f7acd21e790d762d71ac6a044213",
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
