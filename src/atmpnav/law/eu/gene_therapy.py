"""Gene therapy medicinal products: Directive 2001/83/EC, Annex I, Part IV, 2.1."""

from __future__ import annotations

from atmpnav.facts import (
    DiseaseTarget,
    GenomeEditing,
    NucleicAcidOrigin,
    TransgeneRole,
    Vehicle,
)
from atmpnav.law.base import Answer, Derivation, Inquiry
from atmpnav.law.eu.common import (
    DIR,
    PART_IV_2009,
    _yes_no,
    rule,
)

# --- Gene therapy ------------------------------------------------------------


@rule(
    "EU-G1",
    title="Biological medicinal product",
    question="Is it a biological medicinal product?",
    citation=f"{DIR}, 2.1, first paragraph",
    confidence="V",
    valid_from=PART_IV_2009,
)
def biological(c: Inquiry) -> Answer:
    return Answer(True, "A recombinant nucleic acid is produced by biological processes, so the product is "
                  "biological.", ("nucleic_acid.origin",))


@rule(
    "EU-G2",
    title="Recombinant nucleic acid",
    question="Does the active substance contain or consist of a recombinant nucleic acid?",
    citation=f"{DIR}, 2.1(a)",
    confidence="V",
    valid_from=PART_IV_2009,
    ambiguities=("A5",),
)
def recombinant(c: Inquiry) -> Answer:
    if c.fact("nucleic_acid.present") is not True:
        return Answer(False, "The product contains no nucleic acid.", ("nucleic_acid.present",))
    origin = c.fact("nucleic_acid.origin")
    paths = ("nucleic_acid.origin",)
    if origin == NucleicAcidOrigin.recombinant:
        return Answer(True, "The nucleic acid is recombinant (vector, plasmid, modified cells or organisms, or "
                      "mRNA transcribed from a DNA template).", paths)
    if origin == NucleicAcidOrigin.synthetic:
        return Answer(False, "The nucleic acid is wholly chemically synthesised, not recombinant.", paths)
    if origin == NucleicAcidOrigin.natural:
        return Answer(False, "The nucleic acid is that of a wild-type or attenuated organism, not recombinant.",
                      paths)
    return Answer(None, "How the nucleic acid is made is not known.", paths, missing=paths, ambiguities=("A5",))


@rule(
    "EU-G3",
    title="Acts on a genetic sequence",
    question="Is the nucleic acid used to regulate, repair, replace, add or delete a genetic sequence?",
    citation=f"{DIR}, 2.1(a)",
    confidence="V",
    valid_from=PART_IV_2009,
    ambiguities=("A13",),
)
def acts_on_sequence(c: Inquiry) -> Answer:
    value = c.fact("nucleic_acid.acts_on_genetic_sequence")
    path = "nucleic_acid.acts_on_genetic_sequence"
    if value is None:
        role = c.fact("nucleic_acid.transgene_role")
        editing = c.fact("nucleic_acid.genome_editing")
        if role is not None:
            return Answer(True, f"It adds a transgene ({role.value.replace('_', ' ')}): a sequence is added.",
                          ("nucleic_acid.transgene_role",))
        if editing in {GenomeEditing.nucleic_acid_encoded, GenomeEditing.protein_only}:
            return Answer(True, "It edits the genome: a sequence is repaired, replaced or deleted.",
                          ("nucleic_acid.genome_editing",))
    return _yes_no(value, path, "It regulates, repairs, replaces, adds or deletes a genetic sequence.",
                   "It is not used to act on a genetic sequence.",
                   "Whether the nucleic acid acts on a genetic sequence is not known.")


