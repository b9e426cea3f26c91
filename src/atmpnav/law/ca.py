"""Canada (Health Canada): the CTO Regulations (SOR/2007-118) or a drug under the Food and Drugs Act.

Decision order (domain-part2.md §B.4): human cells, tissues or organs? → an exclusion of s. 3(1)? →
minimally manipulated, homologous and allogeneic → CTO Regulations; otherwise a (Schedule D) biologic
drug or a medical device, with the ATP pathway (Schedule G) where the product is listed.
Outcomes (contract-part2.md §1): `biologic drug (Schedule D)`, `CTO regulations`, `drug`,
`medical device`, `other`. ``advanced`` marks a cell, tissue or gene therapy biologic drug; vaccines,
recombinant proteins and fecal microbiota are Schedule D drugs too but not advanced therapies.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from atmpnav.facts import (
    CellForm,
    CellSource,
    NucleicAcidOrigin,
    ProductRole,
    SpecialCategory,
    TissueOrigin,
)
from atmpnav.law.base import Answer, Decision, Inquiry, Rule, RuleSet
from atmpnav.law.judgements import judged
from atmpnav.law.processing import (
    homologous_use,
    in_force,
    minimal_manipulation,
    same_function,
    stating_uncertain,
)
from atmpnav.law.shared_tests import (
    device_achieves_principal_action,
    finished_product_for_people,
    gene_therapy_by_sequence,
    has_cells,
    nucleic_acid_present,
)

CTO_IN_FORCE = date(2007, 12, 7)  # registered 2007-06-07, in force six months later (s. 79(1))
S3_REPEAL_J = date(2020, 2, 4)  # s. 3(1)(j) repealed by SOR/2019-192, s. 92
S3_READ_END = date(2024, 11, 26)  # last day of the s. 3 version that was read
S3_AMENDED = date(2024, 11, 27)
ATP_FRAMEWORK = date(2019, 6, 21)  # Budget Implementation Act, 2019, No. 1 (royal assent) added ss. 21.9-21.96 [K]

FDA = "Food and Drugs Act, R.S.C. 1985, c. F-27"
FDR = "Food and Drug Regulations, C.R.C., c. 870"
CTO = "Safety of Human Cells, Tissues and Organs for Transplantation Regulations (SOR/2007-118)"
MDR = "Medical Devices Regulations (SOR/98-282)"

BIOLOGIC = "biologic drug (Schedule D)"

CA = RuleSet(
    jurisdiction="CA",
    name="Canada",
    version="ca-2026.12",
    advanced_outcomes=frozenset({BIOLOGIC}),
    outcomes=(BIOLOGIC, "CTO regulations", "drug", "medical device", "other", "undetermined"),
    subsidiary_rules=frozenset({"CA-A1"}),
    sources=(
        f"{CTO}: s. 2 and s. 3 (Justice Laws, version of s. 3 from 2020-02-04 to 2024-11-26)",
        f"{FDA}: s. 2, Schedule D, ss. 21.9-21.96 (advanced therapeutic products, Schedule G)",
        f"{FDR}: Part C, Divisions 4, 5 and 8",
        "Health Canada: Guidance Document for Cell, Tissue and Organ Establishments (2013, updated 2018); "
        "Advanced therapeutic products framework pages; cell therapy policy position paper (autologous products)",
        "AABB international competent authorities page (Canada); Cytotherapy 2019 review (PubMed 31196821)",
    ),
    sources_as_of="Statutory texts as read in the Justice Laws consolidation current to 2024-10-30; the "
    "amendment of s. 3 in force from 2024-11-27 and the s. 1 definitions were not read; Schedule G listings as "
    "of 2026 are not known (our research of mid-2026).",
)
rule = CA.define


@rule(
    "CA-S1",
    title="A drug or device for use in humans",
    question="Is the product itself administered to, or used in, people (rather than a reagent or a starting "
    "material used to make another product)?",
    citation=f"{FDA}, s. 2 ('drug', 'device')",
    confidence="K",
)
def for_humans(c: Inquiry) -> Answer:
    return finished_product_for_people(
        c, starting_material="A starting material is controlled as part of the finished product's drug submission, "
        "not classified on its own.",
        outside_body="Used only outside the body: not itself a drug administered to people.",
        yes="A product for use in people.")


@rule(
    "CA-X1",
    title="Assisted human reproduction",
    question="Are the cells or tissues sperm, ova or embryos regulated under the Assisted Human Reproduction Act?",
    citation=f"{CTO}, s. 3(1)(i); Assisted Human Reproduction Act, S.C. 2004, c. 2",
    confidence="V",
    valid_from=CTO_IN_FORCE,
)
def reproduction(c: Inquiry) -> Answer:
    return Answer(True, "Reproductive cells and embryos are outside the CTO Regulations and are regulated under "
                  "the Assisted Human Reproduction Act and its regulations.", ("special_category",))


@rule(
    "CA-B1",
    title="Schedule D biologic that is not a cell, tissue or gene therapy",
    question="Is it a vaccine, a recombinant protein, a fecal microbiota product or another biologic listed in "
    "Schedule D?",
    citation=f"{FDA}, Schedule D; {FDR}, Part C, Division 4",
    confidence="K",
    reading="Vaccines (immunizing agents), products of recombinant DNA procedures and drugs prepared from "
    "micro-organisms are Schedule D biologics; Health Canada regulates fecal microbiota therapy as a biologic "
    "drug. None of these is an advanced (cell, tissue or gene) therapy.",
)
def other_biologic(c: Inquiry) -> Answer:
    if c.fact("special_category") == SpecialCategory.intestinal_microbiota:
        return Answer(True, "Fecal microbiota therapy: a biologic drug.", ("special_category",))
    if judged(c, "vaccine_against_infectious_disease"):
        return Answer(True, "A vaccine against an infectious disease: an immunizing agent in Schedule D.",
                      ("vaccine_against_infectious_disease",))
    form = c.fact("cells_or_tissues.form")
    if form in {CellForm.extracellular_vesicles, CellForm.secretome, CellForm.lysate}:
        return Answer(True, f"Cell-derived material ({form.value.replace('_', ' ')}), not cells for "
                      "transplantation: a biologic drug.", ("cells_or_tissues.form",))
    return Answer(True, "A biological active substance (e.g. a recombinant protein): a Schedule D biologic.",
                  ("biological_active_substance",))


@rule(
    "CA-G1",
    title="Gene therapy: a biologic drug",
    question="Does the product deliver recombinant nucleic acid (a vector, plasmid, mRNA or genetically modified "
    "cells) that acts through its sequence, or edit the genome?",
    citation=f"{FDA}, s. 2 ('drug') and Schedule D; {FDR}, Part C, Division 4",
    confidence="K",
    reading="Health Canada regulates gene therapies, including ex vivo genetically modified cells, as biologic "
    "(Schedule D) drugs: our reading of Health Canada's practice, not a provision.",
)
def gene_therapy(c: Inquiry) -> Answer:
    return gene_therapy_by_sequence(
        c, ("nucleic_acid.origin", "nucleic_acid.vehicle", "nucleic_acid.genome_editing",
            "nucleic_acid.effect_from_sequence"),
        edits="It edits the genome: a gene therapy.",
        natural="A wild-type or attenuated organism's own genome: a biologic prepared from micro-organisms, not a "
        "gene therapy.",
        synthetic="A chemically synthesised oligonucleotide: a pharmaceutical drug.",
        yes="The delivered nucleic acid acts through its sequence: a gene therapy.",
        no="The nucleic acid is not what acts (e.g. only a marker or safety switch).",
        unknown="Whether the effect comes from the delivered sequence is not known.")


@rule(
    "CA-D0",
    title="Pharmaceutical drug",
    question="Is it a drug that is not a biologic (e.g. a chemically synthesised oligonucleotide or small "
    "molecule)?",
    citation=f"{FDA}, s. 2 ('drug'); {FDR}, Part C, Division 8",
    confidence="K",
)
def pharmaceutical(c: Inquiry) -> Answer:
    return Answer(True, "A drug that is not a biologic: a pharmaceutical new drug.",
                  ("nucleic_acid.origin", "biological_active_substance"))


@rule(
    "CA-C1",
    title="Human cells, tissues or organs for transplantation",
    question="Does the product consist of living human cells, tissues or an organ to be transplanted "
    "(implanted, grafted or infused)?",
    citation=f"{CTO}, s. 1 ('cell', 'transplant') and s. 2",
    confidence="K",
    valid_from=CTO_IN_FORCE,
)
def human_cells(c: Inquiry) -> Answer:
    paths = ("cells_or_tissues.source", "cells_or_tissues.form")
    source = c.fact("cells_or_tissues.source")
    if source is None:
        return Answer(None, "Whose cells they are is not known.", paths, missing=("cells_or_tissues.source",))
    if source == CellSource.xenogeneic:
        return Answer(False, "Animal cells or tissues are not human cells, tissues or organs: a xenotransplantation "
                      "product is regulated as a biologic drug.", paths)
    form = c.fact("cells_or_tissues.form")
    if form is None:
        return Answer(None, "The form of the cellular material is not known.", paths,
                      missing=("cells_or_tissues.form",))
    if form != CellForm.intact_cells:
        return Answer(False, "Material derived from cells, not cells or tissues for transplantation.", paths)
    return Answer(True, "Human cells or tissues for transplantation.", paths)


def _exclusions(c: Inquiry) -> Answer:
    """s. 3(1): the products the CTO Regulations do not apply to (the decisive ones for this product)."""
    paths = ["special_category", "cells_or_tissues.blood_component", "cells_or_tissues.tissue_origin",
             "cells_or_tissues.systemic_metabolic_ca", "cells_or_tissues.systemic_effect"]
    origin = c.fact("cells_or_tissues.tissue_origin")
    blood = c.fact("cells_or_tissues.blood_component")
    if blood is None:
        return Answer(None, "Whether it is blood or a blood component is not known.", tuple(paths),
                      missing=("cells_or_tissues.blood_component",))
    if blood:
        return Answer("(h) blood", "Blood components, blood products and whole blood are outside the Regulations "
                      "(except cord and peripheral blood for lymphohematopoietic cell transplantation).", tuple(paths))
    if origin in {TissueOrigin.heart_valve, TissueOrigin.dura_mater}:
        return Answer("(c) heart valve or dura mater", "Heart valves and dura mater are outside the Regulations.",
                      tuple(paths))
    haematopoietic = origin in {TissueOrigin.bone_marrow, TissueOrigin.peripheral_blood, TissueOrigin.cord_blood} \
        and same_function(c) is True
    if origin == TissueOrigin.pancreatic_islets or haematopoietic:
        return Answer("none", "Islet cells and lymphohematopoietic cells from marrow, peripheral or cord blood stay "
                      "within the Regulations despite their systemic, metabolic action.", tuple(paths))
    systemic = c.fact("cells_or_tissues.systemic_metabolic_ca")
    if systemic is None and c.fact("cells_or_tissues.systemic_effect") is False:
        systemic = False  # neither a systemic effect nor metabolic dependence, so not both
    if systemic is None:
        return Answer(None, "Whether the cells have a systemic effect and depend on their metabolic activity is not "
                      "known.", tuple(paths), missing=("cells_or_tissues.systemic_metabolic_ca",))
    if systemic:
        return Answer("(d) systemic, metabolic", "Cells or tissues with a systemic effect that depend on their "
                      "metabolic activity for their primary function are outside the Regulations.", tuple(paths))
    return Answer("none", "None of s. 3(1)(c), (d) or (h) applies.", tuple(paths))


_S3: dict[str, Any] = dict(title="Products the CTO Regulations do not apply to",
           question="Is it one of the products listed in s. 3(1): blood (h), heart valves or dura mater (c), or cells "
           "with a systemic effect that depend on their metabolic activity (d)?")
CA.add(Rule("CA-C2", citation=f"{CTO}, s. 3(1) (text before 2020-02-04)", confidence="U", test=_exclusions,
            valid_from=CTO_IN_FORCE, valid_to=S3_REPEAL_J.replace(day=3),
            reading="[U] Before 2020-02-04 s. 3(1) also had a paragraph (j), repealed by SOR/2019-192 (the Safety "
            "of Sperm and Ova Regulations); its text was not read. Paragraphs (a)-(i) are taken as in the 2020 text.",
            **_S3))
CA.add(Rule("CA-C2", citation=f"{CTO}, s. 3(1)", confidence="V", test=_exclusions, valid_from=S3_REPEAL_J,
            valid_to=S3_READ_END, **_S3))
CA.add(Rule("CA-C2", citation=f"{CTO}, s. 3(1) (as amended with effect from 2024-11-27)", confidence="U",
            test=_exclusions, valid_from=S3_AMENDED,
            reading="[U] s. 3 was amended with effect from 2024-11-27 and the amended text was not read; "
            "paragraphs (a)-(i) of the 2020-2024 version are applied unchanged.", **_S3))


@rule(
    "CA-C3",
    title="Transplant into another person (autologous use excluded)",
    question="Are the cells, tissues or organs transplanted into a person other than the donor?",
    citation=f"{CTO}, s. 3(1)(b)",
    confidence="V",
    valid_from=CTO_IN_FORCE,
)
def allogeneic(c: Inquiry) -> Answer:
    given = c.fact("cells_or_tissues.transplant_into_another_person")
    if given is not None:
        return Answer(given, "As stated." if given else "As stated: autologous use.",
                      ("cells_or_tissues.transplant_into_another_person",))
    source = c.fact("cells_or_tissues.source")
    if source == CellSource.allogeneic:
        return Answer(True, "A donor's cells for another person (allogeneic).",
                      ("cells_or_tissues.source", "cells_or_tissues.transplant_into_another_person"))
    if source == CellSource.autologous:
        return Answer(False, "The patient's own cells: autologous use is outside the Regulations.",
                      ("cells_or_tissues.source", "cells_or_tissues.transplant_into_another_person"))
    return Answer(None, "With cells of both the patient and a donor, whether the CTO Regulations' allogeneic "
                  "transplantation applies is not known.", ("cells_or_tissues.source",),
                  missing=("cells_or_tissues.transplant_into_another_person",))


@rule(
    "CA-C4",
    title="Minimally manipulated",
    question="Are the cells or tissues only minimally manipulated?",
    citation=f"{CTO}, s. 2 and s. 1 ('minimally manipulated')",
    confidence="U",
    valid_from=CTO_IN_FORCE,
    reading="[U] The Regulations apply only to organs and minimally manipulated cells and tissues (s. 2, read); "
    "the s. 1 definition was not read, so minimal manipulation is derived from the processing steps (culture, "
    "activation, differentiation, genetic modification: more than minimal) unless stated.",
)
def minimal(c: Inquiry) -> Answer:
    return minimal_manipulation(c, "cells_or_tissues.minimally_manipulated_ca")


@rule(
    "CA-C5",
    title="Homologous use",
    question="Do the cells or tissues perform the same basic function in the recipient as in the donor?",
    citation=f"{CTO}, s. 3(1)(a) and s. 1 ('homologous')",
    confidence="U",
    valid_from=CTO_IN_FORCE,
    reading="[U] Non-homologous use is outside the Regulations (s. 3(1)(a), read); the s. 1 definition of "
    "homologous was not read, so the EU-style 'same essential function' answer is used unless stated.",
)
def homologous(c: Inquiry) -> Answer:
    return homologous_use(c, "cells_or_tissues.homologous_use_ca")


@rule(
    "CA-C6",
    title="CTO Regulations apply",
    question="Is it an organ, or minimally manipulated cells or tissues for homologous, allogeneic "
    "transplantation, with no exclusion of s. 3(1)?",
    citation=f"{CTO}, s. 2 and s. 3(2)",
    confidence="V",
    valid_from=CTO_IN_FORCE,
)
def cto_applies(c: Inquiry) -> Answer:
    return Answer(True, "The CTO Regulations apply (standards-based registration of the source establishment); "
                  "no other regulation under the Food and Drugs Act applies to them (s. 3(2)).")


@rule(
    "CA-C7",
    title="Minimally manipulated autologous cells for homologous use",
    question="Are the patient's own cells minimally manipulated and used for their original function?",
    citation="Health Canada, policy position paper on autologous cell therapy products (cell therapy policy); "
    f"{CTO}, s. 3(1)(b)",
    confidence="U",
    valid_from=CTO_IN_FORCE,
    reading="[U] Autologous products are outside the CTO Regulations (s. 3(1)(b)) and processed autologous cells "
    "are drugs; whether minimally manipulated autologous cells for homologous use are drugs or left to the "
    "practice of medicine depends on Health Canada's policy paper, whose text was not read. Outcome 'other' "
    "until Health Canada confirms.",
)
def autologous_minimal(c: Inquiry) -> Answer:
    return Answer(True, "Autologous, minimally manipulated and homologous: outside the CTO Regulations and not "
                  "established here as a drug.")


@rule(
    "CA-M1",
    title="Medical device rather than a drug",
    question="Does a device part (scaffold, matrix, implant) achieve the principal intended action, the cells or "
    "tissues being non-viable and ancillary?",
    citation=f"{MDR}, s. 1 ('medical device'); {CTO}, s. 3(1)(e) and (g); Health Canada, Policy on Drug/Medical "
    "Device Combination Products",
    confidence="K",
    reading="A device with viable cells is read as a drug-led combination product (the cells act "
    "pharmacologically, immunologically or metabolically); heart valves and dura mater are Class IV devices.",
)
def device_led(c: Inquiry) -> Answer:
    if c.fact("cells_or_tissues.tissue_origin") in {TissueOrigin.heart_valve, TissueOrigin.dura_mater}:
        return Answer(True, "Heart valves and dura mater are regulated as medical devices.",
                      ("cells_or_tissues.tissue_origin",))
    return device_achieves_principal_action(
        c, ("device.present", "device.integral", "cells_or_tissues.viability", "device.cells_primary_action"),
        viable="Viable cells with a device: a drug-led combination product.",
        device_acts="The device achieves the principal action: a medical device.",
        cells_act="The non-viable cells' action is primary: a drug.")


@rule(
    "CA-A1",
    title="Advanced therapeutic product (Schedule G)",
    question="Is the product, or its class, listed in Schedule G, so that an ATP licence or an order of permission "
    "can replace the usual drug pathway?",
    citation=f"{FDA}, ss. 21.9-21.96 and Schedule G",
    confidence="U",
    valid_from=ATP_FRAMEWORK,
    reading="[U] Which products or classes were listed in Schedule G by 2026 is not known; until listed, the "
    "ordinary CTA / NDS pathway applies. Check the current Schedule G before planning the route.",
)
def atp(c: Inquiry) -> Answer:
    return Answer("check Schedule G", "A cell, tissue or gene therapy may be listed in Schedule G by ministerial "
                  "order; the listing is not known to this rule set.")


CA.add(Rule("CA-P1", "Clinical trial application", "Is a clinical trial of the drug authorised?",
            f"{FDR}, Part C, Division 5 (C.05.005)", "K", None))
CA.add(Rule("CA-P2", "New drug submission and notice of compliance", "Is the drug authorised for sale?",
            f"{FDR}, Part C, Division 8 (C.08.002, C.08.004)", "K", None))
CA.add(Rule("CA-P3", "Notice of compliance with conditions", "Can the drug be authorised on promising evidence, "
            "with conditions?", "Health Canada, Guidance Document: Notice of Compliance with Conditions (NOC/c); "
            f"{FDR}, C.08.004", "K", None))
CA.add(Rule("CA-P4", "Lot release of biologic drugs", "Are lots released under Health Canada's lot release "
            "programme?", f"{FDR}, Part C, Division 4", "K", None))
CA.add(Rule("CA-P5", "Decision procedure (Canada)", "In which order are the Canadian questions asked?",
            f"{CTO}, ss. 2-3; {FDA}, s. 2 and Schedule D (the order of the questions)", "K", None))


def _biologic(c: Inquiry, advanced: bool = True) -> Decision:
    if advanced and in_force(c, "CA-A1"):
        c.ask("CA-A1")
    return Decision(BIOLOGIC, "schedule_d_biologic", advanced=advanced)


def _decide(c: Inquiry) -> Decision:
    if not c.ask("CA-S1"):
        return Decision("other", "starting_material" if c.fact("product_role") == ProductRole.starting_material
                        else "not_for_human_administration")
    special = c.fact("special_category")
    if special == SpecialCategory.reproductive_cells_embryos:
        c.ask("CA-X1")
        return Decision("other", "assisted_human_reproduction")
    if special == SpecialCategory.intestinal_microbiota or judged(c, "vaccine_against_infectious_disease"):
        c.ask("CA-B1")
        return _biologic(c, advanced=False)
    if special == SpecialCategory.organ_for_transplant:
        if c.ask("CA-C3"):
            c.ask("CA-C6")
            return Decision("CTO regulations", "cto_registration")
        return _biologic(c)
    if nucleic_acid_present(c):
        if c.ask("CA-G1"):
            return _biologic(c)
        if c.fact("nucleic_acid.origin") == NucleicAcidOrigin.synthetic and not has_cells(c):
            c.ask("CA-D0")
            return Decision("drug", "new_drug_submission")
    cells = c.facts.cells_or_tissues
    if cells is None or cells.present is False:
        if c.fact("nucleic_acid.origin") == NucleicAcidOrigin.natural or c.fact("biological_active_substance"):
            c.ask("CA-B1")
            return _biologic(c, advanced=False)
        if c.fact("biological_active_substance") is None:
            c.need("biological_active_substance")
        c.ask("CA-D0")
        return Decision("drug", "new_drug_submission")
    if cells.present is None:
        c.need("cells_or_tissues.present")
    if c.fact("cells_or_tissues.blood_component") or c.fact("cells_or_tissues.tissue_origin") in {
        TissueOrigin.heart_valve, TissueOrigin.dura_mater
    }:
        if c.ask("CA-C2") == "(h) blood":
            return Decision("other", "blood_regulations")
        c.ask("CA-M1")
        return Decision("medical device", "medical_device_licence")
    if not c.ask("CA-C1"):
        if c.fact("cells_or_tissues.source") == CellSource.xenogeneic:
            if c.ask("CA-M1"):
                return Decision("medical device", "medical_device_licence")
            return _biologic(c)
        c.ask("CA-B1")
        return _biologic(c, advanced=False)
    if c.ask("CA-M1"):
        return Decision("medical device", "medical_device_licence")
    if not c.ask("CA-C4"):
        return _biologic(c)
    is_homologous = c.ask("CA-C5")
    if not c.ask("CA-C3"):
        if is_homologous:
            c.ask("CA-C7")
            return Decision("other", "autologous_policy")
        return _biologic(c)
    if not is_homologous or c.ask("CA-C2") != "none":
        return _biologic(c)
    c.ask("CA-C6")
    c.pathway_notes.append("cto_clinical_trial_exclusion")
    return Decision("CTO regulations", "cto_registration")


CA.procedure = stating_uncertain(_decide)

