"""What follows from a US verdict: the FDA route, designations, follow-up; never a classification."""

from __future__ import annotations

from atmpnav.consequences.base import item as _c
from atmpnav.facts import ProductFacts
from atmpnav.verdict import Consequence, Verdict


def us_consequences(verdict: Verdict, facts: ProductFacts) -> list[Consequence]:
    outcome = verdict.outcome
    if outcome in {"351 gene therapy", "351 biologic"}:
        items = [_c("pathway", "Investigational new drug application (IND) for clinical trials, then a biologics "
                    "licence application (BLA) to CBER.", "PHS Act §351; 21 CFR 1271.20 (US-6)")]
        if verdict.advanced:  # RMAT covers cell, tissue and gene therapies, not other biologics
            items.append(_c("next_step", "Consider RMAT designation (with or after the IND; FDA answers within 60 "
                            "days) for a serious condition with preliminary clinical evidence.",
                            "FD&C Act §506(g) (US-8)"))
        if verdict.combination_product:
            items.append(_c("pathway", f"A combination product: {verdict.lead_center or 'the lead center'} leads "
                            "(primary mode of action); the device constituent follows the device requirements "
                            "(21 CFR Part 4). Where the lead center is unclear, ask FDA by a Pre-RFD or a request "
                            "for designation.", "21 CFR 3.2(e), 3.4, 3.7; 21 CFR Part 4"))
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
    if outcome == "device":
        return [_c("pathway", "A medical device regulated by CDRH: premarket notification (510(k)), De Novo "
                   "classification or premarket approval (PMA), by risk class.",
                   "FD&C Act §201(h), §510(k), §513(f)(2), §515; 21 CFR Parts 807, 814, 860")]
    if outcome == "vaccine":
        return [_c("pathway", "Licensed as a vaccine by CBER (BLA).", "PHS Act §351")]
    if outcome == "undetermined":
        return [_c("next_step", "Answer the open questions listed with the verdict; for a combination product a "
                   "request for designation settles the lead centre.", "21 CFR Part 3 (US-6)")]
    return [_c("pathway", "Outside the HCT/P rules; check the regime named in the verdict.", "21 CFR 1271.3(d)")]
