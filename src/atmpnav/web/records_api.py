"""The records API: saved assessments, versions, electronic signatures, the audit trail, verification.

Every endpoint needs a user (``Authorization: Bearer <token>``; see ``atmpnav users token``) with
the role it names, except in the single-user mode (``ATMPNAV_AUTH=none``). POST and PUT accept an
``Idempotency-Key`` header: a retry with the same key and body returns what the first request
stored (header ``Idempotent-Replayed: true``) instead of adding a version again.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request
from sqlalchemy.engine import Engine
from starlette.responses import HTMLResponse, JSONResponse, Response

from atmpnav.assess import AssessmentInput
from atmpnav.engine import parse_date
from atmpnav.facts import ProductFacts
from atmpnav.gmp import checklist_of_envelope
from atmpnav.records import assessments, audit, integrity, signatures
from atmpnav.records.assessments import INT_MAX, Product
from atmpnav.records.rerun import rerun, save_rerun
from atmpnav.records.users import ForbiddenError
from atmpnav.verdict import Envelope
from atmpnav.web import auth, schemas
from atmpnav.web.dependencies import Author, Db, Reviewer, Viewer
from atmpnav.web.responses import json_response
from atmpnav.web.templating import templates

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": schemas.ErrorEnvelope, "description": "Malformed JSON"},
    401: {"model": schemas.ErrorEnvelope, "description": "Not logged in (no or a wrong bearer token)"},
    403: {"model": schemas.ErrorEnvelope, "description": "The user's role does not allow this"},
    404: {"model": schemas.ErrorEnvelope, "description": "Not found"},
    413: {"model": schemas.ErrorEnvelope, "description": "Request body too large"},
    422: {"model": schemas.ErrorEnvelope, "description": "Invalid input (the message names the field)"},
    503: {"model": schemas.ErrorEnvelope, "description": "Records refused: the append-only triggers are missing"},
}
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": schemas.ErrorEnvelope, "description": "Based on a version that is not the latest, or the "
          "version is approved / already signed"}
}

router = APIRouter(prefix="/api/v1", responses=ERRORS)


AssessmentId = Annotated[int, Path(ge=1, le=INT_MAX, description="Assessment id")]
VersionNumber = Annotated[int, Path(ge=1, le=INT_MAX, description="Version number")]
IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", max_length=assessments.IDEMPOTENCY_KEY_MAX,
           description="Any unique string per intended change; a retry with the same key does not add again"),
]


def _input(facts: ProductFacts | None, text: str | None, indication: str | None) -> AssessmentInput:
    if facts is not None:
        return AssessmentInput.of_facts(facts)
    assert text is not None
    return AssessmentInput.of_text(text, indication)


def assessment_document(engine: Engine, assessment_id: int) -> dict[str, Any]:
    """The assessment with its latest version, its signatures and the constant-cost integrity check."""
    head = assessments.summary(engine, assessment_id)
    return {
        **head.to_dict(),
        "latest": assessments.get_version(engine, assessment_id).to_dict(),
        "chain": assessments.quick_check(engine, assessment_id).to_dict(),
        "signatures": [s.to_dict() for s in signatures.list_signatures(engine, assessment_id, head.latest_version)],
    }


def _saved_response(engine: Engine, saved: assessments.Saved, status_code: int) -> Response:
    aid = saved.record.assessment_id
    headers = {"Location": f"/api/v1/assessments/{aid}"}
    if saved.replayed:
        headers["Idempotent-Replayed"] = "true"
    return json_response(assessment_document(engine, aid), status_code=status_code, headers=headers)


@router.get("/me", tags=["assessments"], summary="Who am I", response_model=schemas.MeOut)
def me(request: Request, user: Viewer) -> Response:
    """The user the request authenticates as, and the auth mode."""
    return json_response({"username": user.username, "full_name": user.full_name, "role": user.role,
                          "auth": auth.settings_of(request).mode})


@router.post(
    "/assessments",
    tags=["assessments"],
    summary="Save a classification as an assessment",
    status_code=201,
    response_model=schemas.AssessmentOut,
)
def create_assessment(body: schemas.AssessmentCreate, engine: Db, user: Author,
                      idempotency_key: IdempotencyKey = None) -> Response:
    """Classify the input (facts or text) and store it as version 1 of a new assessment (role: author)."""
    saved = assessments.create(
        engine,
        title=body.title,
        given=_input(body.facts, body.text, body.indication),
        jurisdictions=body.jurisdictions,
        as_of=body.as_of,
        note=body.note,
        reason=body.reason,
        actor=user.username,
        product=Product.of(body.product_name, body.description, body.intended_use),
        idempotency_key=idempotency_key,
    )
    return _saved_response(engine, saved, 200 if saved.replayed else 201)


@router.get(
    "/assessments", tags=["assessments"], summary="List assessments", response_model=schemas.AssessmentListOut
)
def list_assessments(
    engine: Db,
    user: Viewer,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=INT_MAX)] = 0,
    q: Annotated[str | None, Query(max_length=200, description="Words in title, product name or description")] = None,
    outcome: Annotated[str | None, Query(max_length=40, description="e.g. GTMP, not ATMP, undetermined")] = None,
    jurisdiction: Annotated[str | None, Query(max_length=8)] = None,
    state: Annotated[str | None, Query(max_length=16, description="draft, in_review, approved, superseded")] = None,
    owner: Annotated[str | None, Query(max_length=64, description="User who opened the assessment")] = None,
) -> Response:
    """Assessments, most recently changed first, filtered by every parameter given (role: viewer)."""
    total, items = assessments.list_page(
        engine, limit=limit, offset=offset,
        filters=assessments.ListFilter(q=q or None, outcome=outcome or None, jurisdiction=jurisdiction or None,
                                       state=state or None, owner=owner or None),
    )
    return json_response({"total": total, "items": [i.to_dict() for i in items]})


@router.get("/assessments/verify", tags=["assessments"], summary="Verify every record",
            response_model=schemas.VerifyAllOut)
def verify_all(engine: Db, user: Reviewer) -> Response:
    """The full check (role: reviewer): the audit chain and anchors, every assessment's versions,
    every signature, the append-only triggers, and each stored verdict against the rules re-run on
    its facts (or a note that the rule set changed since). `ok` is false on any finding."""
    return json_response(integrity.verify_all(engine).to_dict())


@router.get("/assessments/{assessment_id}", tags=["assessments"], summary="An assessment (its latest version)",
            response_model=schemas.AssessmentOut)
def get_assessment(assessment_id: AssessmentId, engine: Db, user: Viewer) -> Response:
    """The assessment with its latest version, its signatures and the check of the latest version
    (constant cost; the full check is `/verify`)."""
    return json_response(assessment_document(engine, assessment_id))


@router.put("/assessments/{assessment_id}", tags=["assessments"], summary="Edit: add a new version",
            response_model=schemas.AssessmentOut, responses=CONFLICT)
def update_assessment(assessment_id: AssessmentId, body: schemas.AssessmentUpdate, engine: Db, user: Author,
                      idempotency_key: IdempotencyKey = None) -> Response:
    """Add version n+1 (role: author; older versions are kept, an approved one becomes superseded).
    **base_version** must be the latest version (else 409 `stale_version`) and **reason** says why.
    Omitted fields keep the previous version's; the classification is re-run (on **as_of**, default today)."""
    given = None
    if body.facts is not None or body.text is not None:
        given = _input(body.facts, body.text, body.indication)
    product = None
    if body.product_name is not None or body.description is not None or body.intended_use is not None:
        product = Product.of(body.product_name, body.description, body.intended_use)
    saved = assessments.revise(
        engine, assessment_id, base_version=body.base_version, title=body.title, given=given,
        jurisdictions=body.jurisdictions, as_of=body.as_of, note=body.note, reason=body.reason,
        actor=user.username, product=product, idempotency_key=idempotency_key,
    )
    return _saved_response(engine, saved, 200)


