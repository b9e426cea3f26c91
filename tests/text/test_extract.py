"""The extractor: each vocabulary area gives facts with the words that decided them."""

from __future__ import annotations

import pytest

from atmpnav.errors import InputError
from atmpnav.fact_paths import get_fact
from atmpnav.text.extract import MAX_TEXT, NO_DEVICE, NO_NUCLEIC_ACID, extract_facts


def fact(text: str, path: str, indication: str | None = None):
    return get_fact(extract_facts(text, indication).facts, path)


def evidence(text: str, path: str, indication: str | None = None) -> str:
    return extract_facts(text, indication).evidence[path]


@pytest.mark.parametrize(
    ("text", "vehicle", "origin"),
    [
        ("An AAV9 vector carrying the SMN1 gene, infused intravenously.", "viral_vector", "recombinant"),
        ("rAAV8 carrying codon-optimised RPGR cDNA, for retinitis pigmentosa", "viral_vector", "recombinant"),
        ("Autologous T cells transduced with a lentiviral vector encoding a CAR, for lymphoma",
         "modified_cells", "recombinant"),
        ("Oncolytic adenovirus expressing GM-CSF, injected into tumours", "oncolytic_virus", "recombinant"),
        ("Plasmid DNA encoding IL-12 injected into melanoma lesions", "plasmid", "recombinant"),
        ("Lipid nanoparticles with in vitro transcribed mRNA encoding an enzyme, to treat a deficiency",
         "mrna", "recombinant"),
        ("A chemically synthesised antisense oligonucleotide given intrathecally for SMA", "oligonucleotide",
         "synthetic"),
        ("Wild-type reovirus infused as an oncolytic treatment for cancer", "oncolytic_virus", "natural"),
        ("A cocktail of naturally occurring bacteriophages applied to infected wounds", "bacteriophage", "natural"),
        ("Lactococcus lactis genetically modified to secrete IL-10, oral, for colitis", "modified_microorganism",
         "recombinant"),
    ],
)
def test_nucleic_acid_kinds_and_origin(text: str, vehicle: str, origin: str) -> None:
    extraction = extract_facts(text)
    assert get_fact(extraction.facts, "nucleic_acid.vehicle") == vehicle
    assert get_fact(extraction.facts, "nucleic_acid.origin") == origin
    assert extraction.evidence["nucleic_acid.vehicle"]
    assert extraction.evidence["nucleic_acid.origin"]


def test_default_origins_are_visible_inferences() -> None:
    assert "unless stated otherwise" in evidence("An siRNA in lipid nanoparticles for amyloidosis",
                                                 "nucleic_acid.origin")
    assert "in vitro transcription" in evidence("mRNA encoding a missing enzyme, infused", "nucleic_acid.origin")


@pytest.mark.parametrize(
    ("text", "editing"),
    [
        ("LNP with Cas9 mRNA and a synthetic sgRNA to knock out a liver gene, for amyloidosis",
         "nucleic_acid_encoded"),
        ("A base editor delivered as ribonucleoprotein with a chemically synthesised guide RNA, injected",
         "protein_only"),
    ],
)
def test_genome_editing_delivery(text: str, editing: str) -> None:
    assert fact(text, "nucleic_acid.genome_editing") == editing
    assert fact(text, "nucleic_acid.acts_on_genetic_sequence") is True


def test_ex_vivo_edited_cells_are_modified_cells() -> None:
    text = "Autologous CD34+ cells edited ex vivo with CRISPR/Cas9 at the BCL11A enhancer, for sickle cell disease"
    assert fact(text, "nucleic_acid.vehicle") == "modified_cells"
    assert "genetic_modification" in fact(text, "cells_or_tissues.manipulations")


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Autologous T cells transduced with a retroviral vector encoding an anti-CD19 CAR, for lymphoma",
         "therapeutic"),
        ("Allogeneic T cells transduced with HSV-TK suicide gene and a truncated LNGFR marker, after HSCT",
         "safety_switch"),
        ("Donor T cells carrying only a GFP marker gene, infused for tracking", "marker"),
    ],
)
def test_transgene_role(text: str, role: str) -> None:
    assert fact(text, "nucleic_acid.transgene_role") == role
    assert evidence(text, "nucleic_acid.transgene_role")


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("Autologous chondrocytes expanded in culture", "autologous"),
        ("The patient's own fat, centrifuged and reinjected", "autologous"),
        ("Mesenchymal stromal cells from a healthy donor, expanded", "allogeneic"),
        ("Alginate-encapsulated porcine islets for type 1 diabetes", "xenogeneic"),
        ("Autologous keratinocytes combined with allogeneic fibroblasts in a skin substitute", "mixed"),
    ],
)
def test_cell_source(text: str, source: str) -> None:
    assert fact(text, "cells_or_tissues.source") == source


