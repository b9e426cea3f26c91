"""Plain-language question and one-line help for every fact (used by `ask`, the web form and `missing`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from atmpnav import facts as f


@dataclass(frozen=True)
class Question:
    fact: str
    text: str
    help: str
    kind: str  # "bool" | "enum" | "list"
    options: tuple[str, ...] = ()


def _opts(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(m.value for m in enum)


_Q: list[Question] = [
    Question("for_human_administration", "Will the product itself be given to patients?",
             "Answer no for reagents, feeder cells or devices used only outside the body.", "bool"),
    Question("product_role", "Is this the finished product, or only a starting material for another product?",
             "A vector or plasmid used only to make modified cells is a starting material.", "enum",
             _opts(f.ProductRole)),
    Question("special_category", "Is the product one of these special materials?",
             "Organs for transplantation, intestinal (faecal) microbiota, and gametes or embryos "
             "have their own laws; choose 'none' otherwise.", "enum", _opts(f.SpecialCategory)),
    Question("claimed_purpose", "What is the product presented or used for?",
             "treat_prevent_diagnose: acts on a disease through its cells' or genes' action; "
             "regenerate_repair_replace: rebuilds a human tissue; cosmetic; none: no medical claim.",
             "enum", _opts(f.ClaimedPurpose)),
    Question("vaccine_against_infectious_disease", "Is it a vaccine against an infectious disease?",
             "Derived from what the product acts against and how; answer only to override, with a justification. "
             "Cancer 'vaccines' do not count.", "bool"),
    Question("disease_target", "What does the product act against?",
             "infectious_agent: a virus, bacterium, fungus or parasite; tumour: a cancer; host: the patient's own "
             "tissue, gene or physiology (e.g. a missing enzyme, a damaged joint).", "enum", _opts(f.DiseaseTarget)),
    Question("immune_response_to_antigen", "Does it work by making the immune system respond to an antigen that "
             "the product encodes or carries?", "Yes for classic vaccines; no for a vector that makes an antibody "
             "or an siRNA itself.", "bool"),
    Question("also_treats_disease", "Besides repairing or replacing tissue, is it also presented to treat a "
             "disease through the cells' own action?", "e.g. cells for a diabetic foot ulcer presented both to "
             "regenerate skin and to treat the ulcer; decides whether Art 2(4) has to break a tie.", "bool"),
    Question("administration_route", "How does the product reach the body?",
             "external_surface: applied to skin, hair, nails, lips or teeth; injection, implantation, infusion, oral, "
             "inhalation, other.", "enum", _opts(f.AdministrationRoute)),
    Question("biological_active_substance", "Is the active substance biological (made by or taken from a living "
             "organism, e.g. a recombinant protein)?", "Answer no for chemically synthesised substances.", "bool"),
    Question("nucleic_acid.present", "Does the product contain DNA or RNA that it delivers (a vector, plasmid, "
             "mRNA, oligonucleotide or genetically modified cells or organisms)?",
             "Answer yes also for cells that were genetically modified or gene-edited before administration.", "bool"),
    Question("nucleic_acid.origin", "How was the nucleic acid made?",
             "recombinant: vectors, plasmids, modified cells or organisms, mRNA transcribed from a DNA template; "
             "synthetic: wholly chemical synthesis (most antisense oligonucleotides and siRNAs); "
             "natural: a wild-type or conventionally attenuated virus or bacterium.", "enum",
             _opts(f.NucleicAcidOrigin)),
    Question("nucleic_acid.vehicle", "What carries the nucleic acid?",
             "e.g. an AAV or lentiviral vector, an oncolytic virus, a plasmid, mRNA in lipid nanoparticles, "
             "modified cells.", "enum", _opts(f.Vehicle)),
    Question("nucleic_acid.acts_on_genetic_sequence", "Is the nucleic acid meant to regulate, repair, replace, "
             "add or delete a genetic sequence?", "A gene added to cells, an edited gene or a silenced gene: yes.",
             "bool"),
    Question("nucleic_acid.effect_from_sequence", "Does the treatment effect come directly from that sequence or "
             "the protein it makes?", "Derived from what the construct is and does; answer only to override, with a "
             "justification. No, if the gene is only a safety switch, marker or tool and the cells do the work.",
             "bool"),
    Question("nucleic_acid.transgene_role", "What is the added gene for?",
             "therapeutic, or only a safety_switch (suicide gene), a marker, or a manufacturing_tool "
             "(e.g. immortalisation).", "enum", _opts(f.TransgeneRole)),
    Question("nucleic_acid.genome_editing", "Is the patient's or the cells' genome edited, and how is the editor "
             "delivered?", "nucleic_acid_encoded: the editor is delivered as DNA or mRNA; protein_only: "
             "as protein or ribonucleoprotein with a synthetic guide.", "enum", _opts(f.GenomeEditing)),
    Question("cells_or_tissues.present", "Does the product contain human or animal cells or tissues, or material "
             "derived from them?", "Include cell-derived vesicles, lysates and conditioned media.", "bool"),
    Question("cells_or_tissues.form", "In what form are the cells in the final product?",
             "intact_cells (nucleated cells or tissue), extracellular_vesicles, lysate, secretome "
             "(conditioned medium), or anucleate (e.g. platelets, red cells).", "enum", _opts(f.CellForm)),
    Question("cells_or_tissues.source", "Whose cells are they?",
             "autologous: the patient's own; allogeneic: a human donor's; mixed: both; xenogeneic: animal.",
             "enum", _opts(f.CellSource)),
    Question("cells_or_tissues.viability", "Are the cells alive when given?",
             "non_viable: killed, irradiated to death, decellularised or devitalised.", "enum", _opts(f.Viability)),
    Question("cells_or_tissues.blood_component", "Is the product whole blood or a blood component "
             "(red cells, platelets, plasma, platelet-rich plasma, donor lymphocytes)?", "", "bool"),
    Question("cells_or_tissues.manipulations", "Which processing steps do the cells undergo?",
             "List every step, separated by commas (names or numbers; 'none' for no processing), e.g. "
             "cell_separation, cryopreservation, expansion (culture), activation.", "list", _opts(f.Manipulation)),
    Question("cells_or_tissues.substantially_manipulated", "Does the processing change the cells' biological "
             "characteristics, functions or structure relevant to the intended use?",
             "Derived from the processing steps; answer only where a step is judged case by case, with a "
             "justification (e.g. evidence that phenotype and function are unchanged).", "bool"),
    Question("cells_or_tissues.same_essential_function", "Will the cells do in the patient the same essential "
             "job they did in the donor?", "Derived from the source tissue, the cell type and what the cells "
             "are to do; answer only to override, with a justification.", "bool"),
    Question("cells_or_tissues.mode_of_action", "How do the (non-living) cells or tissues act?",
             "pharmacological_immunological_metabolic, or physical_structural (e.g. a matrix or covering).",
             "enum", _opts(f.ModeOfAction)),
    Question("cells_or_tissues.tissue_origin", "Which tissue do the cells come from?", "", "enum",
             _opts(f.TissueOrigin)),
    Question("cells_or_tissues.cell_type", "What kind of cells are they?",
             "e.g. haematopoietic_stem_cells, lymphocytes (T or NK cells), mesenchymal_stromal_cells, "
             "stromal_vascular_fraction, chondrocytes, keratinocytes, islets, tissue_graft.", "enum",
             _opts(f.CellType)),
    Question("cells_or_tissues.intended_action", "What are the cells or tissues meant to do in the patient?",
             "e.g. blood_formation (rebuild blood), immune_defence (attack a tumour or infection), immunomodulation, "
             "cartilage_repair, heart_repair, vascular_regeneration, wound_covering.", "enum",
             _opts(f.IntendedAction)),
    Question("cells_or_tissues.different_site", "Are the cells used at a different place in the body than where "
             "they came from?", "", "bool"),
    Question("cells_or_tissues.minimally_manipulated_us", "(US) Does processing leave the cells' relevant "
             "characteristics unaltered (FDA's minimal manipulation)?", "Derived from the processing steps when "
             "left blank.", "bool"),
    Question("cells_or_tissues.homologous_use_us", "(US) Does the product perform the same basic function in the "
             "recipient as in the donor?", "Derived from the EU essential-function answer when left blank.", "bool"),
    Question("cells_or_tissues.combined_with_other_article", "(US) Are the cells combined with another article "
             "(other than water, crystalloids, or sterilising, preserving or storage agents)?", "", "bool"),
    Question("cells_or_tissues.systemic_effect", "(US) Does it have a systemic effect or depend on the metabolic "
             "activity of living cells for its main function?", "", "bool"),
    Question("cells_or_tissues.donor_relation", "(US) Who is the donor relative to the recipient?", "", "enum",
             _opts(f.DonorRelation)),
    Question("cells_or_tissues.same_surgical_procedure", "(US) Are the cells removed and re-implanted in the same "
             "patient during the same operation?", "", "bool"),
    Question("cells_or_tissues.structural_tissue", "(US) Is it structural tissue (bone, skin, cartilage, tendon, "
             "amnion…) rather than cells?", "", "bool"),
    Question("device.present", "Is a medical device, scaffold, matrix, membrane or capsule part of the product?",
             "Do not count syringes, catheters or applicators supplied separately.", "bool"),
    Question("device.integral", "Do the device and the cells form one product that is used together?",
             "e.g. cells seeded on a membrane: yes; a separate applicator: no.", "bool"),
    Question("device.own_medical_purpose", "Would the device part have a medical purpose of its own?",
             "A CE-markable scaffold or membrane: yes; a carrier matrix with no claim on its own: no.", "bool"),
    Question("device.kind", "What kind of device is it?", "", "enum", _opts(f.DeviceKind)),
    Question("device.cells_primary_action", "Is the action of the (non-living) cells primary to the device's?",
             "", "bool"),
    Question("hospital_exemption.non_routine", "Is it prepared on a non-routine basis?", "", "bool"),
    Question("hospital_exemption.hospital", "Is it prepared and used in a hospital?", "", "bool"),
    Question("hospital_exemption.same_member_state", "Is it used in the same EU Member State where it is made?",
             "", "bool"),
    Question("hospital_exemption.individual_prescription", "Is it made for one patient on an individual "
             "medical prescription?", "", "bool"),
    Question("hospital_exemption.specific_quality_standards", "Is it prepared according to specific quality "
             "standards (national rules equivalent to EU GMP for ATMPs)?", "", "bool"),
    Question("hospital_exemption.practitioner_responsibility", "Is it used under the exclusive professional "
             "responsibility of a medical practitioner?", "", "bool"),
    Question("hospital_exemption.custom_made", "Is it a custom-made product for an individual patient?", "",
             "bool"),
    Question("nucleic_acid.transferred_into_human_cells", "(US) Is genetic material transferred into human cells "
             "(the patient's, or cells given to the patient)?", "No for engineered bacteria or phages that act "
             "only on bacteria.", "bool"),
]

QUESTIONS: dict[str, Question] = {q.fact: q for q in _Q}


def question_for(fact: str) -> Question:
    return QUESTIONS[fact]


def coerce_answer(fact: str, raw: str) -> Any:
    """Turn a typed answer into the fact's value; raise ValueError with what is allowed."""
    q = QUESTIONS[fact]
    text = raw.strip().lower()
    if q.kind == "bool":
        if text in {"y", "yes", "true", "1"}:
            return True
        if text in {"n", "no", "false", "0"}:
            return False
        raise ValueError("answer yes or no")
    if q.kind == "enum":
        if text in q.options:
            return text
        if text.isdigit() and 1 <= int(text) <= len(q.options):
            return q.options[int(text) - 1]
        raise ValueError(f"choose one of: {', '.join(q.options)}")
    if text in {"none", "-"}:
        return []
    items = [t.strip() for t in text.replace(";", ",").split(",") if t.strip()]
    items = [q.options[int(t) - 1] if t.isdigit() and 1 <= int(t) <= len(q.options) else t for t in items]
    bad = [t for t in items if t not in q.options]
    if bad:
        raise ValueError(f"unknown step(s) {', '.join(bad)}; allowed: {', '.join(q.options)}")
    return items
