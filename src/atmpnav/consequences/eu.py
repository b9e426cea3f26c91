"""What follows from an EU verdict: route to market, GMP, traceability, exemptions, what to file next.

Every item cites its legal or guidance basis; items never change the classification.
"""

from __future__ import annotations

from atmpnav.consequences.base import item as _c
from atmpnav.consequences.follow_ups import adds
from atmpnav.facts import CellSource, NucleicAcidOrigin, ProductFacts
from atmpnav.incentives import incentive_consequences
from atmpnav.national.hospital_exemption import hospital_exemption_consequences
from atmpnav.verdict import ATMP_OUTCOMES, Consequence, Verdict


def _eu_atmp(verdict: Verdict, facts: ProductFacts) -> list[Consequence]:
    items = [
        _c("pathway", "Marketing authorisation only through the EU centralised procedure: the Committee for Advanced "
           "Therapies (CAT) prepares the draft opinion, the CHMP adopts the opinion, the Commission decides.",
           "Regulation (EC) No 726/2004, Art 3(1) and Annex, point 1a"),
        _c("gmp", "Manufacture (authorised and investigational products) under the ATMP GMP guidelines, EudraLex "
           "Vol 4 Part IV (mandatory since 22 May 2018), with its risk-based approach; QP certification of every "
           "batch. Outside the EU, PIC/S inspectorates apply PIC/S GMP Annex 2A with Parts I/II.",
           "Regulation (EC) No 1394/2007, Art 5; EudraLex Vol 4 Part IV §1.1, ch.2, ch.11; PIC/S PE 009-15 Annex 2A"),
        _c("traceability", "Trace each product and its starting and raw materials, including everything in contact "
           "with the cells, from donor to patient; keep the data at least 30 years after the product's expiry.",
           "Regulation (EC) No 1394/2007, Art 15; EudraLex Vol 4 Part IV ch.6"),
    ]
    cells = facts.cells_or_tissues
    if cells is not None and cells.present and cells.source in {CellSource.autologous, CellSource.allogeneic,
                                                                 CellSource.mixed}:
        items.append(_c("parallel_law", "Donation, procurement and testing of the human cells or tissues follow the "
                        "tissues and cells rules (the SoHO Regulation from 7 August 2027).",
                        "Regulation (EC) No 1394/2007, Art 3; Directive 2004/23/EC; Regulation (EU) 2024/1938"))
    if verdict.origin == "autologous":
        items.append(_c("gmp", "Autologous product: unique donation identifiers and chain of identity from "
                        "collection to administration; prevent mix-ups and cross-contamination.",
                        "EudraLex Vol 4 Part IV §9.4"))
    nucleic_acid = facts.nucleic_acid
    genetically_modified = (nucleic_acid is not None and nucleic_acid.present
                            and nucleic_acid.origin == NucleicAcidOrigin.recombinant)
    if verdict.outcome == "GTMP" or genetically_modified:
        # GM cells in an sCTMP or TEP (e.g. a safety switch) are GMOs too: the duties follow the GMO, not the class.
        items.append(_c("parallel_law", "Genetically modified organisms: environmental risk assessment and "
                        "containment (contained use Directive 2009/41/EC; clinical release Directive 2001/18/EC "
                        "or national contained-use rules), waste inactivation.",
                        "Directives 2001/18/EC and 2009/41/EC; EudraLex Vol 4 Part IV, ch.15"))
    if verdict.outcome == "GTMP" and facts.device is not None and facts.device.present:
        items.append(_c("parallel_law", "A gene therapy with a device is not a combined ATMP: if they form a single "
                        "integral product, the device part must meet the general safety and performance requirements "
                        "and the marketing authorisation dossier must include a notified body's opinion on it.",
                        "Regulation (EU) 2017/745, Art 1(8) and (9), and Art 117 (amending Directive 2001/83/EC, "
                        "Annex I)"))
    if verdict.combined:
        items.append(_c("parallel_law", "Combined ATMP: the device part must meet the medical device requirements; "
                        "its evaluation is part of the ATMP assessment.",
                        "Regulation (EC) No 1394/2007, Art 2(1)(d); Regulation (EU) 2017/745"))
    elif verdict.combined_open:
        items.append(_c("parallel_law", "If the device part is a medical device in its own right and an integral part "
                        "of the product, it is a combined ATMP: the device part must then meet the medical device "
                        "requirements, and its evaluation is part of the ATMP assessment.",
                        "Regulation (EC) No 1394/2007, Art 2(1)(d); Regulation (EU) 2017/745"))
    if "hospital_exemption" in verdict.pathway_notes:
        items.append(_c("exemption", "Hospital exemption: possible without a marketing authorisation if the "
                        "national competent authority authorises the manufacture, with national quality, "
                        "traceability and pharmacovigilance requirements equivalent to EU level; the product stays "
                        "an ATMP and national practice varies (A16).",
                        "Regulation (EC) No 1394/2007, Art 28(2) (Directive 2001/83/EC, Art 3(7))"))
    else:
        items.append(_c("exemption", "A hospital exemption is possible only for a custom-made product prepared on a "
                        "non-routine basis according to specific quality standards and used in a hospital in the same "
                        "Member State, under a medical practitioner's exclusive professional responsibility, for an "
                        "individual patient's medical prescription.",
                        "Regulation (EC) No 1394/2007, Art 28(2) (Directive 2001/83/EC, Art 3(7))"))
    return items


