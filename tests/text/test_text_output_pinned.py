"""classify_text's output, pinned: speed work on extraction and precedent search must not change one byte.

Every description of ``bench/accuracy.py load_items()`` is classified in the EU with 5 precedents, and
the extraction's facts, evidence and assumptions are read; a digest per benchmark set is compared with
the digest the code of 2026-12-02 (main at 19fdc68) gave, with the notes of an estimate made under
assumed scope facts corrected (the engine's estimate notes recognised by ``engine.is_estimate_note``)
a decided category no longer held undetermined by unknown device facts (``Verdict.combined_open``),
and verdicts decided by cases (``Verdict.decided_by_cases``, ``regime_open``: new fields in every envelope).
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
        "envelopes": "5bceafde6f2db6bc00aad2463994cfe605064ff137b2105d73107f9fbd3b0a10",
        "extractions": "6bb6f7db286b40a95deab6b0ddf07904ce57cea6cd486da5db260b6f49b76f9a",
    },
    "fresh": {
        "envelopes": "c991c9bf79f4b6de4f1ff4d7ed4e7657b2d80e449c338c36383f6bcb707207b2",
        "extractions": "aeb9d7434f53f0d20576a3d66861f698000103ada9f3fd713c2b6c0fe07f7b90",
    },
    "fresh2": {
        "envelopes": "76c6d8b239b82234f1a819d2280eca6a287ed10647b5eb5f8ada3f88104f6fe0",
        "extractions": "fcfdff968ae1f3e031cae62be43836a0ff1e4ece513c2d424d5929551a2c5760",
    },
    "heldout": {
        "envelopes": "7d732352dc6258b61382644c9a8ed2b5569cb132cbfa27aeaba47e0c94fda523",
        "extractions": "1142df34316f5c1af198f0091fad20855239ed897c2666cbb47d9e1299bf2a47",
    },
    "independent": {
        "envelopes": "ba061fc6a2680afae11f04d02be054c256e449b45a144f71b468393e91840452",
        "extractions": "9b1d8ebf691717ae9d9d25dd6deda3f32405efc167c6a70e642e1134c21f3f98",
    },
    "labelled": {
        "envelopes": "05d3debfb56994a696a38095554547e6e670e09b037f154fb4896b3475123eb0",
        "extractions": "045fb6766cc115583763bd39bdc1ed363f0c7c6a5d87642b6f16b46a06d31ee5",
    },
    "registry-eu": {
        "envelopes": "b1f3bfd97430840ede65934fbdd57bc68048d9d86a4626c05339d33eba6cb055",
        "extractions": "7e34c8cb6c46b50130d975722ff18eec1b971375128bc31bf5b7efbd0631391b",
    },
    "registry-us": {
        "envelopes": "395f788665ca6ff181213e9e9b87a7d65d0285b0b2a0fb753300938d268deb7b",
        "extractions": "afd4c53cdee9eaf569227d9d2c01c84b6334b56d613a4244fbc28c917fd87c85",
    },
    "testcases": {
        "envelopes": "5b5ebffa9e93c78ed047a5673940655a9a1b94bf50063b2f22f479d636d8a477",
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