@router.get("/assessments/{assessment_id}/versions", tags=["assessments"], summary="Every version",
            response_model=list[schemas.VersionOut])
def assessment_versions(assessment_id: AssessmentId, engine: Db, user: Viewer) -> Response:
    return json_response([v.to_dict() for v in assessments.versions(engine, assessment_id)])


@router.get("/assessments/{assessment_id}/versions/{n}", tags=["assessments"], summary="One version",
            response_model=schemas.VersionOut)
def assessment_version(assessment_id: AssessmentId, n: VersionNumber, engine: Db, user: Viewer) -> Response:
    return json_response(assessments.get_version(engine, assessment_id, n).to_dict())


@router.get("/assessments/{assessment_id}/verify", tags=["assessments"], summary="Check one assessment fully",
            response_model=schemas.ChainOut)
def verify_assessment(assessment_id: AssessmentId, engine: Db, user: Viewer) -> Response:
    """Recompute every version's keyed hash, the links between them, its signatures and audit events;
    `ok` is false if anything was altered, inserted or deleted."""
    return json_response(integrity.verify_assessment(engine, assessment_id).to_dict())


@router.get("/assessments/{assessment_id}/signatures", tags=["assessments"], summary="Signatures",
            response_model=list[schemas.SignatureOut])
def assessment_signatures(assessment_id: AssessmentId, engine: Db, user: Viewer) -> Response:
    assessments.summary(engine, assessment_id)
    return json_response([s.to_dict() for s in signatures.list_signatures(engine, assessment_id)])


@router.post("/assessments/{assessment_id}/versions/{n}/signatures", tags=["assessments"],
             summary="Sign a version (re-asks the password)", status_code=201, response_model=schemas.SignatureOut,
             responses=CONFLICT)
