"""Tissue engineered products (Art 2(1)(b)-(c)) and the priority rules of Art 2(2)-(5)."""

from __future__ import annotations

from atmpnav.facts import (
    ModeOfAction,
    Viability,
)
from atmpnav.law.base import Answer, Inquiry, Rule
from atmpnav.law.eu.common import (
    ATMP_REGULATION,
    EU,
    REG,
    rule,
)

# --- Tissue engineering ------------------------------------------------------


EU.add(Rule(
    "EU-T1",
    title="Engineered cells to regenerate, repair or replace tissue",
    question="Does it contain engineered cells or tissues and is it presented or used to regenerate, repair or "
    "replace a human tissue?",
    citation=f"{REG}, Art 2(1)(b)",
    confidence="V",
    valid_from=ATMP_REGULATION,
    ambiguities=("A3",),
    test=None,  # established by the procedure, recorded with Inquiry.note
))


@rule(
    "EU-T2",
    title="Animal or non-viable cells allowed in a TEP",
    question="May the cells be animal or non-viable?",
    citation=f"{REG}, Art 2(1)(b), second subparagraph",
    confidence="V",
    valid_from=ATMP_REGULATION,
)
def tep_cells_any(c: Inquiry) -> Answer:
    return Answer(True, "A TEP may contain human or animal cells, viable or non-viable, with scaffolds or matrices.",
                  ("cells_or_tissues.source", "cells_or_tissues.viability"))


@rule(
    "EU-T3",
    title="Non-viable exclusion",
    question="Is the product made only of non-viable cells or tissues that do not act principally by "
    "pharmacological, immunological or metabolic action?",
    citation=f"{REG}, Art 2(1)(b), last subparagraph; recital 3",
    confidence="V",
    valid_from=ATMP_REGULATION,
    ambiguities=("A9",),
)
def non_viable_exclusion(c: Inquiry) -> Answer:
    viability = c.fact("cells_or_tissues.viability")
    paths = ("cells_or_tissues.viability", "cells_or_tissues.mode_of_action")
    if viability in {Viability.viable, Viability.mixed}:
        return Answer(False, "It contains viable cells.", ("cells_or_tissues.viability",))
    mode = c.fact("cells_or_tissues.mode_of_action")
    if viability is None:
        if mode == ModeOfAction.pharmacological_immunological_metabolic:
            # the exclusion needs both non-viable cells and no PIM action: the second limb fails either way
            return Answer(False, "Whether or not the cells are alive, they act principally by PIM action, so the "
                          "exclusion does not apply.", paths)
        return Answer(None, "Whether the cells are alive is not known.", paths, missing=("cells_or_tissues.viability",))
    if mode == ModeOfAction.physical_structural:
        return Answer(True, "Only non-viable cells or tissue acting physically or structurally: excluded from the "
                      "TEP definition and not a medicinal product by function.", paths, ambiguities=("A9",))
    if mode == ModeOfAction.pharmacological_immunological_metabolic:
        return Answer(False, "The non-viable cells act principally by PIM action, so the exclusion does not apply.",
                      paths)
    return Answer(None, "How the non-viable cells act is not known.", paths,
                  missing=("cells_or_tissues.mode_of_action",), ambiguities=("A9",))


EU.add(Rule(
    "EU-T4",
    title="Engineered cells or tissues",
    question="Are the cells substantially manipulated so that characteristics relevant to regeneration, repair or "
    "replacement are achieved, or not used for the same essential function?",
    citation=f"{REG}, Art 2(1)(c)",
    confidence="V",
    valid_from=ATMP_REGULATION,
    test=None,  # established by the procedure, recorded with Inquiry.note
))


# --- Priority rules ----------------------------------------------------------

for _id, _title, _q, _art in [
    ("EU-P1", "Viable cells: PIM action is principal", "Does the product contain viable cells or tissues (so their "
     "PIM action is deemed its principal mode of action)?", "Art 2(2)"),
    ("EU-P2", "Autologous plus allogeneic is allogeneic", "Does it contain both autologous and allogeneic cells?",
     "Art 2(3)"),
    ("EU-P3", "TEP prevails over sCTMP", "Could the product be both a TEP and an sCTMP?", "Art 2(4)"),
    ("EU-P4", "GTMP prevails over sCTMP and TEP", "Could the product be an sCTMP or TEP and also a GTMP?",
     "Art 2(5)"),
]:
    # [K]: article numbering consistent with secondary sources, not checked word for word.
    EU.add(Rule(_id, _title, _q, f"{REG}, {_art}", "K", None, valid_from=ATMP_REGULATION))
