"""What follows from a US verdict: the FDA route, designations, follow-up; never a classification."""

from __future__ import annotations

from atmpnav.consequences.base import item as _c
from atmpnav.consequences.follow_ups import adds
from atmpnav.facts import ProductFacts
from atmpnav.incentives import incentive_consequences
from atmpnav.verdict import Consequence, Verdict


@adds(incentive_consequences)
def us_consequences(verdict: Verdict, facts: ProductFacts) -> list[Consequence]:
    outcome = verdict.outcome
    if outcome in {"351 gene therapy", "351 biologic"}:
        items = [_c("pathway", "Investigational new drug application (IND) for clinical trials, then a biologics "
                    "licence application (BLA) to CBER.", "PHS Act §351; 21 CFR 1271.20 (US-6)")]
        items.append(_c("next_step", "Consider RMAT designation (with or after the IND; FDA answers within 60 days) "
                        "for a serious condition with preliminary clinical evidence.",
                        "FD&C Act §506(g) (US-8)"))
        if outcome == "351 gene therapy":
            items.append(_c("parallel_law", "Plan long-term follow-up as FDA's gene therapy guidance expects.",
                            "FDA guidance 'Long Term Follow-Up After Administration of Human Gene Therapy Products' "
                            "(Jan 2020) (US-7)"))
        return items
    if outcome == "361 HCT/P":
        return [_c("pathway", "No premarket approval: establishment registration and product listing, donor "
                   "eligibility, current good tissue practice (CGTP).", "21 CFR 1271.10(b) (US-2)")]
    if outcome == "excepted (1271.15)":
        return [_c("pathway", "Excepted from Part 1271 for the same surgical procedure; keep processing to rinsing, "
                   "cleansing, sizing or shaping.", "21 CFR 1271.15(b) (US-5)")]
    if outcome == "drug":
        return [_c("pathway", "IND, then a new drug application (NDA).", "FD&C Act")]
    if outcome == "vaccine":
        return [_c("pathway", "Licensed as a vaccine by CBER (BLA).", "PHS Act §351")]
    if outcome == "undetermined":
        return [_c("next_step", "Answer the open questions listed with the verdict; for a combination product a "
                   "request for designation settles the lead centre.", "21 CFR Part 3 (US-6)")]
    return [_c("pathway", "Outside the HCT/P rules; check the regime named in the verdict.", "21 CFR 1271.3(d)")]
