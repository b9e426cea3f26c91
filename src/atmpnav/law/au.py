"""Australia (TGA): biologicals (Therapeutic Goods Act 1989 Part 3-2A), their classes, and the autologous tiers.

Decision order (domain-part2.md §B.5): a therapeutic good? → excluded goods (organs, fresh HPC,
reproductive tissue) → a biological (s 32A)? → not a biological by instrument (HPC, blood, vaccines,
recombinant products) → autologous products: excluded (hospital) or exempt (single procedure) → class 4
(Sch 16), else class 2 (minimally manipulated, homologous) or class 3. Gene therapies without cells are
prescription medicines. Outcomes: contract-part2.md §1; ``advanced``: a Class 3 or 4 biological, or a gene
therapy prescription medicine.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from atmpnav.facts import (
    SUBSTANTIAL_MANIPULATIONS,
    CellForm,
    CellSource,
    Manipulation,
    ModeOfAction,
    ProductRole,
    SpecialCategory,
    TissueOrigin,
    Vehicle,
    Viability,
)
from atmpnav.law.base import Answer, Decision, Inquiry, Rule, RuleSet
from atmpnav.law.judgements import judged, missing_for
from atmpnav.law.processing import (
    homologous_use,
    in_force,
    minimal_manipulation,
    same_function,
    stating_uncertain,
)
from atmpnav.law.shared_tests import (
    GENOME_EDITORS,
    device_achieves_principal_action,
    finished_product_for_people,
    gene_therapy_by_sequence,
    has_cells,
    nucleic_acid_present,
)

BIOLOGICALS = date(2011, 5, 31)  # biologicals framework; Things that are not Biologicals Determination registered
SPECIFIED_THINGS = date(2021, 9, 30)  # Therapeutic Goods (Biologicals—Specified Things) Instrument 2021 commences
HCTO_DETERMINATION = date(2018, 7, 1)  # Therapeutic Goods (Human Cells, Tissues and Organs) Determination 2018
EXCLUDED_GOODS_2019 = date(2019, 6, 22)  # F2019L00853 (registered 2019-06-21) commences the next day
EXEMPT_TIER = date(2018, 7, 1)  # autologous HCT reform in force (transition for supply to 2019-06-30)

ACT = "Therapeutic Goods Act 1989 (Cth)"
REGS = "Therapeutic Goods Regulations 1990 (Cth)"
EXCLUDED = "Therapeutic Goods (Excluded Goods) Determination 2018 (Cth)"

CLASS_2, CLASS_3, CLASS_4 = "biological class 2", "biological class 3", "biological class 4"
MEDICINE = "not a biological: prescription medicine"
OTHER = "not a biological: other"

AU = RuleSet(
    jurisdiction="AU",
    name="Australia",
    version="au-2026.12",
    advanced_outcomes=frozenset({CLASS_3, CLASS_4}),
    outcomes=("biological class 1", CLASS_2, CLASS_3, CLASS_4, "excluded (autologous)", "exempt (autologous)",
              MEDICINE, OTHER, "medical device", "undetermined"),
    sources=(
        f"{ACT}: s 3(1), s 7AA, s 32A, s 32AA, s 41BD",
        f"{REGS}: Schedules 5, 7 and 16",
        "Therapeutic Goods (Things that are not Biologicals) Determination No. 1 of 2011 (F2011L00894), s 3",
        "Therapeutic Goods (Biologicals—Specified Things) Instrument 2021 (F2021L01329), s 6 and Sch 2",
        "Therapeutic Goods (Human Cells, Tissues and Organs) Determination 2018 (F2018L00785), s 4(a)",
        f"{EXCLUDED} (F2018L01350) as amended by F2019L00853",
        "TGA guidance: regulated biologicals; excluded and exempt autologous HCT products; classification of "
        "biologicals; TGO 109",
    ),
    sources_as_of="TGA guidance pages read as published in 2024-2025 and the instruments as made (2011, 2018, "
    "2019, 2021); the Schedule 16 class lists, the 2021 Schedule 2 items and the Excluded Goods Determination "
    "item number were not read (our research of mid-2026).",
)
rule = AU.define


@rule(
    "AU-S1",
    title="Therapeutic good for use in humans",
    question="Is the product itself used in people for a therapeutic purpose (rather than a starting material or "
    "reagent)?",
    citation=f"{ACT}, s 3(1) ('therapeutic goods')",
    confidence="K",
)
def therapeutic_good(c: Inquiry) -> Answer:
    return finished_product_for_people(
        c, starting_material="A starting material is controlled within the finished product's registration.",
        outside_body="Used only outside the body: not itself a therapeutic good for a patient.",
        yes="A therapeutic good for use in people.")


def _fresh(c: Inquiry) -> bool:
    steps = c.fact("cells_or_tissues.manipulations") or []
    return not {Manipulation.freezing, Manipulation.cryopreservation, Manipulation.vitrification} & set(steps)


def _haematopoietic(c: Inquiry) -> bool | None:
    """Haematopoietic progenitor cells used for haematopoietic reconstitution, not expanded or modified.

    Read narrowly: ex vivo expanded or genetically modified HPC products are taken to be biologicals.
    None when a deciding fact (the steps, the function) is not known.
    """
    blood_forming = {TissueOrigin.bone_marrow, TissueOrigin.peripheral_blood, TissueOrigin.cord_blood}
    if c.fact("cells_or_tissues.tissue_origin") not in blood_forming or _genetically_modified(c):
        return False
    steps = c.fact("cells_or_tissues.manipulations")
    if steps is not None and SUBSTANTIAL_MANIPULATIONS & set(steps):
        return False
    function = same_function(c)
    if steps is None or function is None:
        return None
    return function


def _genetically_modified(c: Inquiry) -> bool:
    steps = c.fact("cells_or_tissues.manipulations") or []
    return (Manipulation.genetic_modification in steps or c.fact("nucleic_acid.vehicle") == Vehicle.modified_cells
            or c.fact("nucleic_acid.genome_editing") in GENOME_EDITORS)


def _other_excluded(c: Inquiry) -> Answer:
    special = c.fact("special_category")
    if special == SpecialCategory.organ_for_transplant:
        return Answer(True, "A fresh viable organ for direct donor-to-host transplantation: an excluded good.",
                      ("special_category",))
    if special == SpecialCategory.reproductive_cells_embryos:
        return Answer(True, "Reproductive tissue for assisted reproductive therapy: an excluded good.",
                      ("special_category",))
    return Answer(True, "Fresh haematopoietic progenitor cells: excluded goods.",
                  ("cells_or_tissues.tissue_origin", "cells_or_tissues.manipulations"))


_X3: dict[str, Any] = dict(title="Excluded goods: organs, fresh HPC, reproductive tissue",
           question="Is it a fresh viable organ for direct donor-to-host transplantation, fresh haematopoietic "
           "progenitor cells, or reproductive tissue for assisted reproductive therapy?")
_FRESH = "Fresh HPC are read as HPC for haematopoietic reconstitution that are not frozen or cryopreserved."
AU.add(Rule("AU-X3", citation="Therapeutic Goods (Excluded Goods) Order No. 1 of 2011, items 4(o), 4(p) and 4(r)",
            confidence="U", test=_other_excluded, valid_from=BIOLOGICALS, valid_to=date(2018, 6, 30),
            reading="[U] Items 4(o) (solid organs), 4(p) (haematopoietic progenitor cells) and 4(r) (reproductive "
            "tissue) are known from the TGA's guideline; their wording was not read. " + _FRESH, **_X3))
AU.add(Rule("AU-X3", citation="Therapeutic Goods (Human Cells, Tissues and Organs) Determination 2018, s 4",
            confidence="U", test=_other_excluded, valid_from=HCTO_DETERMINATION, valid_to=date(2019, 6, 21),
            reading="[U] s 4(b) (solid organs for direct donor-to-host transplantation) is known from the TGA's "
            "guideline; the items for HPC and reproductive tissue were not read. " + _FRESH, **_X3))
AU.add(Rule("AU-X3", citation=f"{ACT}, s 7AA; {EXCLUDED}", confidence="V", test=_other_excluded,
            valid_from=EXCLUDED_GOODS_2019, reading=_FRESH, **_X3))


@rule(
    "AU-B1",
    title="Biological",
    question="Is it made from or does it contain human cells or tissues, is it a faecal microbiota transplant "
    "product, or does it comprise live animal cells, tissues or organs?",
    citation=f"{ACT}, s 32A(1)",
    confidence="V",
    valid_from=BIOLOGICALS,
)
def biological(c: Inquiry) -> Answer:
    paths = ("special_category", "cells_or_tissues.present", "cells_or_tissues.source", "cells_or_tissues.viability")
    if c.fact("special_category") == SpecialCategory.intestinal_microbiota:
        return Answer(True, "A faecal microbiota transplant product (s 32A(1)(b)).", paths)
    if c.fact("cells_or_tissues.present") is not True:
        return Answer(False, "No human cells or tissues and no live animal material: not a biological.", paths)
    source = c.fact("cells_or_tissues.source")
    if source is None:
        return Answer(None, "Whose cells they are is not known.", paths, missing=("cells_or_tissues.source",))
    if source == CellSource.xenogeneic:
        viability = c.fact("cells_or_tissues.viability")
        if viability is None:
            return Answer(None, "Whether the animal cells are alive is not known.", paths,
                          missing=("cells_or_tissues.viability",))
        if viability == Viability.non_viable:
            return Answer(False, "Non-viable animal tissue is not a biological (s 32A(1)(c) needs live animal "
                          "cells, tissues or organs).", paths)
        return Answer(True, "Live animal cells, tissues or organs (s 32A(1)(c)).", paths)
    return Answer(True, "Made from or containing human cells or tissues (s 32A(1)(a)).", paths)


def _not_biological(c: Inquiry) -> Answer:
    paths = ("cells_or_tissues.blood_component", "cells_or_tissues.tissue_origin", "vaccine_against_infectious_disease",
             "nucleic_acid.origin", "biological_active_substance")
    if has_cells(c):
        blood = c.fact("cells_or_tissues.blood_component")
        steps = c.fact("cells_or_tissues.manipulations") or []
        if blood is None and not SUBSTANTIAL_MANIPULATIONS & set(steps):
            return Answer(None, "Whether it is blood or a blood component is not known.", paths,
                          missing=("cells_or_tissues.blood_component",))
        if blood:
            return Answer(True, "Blood and blood components are specified not to be biologicals.", paths)
        hpc = _haematopoietic(c)
        if hpc is None:
            # Ask only what is still open: the steps, and the observable facts behind "same function".
            unknown: tuple[str, ...] = ()
            if c.fact("cells_or_tissues.manipulations") is None:
                unknown = ("cells_or_tissues.manipulations",)
            if same_function(c) is None:
                unknown += missing_for(c, "cells_or_tissues.same_essential_function")
            return Answer(None, "Whether these are haematopoietic progenitor cells for haematopoietic "
                          "reconstitution is not known.", paths, missing=unknown)
        if hpc:
            return Answer(True, "Haematopoietic progenitor cells used for haematopoietic reconstitution are "
                          "specified not to be biologicals.", paths)
        return Answer(False, "None of the specified things (HPC, blood, biological medicines) applies.", paths)
    if judged(c, "vaccine_against_infectious_disease"):
        return Answer(True, "A vaccine without viable human cells is a biological medicine, not a biological.", paths)
    return Answer(True, "A recombinant or other biological medicine without cells is not a biological.", paths)


_NOT: dict[str, Any] = dict(title="Specified not to be biologicals",
            reading="Haematopoietic progenitor cells are read as not expanded or genetically modified; expanded or "
            "modified HPC products are classified as biologicals.",
            question="Is it haematopoietic progenitor cells for haematopoietic reconstitution, blood or a blood "
            "component, or a biological medicine (vaccine without viable human cells, recombinant product, "
            "plasma-derived product)?")
AU.add(Rule("AU-B2", citation="Therapeutic Goods (Things that are not Biologicals) Determination No. 1 of 2011, "
            "s 3(a)-(e)", confidence="V", test=_not_biological, valid_from=BIOLOGICALS,
            valid_to=date(2021, 9, 29), **_NOT))
AU.add(Rule("AU-B2", citation="Therapeutic Goods (Biologicals—Specified Things) Instrument 2021, s 6 and Sch 2",
            confidence="U", test=_not_biological, valid_from=SPECIFIED_THINGS,
            **{**_NOT, "reading": "[U] The 2021 instrument repealed the 2011 determination; its Schedule 2 items "
               "were not read and the 2011 list (HPC, blood, vaccines, recombinant and plasma-derived products) is "
               "applied. " + _NOT["reading"]}))


def _excluded(c: Inquiry) -> Answer:
    paths = ("cells_or_tissues.treating_practitioner_au", "cells_or_tissues.made_in_hospital_au",
             "cells_or_tissues.advertised_to_consumers_au")
    for path, want, failed in (
        (paths[0], True, "Not collected and made by (or under the supervision of) the treating practitioner for "
                         "their own patient."),
        (paths[1], True, "Not made in a hospital for a patient of that hospital."),
        (paths[2], False, "Advertised to consumers: the exclusion is lost."),
    ):
        value = c.fact(path)
        if value is None:
            return Answer(None, f"Not known: {path.rsplit('.', 1)[1].removesuffix('_au').replace('_', ' ')}.",
                          paths, missing=(path,))
        if value is not want:
            return Answer(False, failed, paths)
    return Answer(True, "Collected from and made for a patient under the treating practitioner's care, in a "
                  "hospital, not advertised to consumers: excluded from TGA regulation.", paths)


_EXCL: dict[str, Any] = dict(title="Excluded autologous HCT product",
             question="Are the patient's own cells collected under a registered practitioner's clinical care, made "
             "by that practitioner (or under their supervision) in a hospital for that patient, and not advertised "
             "to consumers?")
AU.add(Rule("AU-X1", citation="Therapeutic Goods (Human Cells, Tissues and Organs) Determination 2018, s 4(a)",
            confidence="U", test=_excluded, valid_from=HCTO_DETERMINATION, valid_to=date(2019, 6, 21),
            reading="[U] s 4(a)(i)-(ii) (practitioner's care, hospital manufacture for a patient of that hospital) "
            "were read; the remaining criteria of s 4(a) were not, and the 2019 'not advertised to consumers' "
            "criterion is applied.", **_EXCL))
AU.add(Rule("AU-X1", citation=f"{EXCLUDED}, autologous human cells and tissues item (inserted by F2019L00853)",
            confidence="V", test=_excluded, valid_from=EXCLUDED_GOODS_2019,
            reading="Criteria as the TGA states them (collected under a registered practitioner's care; made by or "
            "under the supervision of that practitioner in a hospital for a patient of that hospital, except "
            "storage and testing; not advertised to consumers). They do not limit the degree of manipulation: "
            "the spec's 'minimal manipulation, homologous use, single course' belong to the exempt tier. The item "
            "number was not read.", **_EXCL))


@rule(
    "AU-X2",
    title="Exempt autologous HCT product",
    question="Are the patient's own cells collected under a registered practitioner's care, made and used by the "
    "practitioner with primary clinical responsibility (or under their supervision) for a single indication in a "
    "single clinical procedure, minimally manipulated and for homologous use?",
    citation=f"{REGS}, Schedules 5 and 7 (autologous human cells and tissues)",
    confidence="V",
    valid_from=EXEMPT_TIER,
    reading="Criteria as the TGA states them. The autologous HCT reform came into force on 1 July 2018, with a "
    "one-year transition for supply to 30 June 2019 (TGA communication to stakeholders). Exempt products remain "
    "subject to advertising rules and adverse event reporting.",
)
def exempt(c: Inquiry) -> Answer:
    paths = ("cells_or_tissues.treating_practitioner_au", "cells_or_tissues.single_indication_single_procedure_au")
    for path, failed in ((paths[0], "Not made by (or under the supervision of) the practitioner with primary "
                          "clinical responsibility."),
                         (paths[1], "Not a single indication in a single clinical procedure.")):
        value = c.fact(path)
        if value is None:
            return Answer(None, "Not known whether the exemption's conditions are met.", paths, missing=(path,))
        if value is False:
            return Answer(False, failed, paths)
    manipulated = minimal_manipulation(c, "cells_or_tissues.minimally_manipulated_au")
    if manipulated.value is None:
        return Answer(None, manipulated.because, paths + manipulated.facts, missing=manipulated.missing)
    if manipulated.value is False:
        return Answer(False, f"{manipulated.because} The exemption needs minimal manipulation.",
                      paths + manipulated.facts)
    same = homologous_use(c, "cells_or_tissues.homologous_use_au")
    if same.value is None:
        return Answer(None, same.because, paths + same.facts, missing=same.missing)
    if same.value is False:
        return Answer(False, "Non-homologous use: the exemption needs homologous use.", paths + same.facts)
    return Answer(True, "Single indication, single procedure, minimally manipulated and homologous: exempt from "
                  "ARTG inclusion and GMP.", paths + manipulated.facts + same.facts)


@rule(
    "AU-C4",
    title="Class 4 biological",
    question="Is it a high-risk biological of the kinds listed for Class 4: genetically modified cells, live animal "
    "(xenogeneic) cells or cells derived from pluripotent stem cells?",
    citation=f"{REGS}, Sch 16",
    confidence="U",
    valid_from=BIOLOGICALS,
    reading="[U] The Schedule 16 Class 4 list was not read; genetically modified, xenogeneic and pluripotent-"
    "derived cells are taken as Class 4 (the usual reading; e.g. CAR-T products are registered as Class 4).",
)
def class_4(c: Inquiry) -> Answer:
    paths = ("nucleic_acid.vehicle", "cells_or_tissues.manipulations", "cells_or_tissues.source",
             "cells_or_tissues.tissue_origin")
    steps = c.fact("cells_or_tissues.manipulations") or []
    if _genetically_modified(c):
        return Answer(True, "Genetically modified cells.", paths)
    if c.fact("cells_or_tissues.source") == CellSource.xenogeneic:
        return Answer(True, "Live animal cells or tissues.", paths)
    if c.fact("cells_or_tissues.tissue_origin") == TissueOrigin.pluripotent_stem_cells \
            or Manipulation.reprogramming in steps:
        return Answer(True, "Derived from pluripotent stem cells.", paths)
    return Answer(False, "Not genetically modified, xenogeneic or pluripotent-derived.", paths)


@rule(
    "AU-M1",
    title="Minimal manipulation (TGA)",
    question="Are the cells or tissues only minimally manipulated?",
    citation=f"{REGS}, Sch 16 (method of preparation); {ACT}, s 32AA",
    confidence="K",
    valid_from=BIOLOGICALS,
    reading="Derived from the processing steps unless stated (culture, activation, differentiation, genetic "
    "modification: more than minimal).",
)
def minimal(c: Inquiry) -> Answer:
    return minimal_manipulation(c, "cells_or_tissues.minimally_manipulated_au")


@rule(
    "AU-H1",
    title="Homologous use (TGA)",
    question="Are the cells or tissues used for the same basic function they had in the donor?",
    citation=f"{REGS}, Sch 16 (intended use); {ACT}, s 32AA",
    confidence="K",
    valid_from=BIOLOGICALS,
)
def homologous(c: Inquiry) -> Answer:
    return homologous_use(c, "cells_or_tissues.homologous_use_au")


@rule(
    "AU-C2",
    title="Class 2 or Class 3 biological",
    question="Is the biological minimally manipulated and for homologous use (Class 2), or more than minimally "
    "manipulated or for non-homologous use (Class 3)?",
    citation=f"{REGS}, Sch 16; {ACT}, s 32AA",
    confidence="K",
    valid_from=BIOLOGICALS,
    reading="Class 1 (items listed in Sch 16) is not encoded: the list was not read; a product listed there "
    "would be Class 1 instead.",
)
def class_2_or_3(c: Inquiry) -> Answer:
    answers = {s.rule.id: s.answer.value for s in c.steps if s.rule.id in {"AU-M1", "AU-H1"}}
    low = answers.get("AU-M1") is True and answers.get("AU-H1") is True
    return Answer("Class 2" if low else "Class 3", "Minimally manipulated and homologous: Class 2." if low else
                  "More than minimally manipulated or non-homologous: Class 3.",
                  ("cells_or_tissues.manipulations", "cells_or_tissues.same_essential_function"))


@rule(
    "AU-F1",
    title="Faecal microbiota transplant product class",
    question="Which class of biological is the faecal microbiota transplant product?",
    citation=f"{REGS}, Sch 16; {ACT}, s 32A(1)(b)",
    confidence="U",
    valid_from=BIOLOGICALS,
    reading="[U] The class rules for faecal microbiota transplant products were not read; Class 2 is shown "
    "as the likely class of minimally processed donor stool. Verify with the TGA before relying on it.",
)
def fmt_class(c: Inquiry) -> Answer:
    return Answer("Class 2", "Faecal microbiota transplant product: Class 2 (uncertain).", ("special_category",))


@rule(
    "AU-G1",
    title="Gene therapy prescription medicine",
    question="Is it a gene therapy without cells (a viral vector, plasmid, mRNA or gene editor), registered as a "
    "prescription medicine?",
    citation=f"{ACT}, s 3(1) ('medicine') and Part 3-2 (registration)",
    confidence="K",
    valid_from=BIOLOGICALS,
    reading="Non-cellular gene therapies are recombinant products, specified not to be biologicals, so they are "
    "registered as prescription medicines (e.g. onasemnogene abeparvovec).",
)
def gene_therapy_medicine(c: Inquiry) -> Answer:
    not_gene_therapy = "Not a gene therapy (a synthetic oligonucleotide or a natural organism)."
    return gene_therapy_by_sequence(
        c, ("nucleic_acid.origin", "nucleic_acid.vehicle", "nucleic_acid.effect_from_sequence",
            "nucleic_acid.genome_editing"),
        edits="A genome editor: a gene therapy medicine.", natural=not_gene_therapy, synthetic=not_gene_therapy,
        yes="It acts through the delivered sequence: a gene therapy medicine.",
        no="The nucleic acid is not what acts.",
        unknown="Whether the effect comes from the delivered sequence is not known.")


@rule(
    "AU-D1",
    title="Medical device",
    question="Is the product a medical device: non-viable tissue or a device part that achieves the principal "
    "intended action?",
    citation=f"{ACT}, s 41BD ('medical device'); Therapeutic Goods (Medical Devices) Regulations 2002 (Cth)",
    confidence="K",
)
def device(c: Inquiry) -> Answer:
    paths = ("device.present", "device.integral", "cells_or_tissues.viability", "device.cells_primary_action",
             "cells_or_tissues.mode_of_action")
    if c.fact("cells_or_tissues.source") == CellSource.xenogeneic:
        structural = c.fact("device.present") is True or \
            c.fact("cells_or_tissues.mode_of_action") == ModeOfAction.physical_structural
        return Answer(structural, "Non-viable animal tissue acting physically: a medical device." if structural
                      else "Non-viable animal material that does not act physically: not a device.", paths)
    return device_achieves_principal_action(
        c, paths, viable="Viable human cells with a device: regulated as a biological.",
        device_acts="The device part achieves the principal action: a medical device.",
        cells_act="The cells' action is primary: a biological.")


@rule(
    "AU-G2",
    title="Other medicine",
    question="Is it a medicine that is not a biological and not a gene therapy (a vaccine, a recombinant protein, "
    "a synthetic oligonucleotide or a chemical)?",
    citation=f"{ACT}, s 3(1) ('medicine') and Part 3-2 (registration)",
    confidence="K",
)
def other_medicine(c: Inquiry) -> Answer:
    if judged(c, "vaccine_against_infectious_disease"):
        return Answer(True, "A vaccine: a prescription medicine.", ("vaccine_against_infectious_disease",))
    if c.fact("biological_active_substance") or c.fact("nucleic_acid.present"):
        return Answer(True, "A biological or nucleic-acid medicine: a prescription medicine.",
                      ("biological_active_substance", "nucleic_acid.origin"))
    return Answer("medicine", "A medicine that is not a biological (its scheduling decides prescription status).",
                  ("biological_active_substance",))


AU.add(Rule("AU-C1", "Class 1 biological", "Is the biological one of the very-low-risk items listed for Class 1?",
            f"{REGS}, Sch 16", "U", None, valid_from=BIOLOGICALS,
            reading="[U] The Class 1 list was not read and is not encoded."))
AU.add(Rule("AU-P1", "ARTG inclusion of a biological", "Is the biological included in the ARTG after evaluation?",
            f"{ACT}, Part 3-2A", "K", None, valid_from=BIOLOGICALS))
AU.add(Rule("AU-P2", "Decision procedure (Australia)", "In which order are the Australian questions asked?",
            f"{ACT}, ss 7AA and 32A; {REGS}, Sch 16; TGA guidance on autologous HCT products (order of questions)",
            "K", None, valid_from=BIOLOGICALS))


def _class(c: Inquiry) -> Decision:
    if c.ask("AU-C4"):
        return Decision(CLASS_4, "artg_biological")
    if c.ask("AU-M1"):
        c.ask("AU-H1")
    found = c.ask("AU-C2")
    return Decision(CLASS_2 if found == "Class 2" else CLASS_3, "artg_biological")


def _autologous_tiers(c: Inquiry) -> Decision | None:
    if not in_force(c, "AU-X1"):
        c.notes.append("Until 30 June 2018 autologous cells used in medical practice could be excluded under item "
                       "4(q) of the Excluded Goods Order No. 1 of 2011; that exclusion is not encoded, so check it "
                       "for this date.")
    elif c.ask("AU-X1"):
        return Decision("excluded (autologous)", "excluded_goods")
    if in_force(c, "AU-X2") and c.ask("AU-X2"):
        return Decision("exempt (autologous)", "exempt_goods")
    return None


def _decide(c: Inquiry) -> Decision:
    if not c.ask("AU-S1"):
        return Decision(OTHER, "starting_material" if c.fact("product_role") == ProductRole.starting_material
                        else "not_for_human_administration")
    special = c.fact("special_category")
    excluded_kinds = {SpecialCategory.organ_for_transplant, SpecialCategory.reproductive_cells_embryos}
    if special in excluded_kinds and in_force(c, "AU-X3"):
        c.ask("AU-X3")
        return Decision(OTHER, "excluded_goods")
    if special == SpecialCategory.intestinal_microbiota:
        c.ask("AU-B1")
        c.ask("AU-F1")
        return Decision(CLASS_2, "artg_biological")
    nucleic = c.facts.nucleic_acid
    with_nucleic_acid = nucleic_acid_present(c)
    if not has_cells(c):
        if judged(c, "vaccine_against_infectious_disease"):
            c.ask("AU-B2")
            c.ask("AU-G2")
            return Decision(MEDICINE, "artg_prescription_medicine")
        if with_nucleic_acid and c.ask("AU-G1"):
            c.ask("AU-B2")
            return Decision(MEDICINE, "artg_prescription_medicine", advanced=True)
        if nucleic is None and c.fact("biological_active_substance") is None:
            c.need("biological_active_substance")
        found = c.ask("AU-G2")
        return Decision(MEDICINE if found is True else OTHER, "artg_prescription_medicine" if found is True
                        else "medicine")
    if c.fact("cells_or_tissues.present") is None:
        c.need("cells_or_tissues.present")
    if not c.ask("AU-B1"):
        if c.ask("AU-D1"):
            return Decision("medical device", "artg_medical_device")
        return Decision(OTHER, "other")
    autologous = c.fact("cells_or_tissues.source") == CellSource.autologous
    if autologous:
        tier = _autologous_tiers(c)
        if tier:
            return tier
    if c.fact("cells_or_tissues.manipulations") is None:
        c.need("cells_or_tissues.manipulations")
    if _haematopoietic(c) and _fresh(c) and in_force(c, "AU-X3"):
        c.ask("AU-X3")
        return Decision(OTHER, "excluded_goods")
    if c.ask("AU-B2"):
        return Decision(OTHER, "blood_components" if c.fact("cells_or_tissues.blood_component") else "hpc")
    if c.fact("cells_or_tissues.form") is None:
        c.need("cells_or_tissues.form")
    if c.fact("cells_or_tissues.form") == CellForm.intact_cells and c.ask("AU-D1"):
        return Decision("medical device", "artg_medical_device")
    return _class(c)


AU.procedure = stating_uncertain(_decide)