@rule(
    "EU-G4",
    title="Effect relates directly to the sequence",
    question="Does the therapeutic, prophylactic or diagnostic effect relate directly to the recombinant "
    "sequence or the product of its expression?",
    citation=f"{DIR}, 2.1(b)",
    confidence="V",
    valid_from=PART_IV_2009,
    ambiguities=("A4",),
)
def effect_from_sequence(c: Inquiry) -> Answer:
    answer = c.judge("nucleic_acid.effect_from_sequence", derive_effect_from_sequence(c))
    if answer.value is None:
        return Answer(None, answer.because, answer.facts, missing=answer.missing, ambiguities=("A4",))
    return answer


_ENGINEERED_ORGANISMS = {Vehicle.oncolytic_virus, Vehicle.modified_microorganism}


def derive_effect_from_sequence(c: Inquiry) -> Derivation:
    """EU-G4 from what the construct is and does; the limb looks at the recombinant sequence as a whole."""
    role = c.fact("nucleic_acid.transgene_role")
    vehicle = c.fact("nucleic_acid.vehicle")
    editing = c.fact("nucleic_acid.genome_editing")
    facts = ("nucleic_acid.transgene_role", "nucleic_acid.vehicle", "nucleic_acid.genome_editing")
    if vehicle in _ENGINEERED_ORGANISMS and c.fact("nucleic_acid.origin") == NucleicAcidOrigin.recombinant:
        return Derivation(True, f"a genetically modified {vehicle.value.replace('_', ' ')} acts through its engineered "
                          "genome (its deletions and insertions make it replicate in or act on its target), whatever "
                          "role an inserted gene plays", facts,
                          support="CAT classifications of GM oncolytic viruses as GTMPs, e.g. delolimogene "
                          "mupadenorepvec (CAT monthly report, 132nd meeting)")
    if editing == GenomeEditing.nucleic_acid_encoded:
        return Derivation(True, "the effect comes from the edited sequence", facts)
    if role == TransgeneRole.therapeutic:
        return Derivation(True, "the transgene is therapeutic: the effect comes from it or its product", facts)
    if role in {TransgeneRole.safety_switch, TransgeneRole.marker}:
        return Derivation(False, f"the transgene is only a {role.value.replace('_', ' ')}; the effect comes from the "
                          "cells", facts, support="EPAR Zalmoxis (authorised as somatic cell therapy)")
    if role == TransgeneRole.manufacturing_tool:
        return Derivation(False, "the sequence is only a manufacturing tool (e.g. for immortalisation or selection); "
                          "the effect does not come from it", facts)
    return Derivation(None, "what the recombinant sequence does (therapeutic, marker, safety switch or tool) is not "
                      "known", facts, missing=("nucleic_acid.transgene_role",))


@rule(
    "EU-G5",
    title="Vaccine exclusion",
    question="Is it a vaccine against an infectious disease?",
    citation=f"{DIR}, 2.1, second paragraph",
    confidence="V",
    valid_from=PART_IV_2009,
    ambiguities=("A7",),
)
def vaccine(c: Inquiry) -> Answer:
    return c.judge("vaccine_against_infectious_disease", derive_vaccine(c))


def derive_vaccine(c: Inquiry) -> Derivation:
    """EU-G5 from the target and the mechanism: a vaccine works by an immune response against an antigen."""
    target = c.fact("disease_target")
    immune = c.fact("immune_response_to_antigen")
    facts = ("disease_target", "immune_response_to_antigen")
    if target in {DiseaseTarget.tumour, DiseaseTarget.host}:
        what = "a tumour" if target == DiseaseTarget.tumour else "the patient's own tissue or physiology"
        return Derivation(False, f"it acts against {what}, not an infectious agent", facts)
    if target == DiseaseTarget.infectious_agent:
        if immune is True:
            return Derivation(True, "it acts against an infectious agent by an immune response to an antigen it "
                              "encodes or carries", facts)
        if immune is False:
            return Derivation(False, "it acts against an infectious agent, but not by an immune response to an "
                              "antigen (e.g. a vectored antibody or siRNA)", facts)
        return Derivation(None, "it acts against an infectious agent; whether by an immune response to an antigen "
                          "is not known", facts, missing=("immune_response_to_antigen",))
    return Derivation(None, "what the product acts against (an infectious agent, a tumour or the patient's own "
                      "tissue) is not known", facts, missing=("disease_target",))


