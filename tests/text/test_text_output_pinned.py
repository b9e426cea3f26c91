"""classify_text's output, pinned: speed work on extraction and precedent search must not change one byte.

Every description of ``bench/accuracy.py load_items()`` is classified in the EU with 5 precedents, and
the extraction's facts, evidence and assumptions are read; a digest per benchmark set is compared with
the digest the code of 2026-12-02 (main at 19fdc68) gave, with the notes of an estimate made under
assumed scope facts corrected (the engine's estimate notes recognised by ``engine.is_estimate_note``).
A change of vocabulary, corpus, text model or law changes the digest too: then recompute it
(``python tests/text/test_text_output_pinned.py``) on the code before the speed work, and say why in
the commit.
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
        "envelopes": "31b521a674c07380d30a8c84b94343146a34d086b838511bc1a5e22af7e5fdd5",
        "extractions": "6bb6f7db286b40a95deab6b0ddf07904ce57cea6cd486da5db260b6f49b76f9a",
    },
    "fresh": {
        "envelopes": "3ea2c66a7a03fbf03671d03a3bcf6cd835485840d45573246c26be6bfb1bd3f9",
        "extractions": "aeb9d7434f53f0d20576a3d66861f698000103ada9f3fd713c2b6c0fe07f7b90",
    },
    "fresh2": {
        "envelopes": "9b8c2e56d6f997ae526a802420d8231a52b858657e8b9b5975640fb34f031be7",
        "extractions": "fcfdff968ae1f3e031cae62be43836a0ff1e4ece513c2d424d5929551a2c5760",
    },
    "heldout": {
        "envelopes": "17eba9f80cabb67e7dd2bd2324f7c0db2f6377ade9e66f249c207ba1b3980db1",
        "extractions": "1142df34316f5c1af198f0091fad20855239ed897c2666cbb47d9e1299bf2a47",
    },
    "independent": {
        "envelopes": "0bd75bd4f05273716723a18126fedc6d2c0359bf9a3b8fdf4a6edce244e8725a",
        "extractions": "9b1d8ebf691717ae9d9d25dd6deda3f32405efc167c6a70e642e1134c21f3f98",
    },
    "labelled": {
        "envelopes": "c79724899e23269851598dae9adb75cb7c7f70f9e7dd5f5ae4de4b13ef8ca654",
        "extractions": "045fb6766cc115583763bd39bdc1ed363f0c7c6a5d87642b6f16b46a06d31ee5",
    },
    "registry-eu": {
        "envelopes": "dbfac0b452e910f0b55aa34273a2a7b764e6b372638aaec0f51aa158442bc5a6",
        "extractions": "7e34c8cb6c46b50130d975722ff18eec1b971375128bc31bf5b7efbd0631391b",
    },
    "registry-us": {
        "envelopes": "265c4494b5ee3848f68af6aa3399302861375a714baef985a71000750427c709",
        "extractions": "afd4c53cdee9eaf569227d9d2c01c84b6334b56d613a4244fbc28c917fd87c85",
    },
    "testcases": {
        "envelopes": "8e0dc13c352eee59a55096318e3240202b3eaa30f7fd2527b435830cc91b2a18",
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
