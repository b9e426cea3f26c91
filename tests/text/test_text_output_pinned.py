"""classify_text's output, pinned: speed work on extraction and precedent search must not change one byte.

Every description of ``bench/accuracy.py load_items()`` is classified in the EU with 5 precedents, and
the extraction's facts, evidence and assumptions are read; a digest per benchmark set is compared with
the digest the code of 2026-12-02 (main at 19fdc68) gave, with the notes of an estimate made under
assumed scope facts corrected (the engine's estimate notes recognised by ``engine.is_estimate_note``)
and a decided category no longer held undetermined by unknown device facts (``Verdict.combined_open``).
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
        "envelopes": "eff131969896f004b50b218a7d650bfe3d3642d9d631d2e06c4f80effbb0d5d8",
        "extractions": "6bb6f7db286b40a95deab6b0ddf07904ce57cea6cd486da5db260b6f49b76f9a",
    },
    "fresh": {
        "envelopes": "aecc216eaa37c20f78ef15451c05115da76207d071ad1fb3d0a3d84174cd2473",
        "extractions": "aeb9d7434f53f0d20576a3d66861f698000103ada9f3fd713c2b6c0fe07f7b90",
    },
    "fresh2": {
        "envelopes": "5fc73c49aad39db151f3ff1df8f9772e3cc57ddfa4fdc3a06f38ec0ca87feba0",
        "extractions": "fcfdff968ae1f3e031cae62be43836a0ff1e4ece513c2d424d5929551a2c5760",
    },
    "heldout": {
        "envelopes": "ee865feed6db3b0f6c0df076e059aa85d7fb63cd24e81bba0c8fc1d58fe7d40d",
        "extractions": "1142df34316f5c1af198f0091fad20855239ed897c2666cbb47d9e1299bf2a47",
    },
    "independent": {
        "envelopes": "c98c22d62b9a00a35b55dd9c14ba0a523c64242b7a61bab1928bf7af4a9c033f",
        "extractions": "9b1d8ebf691717ae9d9d25dd6deda3f32405efc167c6a70e642e1134c21f3f98",
    },
    "labelled": {
        "envelopes": "01a76ef5fc94f60037f99f88d0d717b4309889f6956b3eedbd2169d029a5c48c",
        "extractions": "045fb6766cc115583763bd39bdc1ed363f0c7c6a5d87642b6f16b46a06d31ee5",
    },
    "registry-eu": {
        "envelopes": "0db3142986c15726cc483fa3f720442c31c0ae6d84ca54a3fe0aa7de23e808eb",
        "extractions": "7e34c8cb6c46b50130d975722ff18eec1b971375128bc31bf5b7efbd0631391b",
    },
    "registry-us": {
        "envelopes": "be4c6850ecfb250e31d3a8f77f0561a5d71a8358ca03b13967612e083e929c78",
        "extractions": "afd4c53cdee9eaf569227d9d2c01c84b6334b56d613a4244fbc28c917fd87c85",
    },
    "testcases": {
        "envelopes": "fc0106c0572c05987a11cc994afc91a72a28b59d75227605fd52c8b30724d486",
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
