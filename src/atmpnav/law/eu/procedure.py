"""The EU decision procedure: asks the rules in order and returns the decision."""

from __future__ import annotations

from atmpnav.facts import (
    ANNEX_I_MANIPULATIONS,
    CASE_BY_CASE_MANIPULATIONS,
    SUBSTANTIAL_MANIPULATIONS,
    CellForm,
    CellSource,
    CellType,
    ClaimedPurpose,
    GenomeEditing,
    IntendedAction,
    Manipulation,
    NucleicAcidOrigin,
    SpecialCategory,
    TissueOrigin,
    Vehicle,
    Viability,
)
from atmpnav.law.base import Decision, Inquiry, Unresolved
from atmpnav.law.eu.common import (
    EU,
    SOHO_APPLIES,
    _human_cells,
    acts_by_pim,
)

# --- The decision procedure -------------------------------------------------


_HAEMATOPOIETIC_SOURCES = frozenset({TissueOrigin.bone_marrow, TissueOrigin.cord_blood,
                                     TissueOrigin.peripheral_blood})


def _not_atmp(regime: str) -> Decision:
    return Decision("not ATMP", regime)


def _scope(c: Inquiry) -> Decision | None:
    """DP-0, DP-1 and the special materials."""
    starting = c.ask("EU-S3", block=False)
    human = c.ask("EU-S2", block=False)
    if starting is True:
        return _not_atmp("starting_material")
    if human is False:
        return _not_atmp("not_for_human_administration")
    if starting is None or human is None:
        c.need(*[p for p, v in (("product_role", starting), ("for_human_administration", human)) if v is None])
    special = c.fact("special_category")
    if special == SpecialCategory.intestinal_microbiota and c.ask("EU-X15"):
        return _not_atmp("tissues_cells" if c.as_of >= SOHO_APPLIES else "other")
    if special == SpecialCategory.reproductive_cells_embryos and c.ask("EU-X14"):
        return _not_atmp("tissues_cells")
    if special == SpecialCategory.organ_for_transplant and c.ask("EU-X13"):
        if c.fact("cells_or_tissues.source") == CellSource.xenogeneic:
            raise Unresolved("A10")
        return _not_atmp("organ_transplant")
    # An unknown claim is asked only where it decides (the cell branch); a GTMP's claim follows from EU-G4.
    if c.fact("claimed_purpose") is not None and c.ask("EU-S1") is False:
        if c.fact("device.present"):
            own_purpose = c.ask("EU-D2", block=False)
            return _not_atmp("medical_device" if own_purpose else "other")
        return _not_atmp("other")
    if c.fact("claimed_purpose") == ClaimedPurpose.cosmetic:
        if not c.ask("EU-S5"):
            return _not_atmp("cosmetic")
        if not _human_cells(c) and acts_by_pim(c) is False:
            # An injected or implanted aesthetic material acting physically (e.g. a dermal filler).
            c.notes.append("Products for dermal filling by injection without a medical purpose are covered by the "
                           "MDR as products of Annex XVI, point 3 (Regulation (EU) 2017/745, Art 1(2)).")
            return _not_atmp("medical_device")
    return None


