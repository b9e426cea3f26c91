"""Downloads of a saved assessment's documents: ``GET /api/v1/assessments/{id}/documents/{kind}`` with
kind ``ema-classification-request``, ``fda-pre-rfd``, ``fda-rfd`` (Word drafts) or ``report`` (PDF)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.engine import Engine
from starlette.responses import Response

from atmpnav.records.users import UserInfo
from atmpnav.web.dependencies import db, viewer
from atmpnav.web.schemas import ErrorEnvelope

router = APIRouter(prefix="/api/v1", responses={
    404: {"model": ErrorEnvelope, "description": "Unknown assessment, version or document kind"},
    422: {"model": ErrorEnvelope, "description": "Invalid input"},
})
DocumentKind = Literal["ema-classification-request", "fda-pre-rfd", "fda-rfd", "report"]
DOCUMENT_KINDS: tuple[str, ...] = DocumentKind.__args__  # type: ignore[attr-defined]


def render_document(engine: Engine, assessment_id: int, kind: str, version: int | None) -> tuple[bytes, str, str]:
    """(bytes, media type, file name) of one document of a saved assessment."""
    from atmpnav.documents.saved import read_assessment

    saved = read_assessment(engine, assessment_id, version)
    stem = f"assessment-{assessment_id}-v{saved.version}-{kind}"
    if kind == "report":
        from atmpnav.documents.report import PDF_MEDIA_TYPE, render_report_pdf

        return render_report_pdf(saved), PDF_MEDIA_TYPE, f"{stem}.pdf"
    from atmpnav.documents.forms import DOCX_MEDIA_TYPE, render_form
    from atmpnav.documents.sources import from_assessment

    return render_form(kind, from_assessment(saved)), DOCX_MEDIA_TYPE, f"{stem}.docx"


@router.get(
    "/assessments/{assessment_id}/documents/{kind}",
    tags=["documents"],
    summary="A document of a saved assessment (Word draft or PDF report)",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}, "application/vnd.openxmlformats-officedocument."
                                 "wordprocessingml.document": {}}}},
)
async def assessment_document(
    engine: Annotated[Engine, Depends(db)],
    user: Annotated[UserInfo, Depends(viewer)],
    assessment_id: Annotated[int, Path(ge=1, description="Assessment id")],
    kind: Annotated[DocumentKind, Path(description="ema-classification-request, fda-pre-rfd, fda-rfd or report")],
    version: Annotated[int | None, Query(ge=1, description="Version (default: latest)")] = None,
) -> Response:
    """**ema-classification-request**: EMA's Art 17 request form, prefilled, the mandatory fields still empty
    listed on page 1; **fda-pre-rfd** / **fda-rfd**: FDA drafts (21 CFR 3.7, with the 15-page budget
    estimated); **report**: the assessment report as PDF with hashes, rule-set versions, GMP checklist and the
    signature block."""
    data, media_type, filename = await run_in_threadpool(render_document, engine, assessment_id, kind, version)
    return Response(data, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
