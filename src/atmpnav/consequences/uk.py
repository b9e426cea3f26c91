"""What follows from a UK verdict: MHRA licensing, exempt ATMP (reg 171), specials (reg 167), point of care.

Every item cites its legal or guidance basis (domain-part2.md §B.1); items never change the classification.
"""

from __future__ import annotations

from datetime import date

from atmpnav.consequences.base import item as _c
from atmpnav.facts import CellSource, ProductFacts
from atmpnav.verdict import ATMP_OUTCOMES, Consequence, Verdict

HMR = "HMR 2012 (SI 2012/1916)"
UK_WIDE = date(2025, 1, 1)
POC = date(2025, 7, 23)

_NOT_ATMP = {
    "hta_tissues_cells": ("Human tissue and cells for human application: HTA licence for procurement, processing, "
                          "testing, storage and distribution.",
                          "Human Tissue (Quality and Safety for Human Application) Regulations 2007 (SI 2007/1523)"),
    "blood": ("Blood and blood components: blood establishment authorisation (MHRA).",
              "Blood Safety and Quality Regulations 2005 (SI 2005/50)"),
    "medical_device": ("Medical device: UKCA (or CE, where still recognised) conformity assessment.",
                       "Medical Devices Regulations 2002 (SI 2002/618)"),
    "medicinal_product": ("A medicinal product that is not an ATMP: MHRA marketing authorisation under the general "
                          "rules.", f"{HMR} Part 5"),
    "vaccine": ("A vaccine: MHRA marketing authorisation under the general rules.", f"{HMR} Part 5"),
    "other": ("Another regime applies (organs, gametes and embryos, reagents, starting materials); ask the MHRA "
              "Innovation Office if unsure.", "MHRA Innovation Office (with HTA, HFEA and HRA)"),
}


def _licensing(verdict: Verdict) -> Consequence:
    if date.fromisoformat(verdict.as_of or "2026-01-01") >= UK_WIDE:
        return _c("pathway", "MHRA marketing authorisation, UK-wide ('PL' prefix; ATMPs are Category 1 products "
                  "authorised on UK law alone); MHRA may rely on a reference regulator's assessment (IRP).",
                  f"{HMR} Part 5; MHRA guidance 'UK-wide licensing for human medicines' (UK-L1)")
    return _c("pathway", "MHRA marketing authorisation for Great Britain (PLGB); for Northern Ireland the EU "
              "centralised procedure.", f"{HMR} Part 5; Northern Ireland Protocol (UK-L1)")


def uk_consequences(verdict: Verdict, facts: ProductFacts) -> list[Consequence]:
    if verdict.outcome == "undetermined":
        return [_c("next_step", "Answer the open questions listed with the verdict, or ask the MHRA Innovation Office "
                   "to classify the product (the EMA/CAT examples apply in the UK as guidance).",
                   "MHRA Innovation Office; MHRA ATMP classification flowchart (UK-H3)")]
    if verdict.outcome not in ATMP_OUTCOMES:
        text, basis = _NOT_ATMP.get(verdict.regime or "other", _NOT_ATMP["other"])
        return [_c("pathway", text, basis)]
    items = [
        _licensing(verdict),
        _c("pathway", "Clinical trials need an MHRA clinical trial authorisation and a favourable ethics opinion "
           "[the amended UK clinical trials regime of 2026 is not encoded].",
           "Medicines for Human Use (Clinical Trials) Regulations 2004 (SI 2004/1031)"),
        _c("gmp", "Manufacture under a manufacturer's licence with the UK GMP guide for ATMPs (as EU Part IV) and QP "
           "certification.", f"{HMR} regs 17, 37-38; HMR Sch 6"),
    ]
    if "exempt_atmp_possible" in verdict.pathway_notes:
        items.append(_c("exemption", "Exempt ATMP ('hospital exemption'): supply without a marketing authorisation "
                        "under a manufacturer's licence for exempt ATMPs (MeAT) with the Sch 6 Pt 3 conditions; "
                        "donation, procurement and testing follow the UK tissue rules; the label shows the donation "
                        "code and, for autologous use, 'for autologous use only'.",
                        f"{HMR} reg 171; Sch 6 Pt 3; Sch 24 Pt 5 (UK-H1)"))
    else:
        items.append(_c("exemption", "An exempt ATMP is possible only when prepared on a non-routine basis to specific "
                        "quality standards and used in a UK hospital under a doctor's exclusive professional "
                        "responsibility, for an individual prescription of a custom-made product.",
                        f"{HMR} reg 171; Sch 6 Pt 3 (UK-H1)"))
    items.append(_c("exemption", "'Specials': a product supplied on a prescriber's unsolicited order to meet a "
                    "patient's special needs, made under a specials licence, without advertising and with records "
                    "kept.", f"{HMR} reg 167 (UK-H2)"))
    as_of = date.fromisoformat(verdict.as_of or "2026-01-01")
    if "point_of_care_designation" in verdict.pathway_notes:
        items.append(_c("pathway", "Point-of-care or modular manufacture: ask MHRA for a POC/MM designation; one "
                        "control site holds the licence and a POC/MM master file controls every manufacturing site.",
                        "SI 2025/87 reg 8; HMR 2012 reg 22 as amended (UK-POC1)"))
    elif as_of >= POC and facts.point_of_care_manufacture is None:
        items.append(_c("next_step", "If the product can only be made at the point of care or in modular units, MHRA "
                        "can designate it under the point-of-care and modular manufacture regulations.",
                        "SI 2025/87 reg 8 (UK-POC1)"))
    cells = facts.cells_or_tissues
    if cells is not None and cells.present and cells.source in {CellSource.autologous, CellSource.allogeneic,
                                                                 CellSource.mixed}:
        items.append(_c("parallel_law", "Donation, procurement and testing of human cells or tissues: HTA licence.",
                        "Human Tissue (Quality and Safety for Human Application) Regulations 2007"))
    if verdict.outcome == "GTMP":
        items.append(_c("parallel_law", "Genetically modified organisms: contained use notified to HSE; clinical "
                        "release under the deliberate release rules.",
                        "Genetically Modified Organisms (Contained Use) Regulations 2014; Genetically Modified "
                        "Organisms (Deliberate Release) Regulations 2002"))
    return items


def uk_route(verdict: Verdict) -> str:
    if verdict.outcome in ATMP_OUTCOMES:
        route = "MHRA MA (UK-wide)" if (verdict.as_of or "9999") >= "2025-01-01" else "MHRA MA (GB); NI via EU"
        if "exempt_atmp_possible" in verdict.pathway_notes:
            route += "; exempt ATMP (reg 171)"
        return route
    return {"hta_tissues_cells": "HTA licence", "blood": "blood establishment", "medical_device": "UKCA device",
            "medicinal_product": "MHRA MA (not ATMP)", "vaccine": "MHRA MA (vaccine)"}.get(verdict.regime or "",
                                                                                            "other regime")
