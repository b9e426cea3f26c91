"""The EU decision procedure: asks the rules in order and returns the decision."""

from __future__ import annotations

from atmpnav.facts import (
    ANNEX_I_MANIPULATIONS,
    CASE_BY_CASE_MANIPULATIONS,
    SUBSTANTIAL_MANIPULATIONS,
    CellForm,
    CellSource,
    ClaimedPurpose,
    GenomeEditing,
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
)

# --- The decision procedure (rules.md §1.11) -------------------------------------------------


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
    if c.fact("claimed_purpose") == ClaimedPurpose.cosmetic and not c.ask("EU-S5"):
        return _not_atmp("cosmetic")
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
    c.ask("EU-G9")
    if is_vaccine:
        c.ask("EU-X4")
        return _not_atmp("vaccine")
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


def _substantial(c: Inquiry) -> bool | None:
    """DP-5: substantial manipulation, three-valued; records the M rules that apply."""
    manipulations = c.fact("cells_or_tissues.manipulations")
    given = c.fact("cells_or_tissues.substantially_manipulated")
    if manipulations is None and given is None:
        return None
    steps = set(manipulations or [])
    value: bool | None = False
    if steps & ANNEX_I_MANIPULATIONS or not steps:
        c.ask("EU-M1")
    if steps & SUBSTANTIAL_MANIPULATIONS:
        c.ask("EU-M2")
        value = True
    elif steps & CASE_BY_CASE_MANIPULATIONS:
        if Manipulation.decellularisation in steps:
            c.ask("EU-M5")
        c.ask("EU-M4")
        value = None
    if given is not None:
        c.ask("EU-M3")
        value = given
    return value


def _non_viable_regime(c: Inquiry) -> Decision:
    """Non-viable tissue acting physically: tissues law if it is still the tissue, else the MDR."""
    derived = Manipulation.decellularisation in (c.fact("cells_or_tissues.manipulations") or [])
    if derived:
        c.ask("EU-M5")
    if c.fact("cells_or_tissues.source") == CellSource.xenogeneic or derived:
        c.ask("EU-X1")
        return _not_atmp("medical_device")
    substantial = _substantial(c)
    if substantial is None:
        c.need("cells_or_tissues.manipulations" if c.fact("cells_or_tissues.manipulations") is None
               else "cells_or_tissues.substantially_manipulated")
    if substantial:
        c.ask("EU-X1")
        return _not_atmp("medical_device")
    if c.ask("EU-F1", block=False) is not None:
        c.ask("EU-F2")
    c.ask("EU-X2")
    return _not_atmp("tissues_cells")


def _cell_product(c: Inquiry) -> Decision:
    """DP-3 to DP-8, DP-10: cells and tissues."""
    if not c.ask("EU-C6"):
        form = c.fact("cells_or_tissues.form")
        if form == CellForm.anucleate:
            c.ask("EU-X12")
            return _not_atmp("blood" if c.fact("cells_or_tissues.blood_component") else "other")
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
    if substantial is False and c.fact("cells_or_tissues.blood_component") is not False:
        blood = c.fact("cells_or_tissues.blood_component")
        if blood is None:
            c.need("cells_or_tissues.blood_component")
        c.ask("EU-X3")
        return _not_atmp("blood")
    non_homologous = c.ask("EU-F1", block=False)
    if non_homologous is not None:
        c.ask("EU-F2")
        if c.fact("cells_or_tissues.tissue_origin") in {
            TissueOrigin.bone_marrow, TissueOrigin.cord_blood, TissueOrigin.peripheral_blood
        }:
            c.ask("EU-F3")
        if non_homologous is False and c.fact("cells_or_tissues.different_site"):
            c.ask("EU-F5")
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
        c.ask("EU-X2")
        return _not_atmp("tissues_cells")
    else:
        missing = []
        if substantial is None:
            if c.fact("cells_or_tissues.manipulations") is None:
                missing.append("cells_or_tissues.manipulations")
            else:
                missing.append("cells_or_tissues.substantially_manipulated")
                c.flag("A1")
        if non_homologous is None:
            missing.append("cells_or_tissues.same_essential_function")
        c.need(*missing)
    if c.fact("cells_or_tissues.source") == CellSource.xenogeneic or not viable or c.fact("device.present"):
        c.ask("EU-T2")
    return _claim(c, viable)


def _claim(c: Inquiry, viable: bool) -> Decision:
    """DP-8: TEP or sCTMP by the claim; Art 2(4) when both."""
    purpose = c.fact("claimed_purpose")
    if purpose == ClaimedPurpose.cosmetic:
        purpose = ClaimedPurpose.regenerate_repair_replace  # EU-S5 reading, recorded there
    if purpose is None:
        c.need("claimed_purpose")
    repair = purpose == ClaimedPurpose.regenerate_repair_replace
    treat = purpose == ClaimedPurpose.treat_prevent_diagnose
    assert repair or treat, purpose  # 'none' ends at EU-S1, 'cosmetic' is read as repair (EU-S5)
    # Viable cells' action is deemed PIM (Art 2(2)); non-viable ones reach here only when acting by PIM.
    c.note("EU-T4", True, "The cells are engineered (substantially manipulated or not used for the same essential "
           "function).", ["cells_or_tissues.manipulations", "cells_or_tissues.same_essential_function"])
    c.note("EU-T1", repair, "Presented to regenerate, repair or replace a human tissue." if repair else
           "Not presented to regenerate, repair or replace a human tissue.", ["claimed_purpose"])
    c.note("EU-C3", True, "Acts on a disease or tissue defect through the cells' pharmacological, immunological or "
           "metabolic action.", ["claimed_purpose", "cells_or_tissues.viability"])
    if repair:
        c.note("EU-P3", True, "It could be both a TEP and an sCTMP: it is a TEP.", ["claimed_purpose"])
        c.flag("A3")
        return Decision("TEP", "atmp_centralised")
    return Decision("sCTMP", "atmp_centralised")  # a claim of 'none' ended at EU-S1


def _combined(c: Inquiry, decision: Decision, intact_cells: bool) -> Decision:
    """DP-10: combined ATMP."""
    if c.facts.device is None or decision.outcome not in {"GTMP", "sCTMP", "TEP"}:
        return decision
    present = c.fact("device.present")
    if present is None:
        c.need("device.present")
    if not present:
        return decision
    if not intact_cells:
        c.ask("EU-D5")
        return decision
    if not c.ask("EU-D2") or not c.ask("EU-D3"):
        return decision
    if c.ask("EU-D1"):
        decision.combined = True
        return decision
    c.ask("EU-D4")
    return _not_atmp("medical_device")


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
