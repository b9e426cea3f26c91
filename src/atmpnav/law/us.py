"""US rule set: 21 CFR Part 1271 (HCT/Ps), PHS Act §351/§361, FDA's gene therapy definition.

Rule ids US-1 … US-12. Outcomes are those of the contract: `351 gene therapy`, `351 biologic`,
`361 HCT/P`, `excepted (1271.15)`, `not an HCT/P`, `drug`, `vaccine`, `device`, `undetermined`; a
combination product (21 CFR Part 3) keeps its lead-center outcome and says so.
"""

from __future__ import annotations

from datetime import date

from atmpnav.facts import (
    CellForm,
    CellSource,
    DiseaseTarget,
    DonorRelation,
    GenomeEditing,
    Manipulation,
    ModeOfAction,
    NucleicAcidOrigin,
    ProductRole,
    SpecialCategory,
    Vehicle,
    Viability,
)
from atmpnav.law.base import Answer, Decision, Inquiry, Rule, RuleSet
from atmpnav.law.judgements import judged
from atmpnav.verdict import US_OUTCOMES

PART_1271 = date(2005, 5, 25)  # the last of the Part 1271 final rules took effect (CGTP, donor eligibility) [K]
CURES_ACT = date(2016, 12, 13)  # 21st Century Cures Act, §3033 (RMAT)

US = RuleSet(jurisdiction="US", name="United States", version="us-2026.12",
             advanced_outcomes=frozenset({"351 gene therapy", "351 biologic"}),
             outcomes=US_OUTCOMES,
             sources=("21 CFR Part 1271 (1271.3, 1271.10, 1271.15, 1271.20)",
                      "21 CFR Part 3 (combination products)", "PHS Act §351 and §361; FD&C Act §506(g)",
                      "FDA guidance on minimal manipulation and homologous use (2017, corrected 2020), same surgical "
                      "procedure exception (2017), long-term follow-up after gene therapy (2020), expedited programs "
                      "for regenerative medicine therapies (2019)"),
             sources_as_of="Read as available in November 2026.")
rule = US.define



@rule(
    "US-1",
    title="HCT/P definition and exclusions",
    question="Is it a human cell or tissue product for implantation, transplantation, infusion or transfer into a "
    "human recipient, and not one of the excluded articles?",
    citation="21 CFR 1271.3(d)",
    confidence="K",
    valid_from=PART_1271,
)
def hctp(c: Inquiry) -> Answer:
    paths = ("cells_or_tissues.source", "cells_or_tissues.form", "cells_or_tissues.blood_component")
    if c.fact("special_category") == SpecialCategory.organ_for_transplant:
        return Answer(False, "Vascularised organs for transplantation are excluded (HRSA/OPTN oversight).", paths)
    if c.fact("cells_or_tissues.blood_component"):
        return Answer(False, "Whole blood, blood components and blood derivatives are excluded from the HCT/P "
                      "definition (regulated as blood products).", paths)
    form = c.fact("cells_or_tissues.form")
    if form in {CellForm.extracellular_vesicles, CellForm.secretome, CellForm.lysate}:
        return Answer(False, "Secreted or extracted products (cell factors, vesicles, lysates) are excluded from "
                      "the HCT/P definition; they are regulated as biological products.", paths)
    if form == CellForm.anucleate:
        return Answer(False, "Anucleate blood-type products are blood components, not HCT/Ps.", paths)
    if c.fact("cells_or_tissues.source") == CellSource.xenogeneic:
        return Answer(False, "Cells, tissues and organs of non-human animals are excluded from the HCT/P definition "
                      "(1271.3(d)(6)).", paths)
    if form is None:
        return Answer(None, "The form of the cellular material is not known.", paths,
                      missing=("cells_or_tissues.form",))
    if c.fact("cells_or_tissues.source") is None:
        return Answer(None, "Whether the cells are human is not known.", paths, missing=("cells_or_tissues.source",))
    return Answer(True, "Human cells or tissues for transfer into a recipient: an HCT/P.", paths)


