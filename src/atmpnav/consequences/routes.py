"""The route to market in a few words, per jurisdiction, for the side-by-side comparison (`-j all`).

The full items, each with its legal basis, are the consequences; this is only their headline.
A jurisdiction without a route function gets the first pathway item's first clause.
"""

from __future__ import annotations

from collections.abc import Callable

from atmpnav.verdict import ATMP_OUTCOMES, Verdict

Route = Callable[[Verdict], str]

_EU_REGIMES = {
    "tissues_cells": "tissues and cells law", "blood": "blood law", "medical_device": "MDR device",
    "biological_medicinal_product": "MA (not ATMP)", "chemical_medicinal_product": "MA (not ATMP)",
    "vaccine": "MA (vaccine)", "organ_transplant": "organ law", "starting_material": "within the finished product",
    "cosmetic": "cosmetics rules",
}
_US_OUTCOMES = {
    "351 gene therapy": "IND, then BLA (CBER)", "351 biologic": "IND, then BLA (CBER)",
    "361 HCT/P": "registration + CGTP (no premarket)", "excepted (1271.15)": "excepted (same surgery)",
    "drug": "IND, then NDA", "vaccine": "BLA (vaccine)",
}


def eu_route(verdict: Verdict) -> str:
    if verdict.outcome in ATMP_OUTCOMES:
        route = "centralised MA (CAT/CHMP)"
        return route + ("; hospital exemption" if "hospital_exemption" in verdict.pathway_notes else "")
    return _EU_REGIMES.get(verdict.regime or "", "other regime")


def us_route(verdict: Verdict) -> str:
    return _US_OUTCOMES.get(verdict.outcome, "outside the HCT/P rules")


def first_pathway(verdict: Verdict) -> str:
    for item in verdict.consequences:
        if item.topic == "pathway":
            return item.text.split(":")[0].split(";")[0].split(".")[0][:60]
    return "—"