def test_donor_in_the_indication_is_not_a_source() -> None:
    text = "Autologous CD34+ cells transduced with a vector, for patients without a suitable related donor"
    assert fact(text, "cells_or_tissues.source") == "autologous"


def test_porcine_collagen_membrane_is_a_device_not_xenogeneic_cells() -> None:
    text = "Autologous cultured chondrocytes seeded on a porcine collagen membrane, implanted into knee defects"
    assert fact(text, "cells_or_tissues.source") == "autologous"
    assert fact(text, "device.kind") == "membrane"
    assert fact(text, "device.integral") is True


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("MSC-derived extracellular vesicles for bronchopulmonary dysplasia", "extracellular_vesicles"),
        ("Conditioned medium from cultured MSCs applied to wounds", "secretome"),
        ("Tumour-cell lysate alone, no cells, as a cancer vaccine", "lysate"),
        ("Platelets manufactured in vitro from stem cells, transfused", "anucleate"),
        ("Autologous dendritic cells pulsed with tumour lysate, injected for glioblastoma", "intact_cells"),
    ],
)
def test_cell_forms(text: str, form: str) -> None:
    assert fact(text, "cells_or_tissues.form") == form


@pytest.mark.parametrize(
    ("text", "viability"),
    [
        ("Irradiated allogeneic tumour-cell-line vaccine for prostate cancer", "non_viable"),
        ("Decellularised porcine-skin matrix, no viable cells, for wound repair", "non_viable"),
        ("Autologous chondrocytes expanded and implanted into a knee defect", "viable"),
    ],
)
def test_viability(text: str, viability: str) -> None:
    assert fact(text, "cells_or_tissues.viability") == viability


def test_default_viability_is_a_visible_inference() -> None:
    assert "no word of killing" in evidence("Autologous chondrocytes expanded, implanted",
                                            "cells_or_tissues.viability")


@pytest.mark.parametrize(
    ("text", "steps"),
    [
        ("Autologous chondrocytes expanded ex vivo and implanted into a cartilage defect", {"expansion"}),
        ("Autologous PBMCs activated ex vivo with a fusion protein, for prostate cancer", {"activation"}),
        ("Dendritic cells pulsed with tumour lysate, injected", {"antigen_loading"}),
        ("RPE cells differentiated from iPSCs, for AMD", {"differentiation", "reprogramming"}),
        ("SVF isolated by collagenase digestion of lipoaspirate, injected into the knee",
         {"enzymatic_digestion", "cell_separation"}),
        ("Mobilised stem cells collected by apheresis, CD34-selected and cryopreserved, for HSCT",
         {"cell_separation", "cryopreservation"}),
        ("Platelet-rich plasma prepared by centrifugation and injected into a tendon", {"centrifugation"}),
        ("A split-thickness skin graft taken from the thigh and meshed, applied to a burn", {"cutting"}),
    ],
)
def test_manipulations_map_to_annex_i_vocabulary(text: str, steps: set[str]) -> None:
    found = set(fact(text, "cells_or_tissues.manipulations"))
    assert steps <= found, found
    assert evidence(text, "cells_or_tissues.manipulations")


@pytest.mark.parametrize(
    "text",
    [
        "Autologous skin cell suspension, non-cultured, sprayed onto burns",
        "Autologous keratinocytes, not expanded, sprayed onto burns",
        "Autologous keratinocytes without culture, sprayed onto burns",
        "Unmanipulated donor lymphocytes infused after transplantation",
    ],
)
def test_negated_manipulation_is_known_absent(text: str) -> None:
    steps = fact(text, "cells_or_tissues.manipulations")
    assert steps is not None
    assert "expansion" not in steps


def test_hedged_manipulation_is_ignored_and_noted() -> None:
    extraction = extract_facts("Autologous chondrocytes that may be expanded before implantation into the knee")
    assert extraction.facts.cells_or_tissues is not None
    assert extraction.facts.cells_or_tissues.manipulations is None
    assert any("hedged" in note for note in extraction.notes)


