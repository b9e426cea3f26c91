"""ProductFacts: the facts every classifier reads (the contract in docs/facts-and-verdicts.md).

A fact is true, false, a value from its list, or None (= not known). A sub-record that is
absent means the product has none of it (contract: "omit when the product has none"); a
sub-record with ``present: null`` means "not known whether it has any".
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from atmpnav.errors import FactsError, InputFileError
from atmpnav.fact_paths import path_parts


class Strict(BaseModel):
    """Unknown fields are input errors, never silently dropped."""

    model_config = ConfigDict(extra="forbid", use_enum_values=False, validate_assignment=True)


class ProductRole(StrEnum):
    finished_product = "finished_product"
    starting_material = "starting_material"


class ClaimedPurpose(StrEnum):
    treat_prevent_diagnose = "treat_prevent_diagnose"
    regenerate_repair_replace = "regenerate_repair_replace"
    cosmetic = "cosmetic"
    none = "none"


class SpecialCategory(StrEnum):
    """Materials with their own legal regime (added to the contract for EU-X13/X14/X15)."""

    none = "none"
    organ_for_transplant = "organ_for_transplant"
    intestinal_microbiota = "intestinal_microbiota"
    reproductive_cells_embryos = "reproductive_cells_embryos"


class NucleicAcidOrigin(StrEnum):
    recombinant = "recombinant"
    synthetic = "synthetic"
    # Added: nucleic acid of a wild-type or conventionally attenuated organism (EU-G10).
    natural = "natural"


class Vehicle(StrEnum):
    viral_vector = "viral_vector"
    oncolytic_virus = "oncolytic_virus"
    plasmid = "plasmid"
    mrna = "mrna"
    modified_cells = "modified_cells"
    modified_microorganism = "modified_microorganism"
    oligonucleotide = "oligonucleotide"
    # Added: bacteriophages (EU-X8) and unmodified micro-organisms (EU-G10).
    bacteriophage = "bacteriophage"
    microorganism = "microorganism"
    other = "other"


class TransgeneRole(StrEnum):
    therapeutic = "therapeutic"
    safety_switch = "safety_switch"
    marker = "marker"
    manufacturing_tool = "manufacturing_tool"


class GenomeEditing(StrEnum):
    none = "none"
    nucleic_acid_encoded = "nucleic_acid_encoded"
    protein_only = "protein_only"


class CellForm(StrEnum):
    intact_cells = "intact_cells"
    extracellular_vesicles = "extracellular_vesicles"
    lysate = "lysate"
    secretome = "secretome"
    anucleate = "anucleate"


class CellSource(StrEnum):
    autologous = "autologous"
    allogeneic = "allogeneic"
    mixed = "mixed"
    xenogeneic = "xenogeneic"


class Viability(StrEnum):
    viable = "viable"
    non_viable = "non_viable"
    mixed = "mixed"


class Manipulation(StrEnum):
    # Regulation (EC) No 1394/2007, Annex I: not substantial.
    cutting = "cutting"
    grinding = "grinding"
    shaping = "shaping"
    centrifugation = "centrifugation"
    antibiotic_soaking = "antibiotic_soaking"
    sterilisation = "sterilisation"
    irradiation = "irradiation"
    cell_separation = "cell_separation"
    concentration = "concentration"
    purification = "purification"
    filtering = "filtering"
    lyophilisation = "lyophilisation"
    freezing = "freezing"
    cryopreservation = "cryopreservation"
    vitrification = "vitrification"
    # Substantial by default (EU-M2).
    expansion = "expansion"
    differentiation = "differentiation"
    activation = "activation"
    antigen_loading = "antigen_loading"
    genetic_modification = "genetic_modification"
    reprogramming = "reprogramming"
    # Case by case (EU-M4, ambiguity A1).
    enzymatic_digestion = "enzymatic_digestion"
    encapsulation = "encapsulation"
    decellularisation = "decellularisation"
    other = "other"


ANNEX_I_MANIPULATIONS = frozenset(
    {
        Manipulation.cutting,
        Manipulation.grinding,
        Manipulation.shaping,
        Manipulation.centrifugation,
        Manipulation.antibiotic_soaking,
        Manipulation.sterilisation,
        Manipulation.irradiation,
        Manipulation.cell_separation,
        Manipulation.concentration,
        Manipulation.purification,
        Manipulation.filtering,
        Manipulation.lyophilisation,
        Manipulation.freezing,
        Manipulation.cryopreservation,
        Manipulation.vitrification,
    }
)
SUBSTANTIAL_MANIPULATIONS = frozenset(
    {
        Manipulation.expansion,
        Manipulation.differentiation,
        Manipulation.activation,
        Manipulation.antigen_loading,
        Manipulation.genetic_modification,
        Manipulation.reprogramming,
    }
)
CASE_BY_CASE_MANIPULATIONS = frozenset(set(Manipulation) - ANNEX_I_MANIPULATIONS - SUBSTANTIAL_MANIPULATIONS)


class ModeOfAction(StrEnum):
    pharmacological_immunological_metabolic = "pharmacological_immunological_metabolic"
    physical_structural = "physical_structural"


class TissueOrigin(StrEnum):
    """Where the cells come from (added for the essential-function anchors EU-F3/F5)."""

    bone_marrow = "bone_marrow"
    peripheral_blood = "peripheral_blood"
    cord_blood = "cord_blood"
    adipose = "adipose"
    cartilage = "cartilage"
    skin = "skin"
    eye = "eye"
    pancreatic_islets = "pancreatic_islets"
    placenta_amnion = "placenta_amnion"
    pluripotent_stem_cells = "pluripotent_stem_cells"
    tumour = "tumour"
    # Added for Canada: heart valves and dura mater are outside the CTO Regulations (SOR/2007-118, s 3(1)(c)).
    heart_valve = "heart_valve"
    dura_mater = "dura_mater"
    other = "other"


class CellType(StrEnum):
    """What the cells are (added: the essential-function and explanation rules read it)."""

    haematopoietic_stem_cells = "haematopoietic_stem_cells"
    mononuclear_cells = "mononuclear_cells"
    lymphocytes = "lymphocytes"  # T cells, NK cells, TILs, regulatory T cells
    dendritic_cells = "dendritic_cells"
    mesenchymal_stromal_cells = "mesenchymal_stromal_cells"
    stromal_vascular_fraction = "stromal_vascular_fraction"
    chondrocytes = "chondrocytes"
    keratinocytes = "keratinocytes"
    limbal_stem_cells = "limbal_stem_cells"
    islets = "islets"
    hepatocytes = "hepatocytes"
    fibroblasts = "fibroblasts"
    tumour_cells = "tumour_cells"
    tissue_graft = "tissue_graft"  # a piece of tissue rather than isolated cells
    stem_cell_derived = "stem_cell_derived"  # differentiated from ES/iPS cells
    other = "other"


class IntendedAction(StrEnum):
    """What the cells or tissues are meant to do in the patient (added: derives the essential function)."""

    blood_formation = "blood_formation"  # reconstitute haematopoiesis
    transfusion = "transfusion"  # a blood component's own job in the circulation
    immune_defence = "immune_defence"  # attack a pathogen or tumour, rebuild immunity
    immunomodulation = "immunomodulation"  # dampen inflammation, GvHD, autoimmunity
    insulin_production = "insulin_production"
    cartilage_repair = "cartilage_repair"
    bone_repair = "bone_repair"
    skin_repair = "skin_repair"
    cornea_repair = "cornea_repair"
    wound_covering = "wound_covering"  # a biological barrier or dressing
    soft_tissue_volume = "soft_tissue_volume"  # fat grafting, filling
    heart_repair = "heart_repair"
    vascular_regeneration = "vascular_regeneration"  # new vessels in ischaemic tissue
    neural_repair = "neural_repair"
    other_tissue_repair = "other_tissue_repair"
    other = "other"


class AdministrationRoute(StrEnum):
    """How the product reaches the body (added: cosmetics are only applied to external parts, EU-S5)."""

    external_surface = "external_surface"  # skin, hair, nails, lips, external genitals, teeth, oral mucosa
    injection = "injection"
    implantation = "implantation"
    infusion = "infusion"
    oral = "oral"
    inhalation = "inhalation"
    other = "other"


class DiseaseTarget(StrEnum):
    """What the product acts against (added: derives the vaccine exclusion, EU-G5/G9)."""

    infectious_agent = "infectious_agent"  # a virus, bacterium, fungus or parasite
    tumour = "tumour"
    host = "host"  # the patient's own tissue, gene or physiology


class DonorRelation(StrEnum):
    autologous = "autologous"
    first_or_second_degree_relative = "first_or_second_degree_relative"
    reproductive = "reproductive"
    unrelated = "unrelated"


class DeviceKind(StrEnum):
    scaffold = "scaffold"
    matrix = "matrix"
    membrane = "membrane"
    capsule = "capsule"
    implant = "implant"
    other = "other"


class NucleicAcid(Strict):
    present: bool | None = True
    origin: NucleicAcidOrigin | None = None
    vehicle: Vehicle | None = None
    acts_on_genetic_sequence: bool | None = None
    effect_from_sequence: bool | None = None
    transgene_role: TransgeneRole | None = None
    genome_editing: GenomeEditing | None = None
    # Added (US-7): is genetic material transferred into human cells (the patient's, or cells given to them)?
    transferred_into_human_cells: bool | None = None


class CellsOrTissues(Strict):
    present: bool | None = True
    form: CellForm | None = None
    source: CellSource | None = None
    viability: Viability | None = None
    blood_component: bool | None = None
    manipulations: list[Manipulation] | None = None
    substantially_manipulated: bool | None = None
    same_essential_function: bool | None = None
    mode_of_action: ModeOfAction | None = None
    # Added: where the cells come from, and whether they are used at another anatomical site.
    tissue_origin: TissueOrigin | None = None
    different_site: bool | None = None
    # Added: what the cells are and what they are to do in the patient (derive the essential function).
    cell_type: CellType | None = None
    intended_action: IntendedAction | None = None
    # Canada, Australia, South Korea: facts only those rule sets read (asked only when they are selected).
    # Each regulator defines minimal manipulation and homologous use itself; left blank, they are derived
    # from ``manipulations`` and ``same_essential_function`` or the observable facts (said in the step).
    minimally_manipulated_ca: bool | None = None
    homologous_use_ca: bool | None = None
    transplant_into_another_person: bool | None = None  # CA: allogeneic transplantation (SOR/2007-118)
    systemic_metabolic_ca: bool | None = None  # CA: systemic effect AND depends on metabolic activity
    minimally_manipulated_au: bool | None = None
    homologous_use_au: bool | None = None
    # AU autologous tiers: collected from a patient under a registered practitioner's clinical care and made
    # by that practitioner (or under their supervision) for that patient; made in a hospital for one of its
    # patients; advertised to consumers; one indication in one clinical procedure.
    treating_practitioner_au: bool | None = None
    made_in_hospital_au: bool | None = None
    advertised_to_consumers_au: bool | None = None
    single_indication_single_procedure_au: bool | None = None
    minimally_manipulated_kr: bool | None = None
    # US facts (21 CFR 1271), read by a US classifier.
    structural_tissue: bool | None = None
    minimally_manipulated_us: bool | None = None
    homologous_use_us: bool | None = None
    combined_with_other_article: bool | None = None
    systemic_effect: bool | None = None
    donor_relation: DonorRelation | None = None
    same_surgical_procedure: bool | None = None
    # JP facts (PMD Act Art 2(9)(i); ASRM classes), read by the Japanese classifier (derived when blank).
    cultured_or_processed_jp: bool | None = None
    somatic_stem_cells: bool | None = None


class Device(Strict):
    present: bool | None = True
    integral: bool | None = None
    own_medical_purpose: bool | None = None
    kind: DeviceKind | None = None
    cells_primary_action: bool | None = None


class HospitalExemption(Strict):
    non_routine: bool | None = None
    hospital: bool | None = None
    same_member_state: bool | None = None
    individual_prescription: bool | None = None
    # Added: the other conditions of Directive 2001/83/EC, Art 3(7).
    specific_quality_standards: bool | None = None
    practitioner_responsibility: bool | None = None
    custom_made: bool | None = None



# --------------------------------------------------------------------------- manufacturing and development
# Facts that no classification rule reads: they feed what follows from a verdict (the GMP checklist,
# national hospital-exemption rules, incentives and procedures). All optional; absent means not known.


class ManufacturingStage(StrEnum):
    investigational = "investigational"
    authorised = "authorised"
    hospital_exemption = "hospital_exemption"


class ClinicalPhase(StrEnum):
    phase_i = "I"
    phase_i_ii = "I/II"
    phase_ii = "II"
    phase_iii = "III"


class Processing(StrEnum):
    open_aseptic = "open_aseptic"
    closed = "closed"
    isolator = "isolator"
    automated_closed = "automated_closed"


class CellBank(StrEnum):
    none = "none"
    master_and_working = "master_and_working"
    limited_stock = "limited_stock"


class Decentralised(StrEnum):
    none = "none"
    central_plus_local_finish = "central_plus_local_finish"
    fully_local = "fully_local"
    point_of_care = "point_of_care"


class MemberState(StrEnum):
    """EU Member States and the EEA states that apply Art 3(7) of Directive 2001/83/EC (ISO 3166 codes)."""

    AT = "AT"
    BE = "BE"
    BG = "BG"
    HR = "HR"
    CY = "CY"
    CZ = "CZ"
    DK = "DK"
    EE = "EE"
    FI = "FI"
    FR = "FR"
    DE = "DE"
    GR = "GR"
    HU = "HU"
    IE = "IE"
    IT = "IT"
    LV = "LV"
    LT = "LT"
    LU = "LU"
    MT = "MT"
    NL = "NL"
    PL = "PL"
    PT = "PT"
    RO = "RO"
    SK = "SK"
    SI = "SI"
    ES = "ES"
    SE = "SE"
    IS = "IS"
    LI = "LI"
    NO = "NO"


class OutsourcedTest(StrEnum):
    karyotype = "karyotype"
    exome_sequencing = "exome_sequencing"
    genome_sequencing = "genome_sequencing"
    sterility = "sterility"
    mycoplasma = "mycoplasma"
    endotoxin = "endotoxin"
    adventitious_virus = "adventitious_virus"
    potency = "potency"
    other = "other"


class Manufacturing(Strict):
    """How the product is made (contract-part2.md §2); read by the GMP checklist and national rules."""

    stage: ManufacturingStage | None = None
    phase: ClinicalPhase | None = None
    member_state: MemberState | None = None
    processing: Processing | None = None
    terminal_sterilisation_possible: bool | None = None
    sterile_filterable: bool | None = None
    cell_bank: CellBank | None = None
    vector_made_in_house: bool | None = None
    replication_competent: bool | None = None
    several_viral_vectors_same_room: bool | None = None
    multi_product_facility: bool | None = None
    donor_matched: bool | None = None
    cryopreserved: bool | None = None
    shelf_life_hours: float | None = Field(default=None, ge=0, le=1_000_000)
    release_before_qc_complete: bool | None = None
    decentralised: Decentralised | None = None
    reconstitution_at_site: bool | None = None
    compliant_environment_available: bool | None = None
    batches_per_year: int | None = Field(default=None, ge=0, le=1_000_000)
    outsourced_tests: list[OutsourcedTest] | None = None


class Development(Strict):
    """Facts about the condition and the developer that decide incentives and procedures (EU and US)."""

    orphan_prevalence_per_10000: float | None = Field(default=None, ge=0, le=10_000)
    us_patients: int | None = Field(default=None, ge=0, le=10_000_000_000)
    serious_condition: bool | None = None
    life_threatening: bool | None = None
    unmet_medical_need: bool | None = None
    preliminary_clinical_evidence: bool | None = None
    paediatric_relevance: bool | None = None
    sme: bool | None = None
    clinical_trial_planned: bool | None = None


class ProductFacts(Strict):
    name: str | None = None
    description: str | None = None
    indication: str | None = None
    for_human_administration: bool | None = None
    product_role: ProductRole | None = None
    claimed_purpose: ClaimedPurpose | None = None
    vaccine_against_infectious_disease: bool | None = None
    # Added: the observable facts behind the vaccine exclusion and the claim (derived judgements).
    disease_target: DiseaseTarget | None = None
    immune_response_to_antigen: bool | None = None
    also_treats_disease: bool | None = None
    administration_route: AdministrationRoute | None = None
    # Added: why a stated legal judgement overrides what the rules derive (fact path -> reason).
    justifications: dict[str, str] | None = None
    # Added: EU-G12 / regime of products with neither nucleic acid nor cells.
    biological_active_substance: bool | None = None
    # Added: organs, intestinal microbiota, gametes and embryos (EU-X13..X15).
    # Absent means none: only organs, microbiota and gametes/embryos need to say so.
    special_category: SpecialCategory | None = SpecialCategory.none
    nucleic_acid: NucleicAcid | None = None
    cells_or_tissues: CellsOrTissues | None = None
    device: Device | None = None
    hospital_exemption: HospitalExemption | None = None
    # Added for what follows (GMP checklist, national rules, incentives); no rule reads them.
    manufacturing: Manufacturing | None = None
    development: Development | None = None
    # UK fact (SI 2025/87): only makeable at the point of care or in modular units; a pathway, never a class.
    point_of_care_manufacture: bool | None = None

    @model_validator(mode="after")
    def _organ_has_tissue(self) -> ProductFacts:
        if self.special_category == SpecialCategory.organ_for_transplant and self.cells_or_tissues is None:
            raise ValueError("special_category organ_for_transplant needs cells_or_tissues (at least its source)")
        return self


@cache
def fact_layout() -> tuple[tuple[str, tuple[str, ...] | None], ...]:
    """Each top-level fact with the fields of its sub-record (None for a plain fact): fixed by the model."""
    layout: list[tuple[str, tuple[str, ...] | None]] = []
    for name, info in ProductFacts.model_fields.items():
        block_types = [t for t in getattr(info.annotation, "__args__", ()) if isinstance(t, type)
                       and issubclass(t, BaseModel)]
        layout.append((name, tuple(block_types[0].model_fields) if block_types else None))
    return tuple(layout)


def with_fact(facts: ProductFacts, path: str, value: Any) -> ProductFacts:
    """A copy of ``facts`` with one fact set and validated (a missing sub-record is created)."""
    parts = path_parts(path)
    copy = facts.model_copy()
    if len(parts) == 1:
        setattr(copy, parts[0], value)
        return copy
    block_name, name = parts
    block = getattr(facts, block_name)
    block = block.model_copy() if block is not None else _block_model(block_name)()
    setattr(block, name, value)
    setattr(copy, block_name, block)
    return copy


def fact_value(path: str, value: Any) -> Any:
    """``value`` validated as the fact at ``path`` alone (e.g. an option's text made its enum member)."""
    parts = path_parts(path)
    model: type[BaseModel] = ProductFacts
    if len(parts) == 2:
        model = _block_model(parts[0])
    return _field_adapter(model, parts[-1]).validate_python(value)


def with_valid_fact(facts: ProductFacts, path: str, value: Any) -> ProductFacts:
    """A copy of ``facts`` with one fact set to a value already valid for it (from :func:`fact_value`): copied,
    not validated again (nor is the cross-field check that an organ names its cells). The engine's exploration
    makes a copy per answer it tries, so this is its hot path; input from a user goes through :func:`with_fact`."""
    parts = path_parts(path)
    if len(parts) == 1:
        return facts.model_copy(update={path: value})
    block_name, name = parts
    block = getattr(facts, block_name)
    block = block.model_copy(update={name: value}) if block is not None else _block_model(block_name)(**{name: value})
    return facts.model_copy(update={block_name: block})


@cache
def _block_model(block_name: str) -> type[BaseModel]:
    return ProductFacts.model_fields[block_name].annotation.__args__[0]  # type: ignore[union-attr]


@cache
def _field_adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    return TypeAdapter(model.model_fields[name].annotation)


def _describe_error(err: dict[str, Any]) -> str:
    path = ".".join(str(p) for p in err["loc"]) or "(top level)"
    kind = err["type"]
    if kind == "extra_forbidden":
        return f"{path}: unknown field (see `atmpnav schema facts` for the fields allowed)"
    if kind == "enum":
        allowed = err.get("ctx", {}).get("expected", "")
        from atmpnav.untrusted import excerpt

        return f"{path}: {excerpt(err['input'])} is not allowed; expected one of {allowed}"
    from atmpnav.untrusted import excerpt

    return f"{path}: {err['msg']} (got {excerpt(err['input'])})"


def parse_facts(data: Any, *, source: str = "facts") -> ProductFacts:
    """Validate a decoded mapping; errors name the field path and what is allowed."""
    if not isinstance(data, dict):
        raise FactsError(source, [f"(top level): expected a mapping of facts, got {type(data).__name__}"])
    try:
        return ProductFacts.model_validate(data)
    except ValidationError as exc:
        raise FactsError(source, [_describe_error(e) for e in exc.errors()]) from None


def decode_document(text: str, *, source: str) -> Any:
    """Decode JSON or YAML text (JSON is tried first: it is also YAML, but faster), within the
    bounds of :mod:`atmpnav.untrusted` (no YAML aliases, no duplicate keys, bounded nesting and numbers)."""
    from atmpnav.untrusted import load_json, load_yaml

    stripped = text.lstrip()
    if stripped.startswith("{") or stripped.startswith("["):
        return load_json(text, source=source)
    return load_yaml(text, source=source)


def load_facts(path: str | Path, *, stdin_text: str | None = None) -> ProductFacts:
    """Load ProductFacts from a YAML or JSON file; ``-`` reads ``stdin_text``."""
    if str(path) == "-":
        source, text = "<stdin>", stdin_text or ""
    else:
        source = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputFileError(source, "file not found") from None
        except (IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
            raise InputFileError(source, f"cannot read: {exc}") from None
    return parse_facts(decode_document(text, source=source), source=source)


def facts_schema() -> dict[str, Any]:
    return ProductFacts.model_json_schema()
