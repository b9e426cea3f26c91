"""Request and response bodies of the REST API (they also document it in the OpenAPI schema)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model, field_validator, model_validator

from atmpnav.assess import TEXT_MAX
from atmpnav.facts import ProductFacts
from atmpnav.records.assessments import DESCRIPTION_MAX, INT_MAX, NAME_MAX, NOTE_MAX, REASON_MAX, TITLE_MAX

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




def _iso_date_only(value: Any) -> Any:
    """Dates are ISO strings (YYYY-MM-DD): pydantic would also read ``0`` or ``"0"`` as a Unix time (1970-01-01)."""
    import re

    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("expected a date as YYYY-MM-DD, e.g. 2026-11-25")
    return value


#: A date given as YYYY-MM-DD and nothing else.
IsoDate = Annotated[date, BeforeValidator(_iso_date_only)]

class _Input(BaseModel):
    """Either structured facts or a free-text description."""

    model_config = ConfigDict(extra="forbid")

    facts: ProductFacts | None = Field(None, description="ProductFacts (the contract); give this or `text`.")
    text: str | None = Field(
        None, min_length=1, max_length=TEXT_MAX, description="A plain description of the product; give this or `facts`."
    )
    indication: str | None = Field(None, max_length=INDICATION_MAX, description="Intended use, with `text`.")
    as_of: IsoDate | None = Field(None, description="Evaluate the law in force on this date (default: today).")
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


class _Product(BaseModel):
    product_name: str | None = Field(None, max_length=NAME_MAX, description="The product's name or code.")
    description: str | None = Field(None, max_length=DESCRIPTION_MAX, description="What the product is.")
    intended_use: str | None = Field(None, max_length=DESCRIPTION_MAX, description="What it is meant to treat.")


class AssessmentCreate(_Input, _Product):
    title: str = Field(..., min_length=1, max_length=TITLE_MAX)
    note: str | None = Field(None, max_length=NOTE_MAX, description="A note kept with this version.")
    reason: str | None = Field(None, max_length=REASON_MAX, description="Why the assessment is made (optional "
                               "for the first version).")

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"title": "CAR-T product, first look", "facts": CAR_T_FACTS}]},
    )


class AssessmentUpdate(_Product):
    """A new version. Omitted fields keep the previous version's input, title and jurisdictions;
    the classification is always re-run (``as_of`` defaults to today)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"base_version": 1, "title": "CAR-T product, after CAT meeting",
                                         "reason": "re-run on the current rule set"}]},
    )

    base_version: int = Field(..., ge=1, le=INT_MAX, description="The version this edit is based on; must be the "
                              "latest.")
    reason: str = Field(..., min_length=1, max_length=REASON_MAX, description="Why this version is made "
                        "(required for every change after the first).")
    title: str | None = Field(None, min_length=1, max_length=TITLE_MAX)
    facts: ProductFacts | None = None
    text: str | None = Field(None, min_length=1, max_length=TEXT_MAX)
    indication: str | None = Field(None, max_length=INDICATION_MAX)
    as_of: IsoDate | None = None
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


class SignRequest(BaseModel):
    """An electronic signature: the signer's password is asked again for every signing."""

    model_config = ConfigDict(extra="forbid")

    meaning: Literal["authored", "reviewed", "approved"]
    password: str = Field(..., min_length=1, max_length=1024)
    comment: str | None = Field(None, max_length=2000)


def _response_model(name: str, source: type, base: type[BaseModel] = BaseModel, leave_out: tuple[str, ...] = (),
                    **retyped: Any) -> type[BaseModel]:
    """The response model ``name`` of what ``source.to_dict()`` (a library dataclass) returns: the
    dataclass's fields, in its order, with its defaults, so the documented shape follows the code.
    ``retyped`` gives a field its own (type, default or Field) where its JSON differs from the Python
    value or the documentation describes it; ``leave_out`` names fields ``to_dict`` does not return as such."""
    import dataclasses
    import typing

    hints = typing.get_type_hints(source)
    fields: dict[str, Any] = {}
    for item in dataclasses.fields(source):
        if item.name in leave_out:
            continue
        if item.default is not dataclasses.MISSING:
            default = item.default
        elif item.default_factory is not dataclasses.MISSING:
            default = item.default_factory()
        else:
            default = ...
        fields[item.name] = retyped.get(item.name, (hints[item.name], default))
    return create_model(name, __base__=base, **fields)