def test_not_genetically_modified_states_no_nucleic_acid() -> None:
    text = "Irradiated allogeneic tumour cell lines, not genetically modified, injected for prostate cancer"
    extraction = extract_facts(text)
    assert extraction.facts.nucleic_acid is None
    assert "not" in extraction.evidence["nucleic_acid"] or "genetically modified" in extraction.evidence["nucleic_acid"]


def test_negation_spreads_over_a_list() -> None:
    extraction = extract_facts("Autologous chondrocytes with no vector, plasmid or genetic modification, implanted")
    assert extraction.facts.nucleic_acid is None


def test_absent_blocks_are_recorded_with_evidence() -> None:
    extraction = extract_facts("Autologous chondrocytes expanded and implanted into a knee defect")
    assert extraction.facts.nucleic_acid is None
    assert extraction.evidence["nucleic_acid"] == NO_NUCLEIC_ACID
    assert extraction.facts.device is None
    assert extraction.evidence["device"] == NO_DEVICE


def test_unknown_facts_stay_unknown() -> None:
    extraction = extract_facts("A new product for knee problems")
    facts = extraction.facts
    assert facts.nucleic_acid is not None and facts.nucleic_acid.present is None
    assert facts.cells_or_tissues is not None and facts.cells_or_tissues.present is None
    assert facts.claimed_purpose is None or facts.claimed_purpose.value == "treat_prevent_diagnose"
    # nothing about a vector, device or cells was invented
    assert "nucleic_acid.vehicle" not in extraction.evidence
    assert "device.kind" not in extraction.evidence


def test_no_processing_words_leave_manipulations_unknown() -> None:
    assert fact("Autologous bone marrow cells injected into the heart", "cells_or_tissues.manipulations") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mRNA-LNP vaccine against SARS-CoV-2, to prevent COVID-19", True),
        ("Individualised neoantigen mRNA cancer vaccine for melanoma", False),
        ("AAV vector carrying a gene, for haemophilia B", False),
        ("CMV-specific T cells expanded ex vivo, for CMV viraemia after transplantation", False),
    ],
)
def test_infectious_disease_vaccine(text: str, expected: bool) -> None:
    assert fact(text, "vaccine_against_infectious_disease") is expected


def test_oncolytic_vaccinia_is_not_a_vaccine() -> None:
    assert fact("Oncolytic vaccinia virus engineered to express GM-CSF, injected into liver tumours",
                "vaccine_against_infectious_disease") is False


@pytest.mark.parametrize(
    ("text", "purpose"),
    [
        ("Autologous chondrocytes expanded to repair knee cartilage defects", "regenerate_repair_replace"),
        ("Expanded allogeneic MSCs infused to treat graft-versus-host disease", "treat_prevent_diagnose"),
        ("Autologous fibroblasts expanded and injected for nasolabial wrinkles", "cosmetic"),
        ("A resorbable scaffold supplied alone; no medical claim is made for it", "none"),
        ("RPE cells derived from iPSCs, implanted under the macula for AMD", "regenerate_repair_replace"),
    ],
)
def test_claimed_purpose(text: str, purpose: str) -> None:
    assert fact(text, "claimed_purpose") == purpose
    assert evidence(text, "claimed_purpose")


@pytest.mark.parametrize(
    ("text", "same"),
    [
        ("Autologous CD34+ cells, selected and cryopreserved, for haematopoietic stem cell transplantation", True),
        ("Autologous bone marrow mononuclear cells injected to regenerate ischaemic myocardium", False),
        ("Fat harvested by liposuction, centrifuged and reinjected to restore breast volume", True),
        ("SVF injected into the knee to regenerate cartilage in osteoarthritis", False),
        ("Allogeneic MSCs expanded and infused for graft-versus-host disease", False),
        ("Allogeneic islets isolated and infused into the portal vein for type 1 diabetes", True),
    ],
)
def test_same_essential_function(text: str, same: bool) -> None:
    assert fact(text, "cells_or_tissues.same_essential_function") is same
    assert " … " in evidence(text, "cells_or_tissues.same_essential_function")


