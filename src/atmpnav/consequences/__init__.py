"""What follows from a verdict, per jurisdiction: fed by verdicts and facts, never read by the rules.

A jurisdiction's consequences are one builder function in its own module, registered in ``BUILDERS``.
"""

from __future__ import annotations

from atmpnav.consequences.au import au_consequences
from atmpnav.consequences.base import Builder
from atmpnav.consequences.ca import ca_consequences
from atmpnav.consequences.eu import eu_consequences
from atmpnav.consequences.kr import kr_consequences
from atmpnav.consequences.us import us_consequences
from atmpnav.facts import ProductFacts
from atmpnav.verdict import Consequence, Envelope, Verdict

BUILDERS: dict[str, Builder] = {"EU": eu_consequences, "US": us_consequences, "CA": ca_consequences,
                                "AU": au_consequences, "KR": kr_consequences}


def consequences(verdict: Verdict, facts: ProductFacts) -> list[Consequence]:
    builder = BUILDERS.get(verdict.jurisdiction)
    return builder(verdict, facts) if builder else []


def attach_consequences(envelope: Envelope) -> Envelope:
    """Fill ``consequences`` of every verdict in the envelope (in place) and return it."""
    for verdict in envelope.verdicts.values():
        verdict.consequences = consequences(verdict, envelope.facts)
    return envelope
