"""The tool's own verdict on each registry product, beside the official category.

An EU product is classified from its shipped facts file (``data/products/<slug>.yaml``) under
EU law; a US product that is the same medicine as an EU product (a ``same_product`` link) is
classified from that product's facts under US law. The verdict is the engine's, on the law in
force on the day asked; ``agrees`` compares it with the official category (EU) or with our
mapping of the US product type (US). Computed once per import generation and day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from atmpnav.registry.types import Region

if TYPE_CHECKING:
    from atmpnav.facts import ProductFacts
    from atmpnav.registry.cache import ProductRow, Snapshot
    from atmpnav.verdict import Verdict

#: US outcomes and the EU-like categories they correspond to (our mapping of the US vocabulary).
US_OUTCOME_CATEGORIES = {
    "351 gene therapy": {"GTMP"},
    "351 biologic": {"sCTMP", "TEP"},
    "361 HCT/P": {"not ATMP"},
    "excepted (1271.15)": {"not ATMP"},
    "not an HCT/P": {"not ATMP"},
}


@dataclass(frozen=True)
class OwnVerdict:
    jurisdiction: str
    outcome: str
    combined: bool
    agrees: bool | None  # None: no official category to compare with, or undetermined
    facts_file: str
    verdict: Verdict


@lru_cache(maxsize=64)
def _facts(slug: str) -> ProductFacts | None:
    from atmpnav.registry.facts_files import facts_path

    path = facts_path(slug)
    if not path.is_file():
        return None
    from atmpnav.datafiles import load_yaml
    from atmpnav.facts import ProductFacts

    # Shipped with the package (not user input): the data-file parser, not the bounded user-file one.
    return ProductFacts.model_validate(load_yaml(path))


def _agrees(product: ProductRow, verdict: Verdict) -> bool | None:
    if not verdict.determined or product.category in (None, "unknown"):
        return None
    if product.region == Region.EU.value:
        return verdict.outcome == product.category and bool(verdict.combined) == bool(product.combined)
    expected = US_OUTCOME_CATEGORIES.get(verdict.outcome)
    return None if expected is None else product.category in expected


def own_verdicts(snap: Snapshot, day: date) -> dict[int, OwnVerdict]:
    return snap.memo(("own-verdicts", day), lambda: _compute(snap, day))


def _compute(snap: Snapshot, day: date) -> dict[int, OwnVerdict]:
    from atmpnav.assess import AssessmentInput, evaluate
    from atmpnav.registry.facts_files import facts_path

    found: dict[int, OwnVerdict] = {}
    eu_by_id = {p.id: p for p in snap.products if p.region == Region.EU.value}
    for product in snap.products:
        if product.region == Region.EU.value:
            source = product
        else:
            twins = [other for other, link in snap.links.get(product.id, ())
                     if link.kind == "same_product" and other.id in eu_by_id]
            if not twins:
                continue
            source = twins[0]
        facts = _facts(source.slug)
        if facts is None:
            continue
        verdict = evaluate(AssessmentInput.of_facts(facts), (product.region,), day).verdicts[product.region]
        found[product.id] = OwnVerdict(product.region, verdict.outcome, verdict.combined,
                                       _agrees(product, verdict), str(facts_path(source.slug).name), verdict)
    return found


def own_verdict(snap: Snapshot, product_id: int, day: date) -> OwnVerdict | None:
    return own_verdicts(snap, day).get(product_id)
