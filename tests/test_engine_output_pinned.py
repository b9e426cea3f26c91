"""The engine's output, pinned: speed work on the engine must not change one byte of any verdict.

Generated facts (the engine bench's generator, fixed seed; complete and 10 % unknown) are classified in every
jurisdiction at two dates, and a digest of every verdict's JSON is compared with the digest the code of
2026-12-02 (main at de11177) gave. A change of law changes the digest too: then recompute it, and say why in the
commit.
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
    "AU": "4e0f3de512f11445ebcc5b85b7ab6183082c9f21ba9f2c0bbe30439eef296c67",
    "CA": "29568c6ea1613aa876eba2f73a00432a419d944fabf386a396b3bdbb746ab5e0",
    "CH": "8e10e286b5cde979bde9e2e64385237cf5102afd87776faec7651caee959e586",
    "EU": "c8d08cc15f852bf3961edabf7f74330a0a67bc319cedd30457e17c46f9e076f0",
    "JP": "7099d65031245148838699d880a55be8d654cf92287cb50f08451e2400eb098b",
    "KR": "5a0701f5d473885b2d281d3d2cd481691942d870d943c59639c51396bd7d93be",
    "UK": "f78468f4ac44c60b6b598a7aec2ea2b67882a4c824825657f4f0c9113282a72c",
    "US": "ff0d958cdde14ba47bc7fe72f1dfc03bb039f163394db9bf63e9afc2b8e4518c",
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