def _gene_therapy(c: Inquiry) -> bool | Decision:
    """DP-2: True when the product is a GTMP candidate; a Decision when the branch decides alone."""
    if c.facts.nucleic_acid is None:
        return False
    present = c.fact("nucleic_acid.present")
    if present is None:
        c.need("nucleic_acid.present")
    if not present:
        return False
    editing = c.fact("nucleic_acid.genome_editing")
    if editing in {GenomeEditing.nucleic_acid_encoded, GenomeEditing.protein_only}:
        edited = c.ask("EU-G11")
        if edited == "open":
            raise Unresolved("A6")
        if c.fact("nucleic_acid.origin") != NucleicAcidOrigin.recombinant:
            # An edited genome is the sequence the effect comes from (G3, G4) even without a vector.
            c.note("EU-G3", True, "The genome is edited: a sequence is repaired, replaced or deleted.",
                   ["nucleic_acid.genome_editing"])
            return _vaccine_check(c) or True
    is_recombinant = c.ask("EU-G2")
    origin = c.fact("nucleic_acid.origin")
    if not is_recombinant:
        if origin == NucleicAcidOrigin.synthetic:
            c.ask("EU-G7")
            c.ask("EU-X5")
            c.notes.append("Under the EU pharma-package proposal (PROP-2, not in force) synthetic nucleic acids "
                           "acting by transcription or translation may become GTMPs.")
        else:
            c.ask("EU-G10")
            if c.fact("nucleic_acid.vehicle") == Vehicle.bacteriophage:
                c.ask("EU-X8")
        return False
    vehicle = c.fact("nucleic_acid.vehicle")
    if vehicle == Vehicle.mrna:
        c.ask("EU-G6")
        c.ask("EU-X6")
    c.ask("EU-G1")
    decision = _vaccine_check(c)
    if decision:
        return decision
    if c.fact("cells_or_tissues.form") == CellForm.extracellular_vesicles:
        c.ask("EU-X9")
        raise Unresolved("A12", likely="GTMP")
    if vehicle == Vehicle.bacteriophage:
        c.ask("EU-X8")
        raise Unresolved("A13")
    if not c.ask("EU-G3"):
        return False
    effect = c.ask("EU-G4")
    if vehicle == Vehicle.modified_microorganism and effect:
        c.ask("EU-X7")
    if not effect:
        c.ask("EU-G8")
    return bool(effect)


def _vaccine_check(c: Inquiry) -> Decision | None:
    is_vaccine = c.ask("EU-G5")
    scope = c.ask("EU-G9")
    if is_vaccine:
        c.ask("EU-X4")
        return _not_atmp("vaccine")
    if scope == "open":
        raise Unresolved("A7", likely="GTMP")
    return None


def _no_cells_regime(c: Inquiry) -> Decision:
    """Neither a GTMP nor a cell product: which non-ATMP regime applies."""
    origin = c.fact("nucleic_acid.origin") if c.fact("nucleic_acid.present") else None
    if origin == NucleicAcidOrigin.synthetic:
        return _not_atmp("chemical_medicinal_product")
    if origin == NucleicAcidOrigin.natural:
        if c.ask("EU-G5"):
            return _not_atmp("vaccine")
        return _not_atmp("biological_medicinal_product")
    if origin == NucleicAcidOrigin.recombinant:
        return _not_atmp("biological_medicinal_product")
    if c.ask("EU-G12"):
        return _not_atmp("biological_medicinal_product")
    return _not_atmp("chemical_medicinal_product")


def _substantial(c: Inquiry) -> bool | str | None:
    """DP-5: substantial manipulation, three-valued; records the M rules that apply and the judgement (EU-M3)."""
    manipulations = c.fact("cells_or_tissues.manipulations")
    given = c.fact("cells_or_tissues.substantially_manipulated")
    if manipulations is None and given is None:
        return None
    steps = set(manipulations or [])
    if manipulations is not None and (steps & ANNEX_I_MANIPULATIONS or not steps):
        c.ask("EU-M1")
    if steps & SUBSTANTIAL_MANIPULATIONS:
        c.ask("EU-M2")
    elif steps & CASE_BY_CASE_MANIPULATIONS:
        if Manipulation.decellularisation in steps:
            c.ask("EU-M5")
        c.ask("EU-M4")
    value = c.ask("EU-M3", block=False)
    if value is None and steps & CASE_BY_CASE_MANIPULATIONS:
        c.flag("A1")
    return value


def _same_surgery(c: Inquiry) -> bool:
    """An autologous graft within the same surgical procedure (EU-X16), recorded when it applies."""
    autologous = c.fact("cells_or_tissues.source") == CellSource.autologous
    if autologous and c.fact("cells_or_tissues.same_surgical_procedure"):
        c.ask("EU-X16")
        return True
    return False


def _outside_atmp_tissue_regime(c: Inquiry) -> Decision:
    """Human cells or tissues that are not ATMPs: tissues and cells law, or national law for a same-surgery graft."""
    if _same_surgery(c) and c.as_of < SOHO_APPLIES:
        return _not_atmp("other")
    c.ask("EU-X2")
    return _not_atmp("tissues_cells")


