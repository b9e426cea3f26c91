"""What follows from a Korean verdict: MFDS approval, licences, long-term follow-up, the regenerative-treatment system.

Every item cites its legal basis; items never change the classification. Article numbers the spec marks
uncertain are said to be so.
"""

from __future__ import annotations

from datetime import date

from atmpnav.consequences.base import item as _c
from atmpnav.facts import CellSource, ProductFacts
from atmpnav.verdict import Consequence, Verdict

ACT = "Advanced Regenerative Bio Act (Act No. 16556)"
DECREE = "Enforcement Decree of the Advanced Regenerative Bio Act"
TREATMENT_SYSTEM = date(2025, 2, 21)

_REGIMES = {
    "human_tissue_act": ("Human tissue: tissue bank licence and the safety rules of the Human Tissue Act.",
                         "Safety and Management of Human Tissue Act; " + f"{ACT}, Art 2(2)"),
    "organ_transplant_act": ("Organ transplantation under the Internal Organs Transplant Act.",
                             "Internal Organs Transplant Act; " + f"{ACT}, Art 2(2)"),
    "bioethics_and_safety_act": ("Gametes and embryos: Bioethics and Safety Act.", "Bioethics and Safety Act"),
    "blood_management_act": ("Blood and blood components: Blood Management Act.", "Blood Management Act"),
    "pharmaceutical_affairs_act": ("An ordinary medicine: MFDS marketing approval under the Pharmaceutical Affairs "
                                   "Act.", "Pharmaceutical Affairs Act, Art 31 and Art 42"),
    "medical_practice": ("Minimally manipulated cells used in treatment are outside advanced regenerative medicine "
                         "(simple separation, cleaning, freezing, thawing); the Medical Service Act governs the "
                         "procedure.", f"{ACT}, Art 2(1) proviso"),
}


def kr_consequences(verdict: Verdict, facts: ProductFacts) -> list[Consequence]:
    if verdict.outcome == "undetermined":
        return [_c("next_step", "Answer the open questions listed with the verdict.", f"{ACT}, Art 2")]
    if not verdict.advanced:
        text, basis = _REGIMES.get(verdict.regime or "", ("Outside the Act; check the regime named in the verdict.",
                                                         f"{ACT}, Art 2"))
        return [_c("pathway", text, basis)]
    items = [
        _c("pathway", "MFDS product approval (manufacturing or import approval) as an advanced biological product, "
           "after clinical trials approved by MFDS; expedited review and conditional approval exist for serious "
           "conditions [U: article numbers not verified].", f"{ACT}, Art 2(5) and its chapter on advanced "
           "biological products; Pharmaceutical Affairs Act, Art 34 (clinical trials)"),
        _c("gmp", "Manufacture under MFDS GMP for biologics (Korea is a PIC/S participant); importers file an "
           "import-business notification.", f"{DECREE}, Art 31; Pharmaceutical Affairs Act, Art 31"),
        _c("parallel_law", "Collecting, processing and supplying human cells for the product needs a human cell "
           "management business approval from MFDS.", f"{DECREE}, Art 32"),
    ]
    xenogeneic = facts.cells_or_tissues is not None and facts.cells_or_tissues.source == CellSource.xenogeneic
    follow_up = ("Long-term follow-up: MFDS may designate stem-cell, animal-cell and gene therapy products for "
                 "long-term follow-up of adverse events after administration.")
    if not (verdict.outcome.endswith("gene therapy") or xenogeneic):
        follow_up = "If the product contains stem cells: " + follow_up[0].lower() + follow_up[1:]
    items.append(_c("parallel_law", follow_up, f"{DECREE}, Arts 34-36"))
    items.append(_c("exemption", "Clinical research of advanced regenerative medicine runs at designated "
                    "regenerative medicine institutions after committee review, by risk tier.", f"{ACT}, Art 2(3)"))
    if date.fromisoformat(verdict.as_of) >= TREATMENT_SYSTEM:
        items.append(_c("exemption", "Advanced regenerative medical treatment: approved institutions may use "
                        "advanced regenerative medicine in patient treatment after committee review and risk "
                        "classification (the regenerative-treatment system).",
                        f"{ACT} as amended by Act No. 20331 (in force 2025-02-21)"))
    return items


def kr_route(verdict: Verdict) -> str:
    """The route to market in a few words (the side-by-side comparison)."""
    if verdict.advanced:
        return "MFDS approval (advanced biological product)"
    return {"human_tissue_act": "Human Tissue Act (tissue bank)", "organ_transplant_act": "Organ Transplant Act",
            "bioethics_and_safety_act": "Bioethics and Safety Act", "blood_management_act": "Blood Management Act",
            "pharmaceutical_affairs_act": "MFDS approval (Pharmaceutical Affairs Act)",
            "medical_practice": "outside the Act (minimal manipulation)",
            "starting_material": "within the finished product"}.get(verdict.regime or "", "other regime")
