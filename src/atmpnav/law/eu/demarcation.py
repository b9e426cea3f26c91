"""Demarcations: the regimes that take gene, cell and tissue products outside the ATMP rules."""

from __future__ import annotations

from atmpnav.law.base import Answer, Inquiry, Rule
from atmpnav.law.eu.common import (
    ATMP_REGULATION,
    BEFORE_SOHO,
    EU,
    REG,
    SOHO,
    SOHO_APPLIES,
    _applies,
    rule,
)

# --- Demarcations (rules.md §1.10) -----------------------------------------------------------


def _tissues_cells(c: Inquiry) -> Answer:
    return Answer(True, "Cells or tissues that are neither substantially manipulated nor used for another "
                  "essential function are not engineered: tissues and cells law applies.",
                  ("cells_or_tissues.substantially_manipulated", "cells_or_tissues.same_essential_function"))


EU.add(Rule("EU-X2", "Tissues and cells law", "Are the cells or tissues outside the ATMP definitions because they "
            "are neither substantially manipulated nor used for another function?",
            "Directive 2004/23/EC, Art 2(1); Regulation (EC) No 1394/2007, Art 3", "V", _tissues_cells,
            valid_from=ATMP_REGULATION, valid_to=BEFORE_SOHO))
EU.add(Rule("EU-X2", "Substances of human origin (SoHO)", "Are the cells or tissues outside the ATMP definitions "
            "because they are neither substantially manipulated nor used for another function?",
            f"{SOHO}, Art 2(1)(a) and Art 2(6); Regulation (EC) No 1394/2007, Art 3", "V",
            _tissues_cells, valid_from=SOHO_APPLIES))


def _blood(c: Inquiry) -> Answer:
    return Answer(True, "Whole blood, blood components, platelet-rich plasma and unmanipulated donor lymphocytes "
                  "are regulated as blood, not as ATMPs.", ("cells_or_tissues.blood_component",))


EU.add(Rule("EU-X3", "Blood and blood components", "Is it blood or a blood component without substantial "
            "manipulation?", "Directive 2002/98/EC, Art 2", "V", _blood, valid_from=ATMP_REGULATION,
            valid_to=BEFORE_SOHO))
EU.add(Rule("EU-X3", "Blood and blood components (SoHO)", "Is it blood or a blood component without substantial "
            "manipulation?", f"{SOHO}, Art 2(1) and Art 3", "V", _blood, valid_from=SOHO_APPLIES))


@rule(
    "EU-X1",
    title="Medical devices",
    question="Is the non-viable product a medical device rather than a medicinal product?",
    citation="Regulation (EU) 2017/745, Art 1(6)(f)-(h) and Art 1(10)",
    confidence="K",
    valid_from=ATMP_REGULATION,
    ambiguities=("A9",),
)
def medical_device(c: Inquiry) -> Answer:
    return Answer(True, "Non-viable animal tissue, or a non-viable derivative of human tissue, acting physically "
                  "falls under the Medical Device Regulation.", ("cells_or_tissues.source",))


for _id, _title, _q, _cit, _conf, _because in [
    ("EU-X4", "Infectious-disease vaccines", "Is it a vaccine against an infectious disease?",
     "Directive 2001/83/EC, Annex I, Part IV, 2.1, second paragraph", "V",
     "Regulated as a vaccine (EU-G5)."),
    ("EU-X5", "Chemically synthesised oligonucleotides", "Is it a chemically synthesised oligonucleotide?",
     "Directive 2001/83/EC, Annex I, Part IV, 2.1 (EU-G7)", "K", "Regulated as a chemical medicinal product."),
    ("EU-X6", "mRNA", "Is it in vitro transcribed mRNA?", "EU-G6; Guerriaud & Kohli, Front Med 2022", "V",
     "IVT mRNA is a GTMP unless it is a vaccine against an infectious disease."),
    ("EU-X7", "GMOs and bacteria", "Is it a genetically modified micro-organism acting through its recombinant "
     "sequence?", "EMA GTMP guidance; Directives 2001/18/EC and 2009/41/EC apply in parallel", "K",
     "A GM micro-organism acting through its recombinant sequence is a GTMP; GMO rules apply in parallel and "
     "do not decide the classification."),
    ("EU-X8", "Bacteriophages", "Is it a bacteriophage?", "Directive 2001/83/EC, Annex I, Part IV, 2.1(a) "
     "('in … human beings')", "U", "Natural phages are not ATMPs; engineered phages are an open question (A13)."),
    ("EU-X9", "Extracellular vesicles, secretome, conditioned media", "Is it a cell-free derivative such as "
     "vesicles or conditioned medium?", "ISEV position paper, J Extracell Vesicles 2015;4:30087; rules.md EU-X9",
     "U", "Cell-free derivatives cannot be sCTMPs or TEPs: non-ATMP biological medicinal products."),
    ("EU-X10", "Cell lysates and cell-derived proteins", "Is it a cell lysate or cell-derived protein?",
     "rules.md EU-X10", "U", "Lysates contain no intact cells: non-ATMP biological medicinal products."),
    ("EU-X11", "Xenogeneic cells and tissues", "Are the cells animal cells?", f"{REG}, Art 2(1)(b); "
     "Regulation (EU) 2017/745, Art 1(6)(f)", "U", "Animal cells may be sCTMP or TEP; minimally manipulated "
     "animal cells used for the same function are an open question (A10)."),
    ("EU-X12", "Anucleate products", "Is the product anucleate (e.g. in vitro platelets)?",
     "EMA classification of in vitro-derived platelets (IPQ report)", "V",
     "Anucleate products are not cells in the sense of the definitions: not ATMPs."),
]:
    EU.add(Rule(_id, _title, _q, _cit, _conf, _applies(_because),
                valid_from=ATMP_REGULATION))