def test_indication_argument_is_read() -> None:
    text = "Autologous bone marrow mononuclear cells, unmanipulated, injected intracoronary"
    assert fact(text, "cells_or_tissues.same_essential_function") is None
    assert fact(text, "cells_or_tissues.same_essential_function", "regeneration of ischaemic myocardium") is False


@pytest.mark.parametrize(
    ("text", "kind", "own"),
    [
        ("Chondrocytes seeded on a collagen membrane", "membrane", True),
        ("Cells grown on a biodegradable polymer scaffold", "scaffold", True),
        ("Alginate-encapsulated islets", "capsule", None),
    ],
)
def test_devices(text: str, kind: str, own: bool | None) -> None:
    extraction = extract_facts(text + ", implanted for repair")
    assert get_fact(extraction.facts, "device.kind") == kind
    assert get_fact(extraction.facts, "device.integral") is True
    assert get_fact(extraction.facts, "device.own_medical_purpose") is own


def test_administration_aids_are_not_devices() -> None:
    assert fact("Autologous CD34+ cells transduced with a lentiviral vector, infused through a catheter",
                "device") is None


def test_scope_words() -> None:
    assert fact("An enzyme used in a single-use device; it is never administered to patients",
                "for_human_administration") is False
    assert fact("A lentiviral vector used only to make CAR-T cells during manufacture", "product_role") == \
        "starting_material"
    assert fact("AAV vector injected subretinally", "for_human_administration") is True


def test_special_categories() -> None:
    assert fact("Faecal microbiota from a screened donor, for C. difficile infection", "special_category") == \
        "intestinal_microbiota"
    assert fact("A kidney from a living donor for transplantation", "special_category") == "organ_for_transplant"
    assert fact("Regulatory T cells expanded, to prevent rejection after kidney transplantation",
                "special_category").value == "none"


def test_evidence_words_are_the_inputs_own_words() -> None:
    text = "AUTOLOGOUS Chondrocytes EXPANDED ex vivo, implanted to repair knee cartilage defects"
    extraction = extract_facts(text)
    for path, words in extraction.evidence.items():
        for piece in words.split(" … "):
            piece = piece.split(" (")[0]
            if piece and not piece.startswith("("):
                assert piece in text, (path, piece)


@pytest.mark.parametrize("bad", ["", "   "])
def test_empty_text_is_an_input_error(bad: str) -> None:
    with pytest.raises(InputError):
        extract_facts(bad)