def _non_viable_regime(c: Inquiry) -> Decision:
    """Non-viable tissue acting physically: animal tissue is a device; human tissue stays tissue (MDR Art 1(6)(g))."""
    if Manipulation.decellularisation in (c.fact("cells_or_tissues.manipulations") or []):
        c.ask("EU-M5")
    if c.ask("EU-X1"):
        return _not_atmp("medical_device")
    return _outside_atmp_tissue_regime(c)


def _cell_product(c: Inquiry) -> Decision:
    """DP-3 to DP-8, DP-10: cells and tissues."""
    if not c.ask("EU-C6"):
        form = c.fact("cells_or_tissues.form")
        if form == CellForm.anucleate:
            c.ask("EU-X12")
            if c.fact("cells_or_tissues.blood_component"):
                return _not_atmp("blood" if c.ask("EU-X3") else "other")
            return _not_atmp("other")
        c.ask("EU-X10" if form == CellForm.lysate else "EU-X9")
        return _not_atmp("biological_medicinal_product")
    viable = c.fact("cells_or_tissues.viability") in {Viability.viable, Viability.mixed}
    if c.fact("cells_or_tissues.source") == CellSource.xenogeneic:
        c.ask("EU-X11")
    if c.ask("EU-T3"):
        return _non_viable_regime(c)
    if viable:
        c.note("EU-P1", True, "Viable cells: their pharmacological, immunological or metabolic action is deemed "
               "the principal mode of action.", ["cells_or_tissues.viability"])
    else:
        c.ask("EU-C5")
    substantial = _substantial(c)
    non_homologous = c.ask("EU-F1", block=False)
    if non_homologous is not None:
        c.ask("EU-F2")
        if c.fact("cells_or_tissues.tissue_origin") in _HAEMATOPOIETIC_SOURCES and c.fact(
            "cells_or_tissues.cell_type"
        ) in {None, CellType.haematopoietic_stem_cells, CellType.mononuclear_cells}:
            c.ask("EU-F3")
        if non_homologous is False and c.fact("cells_or_tissues.different_site"):
            c.ask("EU-F5")
    blood = c.fact("cells_or_tissues.blood_component")
    if substantial is False and non_homologous is not True and blood is not False:
        if blood is None:
            c.need("cells_or_tissues.blood_component")
        if non_homologous is None:
            c.need(*(c.missing_of("EU-F1") or ["cells_or_tissues.same_essential_function"]))
        if c.ask("EU-X3"):
            return _not_atmp("blood")
        c.notes.append("Outside the blood Directive's processing rules and not an ATMP: national law governs it.")
        return _not_atmp("other")
    if Manipulation.antigen_loading in (c.fact("cells_or_tissues.manipulations") or []):
        c.note("EU-X10", False, "The cells are loaded with antigen (e.g. tumour lysate) but remain intact cells: "
               "not a lysate product.", ["cells_or_tissues.manipulations", "cells_or_tissues.form"])
    if substantial is True or non_homologous is True:
        why = "substantially manipulated" if substantial else "used for a different essential function"
        c.note("EU-C2", True, f"The cells are {why}.",
               ["cells_or_tissues.manipulations", "cells_or_tissues.same_essential_function"])
    elif substantial is False and non_homologous is False:
        c.note("EU-C2", False, "Neither substantially manipulated nor used for another function.",
               ["cells_or_tissues.manipulations", "cells_or_tissues.same_essential_function"])
        if c.fact("cells_or_tissues.source") == CellSource.xenogeneic:
            raise Unresolved("A10")  # EU-X11, recorded above
        return _outside_atmp_tissue_regime(c)
    else:
        missing = []
        if substantial is None:
            if c.fact("cells_or_tissues.manipulations") is None:
                missing.append("cells_or_tissues.manipulations")
            else:
                missing.append("cells_or_tissues.substantially_manipulated")
                c.flag("A1")
        if non_homologous is None:
            missing.extend(c.missing_of("EU-F1") or ["cells_or_tissues.same_essential_function"])
        c.need(*missing)
    if c.fact("cells_or_tissues.source") == CellSource.xenogeneic or not viable or c.fact("device.present"):
        c.ask("EU-T2")
    return _claim(c, viable)


