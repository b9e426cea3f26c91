"""Engine speed: verdicts per second per core on generated facts.

Prints figures and, in the same run, the baseline: validating the same facts without classifying
(the floor any engine pays), with the machine's load. The baseline and the engine run in
alternating slices (``ROUNDS`` of each, back to back) and the ratio is the median of the per-slice
ratios, so a machine whose load changes during the run slows both alike. CLI start-up is measured by
``bench/startup.py``. Run: `make bench` or `.venv/bin/python bench/engine_speed.py [N]`.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from enum import StrEnum
from typing import Any

from atmpnav import facts as f
from atmpnav.engine import classify_one, parse_date

# Issue 14: the engine at least 1/5 of validation-only throughput on complete facts, 1/10 with 10 % unknown.
TARGETS = {0.0: 0.2, 0.1: 0.1}


def _pick(rng: random.Random, enum: type[StrEnum], unknown: float) -> Any:
    return None if rng.random() < unknown else rng.choice(list(enum)).value


def _bool(rng: random.Random, unknown: float) -> bool | None:
    return None if rng.random() < unknown else rng.random() < 0.5


def generate(n: int, unknown: float, seed: int = 7) -> list[dict[str, Any]]:
    """Random but valid facts; ``unknown`` is the share of facts left unknown."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        facts: dict[str, Any] = {
            "for_human_administration": True if rng.random() < 0.95 else _bool(rng, unknown),
            "product_role": "finished_product" if rng.random() < 0.95 else _pick(rng, f.ProductRole, unknown),
            "claimed_purpose": _pick(rng, f.ClaimedPurpose, unknown),
            "vaccine_against_infectious_disease": _bool(rng, unknown),
            "biological_active_substance": _bool(rng, unknown),
            # The observable facts behind the derived judgements (legal engine v2).
            "disease_target": _pick(rng, f.DiseaseTarget, unknown),
            "immune_response_to_antigen": _bool(rng, unknown),
            "also_treats_disease": _bool(rng, unknown),
            "administration_route": _pick(rng, f.AdministrationRoute, unknown),
        }
        if rng.random() < 0.5:
            facts["nucleic_acid"] = {
                "present": True, "origin": _pick(rng, f.NucleicAcidOrigin, unknown),
                "vehicle": _pick(rng, f.Vehicle, unknown), "effect_from_sequence": _bool(rng, unknown),
                "transgene_role": _pick(rng, f.TransgeneRole, unknown), "genome_editing": "none",
            }
        if rng.random() < 0.7:
            facts["cells_or_tissues"] = {
                "present": True, "form": "intact_cells" if rng.random() < 0.85 else _pick(rng, f.CellForm, unknown),
                "source": _pick(rng, f.CellSource, unknown), "viability": _pick(rng, f.Viability, unknown),
                "blood_component": _bool(rng, unknown), "mode_of_action": _pick(rng, f.ModeOfAction, unknown),
                "manipulations": rng.sample([m.value for m in f.Manipulation], rng.randint(0, 3)),
                "same_essential_function": _bool(rng, unknown),
                "tissue_origin": _pick(rng, f.TissueOrigin, unknown), "cell_type": _pick(rng, f.CellType, unknown),
                "intended_action": _pick(rng, f.IntendedAction, unknown),
                "same_surgical_procedure": _bool(rng, unknown),
            }
        if rng.random() < 0.2:
            facts["device"] = {"present": True, "integral": _bool(rng, unknown),
                               "own_medical_purpose": _bool(rng, unknown), "cells_primary_action": _bool(rng, unknown)}
        out.append(facts)
    return out


ROUNDS = 9  # alternating slices per figure (the median ratio is reported)


def seconds(work: Any, items: list[Any]) -> float:
    start = time.perf_counter()
    for item in items:
        work(item)
    return time.perf_counter() - start


def show(label: str, elapsed: float, count: int) -> float:
    per_second = count / elapsed
    print(f"  {label:<52} {per_second:>10,.0f} /s   ({elapsed * 1e6 / count:7.1f} µs each)")
    return per_second


def interleaved(works: list[tuple[Any, list[Any]]]) -> list[list[float]]:
    """Seconds of each work over its slice of the items, the works alternating for ``ROUNDS`` rounds."""
    times: list[list[float]] = [[] for _ in works]
    for round_ in range(ROUNDS):
        for index, (work, items) in enumerate(works):
            size = len(items) // ROUNDS
            times[index].append(seconds(work, items[round_ * size:(round_ + 1) * size]))
    return times


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    day = parse_date("2026-11-25")
    print(f"Engine throughput, one process (one core), {n:,} generated fact sets each; load average (1 min) "
          f"{os.getloadavg()[0]:.2f}:")
    for unknown in (0.0, 0.1):
        raw = generate(n, unknown)
        parsed = [f.ProductFacts.model_validate(d) for d in raw]
        verdicts = [classify_one(p, "EU", day) for p in parsed[:2000]]
        undetermined = sum(not v.determined for v in verdicts) / len(verdicts)
        print(f" facts with {unknown:.0%} unknown ({undetermined:.0%} of verdicts undetermined):")
        validate = f.ProductFacts.model_validate

        def engine(p: Any) -> Any:
            return classify_one(p, "EU", day)

        def both(d: Any) -> Any:
            return classify_one(f.ProductFacts.model_validate(d), "EU", day)

        base_t, engine_t, both_t = interleaved([(validate, raw), (engine, parsed), (both, raw)])
        size = n // ROUNDS
        show("baseline: validate facts only (pydantic)", statistics.median(base_t), size)
        show("engine: classify_one (validated facts -> verdict)", statistics.median(engine_t), size)
        end_to_end = show("validate + classify", statistics.median(both_t), size)
        ratios = sorted(b / e for b, e in zip(base_t, engine_t, strict=True))
        ratio = statistics.median(ratios)
        target = TARGETS[unknown]
        print(f"  engine rate / validation rate: {ratio:.3f}x (1/{1 / ratio:.1f}; slices {ratios[0]:.3f}-"
              f"{ratios[-1]:.3f}); target >= {target:.2f}x: {'met' if ratio >= target else 'NOT met'}; "
              f"end to end {end_to_end:,.0f}/s")
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
