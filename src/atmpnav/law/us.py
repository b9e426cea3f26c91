"""US rule set: 21 CFR Part 1271 (HCT/Ps), PHS Act §351/§361, FDA's gene therapy definition.

Rule ids US-1 … US-10 (as in the project's rules specification). Outcomes are those of the contract:
`351 gene therapy`, `351 biologic`, `361 HCT/P`, `excepted (1271.15)`, `not an HCT/P`, `drug`,
`vaccine`, `undetermined`.
"""

from __future__ import annotations

from datetime import date

from atmpnav.facts import (
    ANNEX_I_MANIPULATIONS,
    CellForm,
    CellSource,
    DonorRelation,
    GenomeEditing,
    NucleicAcidOrigin,
    ProductRole,
    SpecialCategory,
    Vehicle,
)
from atmpnav.law.base import Answer, Decision, Inquiry, Rule, RuleSet

PART_1271 = date(2005, 5, 25)  # the last of the Part 1271 final rules took effect (CGTP, donor eligibility) [K]
CURES_ACT = date(2016, 12, 13)  # 21st Century Cures Act, §3033 (RMAT)

US = RuleSet(jurisdiction="US", name="United States", version="us-2026.11",
             advanced_outcomes=frozenset({"351 gene therapy", "351 biologic"}))
rule = US.define

# Processing that FDA treats as more than minimal manipulation (guidance on minimal manipulation and
# homologous use, 2017/2020): culture, activation, genetic modification, and e.g. enzymatic digestion of fat.
_MINIMAL = ANNEX_I_MANIPULATIONS


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
        return Answer(False, "Cells or tissues of non-human animals are excluded from the HCT/P definition.", paths)
    if form is None:
        return Answer(None, "The form of the cellular material is not known.", paths,
                      missing=("cells_or_tissues.form",))
    if c.fact("cells_or_tissues.source") is None:
        return Answer(None, "Whether the cells are human is not known.", paths, missing=("cells_or_tissues.source",))
    return Answer(True, "Human cells or tissues for transfer into a recipient: an HCT/P.", paths)


@rule(
    "US-3",
    title="Minimal manipulation",
    question="Does processing leave the cells' relevant biological characteristics (or, for structural tissue, "
    "its characteristics for reconstruction, repair or replacement) unaltered?",
    citation="21 CFR 1271.3(f); FDA guidance 'Regulatory Considerations for HCT/Ps: Minimal Manipulation and "
    "Homologous Use' (Nov 2017, corrected Jul 2020)",
    confidence="K",
    valid_from=PART_1271,
    reading="Derived from the processing steps when not given: culture, activation, genetic modification, "
    "differentiation and enzymatic digestion are more than minimal; Annex-I-type steps are minimal.",
)
def minimal(c: Inquiry) -> Answer:
    given = c.fact("cells_or_tissues.minimally_manipulated_us")
    if given is not None:
        return Answer(given, "As stated." if given else "As stated: more than minimal manipulation.",
                      ("cells_or_tissues.minimally_manipulated_us",))
    steps = c.fact("cells_or_tissues.manipulations")
    if steps is None:
        return Answer(None, "The processing steps are not known.", ("cells_or_tissues.manipulations",),
                      missing=("cells_or_tissues.manipulations",))
    beyond = [m.value for m in steps if m not in _MINIMAL]
    if beyond:
        return Answer(False, f"{', '.join(beyond)}: more than minimal manipulation.",
                      ("cells_or_tissues.manipulations",))
    return Answer(True, "Only minimal processing (e.g. cutting, centrifugation, separation, freezing).",
                  ("cells_or_tissues.manipulations",))


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
        value, path = c.fact("cells_or_tissues.same_essential_function"), "cells_or_tissues.same_essential_function"
    if value is None:
        return Answer(None, "Whether the use is homologous is not known.", (path,),
                      missing=("cells_or_tissues.homologous_use_us",))
    return Answer(value, "Same basic function: homologous use." if value else "A different function: "
                  "non-homologous use.", (path,))


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
    if value is None:
        return Answer(None, "Whether removal and implantation happen in the same operation is not known.",
                      ("cells_or_tissues.same_surgical_procedure",),
                      missing=("cells_or_tissues.same_surgical_procedure",))
    return Answer(value, "Removed and re-implanted in the same operation." if value else
                  "Not within one surgical procedure.", ("cells_or_tissues.same_surgical_procedure",))


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
             "nucleic_acid.effect_from_sequence")
    editing = c.fact("nucleic_acid.genome_editing")
    if editing in {GenomeEditing.nucleic_acid_encoded, GenomeEditing.protein_only}:
        return Answer(True, "It specifically alters host genetic sequences (genome editing).", paths)
    origin = c.fact("nucleic_acid.origin")
    vehicle = c.fact("nucleic_acid.vehicle")
    if origin is None:
        return Answer(None, "How the nucleic acid is made is not known.", paths, missing=("nucleic_acid.origin",))
    if origin == NucleicAcidOrigin.natural:
        return Answer(False, "A wild-type organism's own genome is not transferred genetic material.", paths)
    if origin == NucleicAcidOrigin.synthetic and vehicle != Vehicle.mrna:
        return Answer(False, "A synthetic oligonucleotide acts without transcription or translation of a transferred "
                      "gene: not gene therapy (a drug).", paths)
    effect = c.fact("nucleic_acid.effect_from_sequence")
    if effect is None and c.fact("nucleic_acid.transgene_role") is not None:
        effect = True  # any transgene expressed from transferred material is within the mechanism-based definition
    if effect is None:
        return Answer(None, "Whether the effect comes from the transferred sequence is not known.", paths,
                      missing=("nucleic_acid.effect_from_sequence",))
    return Answer(effect, "It acts by transcription or translation of transferred genetic material." if effect
                  else "The transferred material is not what acts.", paths)


