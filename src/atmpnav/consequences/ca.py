"""What follows from a Canadian verdict: CTA and NDS/NOC, NOC/c, lot release, the ATP pathway, CTO registration.

Every item cites its legal or guidance basis; items never change the classification.
"""

from __future__ import annotations

from atmpnav.consequences.base import item as _c
from atmpnav.facts import ProductFacts
from atmpnav.verdict import Consequence, Verdict

FDA = "Food and Drugs Act, R.S.C. 1985, c. F-27"
FDR = "Food and Drug Regulations, C.R.C., c. 870"
CTO = "Safety of Human Cells, Tissues and Organs for Transplantation Regulations (SOR/2007-118)"
MDR = "Medical Devices Regulations (SOR/98-282)"

_DRUG_ROUTE = [
    _c("pathway", "Clinical trials need a clinical trial application (CTA) to Health Canada, with research ethics "
       "board approval; Health Canada has 30 days to object.", f"{FDR}, Part C, Division 5 (C.05.005, C.05.006)"),
    _c("pathway", "Sale needs a new drug submission (NDS) and a notice of compliance (NOC) with a drug "
       "identification number.", f"{FDR}, Part C, Division 8 (C.08.002, C.08.004)"),
    _c("next_step", "Where early evidence is promising for a serious condition, an NOC with conditions (NOC/c) "
       "allows authorisation with confirmatory studies (Prochymal was authorised this way).",
       "Health Canada, Guidance Document: Notice of Compliance with Conditions (NOC/c); " + f"{FDR}, C.08.004"),
    _c("gmp", "Manufacture, import and testing under a drug establishment licence and Good Manufacturing "
       "Practices (Health Canada applies the PIC/S GMP guide).", f"{FDR}, Part C, Division 1A and Division 2"),
]
_BIOLOGIC = [
    _c("gmp", "Schedule D biologic: lots may be subject to Health Canada's lot release programme before sale.",
       f"{FDR}, Part C, Division 4; Health Canada lot release programme for Schedule D drugs"),
]
_ATP = _c("pathway", "If the product or its class is listed in Schedule G, it can instead be authorised by an "
          "advanced therapeutic product (ATP) licence or an order of permission for a class of persons (e.g. "
          "hospitals), with requirements tailored to it. Which products are listed is not known here [U]: check "
          "the current Schedule G.", f"{FDA}, ss. 21.9-21.96 and Schedule G (CA-A1)")

_BY_REGIME = {
    "blood_regulations": [_c("pathway", "Blood and blood components are regulated under the Blood Regulations "
                             "(establishment licence or registration, safety standards).",
                             f"Blood Regulations (SOR/2013-178); {CTO}, s. 3(1)(h)")],
    "assisted_human_reproduction": [_c("pathway", "Reproductive cells and embryos: Assisted Human Reproduction Act "
                                       "and the Safety of Sperm and Ova Regulations.",
                                       "Assisted Human Reproduction Act, S.C. 2004, c. 2; Safety of Sperm and Ova "
                                       "Regulations (SOR/2019-192); " + f"{CTO}, s. 3(1)(i)")],
    "autologous_policy": [_c("pathway", "Outside the CTO Regulations (autologous use). Whether Health Canada treats "
                             "this minimally manipulated, homologous autologous product as a drug depends on its "
                             "autologous cell therapy policy [U]: ask Health Canada (Biologic and Radiopharmaceutical "
                             "Drugs Directorate) before use.", f"{CTO}, s. 3(1)(b); Health Canada cell therapy "
                             "policy position paper (CA-C7)")],
    "starting_material": [_c("pathway", "A starting material is assessed within the finished product's CTA and NDS "
                             "(chemistry and manufacturing information).", f"{FDR}, C.05.005, C.08.002")],
    "not_for_human_administration": [_c("pathway", "Not itself a drug given to people; its quality is controlled "
                                        "by the manufacturer that uses it.", f"{FDA}, s. 2")],
}


def ca_consequences(verdict: Verdict, facts: ProductFacts) -> list[Consequence]:
    outcome = verdict.outcome
    if outcome == "undetermined":
        return [_c("next_step", "Answer the open questions listed with the verdict; the CTO Regulations or the drug "
                   "pathway depend on them.", f"{CTO}, ss. 2-3")]
    if outcome == "biologic drug (Schedule D)":
        items = [*_DRUG_ROUTE, *_BIOLOGIC]
        if verdict.advanced:
            items.append(_ATP)
        if "CA-G1" in verdict.rules_fired:
            items.append(_c("parallel_law", "Gene therapy: plan long-term follow-up and the environmental assessment "
                            "of a living modified organism where it applies.", "Health Canada, guidance on "
                            "gene therapy clinical trials; New Substances Notification Regulations (Organisms) "
                            "(SOR/2005-248)"))
        return items
    if outcome == "drug":
        return list(_DRUG_ROUTE)
    if outcome == "CTO regulations":
        items = [
            _c("pathway", "No product authorisation: the source establishment registers with Health Canada and "
               "meets the safety standards (donor screening and testing, processing, storage, records, error and "
               "adverse reaction reporting); no other regulation under the Act applies.",
               f"{CTO}, s. 3(2); CSA Z900.1 general standard incorporated by reference"),
        ]
        if "cto_clinical_trial_exclusion" in verdict.pathway_notes:
            items.append(_c("exemption", "Used in a clinical trial, the same cells or tissues leave the CTO "
                            "Regulations and are regulated as a drug in the trial (CTA).", f"{CTO}, s. 3(1)(f); "
                            f"{FDR}, Part C, Division 5"))
        return items
    if outcome == "medical device":
        return [_c("pathway", "A medical device licence (Class IV for devices of human tissue or incorporating "
                   "cells); clinical use before licensing is investigational testing.",
                   f"{MDR}, ss. 26-32 and Part 3; {CTO}, s. 3(1)(e), (g)")]
    return _BY_REGIME.get(verdict.regime or "", [_c("pathway", "Outside the CTO Regulations and the drug "
                                                    "pathway; check the regime named in the verdict.", f"{CTO}, s. 3")])


_ROUTE_BY_REGIME = {
    "blood_regulations": "Blood Regulations", "assisted_human_reproduction": "Assisted Human Reproduction Act",
    "autologous_policy": "outside CTO Regs; ask Health Canada [U]", "starting_material": "within the finished product",
    "not_for_human_administration": "not a drug itself",
}


def ca_route(verdict: Verdict) -> str:
    """The route to market in a few words (the side-by-side comparison)."""
    if verdict.outcome == "biologic drug (Schedule D)":
        route = "CTA, then NDS/NOC (NOC/c possible)"
        return route + ("; ATP if in Schedule G [U]" if "CA-A1" in verdict.rules_fired else "")
    return {"drug": "CTA, then NDS/NOC", "CTO regulations": "CTO establishment registration",
            "medical device": "medical device licence"}.get(verdict.outcome) or \
        _ROUTE_BY_REGIME.get(verdict.regime or "", "other regime")