@rule(
    "EU-G6",
    title="In vitro transcribed mRNA counts as recombinant",
    question="Is the nucleic acid mRNA transcribed in vitro from a DNA template?",
    citation=f"{DIR}, 2.1(a); CAT practice (EMA classification summaries 2019; Guerriaud & Kohli, Front Med 2022)",
    confidence="K",
    valid_from=PART_IV_2009,
    ambiguities=("A5",),
    reading="[U] The exact wording of the 2019 EMA list entry on IVT mRNA was not seen.",
)
def ivt_mrna(c: Inquiry) -> Answer:
    return Answer(True, "IVT mRNA made from a recombinant DNA template is treated as a recombinant nucleic acid "
                  "(CAT practice).", ("nucleic_acid.vehicle", "nucleic_acid.origin"))


@rule(
    "EU-G7",
    title="Chemically synthesised oligonucleotides are not GTMPs",
    question="Is the nucleic acid wholly chemically synthesised?",
    citation=f"{DIR}, 2.1 ('biological', 'recombinant'); Guerriaud & Kohli, Front Med 2022",
    confidence="K",
    valid_from=PART_IV_2009,
)
def synthetic_oligo(c: Inquiry) -> Answer:
    return Answer(True, "A wholly synthetic nucleic acid is neither biological nor recombinant: no GTMP limb is "
                  "met. It is regulated as a (chemical) medicinal product.", ("nucleic_acid.origin",))


@rule(
    "EU-G8",
    title="Ancillary transgene",
    question="Does the recombinant sequence serve only an ancillary purpose (safety switch, marker, selection, "
    "manufacturing tool) while the effect comes from the cells?",
    citation=f"{DIR}, 2.1(b); EPAR Zalmoxis (authorised as somatic cell therapy)",
    confidence="V",
    valid_from=PART_IV_2009,
    ambiguities=("A4",),
)
def ancillary_transgene(c: Inquiry) -> Answer:
    role = c.fact("nucleic_acid.transgene_role")
    label = role.value.replace("_", " ") if role else "ancillary sequence"
    return Answer(True, f"The transgene is a {label}: GTMP limb (b) fails and the product is assessed as a cell "
                  "or tissue product.", ("nucleic_acid.transgene_role", "nucleic_acid.effect_from_sequence"))


@rule(
    "EU-G9",
    title="Scope of the vaccine exclusion",
    question="Does the vaccine exclusion reach this product (only vaccines against infectious diseases)?",
    citation="CAT Reflection paper EMA/CAT/600280/2010 Rev.1, §2.2.2 [U: section number]",
    confidence="K",
    valid_from=PART_IV_2009,
    ambiguities=("A7",),
    reading="[U] The exact test of RP §2.2.2 was not retrieved; a vaccine for an infectious disease that "
    "does not act by an immune response to an encoded pathogen antigen should be checked by hand (A7).",
)
def vaccine_scope(c: Inquiry) -> Answer:
    facts = ("vaccine_against_infectious_disease", "disease_target", "immune_response_to_antigen")
    target = c.fact("disease_target")
    if c.fact("vaccine_against_infectious_disease") or derive_vaccine(c).value:
        return Answer(True, "Vector, plasmid, mRNA and live vaccines against infectious diseases are within the "
                      "exclusion.", facts, ambiguities=("A7",))
    if target == DiseaseTarget.infectious_agent:
        return Answer("open", "It is for an infectious disease but does not act as a vaccine (no immune response to "
                      "an antigen): whether the exclusion reaches it is not settled (A7).", facts,
                      ambiguities=("A7",))
    if target == DiseaseTarget.tumour:
        return Answer(False, "A cancer 'vaccine' is not a vaccine against an infectious disease: it stays within "
                      "the GTMP definition.", facts)
    return Answer(False, "It is not directed against an infectious disease: the exclusion does not reach it.", facts)