# FDA guidance 'Regulatory Considerations for HCT/Ps: Minimal Manipulation and Homologous Use' (2017, corrected
# 2020): for structural tissue, processing that keeps the tissue's form and its utility for reconstruction,
# repair or replacement (cutting, shaping, cleaning, sterilising, freezing, drying, decellularising while keeping
# the matrix) is minimal; processing that destroys its form (grinding, micronising, enzymatic digestion) is not.
_STRUCTURAL_MINIMAL = frozenset({
    Manipulation.cutting, Manipulation.shaping, Manipulation.antibiotic_soaking, Manipulation.sterilisation,
    Manipulation.irradiation, Manipulation.filtering, Manipulation.lyophilisation, Manipulation.freezing,
    Manipulation.cryopreservation, Manipulation.vitrification, Manipulation.decellularisation,
    Manipulation.centrifugation,
})
# For cells and non-structural tissue, processing that does not alter their relevant biological characteristics
# (separation, concentration, freezing) is minimal; culture, activation, genetic modification, differentiation
# and enzymatic digestion (e.g. of fat to release SVF) are not.
_CELLS_MINIMAL = frozenset({
    Manipulation.cutting, Manipulation.shaping, Manipulation.centrifugation, Manipulation.antibiotic_soaking,
    Manipulation.sterilisation, Manipulation.irradiation, Manipulation.cell_separation, Manipulation.concentration,
    Manipulation.purification, Manipulation.filtering, Manipulation.lyophilisation, Manipulation.freezing,
    Manipulation.cryopreservation, Manipulation.vitrification,
})


@rule(
    "US-3",
    title="Minimal manipulation",
    question="For structural tissue: does processing keep the original characteristics relating to its utility for "
    "reconstruction, repair or replacement? For cells or non-structural tissue: does it leave their relevant "
    "biological characteristics unaltered?",
    citation="21 CFR 1271.3(f)(1) and (2); FDA guidance 'Regulatory Considerations for Human Cells, Tissues, and "
    "Cellular and Tissue-Based Products: Minimal Manipulation and Homologous Use' (Nov 2017, corrected Jul 2020)",
    confidence="K",
    valid_from=PART_1271,
    reading="Derived from the processing steps and whether the tissue is structural, following the guidance's "
    "examples; a step the examples do not settle should be checked against the guidance by hand.",
)
def minimal(c: Inquiry) -> Answer:
    given = c.fact("cells_or_tissues.minimally_manipulated_us")
    if given is not None:
        return Answer(given, "As stated." if given else "As stated: more than minimal manipulation.",
                      ("cells_or_tissues.minimally_manipulated_us",))
    steps = c.fact("cells_or_tissues.manipulations")
    structural = c.fact("cells_or_tissues.structural_tissue")
    facts = ("cells_or_tissues.manipulations", "cells_or_tissues.structural_tissue")
    if steps is None:
        return Answer(None, "The processing steps are not known.", facts, missing=("cells_or_tissues.manipulations",))
    if structural is None:
        # The two tests differ only for steps one of them allows: where they agree, whether it is structural is moot.
        beyond_cells = [m.value for m in steps if m not in _CELLS_MINIMAL]
        beyond_structural = [m.value for m in steps if m not in _STRUCTURAL_MINIMAL]
        if beyond_cells and beyond_structural:
            return Answer(False, f"{', '.join(dict.fromkeys(beyond_cells + beyond_structural))}: more than minimal "
                          "manipulation under both of FDA's tests (structural tissue, and cells or non-structural "
                          "tissue), so whether the tissue is structural does not matter.", facts)
        if not beyond_cells and not beyond_structural:
            return Answer(True, "Processing that both of FDA's tests (structural tissue, and cells or non-structural "
                          "tissue) count as minimal manipulation, so whether the tissue is structural does not "
                          "matter.", facts)
        return Answer(None, "Whether this is structural tissue (bone, skin, cartilage, tendon, amnion…) or cells is "
                      "not known: FDA's test differs.", facts, missing=("cells_or_tissues.structural_tissue",))
    allowed = _STRUCTURAL_MINIMAL if structural else _CELLS_MINIMAL
    beyond = [m.value for m in steps if m not in allowed]
    if structural:
        if beyond:
            return Answer(False, f"{', '.join(beyond)}: alters the structural tissue's original characteristics for "
                          "reconstruction, repair or replacement (e.g. destroys its form): more than minimal.", facts)
        return Answer(True, "Processing keeps the structural tissue's form and its utility for reconstruction, repair "
                      "or replacement: minimal manipulation.", facts)
    if beyond:
        return Answer(False, f"{', '.join(beyond)}: alters the cells' relevant biological characteristics: more than "
                      "minimal manipulation.", facts)
    return Answer(True, "Only processing that leaves the cells' relevant biological characteristics unaltered (e.g. "
                  "centrifugation, separation, freezing): minimal manipulation.", facts)


