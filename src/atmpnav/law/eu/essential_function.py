"""Same essential function (homologous use): Part IV, 2.2(a); Art 2(1)(c), second indent."""

from __future__ import annotations

from atmpnav.facts import CellType, IntendedAction, TissueOrigin
from atmpnav.law.base import Answer, Derivation, Inquiry
from atmpnav.law.eu.common import (
    ATMP_REGULATION,
    DIR,
    REG,
    rule,
)

# --- Essential function ------------------------------------------------------


@rule(
    "EU-F1",
    title="Non-homologous use",
    question="Are the cells intended for a different essential function in the recipient than in the donor?",
    citation=f"{DIR}, 2.2(a); {REG}, Art 2(1)(c), second indent",
    confidence="V",
    valid_from=ATMP_REGULATION,
)
def non_homologous(c: Inquiry) -> Answer:
    judged = c.judge("cells_or_tissues.same_essential_function", derive_same_function(c))
    if judged.value is None:
        return Answer(None, judged.because, judged.facts, missing=judged.missing, ambiguities=("A2",))
    if judged.value is False:
        return Answer(True, f"{judged.because}. Used for a different essential function, the cells count as "
                      "engineered even without substantial manipulation.", judged.facts)
    return Answer(False, f"{judged.because}. The cells do the same essential job in the recipient as in the donor.",
                  judged.facts)


_ACTION = {
    IntendedAction.blood_formation: "rebuilding blood formation",
    IntendedAction.transfusion: "doing a blood component's own job in the circulation",
    IntendedAction.immune_defence: "immune defence against a tumour or pathogen",
    IntendedAction.immunomodulation: "dampening inflammation or immune reactions",
    IntendedAction.insulin_production: "producing insulin",
    IntendedAction.cartilage_repair: "repairing cartilage",
    IntendedAction.bone_repair: "repairing bone",
    IntendedAction.skin_repair: "repairing skin",
    IntendedAction.cornea_repair: "renewing the corneal surface",
    IntendedAction.wound_covering: "covering a wound as a biological barrier",
    IntendedAction.soft_tissue_volume: "filling or supporting soft tissue",
    IntendedAction.heart_repair: "repairing heart muscle",
    IntendedAction.vascular_regeneration: "forming new vessels in ischaemic tissue",
    IntendedAction.neural_repair: "repairing nerve tissue",
    IntendedAction.other_tissue_repair: "repairing another tissue",
    IntendedAction.other: "another action",
}

# What the cells do in their original place in the donor (CAT Reflection paper Rev.1, §2.2.3), by source tissue;
# a cell type, where given, narrows it. Each entry: the actions that are the same job, and its plain wording.
_DONOR_FUNCTION: dict[TissueOrigin, tuple[frozenset[IntendedAction], str]] = {
    TissueOrigin.bone_marrow: (frozenset({IntendedAction.blood_formation}), "forming blood"),
    TissueOrigin.cord_blood: (frozenset({IntendedAction.blood_formation}), "forming blood"),
    TissueOrigin.peripheral_blood: (frozenset({IntendedAction.blood_formation, IntendedAction.transfusion,
                                               IntendedAction.immune_defence}),
                                    "the jobs of blood: circulating blood cells, immune defence, and (mobilised "
                                    "stem cells) forming blood"),
    TissueOrigin.adipose: (frozenset({IntendedAction.soft_tissue_volume}), "filling and supporting soft tissue"),
    TissueOrigin.cartilage: (frozenset({IntendedAction.cartilage_repair}), "forming cartilage"),
    TissueOrigin.skin: (frozenset({IntendedAction.skin_repair, IntendedAction.wound_covering}),
                        "forming and covering skin"),
    TissueOrigin.eye: (frozenset({IntendedAction.cornea_repair}), "renewing the corneal surface"),
    TissueOrigin.pancreatic_islets: (frozenset({IntendedAction.insulin_production}), "producing insulin"),
    TissueOrigin.placenta_amnion: (frozenset({IntendedAction.wound_covering}), "covering and protecting (a barrier)"),
}
_BY_CELL_TYPE: dict[CellType, tuple[frozenset[IntendedAction], str]] = {
    CellType.haematopoietic_stem_cells: (frozenset({IntendedAction.blood_formation}), "forming blood"),
    CellType.lymphocytes: (frozenset({IntendedAction.immune_defence}), "immune defence"),
    CellType.islets: (frozenset({IntendedAction.insulin_production}), "producing insulin"),
    CellType.chondrocytes: (frozenset({IntendedAction.cartilage_repair}), "forming cartilage"),
    CellType.keratinocytes: (frozenset({IntendedAction.skin_repair, IntendedAction.wound_covering}),
                             "forming and covering skin"),
    CellType.limbal_stem_cells: (frozenset({IntendedAction.cornea_repair}), "renewing the corneal surface"),
}
_SUPPORT = {
    (TissueOrigin.bone_marrow, False): "CAT recommendations Nov 2011: autologous BM-MNC and CD133+ cells for "
    "ischaemic heart tissue are not used for their essential function (Cuende et al., Stem Cells Transl Med "
    "2012;1:403)",
    (TissueOrigin.adipose, False): "CAT monthly report Oct 2019: PRP with adipose SVF for perianal fistula wound "
    "healing classified as TEP on non-homologous use",
}


