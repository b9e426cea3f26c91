"""The GMP checklist of a product: classified under EU law here, or from a stored classification."""

from __future__ import annotations

from datetime import date

from atmpnav.facts import ProductFacts
from atmpnav.gmp.checklist import Checklist, build_checklist
from atmpnav.verdict import Envelope, Verdict


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
