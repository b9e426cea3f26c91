"""ProductFacts: the facts every classifier reads (the contract in docs/facts-and-verdicts.md).

A fact is true, false, a value from its list, or None (= not known). A sub-record that is
absent means the product has none of it (contract: "omit when the product has none"); a
sub-record with ``present: null`` means "not known whether it has any".
"""

from __future__ import annotations

import json
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from atmpnav.errors import FactsError, InputFileError


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
    # US facts (21 CFR 1271), read by a US classifier.
    structural_tissue: bool | None = None
    minimally_manipulated_us: bool | None = None
    homologous_use_us: bool | None = None
    combined_with_other_article: bool | None = None
    systemic_effect: bool | None = None
    donor_relation: DonorRelation | None = None
    same_surgical_procedure: bool | None = None


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

    @model_validator(mode="after")
    def _organ_has_tissue(self) -> ProductFacts:
        if self.special_category == SpecialCategory.organ_for_transplant and self.cells_or_tissues is None:
            raise ValueError("special_category organ_for_transplant needs cells_or_tissues (at least its source)")
        return self


@lru_cache(maxsize=256)
def _parts(path: str) -> tuple[str, ...]:
    return tuple(path.split("."))


def get_fact(facts: ProductFacts, path: str) -> Any:
    """Value at a dotted path; an absent sub-record reads as None."""
    node: Any = facts
    for part in _parts(path):
        if node is None:
            return None
        node = getattr(node, part)
    return node


def with_fact(facts: ProductFacts, path: str, value: Any) -> ProductFacts:
    """A copy of ``facts`` with one fact set and validated (a missing sub-record is created)."""
    parts = _parts(path)
    copy = facts.model_copy()
    if len(parts) == 1:
        setattr(copy, parts[0], value)
        return copy
    block_name, name = parts
    block = getattr(facts, block_name)
    block = block.model_copy() if block is not None else ProductFacts.model_fields[block_name].annotation.__args__[0]()
    setattr(block, name, value)
    setattr(copy, block_name, block)
    return copy


def _describe_error(err: dict[str, Any]) -> str:
    path = ".".join(str(p) for p in err["loc"]) or "(top level)"
    kind = err["type"]
    if kind == "extra_forbidden":
        return f"{path}: unknown field (see `atmpnav schema facts` for the fields allowed)"
    if kind == "enum":
        allowed = err.get("ctx", {}).get("expected", "")
        return f"{path}: {err['input']!r} is not allowed; expected one of {allowed}"
    return f"{path}: {err['msg']} (got {err['input']!r})"


def parse_facts(data: Any, *, source: str = "facts") -> ProductFacts:
    """Validate a decoded mapping; errors name the field path and what is allowed."""
    if not isinstance(data, dict):
        raise FactsError(source, [f"(top level): expected a mapping of facts, got {type(data).__name__}"])
    try:
        return ProductFacts.model_validate(data)
    except ValidationError as exc:
        raise FactsError(source, [_describe_error(e) for e in exc.errors()]) from None


def decode_document(text: str, *, source: str) -> Any:
    """Decode JSON or YAML text (JSON is tried first: it is also YAML, but faster)."""
    stripped = text.lstrip()
    if stripped.startswith("{") or stripped.startswith("["):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputFileError(source, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    import yaml  # imported here: YAML is slower to import than JSON

    # The C loader (libyaml) where PyYAML was built with it: the same safe subset, ~10x faster.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputFileError(source, f"invalid YAML{where}: {getattr(exc, 'problem', exc)}") from None


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