@rule(
    "US-4",
    title="Homologous use",
    question="Does the HCT/P perform the same basic function(s) in the recipient as in the donor?",
    citation="21 CFR 1271.3(c)",
    confidence="K",
    valid_from=PART_1271,
)
def homologous(c: Inquiry) -> Answer:
    value = c.fact("cells_or_tissues.homologous_use_us")
    path = "cells_or_tissues.homologous_use_us"
    if value is None:
        value, path = judged(c, "cells_or_tissues.same_essential_function"), "cells_or_tissues.same_essential_function"
    if value is None:
        return Answer(None, "Whether the use is homologous is not known.", (path,),
                      missing=("cells_or_tissues.homologous_use_us",))
    return Answer(value, "Same basic function: homologous use." if value else "A different function: "
                  "non-homologous use.", (path,))


# FDA guidance 'Same Surgical Procedure Exception under 21 CFR 1271.15(b)' (Nov 2017): only rinsing,
# cleansing, sizing or shaping; centrifugation, concentration, digestion, culture or storage take it out.
_SAME_SURGERY_STEPS = frozenset({Manipulation.cutting, Manipulation.shaping, Manipulation.antibiotic_soaking})


@rule(
    "US-5",
    title="Same surgical procedure exception",
    question="Are the cells or tissues removed from and implanted into the same patient during the same surgical "
    "procedure, with no more than rinsing, cleansing, sizing or shaping?",
    citation="21 CFR 1271.15(b); FDA guidance 'Same Surgical Procedure Exception' (Nov 2017)",
    confidence="V",
    valid_from=PART_1271,
)
def same_surgery(c: Inquiry) -> Answer:
    value = c.fact("cells_or_tissues.same_surgical_procedure")
    facts = ("cells_or_tissues.same_surgical_procedure", "cells_or_tissues.manipulations")
    if value is None:
        return Answer(None, "Whether removal and implantation happen in the same operation is not known.", facts,
                      missing=("cells_or_tissues.same_surgical_procedure",))
    if not value:
        return Answer(False, "Not within one surgical procedure.", facts)
    steps = c.fact("cells_or_tissues.manipulations") or []
    beyond = [m.value for m in steps if m not in _SAME_SURGERY_STEPS]
    if beyond:
        return Answer(False, f"Removed and re-implanted in the same operation, but {', '.join(beyond)} goes beyond "
                      "rinsing, cleansing, sizing or shaping: the exception does not apply.", facts)
    return Answer(True, "Removed and re-implanted in the same operation, only rinsed, cleansed, sized or shaped.",
                  facts)


@rule(
    "US-2",
    title="361 HCT/P criteria (all four)",
    question="Is it minimally manipulated, for homologous use only, not combined with another article, and "
    "either without systemic effect or for autologous, close-relative or reproductive use?",
    citation="21 CFR 1271.10(a)(1)-(4)",
    confidence="V",
    valid_from=PART_1271,
)
def criteria_361(c: Inquiry) -> Answer:
    combined = c.fact("cells_or_tissues.combined_with_other_article")
    systemic = c.fact("cells_or_tissues.systemic_effect")
    relation = c.fact("cells_or_tissues.donor_relation")
    if relation is None and c.fact("cells_or_tissues.source") == CellSource.autologous:
        relation = DonorRelation.autologous
    paths = ("cells_or_tissues.combined_with_other_article", "cells_or_tissues.systemic_effect",
             "cells_or_tissues.donor_relation")
    if combined is True:
        return Answer(False, "Combined with another article (criterion 3 fails).", paths)
    if combined is None:
        return Answer(None, "Whether it is combined with another article is not known.", paths,
                      missing=("cells_or_tissues.combined_with_other_article",))
    if systemic is None:
        return Answer(None, "Whether it acts systemically or depends on living cells' metabolism is not known.",
                      paths, missing=("cells_or_tissues.systemic_effect",))
    if not systemic:
        return Answer(True, "Minimally manipulated, homologous, not combined, no systemic or metabolic effect.",
                      paths)
    if relation is None:
        return Answer(None, "Who the donor is relative to the recipient is not known.", paths,
                      missing=("cells_or_tissues.donor_relation",))
    if relation == DonorRelation.unrelated:
        return Answer(False, "A systemic or metabolic effect in an unrelated allogeneic recipient (criterion 4 "
                      "fails).", paths)
    return Answer(True, f"A systemic or metabolic effect, but for {relation.value.replace('_', ' ')} use "
                  "(criterion 4(ii)).", paths)


