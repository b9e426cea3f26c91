"""classify_text's output, pinned: speed work on extraction and precedent search must not change one byte.

Every description of ``bench/accuracy.py load_items()`` is classified in the EU with 5 precedents, and
the extraction's facts, evidence and assumptions are read; a digest per benchmark set is compared with
the digest the code of 2026-12-02 (main at 19fdc68) gave. A change of vocabulary, corpus, text model
or law changes the digest too: then recompute it (``python tests/text/test_text_output_pinned.py``)
on the code before the speed work, and say why in the commit.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from atmpnav.text.classify import classify_text
from atmpnav.text.extract import extract_facts

AS_OF = "2026-11-25"
EXPECTED: dict[str, dict[str, str]] = {
    "ema": {
        "envelopes": "bc689000b6d76b99ba6efc65451d2da5630975172e74c9b30249a5f5138eabea",
        "extractions": "6bb6f7db286b40a95deab6b0ddf07904ce57cea6cd486da5db260b6f49b76f9a",
    },
    "fresh": {
        "envelopes": "3ea2c66a7a03fbf03671d03a3bcf6cd835485840d45573246c26be6bfb1bd3f9",
        "extractions": "aeb9d7434f53f0d20576a3d66861f698000103ada9f3fd713c2b6c0fe07f7b90",
    },
    "fresh2": {
        "envelopes": "4c4b2ae42940517a57444d4ca4ad5849905e6bf691c529f00a2496530aed2cdd",
        "extractions": "fcfdff968ae1f3e031cae62be43836a0ff1e4ece513c2d424d5929551a2c5760",
    },
    "heldout": {
        "envelopes": "3555031d5fc342d65c34cb9b9dd25635eeb03ac830905c0aebdd0da71453c563",
        "extractions": "1142df34316f5c1af198f0091fad20855239ed897c2666cbb47d9e1299bf2a47",
    },
    "independent": {
        "envelopes": "954d23105bc6d432b18e90c0c53a3dedadd6eb77ce624bf3d7039c00da2e49fa",
        "extractions": "9b1d8ebf691717ae9d9d25dd6deda3f32405efc167c6a70e642e1134c21f3f98",
    },
    "labelled": {
        "envelopes": "5ec90a61560b6f2252656edd3d89c6cd950f32c5f49389b991fdb34c75de7af4",
        "extractions": "045fb6766cc115583763bd39bdc1ed363f0c7c6a5d87642b6f16b46a06d31ee5",
    },
    "registry-eu": {
        "envelopes": "8c47aae63fec308d979f3226c8c37accd770488d43ede559db63480354125192",
        "extractions": "7e34c8cb6c46b50130d975722ff18eec1b971375128bc31bf5b7efbd0631391b",
    },
    "registry-us": {
        "envelopes": "0d879f11fbd093a6b1a3af87adca4c6869824c91b51f46d630e36debec87ebfc",
        "extractions": "afd4c53cdee9eaf569227d9d2c01c84b6334b56d613a4244fbc28c917fd87c85",
    },
    "testcases": {
        "envelopes": "2a5f7a8064da6799f7fdc5aa94f5be65b65a25b8d970a0611c8cc272624cda8d",
        "extractions": "7eebd5035f410f0af09f2840290ab3f8811dd6ce57803c6264db32199a98ecf3",
    },
}


def _accuracy_bench() -> ModuleType:
    bench = Path(__file__).resolve().parents[2] / "bench"
    sys.path.insert(0, str(bench))  # accuracy.py is a script of that folder
    try:
        spec = importlib.util.spec_from_file_location("accuracy_bench", bench / "accuracy.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # its dataclasses look their module up there
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(bench))
    return module


def _items() -> dict[str, list[Any]]:
    by_set: dict[str, list[Any]] = {}
    for item in _accuracy_bench().load_items():
        by_set.setdefault(item.dataset, []).append(item)
    return by_set


def _line(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True).encode() + b"\n"


def digests(items: list[Any]) -> dict[str, str]:
    """Digests of the envelopes and of the extractions of ``items`` (in order)."""
    envelopes, extractions = hashlib.sha256(), hashlib.sha256()
    for item in items:
        envelope = classify_text(item.text, item.indication, ("EU",), as_of=AS_OF, top=5)
        envelopes.update(_line(envelope.to_json_dict()))
        extraction = extract_facts(item.text, item.indication)
        extractions.update(_line({
            "facts": extraction.facts.model_dump(mode="json"),
            "evidence": extraction.evidence,
            "notes": extraction.notes,
            "assumptions": [a.model_dump(mode="json") for a in extraction.assumptions],
        }))
    return {"envelopes": envelopes.hexdigest(), "extractions": extractions.hexdigest()}


@pytest.fixture(scope="module")
def items_by_set() -> dict[str, list[Any]]:
    return _items()


@pytest.mark.parametrize("dataset", sorted(EXPECTED))
def test_every_envelope_and_extraction_is_byte_identical_to_the_pinned_output(
        items_by_set: dict[str, list[Any]], dataset: str) -> None:
    assert digests(items_by_set[dataset]) == EXPECTED[dataset]


def test_the_pin_covers_every_benchmark_set(items_by_set: dict[str, list[Any]]) -> None:
    assert sorted(EXPECTED) == sorted(items_by_set)


if __name__ == "__main__":  # print EXPECTED for the current code
    print(json.dumps({name: digests(items) for name, items in sorted(_items().items())}, indent=4))