_REPAIR_ACTIONS = frozenset({
    IntendedAction.cartilage_repair, IntendedAction.bone_repair, IntendedAction.skin_repair,
    IntendedAction.cornea_repair, IntendedAction.wound_covering, IntendedAction.soft_tissue_volume,
    IntendedAction.heart_repair, IntendedAction.vascular_regeneration, IntendedAction.neural_repair,
    IntendedAction.other_tissue_repair,
})
_TREAT_ACTIONS = frozenset({IntendedAction.immune_defence, IntendedAction.immunomodulation,
                            IntendedAction.blood_formation, IntendedAction.transfusion})


def _claim_from_use(c: Inquiry) -> ClaimedPurpose | None:
    """With no presented claim, the use decides ('used in or administered ... with a view to')."""
    action = c.fact("cells_or_tissues.intended_action")
    if action in _REPAIR_ACTIONS:
        return ClaimedPurpose.regenerate_repair_replace
    if action in _TREAT_ACTIONS:
        return ClaimedPurpose.treat_prevent_diagnose
    return None


def _claim(c: Inquiry, viable: bool) -> Decision:
    """DP-8: TEP or sCTMP by the claim; Art 2(4) when the product is presented as both."""
    purpose = c.fact("claimed_purpose")
    by_use = ""
    if purpose == ClaimedPurpose.cosmetic:
        purpose = ClaimedPurpose.regenerate_repair_replace  # EU-S5 reading, recorded there
    if purpose in {None, ClaimedPurpose.none}:
        derived = _claim_from_use(c)
        if derived is None:
            if purpose is None:
                c.need("claimed_purpose")
            raise Unresolved("A19", likely="sCTMP")
        purpose = derived
        action = c.fact("cells_or_tissues.intended_action")
        by_use = f" (derived from its use: {action.value.replace('_', ' ')})"
    repair = purpose == ClaimedPurpose.regenerate_repair_replace
    both = repair and c.fact("also_treats_disease") is True
    # Viable cells' action is deemed PIM (Art 2(2)); non-viable ones reach here only when acting by PIM.
    c.note("EU-T4", True, "The cells are engineered (substantially manipulated or not used for the same essential "
           "function).", ["cells_or_tissues.manipulations", "cells_or_tissues.same_essential_function"])
    c.note("EU-T1", repair, (f"Presented or used to regenerate, repair or replace a human tissue{by_use}." if repair
                             else f"Not presented or used to regenerate, repair or replace a human tissue{by_use}."),
           ["claimed_purpose", "cells_or_tissues.intended_action"])
    if repair and not both:
        c.note("EU-C3", False, "Presented to repair or replace tissue, not to treat a disease through the cells' "
               "pharmacological, immunological or metabolic action.", ["claimed_purpose", "also_treats_disease"])
        return Decision("TEP", "atmp_centralised")
    c.note("EU-C3", True, "Presented or used to treat a disease through the cells' pharmacological, immunological or "
           f"metabolic action{by_use}.", ["claimed_purpose", "also_treats_disease", "cells_or_tissues.viability"])
    if both:
        c.note("EU-P3", True, "Presented both to repair tissue and to treat a disease through the cells' action: it "
               "meets both definitions, and Art 2(4) makes it a TEP.", ["claimed_purpose", "also_treats_disease"])
        c.flag("A3")
        return Decision("TEP", "atmp_centralised")
    return Decision("sCTMP", "atmp_centralised")


