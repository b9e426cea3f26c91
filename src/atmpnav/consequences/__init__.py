"""What follows from a verdict, per jurisdiction: fed by verdicts and facts, never read by the rules.

A jurisdiction's consequences are one builder function in its own module, registered in ``BUILDERS``.
"""

from __future__ import annotations

from atmpnav.consequences.au import au_consequences, au_route
from atmpnav.consequences.base import Builder, item
from atmpnav.consequences.ca import ca_consequences, ca_route
from atmpnav.consequences.ch import ch_consequences, ch_route
from atmpnav.consequences.eu import eu_consequences
from atmpnav.consequences.jp import jp_consequences, jp_route
from atmpnav.consequences.kr import kr_consequences, kr_route
from atmpnav.consequences.routes import Route, eu_route, first_pathway, us_route
from atmpnav.consequences.uk import uk_consequences, uk_route
from atmpnav.consequences.us import us_consequences
from atmpnav.facts import ProductFacts
from atmpnav.verdict import Consequence, Envelope, Verdict

BUILDERS: dict[str, Builder] = {"EU": eu_consequences, "US": us_consequences, "UK": uk_consequences,
                                "CH": ch_consequences, "JP": jp_consequences, "CA": ca_consequences,
                                "AU": au_consequences, "KR": kr_consequences}
# The route to market in a few words (comparison table); without one, the first pathway item's first clause.
ROUTES: dict[str, Route] = {"EU": eu_route, "US": us_route, "UK": uk_route, "CH": ch_route, "JP": jp_route,
                            "CA": ca_route, "AU": au_route, "KR": kr_route}


def route_to_market(verdict: Verdict) -> str:
    if verdict.outcome == "undetermined":
        return "open questions first"
    route = ROUTES.get(verdict.jurisdiction)
    if verdict.regime is None and verdict.regime_open:
        routes = list(dict.fromkeys(_route(route, case) for case in _each_regime(verdict)))
        return " or ".join(routes) + (" (regime open)" if len(routes) > 1 else "")
    return _route(route, verdict)


def _route(route: Route | None, verdict: Verdict) -> str:
    return route(verdict) if route else first_pathway(verdict)


def consequences(verdict: Verdict, facts: ProductFacts) -> list[Consequence]:
    builder = BUILDERS.get(verdict.jurisdiction)
    if builder is None:
        return []
    if verdict.regime is None and verdict.regime_open:
        return _if_each_regime(builder, verdict, facts)
    return builder(verdict, facts)


def _each_regime(verdict: Verdict) -> list[Verdict]:
    """The verdict as it would stand under each regime it is left open between."""
    return [verdict.model_copy(update={"regime": regime, "regime_open": []}) for regime in verdict.regime_open]


def _if_each_regime(builder: Builder, verdict: Verdict, facts: ProductFacts) -> list[Consequence]:
    """Decided, but the regime waits on open questions: what follows under each regime, said as a condition, then
    what follows under all of them."""
    cases = [(case.regime or "", builder(case, facts)) for case in _each_regime(verdict)]
    shared = [found for found in cases[0][1] if all(found in items for _, items in cases[1:])]
    conditional = [item(found.topic, f"If it is under the {regime.replace('_', ' ')} regime: {found.text}",
                        found.basis)
                   for regime, items in cases for found in items if found not in shared]
    return conditional + shared


def attach_consequences(envelope: Envelope) -> Envelope:
    """Fill ``consequences`` of every verdict in the envelope (in place) and return it."""
    for verdict in envelope.verdicts.values():
        verdict.consequences = consequences(verdict, envelope.facts)
    return envelope