@rule(
    "US-6",
    title="Regulated as a drug, device or biological product",
    question="Does the HCT/P fail the 1271.10(a) criteria without an exception, so that premarket review applies?",
    citation="21 CFR 1271.20; PHS Act §351; FD&C Act",
    confidence="K",
    valid_from=PART_1271,
)
def section_351(c: Inquiry) -> Answer:
    return Answer(True, "Regulated under PHS Act §351 (IND, then BLA) and/or the FD&C Act.")


@rule(
    "US-7",
    title="Human gene therapy",
    question="Does it act by transcription or translation of transferred genetic material, or by specifically "
    "altering host genetic sequences?",
    citation="FDA guidance 'Long Term Follow-Up After Administration of Human Gene Therapy Products' (Jan 2020), "
    "definition of human gene therapy; PHS Act §351(i)",
    confidence="V",
    valid_from=PART_1271,
    reading="Mechanism-based: synthetic nucleic acids and nucleases are in scope; unlike the EU there is no "
    "vaccine exclusion, but infectious-disease vaccines are licensed as vaccines in practice [K].",
)
def gene_therapy(c: Inquiry) -> Answer:
    paths = ("nucleic_acid.origin", "nucleic_acid.vehicle", "nucleic_acid.genome_editing",
             "nucleic_acid.transferred_into_human_cells")
    editing = c.fact("nucleic_acid.genome_editing")
    vehicle = c.fact("nucleic_acid.vehicle")
    if editing in {GenomeEditing.nucleic_acid_encoded, GenomeEditing.protein_only}:
        return Answer(True, "It specifically alters host genetic sequences (genome editing).", paths)
    if vehicle == Vehicle.modified_cells:
        return Answer(True, "Human cells genetically modified ex vivo are gene therapy products, whatever the role "
                      "of the transferred gene (a marker or safety switch included).", paths)
    origin = c.fact("nucleic_acid.origin")
    if origin is None:
        return Answer(None, "How the nucleic acid is made is not known.", paths, missing=("nucleic_acid.origin",))
    if origin == NucleicAcidOrigin.natural:
        return Answer(False, "A wild-type organism's own genome is not transferred genetic material.", paths)
    if origin == NucleicAcidOrigin.synthetic and vehicle != Vehicle.mrna:
        return Answer(False, "A chemically synthesised oligonucleotide (e.g. an antisense oligonucleotide acting on "
                      "pre-mRNA) acts without transcription or translation of a transferred gene: a drug.", paths)
    transferred = c.fact("nucleic_acid.transferred_into_human_cells")
    if transferred is None and vehicle in _TRANSFERRING:
        transferred = True
    if transferred is None and vehicle in {Vehicle.bacteriophage, Vehicle.modified_microorganism}:
        return Answer(None, "Whether the engineered organism transfers genetic material into human cells is not "
                      "known.", paths, missing=("nucleic_acid.transferred_into_human_cells",))
    if transferred is False:
        return Answer(False, "No genetic material is transferred into human cells (e.g. an engineered bacterium or "
                      "phage acting on bacteria or in the gut): a biological product, not human gene therapy.", paths)
    if transferred is None:
        return Answer(None, "Whether genetic material is transferred into human cells is not known.", paths,
                      missing=("nucleic_acid.transferred_into_human_cells",))
    return Answer(True, "It acts by transcription or translation of genetic material transferred into human cells.",
                  paths)


# Vehicles that by their nature deliver genetic material into human cells.
_TRANSFERRING = frozenset({Vehicle.viral_vector, Vehicle.oncolytic_virus, Vehicle.plasmid, Vehicle.mrna})