def _combined(c: Inquiry, decision: Decision, intact_cells: bool) -> Decision:
    """DP-10: combined ATMP."""
    if c.facts.device is None or decision.outcome not in {"GTMP", "sCTMP", "TEP"}:
        return decision
    # With viable cells an integral device makes the product combined whatever the device does (EU-D1), and the
    # category stands either way: unknown device facts leave open only whether it is combined.
    viable = intact_cells and c.fact("cells_or_tissues.viability") in {Viability.viable, Viability.mixed}
    present = c.fact("device.present")
    if not intact_cells:
        # No cellular or tissue part: a device cannot make it combined (EU-D5), so an unknown one changes nothing.
        if present:
            c.ask("EU-D5")
        return decision
    if present is None:
        if viable:
            return _combined_open(c, decision, ["device.present"])
        c.need("device.present")
    if not present:
        return decision
    if viable:
        own_purpose = c.ask("EU-D2", block=False)
        integral = c.ask("EU-D3", block=False) if own_purpose is not False else None
        if own_purpose is False or integral is False:
            return decision
        if own_purpose is None or integral is None:
            return _combined_open(c, decision, c.missing_of("EU-D2") + c.missing_of("EU-D3"))
    elif not c.ask("EU-D2") or not c.ask("EU-D3"):
        return decision
    if c.ask("EU-D1"):
        decision.combined = True
        return decision
    if c.ask("EU-D4"):
        return _not_atmp("medical_device")
    return _not_atmp("tissues_cells")


def _combined_open(c: Inquiry, decision: Decision, facts: list[str]) -> Decision:
    """The category is decided; whether it is a combined ATMP waits on the device facts listed as open."""
    c.ask_later(*facts)
    decision.combined_open = True
    c.notes.append(combined_open_note(decision.outcome, "Regulation (EC) No 1394/2007"))
    return decision


def combined_open_note(outcome: str, act: str) -> str:
    return (f"Whether this {outcome} is a combined ATMP is open: it is one if the device part is a medical device in "
            f"its own right and an integral part of the product (Art 2(1)(d) of {act}). The category does not depend "
            "on it: answer the open questions to settle it.")


def _origin(c: Inquiry) -> None:
    """DP-11: autologous + allogeneic is allogeneic (Art 2(3))."""
    source = c.fact("cells_or_tissues.source") if c.fact("cells_or_tissues.present") else None
    if source == CellSource.mixed:
        c.note("EU-P2", True, "It contains autologous and allogeneic cells: treated as allogeneic.",
               ["cells_or_tissues.source"])
        c.origin = "allogeneic"
        c.flag("A14")
    elif source is not None:
        c.origin = source.value


def procedure(c: Inquiry) -> Decision:
    decision = _scope(c)
    if decision:
        return decision
    gtmp = _gene_therapy(c)
    if isinstance(gtmp, Decision):
        return gtmp
    cells_block = c.facts.cells_or_tissues
    has_cells = cells_block is not None and cells_block.present is not False
    if has_cells and cells_block is not None and cells_block.present is None and not gtmp:
        c.need("cells_or_tissues.present")
    intact = has_cells and c.fact("cells_or_tissues.form") == CellForm.intact_cells
    if gtmp:
        if has_cells and intact:
            c.note("EU-P4", True, "It could also be an sCTMP or TEP (modified cells): a GTMP prevails.",
                   ["cells_or_tissues.present", "nucleic_acid.present"])
        decision = Decision("GTMP", "atmp_centralised")  # parallel GMO rules: see consequences
    elif not has_cells:
        c.ask("EU-C1")
        decision = _no_cells_regime(c)
    else:
        c.ask("EU-C1")
        decision = _cell_product(c)
    decision = _combined(c, decision, intact)
    if decision.outcome in {"GTMP", "sCTMP", "TEP"}:
        _origin(c)
        if c.fact("cells_or_tissues.same_surgical_procedure"):
            c.note("EU-X16", False, "Processed and given in the same surgical procedure, but engineered: the "
                   "tissues Directive's same-surgery exclusion does not exempt an ATMP (there is no EU equivalent of "
                   "21 CFR 1271.15(b)).", ["cells_or_tissues.same_surgical_procedure"])
        if c.facts.hospital_exemption is not None:
            met = c.ask("EU-H1", block=False)
            if met:
                c.pathway_notes.append("hospital_exemption")
                c.notes.append("Hospital exemption may apply (Art 28(2) of Regulation (EC) No 1394/2007, Art 3(7) "
                               "of Directive 2001/83/EC); the product stays an ATMP.")
    elif decision.regime in {"tissues_cells", "blood"} and c.as_of < SOHO_APPLIES:
        c.notes.append("From 7 August 2027 the SoHO Regulation (EU) 2024/1938 replaces Directives 2004/23/EC "
                       "and 2002/98/EC for this product.")
    return decision


EU.procedure = procedure
