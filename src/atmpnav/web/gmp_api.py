"""REST endpoints of the GMP and documents rooms (``/api/v1/gmp``, a saved assessment's checklist and
its documents); included from :mod:`atmpnav.web.app`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from atmpnav.facts import ProductFacts
from atmpnav.gmp import Checklist, gmp_checklist
from atmpnav.records.users import UserInfo
from atmpnav.web.dependencies import Db, viewer
from atmpnav.web.responses import json_response
from atmpnav.web.schemas import CAR_T_FACTS, ErrorEnvelope

router = APIRouter(prefix="/api/v1", responses={
    404: {"model": ErrorEnvelope, "description": "Not found"},
    422: {"model": ErrorEnvelope, "description": "Invalid input (the message names the field)"},
})


AssessmentId = Annotated[int, Path(ge=1, description="Assessment id")]
Standard = Literal["eu", "pics"]


class GmpRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "facts": {**CAR_T_FACTS, "manufacturing": {"stage": "investigational", "phase": "I",
                                                   "processing": "automated_closed",
                                                   "release_before_qc_complete": True}},
        "standard": "eu"}]})

    facts: ProductFacts = Field(description="ProductFacts with an optional `manufacturing` block.")
    standard: Standard = Field("eu", description="eu: EU GMP Part IV; pics: PIC/S GMP Annex 2A.")
    as_of: date | None = Field(None, description="Standards and law in force on this date (default: today).")


@router.post("/gmp", tags=["gmp"], summary="GMP checklist for facts", response_model=Checklist)
def gmp(body: GmpRequest) -> Response:
    """The requirements of EU GMP Part IV (or PIC/S Annex 2A) that the facts trigger, grouped by topic, each
    with both citations (section as numbered, with its confidence tag), severity, the facts that triggered it
    and whether the step needs the authority's approval; `open` lists the facts whose answer would change the
    list. The classification is run first (EU rules)."""
    return json_response(gmp_checklist(body.facts, standard=body.standard, as_of=body.as_of).model_dump(mode="json"))


@router.get("/assessments/{assessment_id}/gmp", tags=["gmp"], summary="GMP checklist of a saved assessment",
            response_model=Checklist)
def assessment_gmp(
    assessment_id: AssessmentId,
    engine: Db,
    user: Annotated[UserInfo, Depends(viewer)],
    standard: Annotated[Standard, Query(description="eu or pics")] = "eu",
    version: Annotated[int | None, Query(ge=1, description="Version (default: latest)")] = None,
) -> Response:
    """The checklist built on the facts and the EU verdict stored with the assessment (not re-classified)."""
    from atmpnav.documents.saved import read_assessment
    from atmpnav.gmp import build_checklist

    saved = read_assessment(engine, assessment_id, version)
    if saved.eu_verdict is None:
        from atmpnav.errors import InputError

        raise InputError("the assessment has no EU verdict; the GMP checklist is built on the EU classification")
    checklist = build_checklist(saved.facts, saved.eu_verdict, standard=standard)
    return json_response(checklist.model_dump(mode="json"))