@rule(
    "EU-G10",
    title="Non-recombinant organisms",
    question="Is the nucleic acid that of a wild-type or conventionally attenuated virus, bacterium or phage?",
    citation=f"{DIR}, 2.1(a) (no recombinant nucleic acid)",
    confidence="K",
    valid_from=PART_IV_2009,
)
def natural_organism(c: Inquiry) -> Answer:
    return Answer(True, "Wild-type or attenuated organisms contain no recombinant nucleic acid: not a GTMP.",
                  ("nucleic_acid.origin",))


@rule(
    "EU-G11",
    title="Genome editing",
    question="Does the product edit the genome, and is the editor delivered as nucleic acid?",
    citation=f"{DIR}, 2.1; EPAR Casgevy (ATMP assessed by CAT); Eur J Hum Genet 2020;28:979",
    confidence="K",
    valid_from=PART_IV_2009,
    ambiguities=("A6",),
    reading="Ex vivo edited cells follow the Casgevy precedent (GTMP, [K] for the subtype). Editors given in "
    "vivo only as protein/RNP with synthetic guides fall outside the literal definition: undetermined (A6).",
)
def genome_editing(c: Inquiry) -> Answer:
    editing = c.fact("nucleic_acid.genome_editing")
    paths = ("nucleic_acid.genome_editing", "nucleic_acid.vehicle", "nucleic_acid.origin")
    if c.fact("nucleic_acid.vehicle") == Vehicle.modified_cells:
        return Answer(True, "The cells were gene-edited ex vivo; CAT assessed such cells (Casgevy) as an ATMP "
                      "described as gene therapy, even where the editor was protein/RNP.", paths,
                      ambiguities=("A6",))
    origin = c.fact("nucleic_acid.origin")
    if editing == GenomeEditing.nucleic_acid_encoded and origin == NucleicAcidOrigin.recombinant:
        return Answer(True, "The editor is delivered as recombinant DNA or IVT mRNA: a recombinant nucleic acid that "
                      "edits a sequence.", paths)
    if editing == GenomeEditing.nucleic_acid_encoded and origin is None:
        return Answer(None, "The editor is encoded by a nucleic acid; whether that nucleic acid is recombinant or "
                      "chemically synthesised is not known.", paths, missing=("nucleic_acid.origin",),
                      ambiguities=("A5",))
    if editing == GenomeEditing.nucleic_acid_encoded:
        return Answer("open", "The editor is encoded by a chemically synthesised nucleic acid: not recombinant "
                      "(EU-G2, EU-G7), so outside the literal current definition, as for protein/RNP editors "
                      "(inside the pharma-package proposal, PROP-2).", paths, ambiguities=("A5", "A6"))
    return Answer("open", "The editor is given only as protein or RNP with a synthetic guide: outside the literal "
                  "'recombinant nucleic acid' wording of the current definition (inside the pharma-package "
                  "proposal, PROP-2).", paths, ambiguities=("A6",))


@rule(
    "EU-G12",
    title="Recombinant proteins are not GTMPs",
    question="Is the active substance a biological substance without nucleic acid or cells (e.g. a recombinant "
    "protein)?",
    citation=f"{DIR}, 2.1(a) (the nucleic acid must be in the active substance)",
    confidence="K",
    valid_from=PART_IV_2009,
)
def recombinant_protein(c: Inquiry) -> Answer:
    value = c.fact("biological_active_substance")
    return _yes_no(value, "biological_active_substance",
                   "A biological substance without nucleic acid or cells (e.g. a protein made in GM cells) is a "
                   "biological medicinal product, not an ATMP.",
                   "A chemical substance without nucleic acid or cells is not an ATMP.",
                   "Whether the active substance is biological is not known (this decides the regime).")