@rule(
    "US-9",
    title="Xenotransplantation products",
    question="Does the product contain live cells, tissues or organs from a non-human animal (or human material that "
    "had ex vivo contact with them)?",
    citation="21 CFR 1271.3(d)(6); PHS Act §351; FDA guidance 'Source Animal, Product, Preclinical, and Clinical "
    "Issues Concerning the Use of Xenotransplantation Products in Humans' (Dec 2016), definition",
    confidence="K",
    valid_from=PART_1271,
)
def xeno(c: Inquiry) -> Answer:
    facts = ("cells_or_tissues.source", "cells_or_tissues.viability")
    if c.fact("cells_or_tissues.viability") == Viability.non_viable:
        return Answer(False, "The animal tissue is not live: not a xenotransplantation product (and not an HCT/P).",
                      facts)
    return Answer(True, "Live animal cells or tissues are not HCT/Ps: a xenotransplantation product regulated as a "
                  "biologic (CBER).", facts)


@rule(
    "US-11",
    title="Medical device",
    question="Is it an instrument, implant or material that achieves its primary intended purpose physically, "
    "not through chemical action or metabolism (e.g. a non-viable animal tissue matrix)?",
    citation="FD&C Act §201(h); 21 CFR Part 807 (510(k)), Part 860 (De Novo), Part 814 (PMA)",
    confidence="K",
    valid_from=PART_1271,
)
def device(c: Inquiry) -> Answer:
    return Answer(True, "Non-viable animal tissue acting physically is neither an HCT/P nor a xenotransplantation "
                  "product: a medical device (CDRH: 510(k), De Novo or PMA).",
                  ("cells_or_tissues.source", "cells_or_tissues.viability", "cells_or_tissues.mode_of_action"))


@rule(
    "US-12",
    title="Combination product and lead center",
    question="Is it a combination of a biological product (cells, tissues or genes) with a device, and which "
    "constituent gives its primary mode of action?",
    citation="21 CFR 3.2(e) (combination product), 3.2(k) and 3.4 (primary mode of action); 21 CFR 3.7 (request "
    "for designation)",
    confidence="K",
    valid_from=PART_1271,
)
def combination(c: Inquiry) -> Answer:
    return Answer(True, "A biological product and a device combined as a single entity: a combination product. The "
                  "living cells' or gene's action gives its primary mode of action, so CBER leads; where that is "
                  "unclear, a Pre-RFD or a request for designation (21 CFR 3.7) settles the lead center.",
                  ("device.present", "device.integral", "cells_or_tissues.viability"))


US.add(Rule("US-8", "RMAT designation", "Is it a regenerative medicine therapy for a serious condition with "
            "preliminary clinical evidence of addressing an unmet need?",
            "FD&C Act §506(g) (21st Century Cures Act §3033); FDA guidance 'Expedited Programs for Regenerative "
            "Medicine Therapies for Serious Conditions' (Feb 2019)", "V", None, valid_from=CURES_ACT))
US.add(Rule("US-10", "Decision procedure (US)", "In which order are the US questions asked?",
            "21 CFR 1271.10, 1271.15 and 1271.20 (the order of the questions follows them)", "K", None,
            valid_from=PART_1271))


def _rmat(c: Inquiry) -> None:
    c.notes.append("May be eligible for RMAT designation (FD&C Act §506(g)) if it treats a serious condition and "
                   "preliminary clinical evidence shows potential to address an unmet need (US-8).")


def _vaccine(c: Inquiry) -> bool:
    """A preventive or therapeutic vaccine: stated, or an immune response to an antigen against a pathogen."""
    if judged(c, "vaccine_against_infectious_disease"):
        return True
    return c.fact("disease_target") == DiseaseTarget.infectious_agent and c.fact("immune_response_to_antigen") is True


def _with_device(c: Inquiry, decision: Decision) -> Decision:
    """A biological product combined with an integral device is a combination product (21 CFR Part 3)."""
    if c.fact("device.present") and c.fact("device.integral") is not False:
        c.ask("US-12")
        decision.combination_product = True
        decision.lead_center = "CBER"
    return decision


