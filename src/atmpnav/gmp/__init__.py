"""The GMP room: which requirements of EU GMP Part IV and PIC/S Annex 2A apply to a product and process.

Fed by the facts (with their ``manufacturing`` block) and the EU verdict; the requirements are dated
data files in ``gmp/data/requirements/`` (one per topic), never code. ``law/`` and ``engine.py`` do
not import this package.
"""

from __future__ import annotations

from datetime import date

from atmpnav.facts import ProductFacts
from atmpnav.gmp.checklist import VARIANTS, Checklist, Item, build_checklist, load_data
from atmpnav.verdict import Envelope, Verdict

__all__ = ["VARIANTS", "Checklist", "Item", "build_checklist", "checklist_of_envelope", "gmp_checklist", "load_data"]


def gmp_checklist(facts: ProductFacts, *, standard: str = "eu", as_of: date | str | None = None,
                  verdict: Verdict | None = None) -> Checklist:
    """Classify ``facts`` under EU law (unless ``verdict`` is given) and build the checklist from it."""
    from atmpnav.assess import AssessmentInput, evaluate
    from atmpnav.engine import parse_date

    day = parse_date(as_of)
    if verdict is None:
        verdict = evaluate(AssessmentInput.of_facts(facts), ("EU",), day).verdicts["EU"]
    return build_checklist(facts, verdict, standard=standard, as_of=day)


def checklist_of_envelope(envelope: Envelope, standard: str = "eu") -> Checklist | None:
    """The checklist of a stored classification (its facts and EU verdict, not re-classified); None
    without an EU verdict."""
    verdict = envelope.verdicts.get("EU")
    if verdict is None:
        return None
    return build_checklist(envelope.facts, verdict, standard=standard)