def _records_models() -> tuple[type[BaseModel], ...]:
    from atmpnav.records import assessments, audit, rerun, signatures

    return (
        _response_model("SignatureOut", signatures.SignatureRecord),
        _response_model("AuditEventOut", audit.EventRecord),
        _response_model("RerunOut", rerun.Rerun),
        _response_model(
            "VersionOut", assessments.VersionRecord,
            input=(dict[str, Any],
                   Field(..., description='{"kind": "facts", "facts": …} or {"kind": "text", "text", …}')),
            prev_hash=(str | None, Field(..., description="Hash of the previous version (null for version 1).")),
            hash=(str, Field(..., description="HMAC-SHA-256 of this version's canonical JSON, prev_hash included.")),
            envelope=(dict[str, Any],
                      Field(..., description="The classification envelope {facts, verdicts, precedents}.")),
            actor=(str | None, Field(None, description="The user who made this version.")),
            reason=(str | None, Field(None, description="Why this version was made.")),
        ),
        _response_model(
            "AssessmentSummaryOut", assessments.AssessmentSummary,
            state=(str, Field("draft", description="draft, in_review, approved or superseded")),
            jurisdictions=(list[str], Field(default_factory=list)),
        ),
    )


SignatureOut, AuditEventOut, RerunOut, VersionOut, AssessmentSummaryOut = _records_models()


class AuditListOut(BaseModel):
    total: int
    items: list[AuditEventOut]


class VerifyAllOut(BaseModel):
    ok: bool
    checked: dict[str, int]
    problems: list[str]
    notes: list[str]
    missing_triggers: list[str]
    last_event: dict[str, Any] | None
    anchor_file: str


class MeOut(BaseModel):
    username: str
    full_name: str
    role: str
    auth: str


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
    scope: str = Field("full", description="`latest`: the constant-cost check of the latest version shown with "
                       "every read; `full`: every version, signature and event")


class AssessmentOut(AssessmentSummaryOut):
    latest: VersionOut
    chain: ChainOut
    signatures: list[SignatureOut] = Field(default_factory=list)


class AssessmentListOut(BaseModel):
    total: int
    items: list[AssessmentSummaryOut]


def _registry_models() -> tuple[type[BaseModel], ...]:
    from atmpnav.registry import queries

    summary = _response_model("ProductSummaryOut", queries.ProductSummary, linked=(list[str], ...))
    linked = _response_model("LinkedProductOut", queries.LinkedProduct)
    timeline = _response_model("TimelineEntryOut", queries.TimelineEntry)
    history = _response_model("HistoryEntryOut", queries.HistoryEntry)
    source = _response_model("SourceLinkOut", queries.SourceLink)
    # One product: the summary's fields at the top level (ProductDetail.to_dict flattens them), the
    # nested records as their response models, and the verdict as its JSON.
    detail = _response_model(
        "ProductDetailOut", queries.ProductDetail, base=summary, leave_out=("summary",),
        timeline=(list[timeline], ...), links=(list[linked], ...), history=(list[history], ...),
        sources=(list[source], []), verdict=(dict[str, Any] | None, None),
    )
    return summary, linked, timeline, history, source, detail


ProductSummaryOut, LinkedProductOut, TimelineEntryOut, HistoryEntryOut, SourceLinkOut, ProductDetailOut = (
    _registry_models()
)


class HealthOut(BaseModel):
    status: str
    version: str
    schema_revision: str | None
    records: str = "ok"
    auth: str = "accounts"
    missing_triggers: list[str] = Field(default_factory=list)