@adds(hospital_exemption_consequences, incentive_consequences)
def eu_consequences(verdict: Verdict, facts: ProductFacts) -> list[Consequence]:
    classification = _c("next_step", "You may ask EMA/CAT for a scientific classification recommendation (free, "
                        "within 60 days of a valid request; not binding on national authorities).",
                        "Regulation (EC) No 1394/2007, Art 17; EMA/CAT/99623/2009 Rev.2 (EU-H2)")
    if verdict.outcome == "undetermined":
        return [_c("next_step", "Answer the open questions listed with the verdict; the classification depends on "
                   "them.", "Regulation (EC) No 1394/2007, Art 17 (classification on the facts given)"), classification]
    items = _eu_atmp(verdict, facts) if verdict.outcome in ATMP_OUTCOMES else _eu_not_atmp(verdict)
    if verdict.ambiguities or verdict.outcome not in ATMP_OUTCOMES:
        items.append(classification)
    return items


_NOT_ATMP_ROUTES = {
    "tissues_cells": ("Tissues and cells law: authorisation of the tissue establishment, donation, testing, "
                      "processing and traceability rules.", "Directive 2004/23/EC; Regulation (EU) 2024/1938 from "
                      "7 August 2027"),
    "blood": ("Blood law: blood establishment authorisation and quality and safety standards.",
              "Directive 2002/98/EC; Regulation (EU) 2024/1938 from 7 August 2027"),
    "medical_device": ("Medical device: conformity assessment under the MDR.", "Regulation (EU) 2017/745"),
    "biological_medicinal_product": ("A (non-ATMP) biological medicinal product: marketing authorisation under "
                                     "the general rules.", "Directive 2001/83/EC; Regulation (EC) No 726/2004"),
    "chemical_medicinal_product": ("A (non-ATMP) medicinal product: marketing authorisation under the general "
                                   "rules.", "Directive 2001/83/EC; Regulation (EC) No 726/2004"),
    "vaccine": ("A vaccine: marketing authorisation under the general rules for medicinal products.",
                "Directive 2001/83/EC; Regulation (EC) No 726/2004"),
    "organ_transplant": ("Organs for transplantation: quality and safety standards for organs.",
                         "Directive 2010/53/EU"),
    "starting_material": ("A starting material: its quality is controlled within the finished ATMP's "
                          "authorisation and GMP (supplier qualification).", "EudraLex Vol 4 Part IV ch.7"),
    "not_for_human_administration": ("Not a medicinal product itself; as a reagent or processing aid its quality "
                                     "is controlled by the manufacturer that uses it.",
                                     "EudraLex Vol 4 Part IV §2.3.1, ch.7"),
    "cosmetic": ("Cosmetics rules; products with human cells can never be cosmetics.",
                 "Regulation (EC) No 1223/2009, Annex II"),
    "other": ("Another or a national regime applies; check national rules.",
              "Directive 2001/83/EC, Art 1(2) (not a medicinal product); national law"),
}


def _eu_not_atmp(verdict: Verdict) -> list[Consequence]:
    text, basis = _NOT_ATMP_ROUTES.get(verdict.regime or "other", _NOT_ATMP_ROUTES["other"])
    return [_c("pathway", text, basis)]