@rule(
    "US-9",
    title="Xenogeneic products",
    question="Does the product contain live cells, tissues or organs from a non-human animal?",
    citation="21 CFR 1271.3(d)(1) exclusion; PHS Act §351 (xenotransplantation products, CBER)",
    confidence="K",
    valid_from=PART_1271,
)
def xeno(c: Inquiry) -> Answer:
    return Answer(True, "Animal cells or tissues are not HCT/Ps: a xenotransplantation product regulated as a "
                  "biologic.", ("cells_or_tissues.source",))


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


def procedure(c: Inquiry) -> Decision:
    if c.fact("product_role") == ProductRole.starting_material or c.fact("for_human_administration") is False:
        c.record("US-1", Answer(False, "Ancillary products used in manufacture, or articles not transferred into a "
                                "recipient, are not HCT/Ps.", ("product_role", "for_human_administration")))
        return Decision("not an HCT/P", "other")
    if c.fact("vaccine_against_infectious_disease"):
        c.record("US-7", Answer("vaccine", "A preventive infectious-disease vaccine is licensed as a vaccine (CBER), "
                                "not handled as gene therapy in practice.", ("vaccine_against_infectious_disease",)))
        return Decision("vaccine", "biologics_license")
    has_nucleic_acid = c.fact("nucleic_acid.present") if c.facts.nucleic_acid is not None else False
    if has_nucleic_acid is None:
        c.need("nucleic_acid.present")
    if has_nucleic_acid and c.ask("US-7"):
        c.ask("US-6")
        _rmat(c)
        return Decision("351 gene therapy", "biologics_license")
    cells = c.facts.cells_or_tissues
    if cells is None or cells.present is False:
        origin = c.fact("nucleic_acid.origin") if c.fact("nucleic_acid.present") else None
        if origin == NucleicAcidOrigin.synthetic:
            return Decision("drug", "new_drug_application")
        if origin is not None or c.fact("biological_active_substance"):
            return Decision("351 biologic", "biologics_license")
        if c.fact("biological_active_substance") is None:
            c.need("biological_active_substance")
        return Decision("drug", "new_drug_application")
    if cells.present is None:
        c.need("cells_or_tissues.present")
    if not c.ask("US-1"):
        if c.fact("cells_or_tissues.source") == CellSource.xenogeneic:
            c.ask("US-9")
            return Decision("351 biologic", "biologics_license")
        if c.fact("cells_or_tissues.form") in {CellForm.extracellular_vesicles, CellForm.secretome, CellForm.lysate}:
            return Decision("351 biologic", "biologics_license")
        return Decision("not an HCT/P", "other")
    is_minimal = c.ask("US-3")
    autologous = c.fact("cells_or_tissues.source") == CellSource.autologous
    if autologous and is_minimal and c.ask("US-5"):
        return Decision("excepted (1271.15)", "excepted")
    if autologous and not is_minimal and c.fact("cells_or_tissues.same_surgical_procedure"):
        c.record("US-5", Answer(False, "Processing beyond rinsing, cleansing, sizing or shaping takes the product "
                                "outside the same-surgical-procedure exception.",
                                ("cells_or_tissues.same_surgical_procedure", "cells_or_tissues.manipulations")))
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
    return Decision("351 biologic", "biologics_license")


US.procedure = procedure
