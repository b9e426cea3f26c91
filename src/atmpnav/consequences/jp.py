"""What follows from a Japanese verdict: PMD Act approval (ordinary or conditional and time-limited), ASRM route.

Every item cites its legal or guidance basis (domain-part2.md §B.3); items never change the classification.
"""

from __future__ import annotations

from atmpnav.consequences.base import item as _c
from atmpnav.facts import ProductFacts
from atmpnav.verdict import Consequence, Verdict

PMD = "PMD Act (Act No. 145 of 1960)"
ASRM = "ASRM (Act No. 85 of 2013)"

_ASRM_ROUTE = {
    "I": ("ASRM class I: the provision plan goes to a Certified Special Committee for Regenerative Medicine and then "
          "to MHLW, which may order changes within a 90-day hold before the therapy can start.",
          f"{ASRM} Art 2(5); procedure [K] (JP-A2, JP-A3)"),
    "II": ("ASRM class II: the provision plan goes to a Certified Special Committee for Regenerative Medicine, then "
           "is submitted to the Regional Bureau of Health and Welfare.", f"{ASRM} Art 2(6); procedure [K] (JP-A2, "
           "JP-A3)"),
    "III": ("ASRM class III: the provision plan goes to a Certified Committee for Regenerative Medicine, then is "
            "submitted to the Regional Bureau.", f"{ASRM} Art 2(7); procedure [K] (JP-A2, JP-A3)"),
}


def jp_consequences(verdict: Verdict, facts: ProductFacts) -> list[Consequence]:
    if verdict.outcome == "undetermined":
        return [_c("next_step", "Answer the open questions listed with the verdict; PMDA's consultations can confirm "
                   "whether the product is a regenerative medical product.", "PMDA consultation services")]
    items: list[Consequence] = []
    if verdict.advanced:
        items += [
            _c("pathway", "Marketing approval as a regenerative medical product (MHLW, reviewed by PMDA).",
               f"{PMD} Art 23-25 (JP-3)"),
            _c("pathway", "Conditional and time-limited approval is possible when the product is not homogeneous, "
               "its efficacy is presumed and it is not presumed useless for markedly harmful effects: for up to 7 "
               "years (extendable by up to 3), with post-approval studies, then a new application within the period "
               "or the approval lapses.", f"{PMD} Art 23-26(1) (JP-4)"),
            _c("gmp", "Manufacture under a regenerative medical product manufacturing licence with GCTP (the "
               "regenerative products' GMP).", f"{PMD} Art 23-22 and Art 23-25 [K]"),
            _c("next_step", "Clinical trials: a clinical trial notification to PMDA (chiken) before the trial.",
               f"{PMD} Art 80-2 [K]"),
        ]
        if verdict.outcome == "regenerative medical product (gene therapy)" or (
            facts.nucleic_acid is not None and facts.nucleic_acid.present
        ):
            items.append(_c("parallel_law", "Living modified organisms: Cartagena Act type 1 (open use) or type 2 "
                            "(contained use) approval.", "Act No. 97 of 2003 (Cartagena Act) [K]"))
    elif verdict.regime == "drug":
        items.append(_c("pathway", "Marketing approval as a drug (not a regenerative medical product).",
                        f"{PMD} Art 14"))
    elif verdict.regime == "medical_device":
        items.append(_c("pathway", "Medical device approval or certification.", f"{PMD} Art 23-2-5"))
    if verdict.asrm_class in _ASRM_ROUTE:
        text, basis = _ASRM_ROUTE[verdict.asrm_class]
        items.append(_c("exemption", "Used in clinical research or private practice (outside a PMD Act approval): "
                        + text, basis))
        items.append(_c("gmp", "Cells processed by the clinic itself or a licensed specified cell processing "
                        "facility (notification or licence).", f"{ASRM} Arts 35-40 [K]"))
    if not items:
        items.append(_c("pathway", "Outside the regenerative medicine rules; check the regime named in the verdict.",
                        f"{PMD} Art 2(9)"))
    return items


def jp_route(verdict: Verdict) -> str:
    if verdict.advanced:
        route = "PMD Act approval (conditional/time-limited possible)"
    else:
        route = {"drug": "drug approval", "medical_device": "device approval", "blood": "blood rules",
                 "organ_transplant": "organ transplant law"}.get(verdict.regime or "", "other regime")
    return route  # the ASRM class is shown with the outcome