def derive_same_function(c: Inquiry) -> Derivation:
    """Same essential function from the source tissue (and cell type) and what the cells are to do."""
    origin = c.fact("cells_or_tissues.tissue_origin")
    cell_type = c.fact("cells_or_tissues.cell_type")
    action = c.fact("cells_or_tissues.intended_action")
    facts = ("cells_or_tissues.tissue_origin", "cells_or_tissues.cell_type", "cells_or_tissues.intended_action")
    if cell_type == CellType.stem_cell_derived or origin == TissueOrigin.pluripotent_stem_cells:
        return Derivation(False, "cells derived from pluripotent stem cells have no donor tissue whose job they keep",
                          facts, support="CAT Reflection paper Rev.1, §2.2.3")
    donor = _BY_CELL_TYPE.get(cell_type) if cell_type else None
    if donor is None and origin is not None:
        donor = _DONOR_FUNCTION.get(origin)
    if donor is None:
        unknown = ("the source tissue" if origin is None
                   else f"the essential function of {origin.value.replace('_', ' ')} cells")
        return Derivation(None, f"{unknown} is not known to the rules, so the comparison cannot be made", facts,
                          missing=("cells_or_tissues.tissue_origin",) if origin is None else
                          ("cells_or_tissues.same_essential_function",))
    same_actions, wording = donor
    if action is None:
        return Derivation(None, f"in the donor these cells' job is {wording}; what they are to do in the patient is "
                          "not known", facts, missing=("cells_or_tissues.intended_action",))
    if action in same_actions:
        return Derivation(True, f"in the donor these cells' job is {wording}, and in the patient they are for "
                          f"{_ACTION[action]}", facts)
    return Derivation(False, f"in the donor these cells' job is {wording}, but in the patient they are for "
                      f"{_ACTION[action]}", facts, support=_SUPPORT.get((origin, False), "") if origin else "")


@rule(
    "EU-F2",
    title="Operational test of essential function",
    question="Comparing the cells' function in their original place in the donor with the function claimed in "
    "the recipient: is it the same?",
    citation="CAT Reflection paper EMA/CAT/600280/2010 Rev.1, §2.2.3",
    confidence="K",
    valid_from=ATMP_REGULATION,
    ambiguities=("A2", "A20"),
)
def function_comparison(c: Inquiry) -> Answer:
    derived = derive_same_function(c)
    same = c.judge("cells_or_tissues.same_essential_function", derived).value
    how = derived.because if derived.value is not None else "as stated"
    return Answer(bool(same), f"Same essential function ({how})." if same else f"Different essential function "
                  f"({how}).", ("cells_or_tissues.same_essential_function", *derived.facts, "indication"))


@rule(
    "EU-F3",
    title="Haematopoietic anchor cases (CAT 2011)",
    question="Are these marrow or blood stem or mononuclear cells used for haematopoietic reconstitution (same "
    "function) or to regenerate another tissue (different function)?",
    citation="CAT recommendations Nov 2011 on autologous BM-MNC and CD133+ cells (Cuende et al., Stem Cells "
    "Transl Med 2012;1:403)",
    confidence="V",
    valid_from=ATMP_REGULATION,
    ambiguities=("A2",),
)
def haematopoietic_anchor(c: Inquiry) -> Answer:
    same = c.judge("cells_or_tissues.same_essential_function", derive_same_function(c)).value
    facts = ("cells_or_tissues.tissue_origin", "cells_or_tissues.cell_type", "cells_or_tissues.same_essential_function")
    if same:
        return Answer(True, "Marrow, cord-blood or mobilised blood stem cells rebuilding blood formation keep their "
                      "essential function.", facts)
    return Answer(False, "CAT classified marrow mononuclear and CD133+ cells used to regenerate another tissue "
                  "(ischaemic heart) as TEP: not their essential function. The view is contested (A2, EU-F4).",
                  facts, ambiguities=("A2",))


@rule(
    "EU-F5",
    title="Anatomical site alone is not decisive",
    question="Are the cells used at another site but for the same function?",
    citation="CAT Reflection paper EMA/CAT/600280/2010 Rev.1, §2.2.3 (the comparison is of function, not site)",
    confidence="U",
    valid_from=ATMP_REGULATION,
    reading="[U] Treated as homologous when the function is the same (e.g. islets infused into the portal vein).",
)
def other_site(c: Inquiry) -> Answer:
    return Answer(True, "Another anatomical site with the same function counts as homologous use.",
                  ("cells_or_tissues.different_site", "cells_or_tissues.same_essential_function"))
