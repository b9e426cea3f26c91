"""Request and response bodies of the REST API (they also document it in the OpenAPI schema)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from atmpnav.assess import TEXT_MAX
from atmpnav.assessments import NOTE_MAX, TITLE_MAX
from atmpnav.facts import ProductFacts

INDICATION_MAX = 2_000
CAR_T_FACTS: dict[str, Any] = {
    "name": "Autologous anti-CD19 CAR-T cells",
    "for_human_administration": True,
    "product_role": "finished_product",
    "claimed_purpose": "treat_prevent_diagnose",
    "vaccine_against_infectious_disease": False,
    "nucleic_acid": {
        "present": True,
        "origin": "recombinant",
        "vehicle": "modified_cells",
        "acts_on_genetic_sequence": True,
        "effect_from_sequence": True,
        "transgene_role": "therapeutic",
        "genome_editing": "none",
    },
    "cells_or_tissues": {
        "present": True,
        "form": "intact_cells",
        "source": "autologous",
        "viability": "viable",
        "manipulations": ["cell_separation", "activation", "genetic_modification", "expansion"],
        "same_essential_function": False,
    },
}
TEXT_EXAMPLE = (
    "Autologous chondrocytes expanded in culture and seeded on a porcine collagen membrane, "
    "implanted to repair cartilage defects of the knee."
)


def _known_jurisdictions(codes: list[str]) -> list[str]:
    """Upper-cased and deduplicated; 'all' means every jurisdiction."""
    from atmpnav.errors import UnknownNameError
    from atmpnav.law import expand_jurisdictions

    try:
        return expand_jurisdictions(codes)
    except UnknownNameError as err:
        raise ValueError(err.message) from None


class _Input(BaseModel):
    """Either structured facts or a free-text description."""

    model_config = ConfigDict(extra="forbid")

    facts: ProductFacts | None = Field(None, description="ProductFacts (the contract); give this or `text`.")
    text: str | None = Field(
        None, min_length=1, max_length=TEXT_MAX, description="A plain description of the product; give this or `facts`."
    )
    indication: str | None = Field(None, max_length=INDICATION_MAX, description="Intended use, with `text`.")
    as_of: date | None = Field(None, description="Evaluate the law in force on this date (default: today).")
    jurisdictions: list[str] = Field(
        default_factory=lambda: ["EU"], min_length=1, max_length=16,
        description="Jurisdictions to apply (EU, US, UK, CH, JP, …), or [\"all\"] for every one."
    )

    @field_validator("jurisdictions")
    @classmethod
    def _jurisdictions(cls, value: list[str]) -> list[str]:
        return _known_jurisdictions(value)

    @model_validator(mode="after")
    def _one_input(self) -> _Input:
        if (self.facts is None) == (self.text is None):
            raise ValueError("give either `facts` or `text` (exactly one)")
        if self.indication is not None and self.text is None:
            raise ValueError("`indication` goes with `text`; with `facts` use facts.indication")
        if self.text is not None and not self.text.strip():
            raise ValueError("`text` is empty")
        return self


class ClassifyRequest(_Input):
    top: int = Field(5, ge=0, le=20, description="How many precedents to return for `text` input.")

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"facts": CAR_T_FACTS, "as_of": "2026-11-25"},
                {"text": TEXT_EXAMPLE, "indication": "cartilage defects of the knee"},
            ]
        },
    )


class AssessmentCreate(_Input):
    title: str = Field(..., min_length=1, max_length=TITLE_MAX)
    note: str | None = Field(None, max_length=NOTE_MAX, description="Why this version was made.")

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"title": "CAR-T product, first look", "facts": CAR_T_FACTS}]},
    )


class AssessmentUpdate(BaseModel):
    """A new version. Omitted fields keep the previous version's input, title and jurisdictions;
    the classification is always re-run (``as_of`` defaults to today)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"base_version": 1, "title": "CAR-T product, after CAT meeting",
                                         "note": "re-run on the current rule set"}]},
    )

    base_version: int = Field(..., ge=1, description="The version this edit is based on; must be the latest.")
    title: str | None = Field(None, min_length=1, max_length=TITLE_MAX)
    facts: ProductFacts | None = None
    text: str | None = Field(None, min_length=1, max_length=TEXT_MAX)
    indication: str | None = Field(None, max_length=INDICATION_MAX)
    as_of: date | None = None
    jurisdictions: list[str] | None = Field(None, min_length=1, max_length=16)
    note: str | None = Field(None, max_length=NOTE_MAX)

    @field_validator("jurisdictions")
    @classmethod
    def _jurisdictions(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _known_jurisdictions(value)

    @model_validator(mode="after")
    def _at_most_one_input(self) -> AssessmentUpdate:
        if self.facts is not None and self.text is not None:
            raise ValueError("give `facts` or `text`, not both")
        if self.indication is not None and self.text is None:
            raise ValueError("`indication` goes with `text`")
        return self


# --------------------------------------------------------------------------- responses (documentation)


class ErrorBody(BaseModel):
    code: str = Field(..., examples=["validation_error"])
    message: str
    details: dict[str, Any] = Field(default_factory=dict)


class ErrorEnvelope(BaseModel):
    error: ErrorBody


class VersionOut(BaseModel):
    assessment_id: int
    n: int
    title: str
    input: dict[str, Any] = Field(..., description='{"kind": "facts", "facts": …} or {"kind": "text", "text", …}')
    jurisdictions: list[str]
    as_of: str
    ruleset: str
    software: str
    note: str | None
    created_at: str
    prev_hash: str | None = Field(..., description="Hash of the previous version (null for version 1).")
    hash: str = Field(..., description="SHA-256 of this version's canonical JSON, prev_hash included.")
    envelope: dict[str, Any] = Field(..., description="The classification envelope {facts, verdicts, precedents}.")


class AssessmentSummaryOut(BaseModel):
    id: int
    title: str
    created_at: str
    updated_at: str
    latest_version: int
    input_kind: str
    outcomes: dict[str, str]


class VersionCheckOut(BaseModel):
    n: int
    hash: str
    ok: bool
    problems: list[str]


class ChainOut(BaseModel):
    assessment_id: int
    ok: bool
    head_hash: str | None
    problems: list[str]
    versions: list[VersionCheckOut]


class AssessmentOut(AssessmentSummaryOut):
    latest: VersionOut
    chain: ChainOut


class AssessmentListOut(BaseModel):
    total: int
    items: list[AssessmentSummaryOut]


class ProductSummaryOut(BaseModel):
    name: str
    region: str
    category: str | None
    combined: bool | None
    status: str
    status_since: str | None
    authorised_on: str | None
    inn: str | None
    holder: str | None
    product_type: str | None
    conditional: bool | None
    orphan: bool | None
    prime: bool | None
    slug: str
    linked: list[str]
    category_mapped: bool = False
    own_outcome: str | None = None
    own_agrees: bool | None = None
    data_quality: str = ""


class LinkedProductOut(BaseModel):
    region: str
    name: str
    kind: str
    basis: str | None
    status: str
    authorised_on: str | None


class TimelineEntryOut(BaseModel):
    status: str
    effective_on: str | None
    source: str


class HistoryEntryOut(BaseModel):
    changed_at: str
    action: str
    field: str
    old: str | None
    new: str | None
    source: str
    source_as_of: str | None
    fields_set: int = 0


class SourceLinkOut(BaseModel):
    url: str
    official: bool
    publisher: str


class ProductDetailOut(ProductSummaryOut):
    aliases: list[str]
    category_note: str | None
    indication: str | None
    therapeutic_area: str | None
    exceptional_circumstances: bool | None
    status_date: str | None
    notes: str | None
    source_urls: list[str]
    url: str | None
    ema_product_number: str | None
    facts_file: str | None
    timeline: list[TimelineEntryOut]
    links: list[LinkedProductOut]
    history: list[HistoryEntryOut]
    sources: list[SourceLinkOut] = []
    verdict: dict[str, Any] | None = None


class HealthOut(BaseModel):
    status: str
    version: str
    schema_revision: str | None
