"""Somatic cell therapy medicinal products: Directive 2001/83/EC, Annex I, Part IV, 2.2."""

from __future__ import annotations

from atmpnav.facts import (
    CellForm,
)
from atmpnav.law.base import Answer, Inquiry, Rule
from atmpnav.law.eu.common import (
    DIR,
    EU,
    PART_IV_2009,
    REG,
    _yes_no,
    rule,
)

# --- Somatic cell therapy ----------------------------------------------------


@rule(
    "EU-C1",
    title="Contains cells or tissues",
    question="Does the product contain or consist of cells or tissues?",
    citation=f"{DIR}, 2.2, first paragraph; {REG}, Art 2(1)(b)",
    confidence="V",
    valid_from=PART_IV_2009,
)
def contains_cells(c: Inquiry) -> Answer:
    present = c.fact("cells_or_tissues.present") if c.facts.cells_or_tissues is not None else False
    return _yes_no(present, "cells_or_tissues.present", "It contains cells or tissues.",
                   "It contains no cells or tissues.", "Whether it contains cells or tissues is not known.")


EU.add(Rule(
    "EU-C2",
    title="Substantially manipulated or non-homologous",
    question="Are the cells substantially manipulated, or used for a different essential function?",
    citation=f"{DIR}, 2.2(a); {REG}, Art 2(1)(c)",
    confidence="V",
    valid_from=PART_IV_2009,
    test=None,  # established by the procedure, recorded with Inquiry.note
))


EU.add(Rule(
    "EU-C3",
    title="Treats, prevents or diagnoses disease through PIM action",
    question="Is it presented or used to treat, prevent or diagnose a disease through the pharmacological, "
    "immunological or metabolic action of its cells?",
    citation=f"{DIR}, 2.2(b)",
    confidence="V",
    valid_from=PART_IV_2009,
    ambiguities=("A3",),
    test=None,  # established by the procedure, recorded with Inquiry.note
))


EU.add(Rule(
    "EU-C4",
    title="Annex I cross-reference",
    question="Are Annex I manipulations excluded from 'substantial' for sCTMPs?",
    citation=f"{DIR}, 2.2, last paragraph",
    confidence="V",
    valid_from=PART_IV_2009,
    test=None,  # reference: EU-M1 applies Annex I and cites this paragraph
))


@rule(
    "EU-C5",
    title="Viability not required for sCTMP",
    question="Can non-viable cells acting by PIM action be an sCTMP?",
    citation=f"{DIR}, 2.2 (no viability condition)",
    confidence="K",
    valid_from=PART_IV_2009,
    reading="[U] CAT wording not retrieved; e.g. irradiated tumour-cell vaccines.",
)
def non_viable_sctmp(c: Inquiry) -> Answer:
    return Answer(True, "The sCTMP definition has no viability condition: non-viable cells acting "
                  "pharmacologically, immunologically or metabolically qualify.",
                  ("cells_or_tissues.viability", "cells_or_tissues.mode_of_action"))


@rule(
    "EU-C6",
    title="Cells means nucleated cells; cell-free derivatives",
    question="Does the product contain intact nucleated cells or tissues (not vesicles, lysate, secretome or "
    "anucleate cells)?",
    citation=f"{DIR}, 2.2 ('cells or tissues'); EMA/CAT classification of in vitro-derived platelets "
    "(reported by IPQ); CCMO (NL) reading of cell therapy as therapy with nucleated cells",
    confidence="V",
    valid_from=PART_IV_2009,
    ambiguities=("A11", "A12"),
)
def nucleated_cells(c: Inquiry) -> Answer:
    form = c.fact("cells_or_tissues.form")
    path = ("cells_or_tissues.form",)
    if form == CellForm.intact_cells:
        return Answer(True, "It contains intact cells or tissues.", path)
    if form is None:
        return Answer(None, "The form of the cellular material is not known.", path, missing=path)
    amb = ("A11",) if form == CellForm.anucleate else ("A12",)
    return Answer(False, f"The cellular material is {form.value.replace('_', ' ')}: no intact nucleated cells, "
                  "so it cannot be an sCTMP or TEP.", path, ambiguities=amb)