def test_too_long_text_is_an_input_error() -> None:
    with pytest.raises(InputError):
        extract_facts("cells " * (MAX_TEXT // 5))


def test_a_negated_administration_word_does_not_outweigh_a_stated_one() -> None:
    facts = extract_facts("Donor NK cells expanded in culture and infused after chemotherapy.",
                          "acute myeloid leukaemia, not eligible for transplant").facts
    assert facts.for_human_administration is True
    reagent = extract_facts("A collagenase blend used only ex vivo to digest tissue; not for transplant.").facts
    assert reagent.for_human_administration is False


def test_feeder_cells_are_an_ancillary_material_not_the_product() -> None:
    # Their irradiation and genetic modification belong to the feeders, removed before release.
    text = ("Donor NK cells expanded on irradiated feeder cells that were genetically modified to express "
            "membrane-bound IL-15, infused for leukaemia.")
    facts = extract_facts(text).facts
    assert get_fact(facts, "cells_or_tissues.viability") == "viable"
    assert get_fact(facts, "cells_or_tissues.manipulations") == ["expansion"]
    assert facts.nucleic_acid is None and facts.device is None
    # without the feeders the same words still count
    assert fact("NK cells genetically modified to express IL-15, infused for leukaemia.",
                "nucleic_acid.origin") == "recombinant"


def test_a_participle_after_the_feeder_cells_describes_the_feeders() -> None:
    text = ("Cord-blood NK cells grown for 14 days on K562 feeder cells transfected with membrane IL-21, "
            "given after chemotherapy for myeloid leukaemia.")
    facts = extract_facts(text).facts
    assert facts.nucleic_acid is None
    assert get_fact(facts, "cells_or_tissues.manipulations") == ["expansion"]
    # a comma ends the feeders' phrase: what follows it is said of the product again
    modified = "NK cells expanded on feeder cells, then transduced with a lentiviral CAR vector, for leukaemia."
    assert fact(modified, "nucleic_acid.origin") == "recombinant"


def test_tissue_to_be_formed_in_the_patient_is_the_claim_not_a_culture_step() -> None:
    text = "Autologous peripheral blood mononuclear cells injected into the ischaemic leg to grow new blood vessels."
    facts = extract_facts(text).facts
    assert not get_fact(facts, "cells_or_tissues.manipulations")  # no step named, "grow" is not one
    assert get_fact(facts, "claimed_purpose") == "regenerate_repair_replace"
    assert get_fact(facts, "cells_or_tissues.same_essential_function") is False
    assert fact("Keratinocytes grown on a fibrin sheet for burns.", "cells_or_tissues.manipulations") == ["expansion"]


def test_no_option_names_the_patients_not_an_absence() -> None:
    # "no-option critical limb ischaemia": patients without another treatment; the indication still counts
    text = "Bone marrow mononuclear cells, separated and injected into the calf muscle the same day."
    assert fact(text, "cells_or_tissues.same_essential_function", "no-option critical limb ischaemia") is False
    assert fact(text, "cells_or_tissues.same_essential_function", "no critical limb ischaemia") is None


def test_bcg_is_an_attenuated_bacterium_not_a_recombinant_one() -> None:
    assert fact("BCG instilled into the bladder for non-muscle-invasive bladder cancer.",
                "nucleic_acid.origin") == "natural"
    assert fact("A recombinant BCG strain expressing listeriolysin, for tuberculosis.",
                "nucleic_acid.origin") == "recombinant"
    # an earlier BCG treatment in the indication is not the product, nor does it make a vector natural
    vector = "An adenoviral vector encoding interferon gamma, instilled into the bladder."
    assert fact(vector, "nucleic_acid.origin", "BCG-refractory bladder cancer") == "recombinant"
    assert fact(vector + " Given together with BCG.", "nucleic_acid.origin") == "recombinant"


def test_cord_blood_given_to_damp_inflammation_is_not_its_own_job() -> None:
    text = "Thawed cord blood unit, unmanipulated, infused to calm neuroinflammation."
    assert fact(text, "cells_or_tissues.same_essential_function", "cerebral palsy") is False
    assert fact("Thawed cord blood unit, unmanipulated, infused to restore haematopoiesis.",
                "cells_or_tissues.same_essential_function") is True


def test_viruses_a_t_cell_recognises_are_antigens_not_vectors() -> None:
    text = "Donor T cells that recognise CMV, adenovirus and BK virus, expanded, for viral infections after transplant."
    assert extract_facts(text).facts.nucleic_acid is None
    assert fact("T cells transduced with an adenovirus vector, infused for lymphoma.", "nucleic_acid.present") is True


def test_a_purpose_clause_is_outside_the_negation_of_the_step_before_it() -> None:
    text = "Bone marrow infused without processing to restore haematopoiesis in aplastic anaemia."
    assert fact(text, "cells_or_tissues.manipulations") == []
    assert fact(text, "cells_or_tissues.same_essential_function") is True


def test_transfusion_is_a_blood_cells_own_job() -> None:
    text = "Apheresis granulocytes from donors, transfused to neutropenic patients."
    assert fact(text, "cells_or_tissues.same_essential_function") is True
    # "transfusion-dependent" names the disease, not a transfusion of the product
    assert fact("Autologous CD34+ cells for transfusion-dependent thalassaemia.",
                "cells_or_tissues.same_essential_function") is None


@pytest.mark.parametrize("text", [
    "A donor kidney kept cold before it is transplanted.",
    "A deceased-donor heart preserved on a perfusion device.",
])
def test_an_organ_before_transplantation(text: str) -> None:
    assert fact(text, "special_category") == "organ_for_transplant"


def test_an_organ_transplant_in_the_indication_is_the_setting_not_the_product() -> None:
    extraction = extract_facts("Regulatory T cells expanded ex vivo and infused to promote tolerance.",
                               "Living-donor kidney transplantation")
    assert get_fact(extraction.facts, "special_category") != "organ_for_transplant"


def test_muscle_derived_cells_into_a_muscle_are_presented_to_replace_it() -> None:
    text = "Autologous muscle-derived cells, cultured, injected into the anal sphincter for faecal incontinence."
    assert fact(text, "claimed_purpose") == "regenerate_repair_replace"
    assert fact(text, "cells_or_tissues.manipulations") == ["expansion"]
