"""How often each value of a fact occurs among known products: the weights of the engine's estimate.

The estimate of an undetermined verdict answers the open questions every possible way; each answer is
weighted by how often that value occurs among the products whose facts we know (the facts files of
authorised products shipped in ``data/products/``), add-one smoothed so that no value is impossible.
The table is built by ``python -m atmpnav.law.priors`` into ``law/fact_priors.json`` (a test checks it
is current); the engine never reads the facts files at run time.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

PRIORS_FILE = "fact_priors.json"
SUBSTANTIAL = "substantial"  # the list fact 'manipulations' is summarised by whether a substantial step occurs
ANNEX_I_ONLY = "annex_i_only"


def _leaves(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and key != "justifications":
            out.update(_leaves(value, f"{path}."))
        else:
            out[path] = value
    return out


def build(products_dir: Path) -> dict[str, Any]:
    """Counts of every fact value over the facts files in ``products_dir``."""
    from atmpnav.datafiles import load_yaml
    from atmpnav.facts import SUBSTANTIAL_MANIPULATIONS

    substantial = {m.value for m in SUBSTANTIAL_MANIPULATIONS}
    counts: dict[str, Counter[str]] = {}
    files = sorted(products_dir.glob("*.yaml"))
    for path in files:
        data = load_yaml(path)
        for block in ("nucleic_acid", "cells_or_tissues", "device"):
            data.setdefault(block, {"present": False})  # an absent sub-record means the product has none
        for fact, value in _leaves(data).items():
            if value is None or fact in {"name", "description", "indication"}:
                continue
            if isinstance(value, list):
                value = SUBSTANTIAL if substantial & set(value) else ANNEX_I_ONLY
            counts.setdefault(fact, Counter())[json.dumps(value)] += 1
    return {
        "about": "Counts of fact values among the products in src/atmpnav/data/products (facts files of "
                 "authorised products, with their sources). Built by `python -m atmpnav.law.priors`.",
        "products": len(files),
        "counts": {fact: dict(sorted(c.items())) for fact, c in sorted(counts.items())},
    }


@cache
def _table() -> dict[str, dict[str, int]]:
    text = resources.files("atmpnav.law").joinpath(PRIORS_FILE).read_text(encoding="utf-8")
    return json.loads(text)["counts"]


def weights(fact: str, values: list[Any]) -> list[float]:
    """Add-one smoothed shares of ``values`` (which must be all the values the fact can take)."""
    seen = _table().get(fact, {})
    raw = [seen.get(json.dumps(SUBSTANTIAL if isinstance(v, list) and v == ["expansion"] else
                               ANNEX_I_ONLY if isinstance(v, list) else v), 0) + 1 for v in values]
    total = sum(raw)
    return [r / total for r in raw]


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    table = build(here.parent / "data" / "products")
    (here / PRIORS_FILE).write_text(json.dumps(table, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {here / PRIORS_FILE} from {table['products']} products")


CALIBRATION_FILE = "calibration.json"


@cache
def _calibration() -> list[tuple[float, float, float]]:
    try:
        text = resources.files("atmpnav.law").joinpath(CALIBRATION_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [(row["low"], row["high"], row["correct"]) for row in json.loads(text)["bins"]]


def calibrated(probability: float) -> float:
    """The share of estimates that were right among those with this raw probability (bench/calibration.py),
    or the raw probability where no bin was measured."""
    for low, high, correct in _calibration():
        if low <= probability < high or (high >= 1.0 and probability >= low):
            return correct
    return probability