def sign_version(request: Request, assessment_id: AssessmentId, n: VersionNumber, body: schemas.SignRequest,
                 engine: Db, user: Viewer) -> Response:
    """Sign the latest version as **authored** (role author: submits it for review), **reviewed**
    (reviewer) or **approved** (approver). The password of the token's user is checked again; the
    author of a version can neither review nor approve it; an approved version takes no more signatures."""
    if auth.settings_of(request).single_user:
        raise ForbiddenError("electronic signatures need user accounts (ATMPNAV_AUTH=accounts)")
    signed = signatures.sign(engine, assessment_id, n, username=user.username, password=body.password,
                             meaning=body.meaning, comment=body.comment)
    return json_response(signed.to_dict(), status_code=201)


@router.get("/assessments/{assessment_id}/rerun", tags=["assessments"], summary="Re-run on today's rules",
            response_model=schemas.RerunOut)
def rerun_assessment(assessment_id: AssessmentId, engine: Db, user: Viewer) -> Response:
    """What the latest version's input gives with the rules installed now, and which steps changed."""
    return json_response(rerun(engine, assessment_id).to_dict())


@router.post("/assessments/{assessment_id}/rerun", tags=["assessments"], summary="Save a re-run as a new version",
             response_model=schemas.AssessmentOut, responses=CONFLICT)
def save_rerun_assessment(assessment_id: AssessmentId, engine: Db, user: Author,
                          base_version: Annotated[int, Query(ge=1, le=INT_MAX)],
                          idempotency_key: IdempotencyKey = None) -> Response:
    """Add a version re-classified on today's rules, with the reason "re-run on rule set X"."""
    saved = save_rerun(engine, assessment_id, actor=user.username, base_version=base_version,
                       idempotency_key=idempotency_key)
    return _saved_response(engine, saved, 200)


@router.get("/assessments/{assessment_id}/export.json", tags=["assessments"],
            summary="Export as JSON (versions, signatures, audit events, full check)", response_class=JSONResponse)
def export_assessment(assessment_id: AssessmentId, engine: Db, user: Viewer) -> Response:
    document = assessments.export(engine, assessment_id)
    body = json.dumps(document, ensure_ascii=False, indent=2).encode()
    return Response(body, media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="assessment-{assessment_id}.json"'})


def signature_block(sigs: list[signatures.SignatureRecord]) -> dict[str, list[signatures.SignatureRecord]]:
    """Signatures of one version by meaning: prepared (authored), reviewed, approved."""
    return {meaning: [s for s in sigs if s.meaning == meaning] for meaning in signatures.MEANINGS}


@router.get("/assessments/{assessment_id}/report.html", tags=["assessments"], summary="Printable HTML report",
            response_class=HTMLResponse)
def assessment_report(
    request: Request,
    assessment_id: AssessmentId,
    engine: Db,
    user: Viewer,
    version: Annotated[int | None, Query(ge=1, le=INT_MAX, description="Version (default: latest)")] = None,
) -> HTMLResponse:
    """A self-contained printable report of one version: facts or text, verdict, reasoning with
    citations, precedents, version and hash, the prepared/reviewed/approved signatures, and the disclaimer."""
    record = assessments.get_version(engine, assessment_id, version)
    head = assessments.summary(engine, assessment_id)
    chain = integrity.verify_assessment(engine, assessment_id)
    envelope = Envelope.model_validate({**record.envelope, "facts": {}})
    sigs = signatures.list_signatures(engine, assessment_id, record.n)
    return templates().TemplateResponse(
        request,
        "report.html",
        {"head": head, "record": record, "envelope": envelope, "chain": chain,
         "evaluated_on": parse_date(record.as_of), "signed": signature_block(sigs),
         "gmp": checklist_of_envelope(Envelope.model_validate(record.envelope))},
    )


@router.get("/audit", tags=["assessments"], summary="The audit trail", response_model=schemas.AuditListOut)
def audit_events(
    engine: Db,
    user: Reviewer,
    actor: Annotated[str | None, Query(max_length=64)] = None,
    action: Annotated[str | None, Query(max_length=40, description="e.g. version.added, or a prefix 'user.'")] = None,
    assessment: Annotated[int | None, Query(ge=1, le=INT_MAX)] = None,
    since: Annotated[schemas.IsoDate | None, Query(description="YYYY-MM-DD")] = None,
    until: Annotated[schemas.IsoDate | None, Query(description="YYYY-MM-DD")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=INT_MAX)] = 0,
) -> Response:
    """Audit events, newest first, filtered by every parameter given (role: reviewer)."""
    total, items = audit.events(engine, actor=actor or None, action=action or None, assessment_id=assessment,
                                since=since, until=until, limit=limit, offset=offset)
    return json_response({"total": total, "items": [e.to_dict() for e in items]})
