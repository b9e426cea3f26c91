"""What follows from an Australian verdict: ARTG route by class, excluded and exempt autologous conditions, OGTR.

Every item cites its legal or guidance basis; items never change the classification.
"""

from __future__ import annotations

from atmpnav.consequences.base import item as _c
from atmpnav.facts import CellSource, GenomeEditing, Manipulation, ProductFacts, Vehicle
from atmpnav.verdict import Consequence, Verdict

ACT = "Therapeutic Goods Act 1989 (Cth)"
REGS = "Therapeutic Goods Regulations 1990 (Cth)"

_TRIALS = _c("pathway", "Clinical trials run under the Clinical Trial Notification (CTN) or Clinical Trial Approval "
             "(CTA) scheme, with ethics committee approval.", f"{ACT}, Part 3-2A (biologicals) and Part 3-2 "
             "(medicines), clinical trial exemptions and approvals; TGA Australian Clinical Trial Handbook")
_GMP = _c("gmp", "Manufacture under a TGA manufacturing licence and the PIC/S GMP guide (with Annex 2A for cell "
          "and gene therapy products).", f"{ACT}, Part 3-3; Manufacturing Principles (PIC/S PE 009)")
_OGTR = _c("parallel_law", "Genetically modified cells or vectors: dealings with the GMO need a licence from the Gene "
           "Technology Regulator (OGTR), whatever the TGA status.", "Gene Technology Act 2000 (Cth)")

_CLASS = {
    "biological class 2": "Class 2: inclusion in the ARTG on application with a dossier; compliance with TGO 109 "
                          "and any product-specific standard.",
    "biological class 3": "Class 3: inclusion in the ARTG after full evaluation of quality, safety and efficacy.",
    "biological class 4": "Class 4 (highest risk): inclusion in the ARTG after full evaluation of quality, safety "
                          "and efficacy.",
}


def _genetically_modified(facts: ProductFacts) -> bool:
    nucleic, cells = facts.nucleic_acid, facts.cells_or_tissues
    if nucleic is not None and nucleic.present and (nucleic.vehicle in {Vehicle.viral_vector, Vehicle.modified_cells,
                                                                         Vehicle.plasmid, Vehicle.oncolytic_virus}
                                                    or nucleic.genome_editing in {GenomeEditing.nucleic_acid_encoded,
                                                                                  GenomeEditing.protein_only}):
        return True
    return bool(cells and cells.manipulations and Manipulation.genetic_modification in cells.manipulations)


def au_consequences(verdict: Verdict, facts: ProductFacts) -> list[Consequence]:
    outcome = verdict.outcome
    gmo = [_OGTR] if _genetically_modified(facts) else []
    if outcome == "undetermined":
        return [_c("next_step", "Answer the open questions listed with the verdict; the class, or an autologous "
                   "exclusion or exemption, depends on them.", f"{ACT}, s 32A; {REGS}, Sch 16")]
    if outcome in _CLASS:
        items = [_c("pathway", _CLASS[outcome] + " Sponsored by an Australian sponsor.",
                    f"{ACT}, Part 3-2A; {REGS}, Sch 16; TGO 109"), _TRIALS, _GMP, *gmo]
        cells = facts.cells_or_tissues
        autologous = cells is not None and cells.source == CellSource.autologous
        if autologous and "2018-07-01" <= verdict.as_of < "2019-07-01":
            items.append(_c("next_step", "Transition: autologous HCT products already supplied could continue until "
                            "30 June 2019; from 1 July 2019 supply needs ARTG inclusion (or a clinical trial or "
                            "special access pathway) and a TGA manufacturing licence.",
                            "TGA communication to stakeholders on autologous HCT products (2018 reform)"))
        return items
    if outcome == "excluded (autologous)":
        return [
            _c("exemption", "Excluded from TGA regulation (no ARTG entry, no TGA GMP licence, no TGA adverse event "
               "reporting) only while every condition holds: collected from and made for a patient under the "
               "treating practitioner's clinical care, made in a hospital for a patient of that hospital (except "
               "storage and testing), not advertised to consumers. Oversight lies with the hospital's licensing and "
               "accreditation (NSQHS Standards) and AHPRA.", f"{ACT}, s 7AA; Therapeutic Goods (Excluded Goods) "
               "Determination 2018 (AU-X1)"),
            *gmo,
        ]
    if outcome == "exempt (autologous)":
        return [
            _c("exemption", "Exempt from ARTG inclusion and TGA manufacturing licensing while every condition holds "
               "(practitioner with primary clinical responsibility, single indication in a single clinical "
               "procedure, minimally manipulated, homologous use). Advertising restrictions and adverse event "
               "reporting to the TGA still apply; failing any condition means full regulation.",
               f"{REGS}, Sch 5 and Sch 7 (AU-X2); TGA guidance on exempt autologous HCT products"),
            *gmo,
        ]
    if outcome == "not a biological: prescription medicine":
        return [_c("pathway", "Registration in the ARTG as a prescription medicine after evaluation; priority review "
                   "or provisional registration may be available for serious conditions.",
                   f"{ACT}, Part 3-2 (ss 23 and 25; provisional registration)"), _TRIALS, _GMP, *gmo]
    if outcome == "medical device":
        return [_c("pathway", "Conformity assessment and inclusion in the ARTG as a medical device (devices "
                   "containing animal tissue are the highest class).", f"{ACT}, Chapter 4; Therapeutic Goods "
                   "(Medical Devices) Regulations 2002 (Cth)")]
    regime = verdict.regime or ""
    if regime == "excluded_goods":
        return [_c("exemption", "Excluded goods: outside TGA regulation (organs, fresh HPC and reproductive tissue "
                   "are overseen by state and territory health and transplant rules).",
                   f"{ACT}, s 7AA; Therapeutic Goods (Excluded Goods) Determination 2018")]
    if regime == "hpc":
        return [_c("pathway", "Haematopoietic progenitor cells are therapeutic goods but not biologicals: TGA "
                   "standards for HPC (TGO 88 donor selection and testing) and manufacturing requirements apply.",
                   "Therapeutic Goods (Biologicals—Specified Things) Instrument 2021; TGO 88")]
    if regime == "blood_components":
        return [_c("pathway", "Blood and blood components are regulated as therapeutic goods other than "
                   "biologicals (standards and manufacturing requirements for blood).",
                   "Therapeutic Goods (Biologicals—Specified Things) Instrument 2021; TGO 88")]
    return [_c("pathway", "Outside the biologicals framework; check the regime named in the verdict.", f"{ACT}, s 32A")]


def au_route(verdict: Verdict) -> str:
    """The route to market in a few words (the side-by-side comparison)."""
    outcome = verdict.outcome
    if outcome.startswith("biological class "):
        return f"ARTG inclusion (Class {outcome.rsplit(' ', 1)[1]} biological)"
    return {"excluded (autologous)": "excluded from TGA regulation (hospital)",
            "exempt (autologous)": "exempt from ARTG and GMP (conditions)",
            "not a biological: prescription medicine": "ARTG registration (prescription medicine)",
            "medical device": "ARTG inclusion (medical device)"}.get(outcome) or {
        "excluded_goods": "excluded goods", "hpc": "TGA standards for HPC", "blood_components": "blood standards",
        "starting_material": "within the finished product", "medicine": "ARTG (medicine)",
    }.get(verdict.regime or "", "other regime")