def procedure(c: Inquiry) -> Decision:
    if c.fact("product_role") == ProductRole.starting_material or c.fact("for_human_administration") is False:
        c.record("US-1", Answer(False, "Ancillary products used in manufacture, or articles not transferred into a "
                                "recipient, are not HCT/Ps.", ("product_role", "for_human_administration")))
        return Decision("not an HCT/P", "other")
    cells = c.facts.cells_or_tissues
    has_cells = cells is not None and cells.present is not False
    if not has_cells and _vaccine(c):
        # Only a non-cellular product: a cellular product for an infectious disease stays a cellular 351 product.
        c.record("US-7", Answer("vaccine", "A preventive or therapeutic vaccine against an infectious disease is "
                                "licensed as a vaccine (CBER), not handled as gene therapy in practice.",
                                ("vaccine_against_infectious_disease", "disease_target",
                                 "immune_response_to_antigen")))
        return Decision("vaccine", "biologics_license", advanced=False)
    has_nucleic_acid = c.fact("nucleic_acid.present") if c.facts.nucleic_acid is not None else False
    if has_nucleic_acid is None:
        c.need("nucleic_acid.present")
    if has_nucleic_acid and c.ask("US-7"):
        c.ask("US-6")
        _rmat(c)
        return _with_device(c, Decision("351 gene therapy", "biologics_license", lead_center="CBER"))
    if cells is None or cells.present is False:
        origin = c.fact("nucleic_acid.origin") if c.fact("nucleic_acid.present") else None
        if origin == NucleicAcidOrigin.synthetic:
            return Decision("drug", "new_drug_application", lead_center="CDER")
        if origin is not None or c.fact("biological_active_substance"):
            return Decision("351 biologic", "biologics_license", advanced=False)
        if c.fact("biological_active_substance") is None:
            c.need("biological_active_substance")
        return Decision("drug", "new_drug_application", lead_center="CDER")
    if cells.present is None:
        c.need("cells_or_tissues.present")
    if not c.ask("US-1"):
        if c.fact("cells_or_tissues.source") == CellSource.xenogeneic:
            if c.fact("cells_or_tissues.viability") is None:
                c.need("cells_or_tissues.viability")
            if c.ask("US-9"):
                return _with_device(c, Decision("351 biologic", "biologics_license", lead_center="CBER"))
            if c.fact("cells_or_tissues.mode_of_action") == ModeOfAction.pharmacological_immunological_metabolic:
                return Decision("351 biologic", "biologics_license", advanced=False)
            c.ask("US-11")
            return Decision("device", "device_premarket", advanced=False, lead_center="CDRH")
        if c.fact("cells_or_tissues.form") in {CellForm.extracellular_vesicles, CellForm.secretome, CellForm.lysate}:
            return Decision("351 biologic", "biologics_license", advanced=False)
        return Decision("not an HCT/P", "other")
    is_minimal = c.ask("US-3")
    autologous = c.fact("cells_or_tissues.source") == CellSource.autologous
    if autologous and is_minimal and c.ask("US-5"):
        return Decision("excepted (1271.15)", "excepted")
    if autologous and not is_minimal and c.fact("cells_or_tissues.same_surgical_procedure"):
        c.ask("US-5")  # records why processing beyond rinsing, cleansing, sizing or shaping leaves the exception
    is_homologous = c.ask("US-4", block=False)
    if (
        c.fact("cells_or_tissues.tissue_origin") == "bone_marrow"
        and is_minimal
        and is_homologous
        and c.fact("cells_or_tissues.combined_with_other_article") is False
    ):
        c.record("US-1", Answer(False, "Minimally manipulated bone marrow for homologous use, not combined with "
                                "another article, is excluded from the HCT/P definition (HRSA oversight).",
                                ("cells_or_tissues.tissue_origin",)))
        return Decision("not an HCT/P", "other")
    if is_minimal and is_homologous is None:
        c.need("cells_or_tissues.homologous_use_us")
    if is_minimal and is_homologous:
        if c.ask("US-2"):
            return Decision("361 HCT/P", "part_1271_only")
    else:
        failed = [name for name, ok in (("(1) minimal manipulation", is_minimal), ("(2) homologous use",
                                                                                 is_homologous)) if ok is False]
        c.record("US-2", Answer(False, f"Criterion {' and '.join(failed)} of 1271.10(a) fails.",
                                ("cells_or_tissues.manipulations", "cells_or_tissues.same_essential_function")))
    c.ask("US-6")
    _rmat(c)
    return _with_device(c, Decision("351 biologic", "biologics_license", lead_center="CBER"))


US.procedure = procedure
