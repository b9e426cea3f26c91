"""The REST API under ``/api/v1`` (JSON; documented by the generated OpenAPI at ``/openapi.json``)."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.engine import Engine
from starlette.responses import HTMLResponse, JSONResponse, Response

from atmpnav import assessments
from atmpnav.assess import AssessmentInput
from atmpnav.categories import as_dicts
from atmpnav.engine import parse_date
from atmpnav.facts import ProductFacts
from atmpnav.gmp import checklist_of_envelope
from atmpnav.rulebook import describe_rule, list_rules
from atmpnav.verdict import Envelope, Precedent
from atmpnav.web import schemas
from atmpnav.web.services import CHART_FORMATS, classify_input, search_precedents
from atmpnav.web.templating import templates

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": schemas.ErrorEnvelope, "description": "Malformed JSON"},
    404: {"model": schemas.ErrorEnvelope, "description": "Not found"},
    413: {"model": schemas.ErrorEnvelope, "description": "Request body too large"},
    422: {"model": schemas.ErrorEnvelope, "description": "Invalid input (the message names the field)"},
}
CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"model": schemas.ErrorEnvelope, "description": "The edit is based on a version that is not the latest"}
}

router = APIRouter(prefix="/api/v1", responses=ERRORS)


def db(request: Request) -> Engine:
    engine: Engine = request.app.state.db.engine
    return engine


Db = Annotated[Engine, Depends(db)]
AssessmentId = Annotated[int, Path(ge=1, description="Assessment id")]
AsOfQuery = Annotated[date | None, Query(description="YYYY-MM-DD (default: today)")]


def json_response(data: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(body, status_code=status_code, media_type="application/json", headers=headers)


# --------------------------------------------------------------------------- classification


@router.post(
    "/classify",
    tags=["classify"],
    summary="Classify facts or a description",
    response_model=None,
    responses={200: {"model": Envelope, "description": "The contract's envelope {facts, verdicts, precedents}"}},
)
async def classify(body: schemas.ClassifyRequest) -> Response:
    """Classify structured **facts** (ProductFacts) or a plain-language **text** (with its optional
    **indication**) under the law in force on **as_of** (default today) in each of **jurisdictions**.

    Returns the envelope of the facts/verdicts contract. A verdict that the facts cannot decide is
    `undetermined`, with the `likely_outcome`, and `missing` lists what to ask. Free-text input also
    returns `evidence` (fact path → the words that decided it) and `precedents`.
    """
    if body.facts is not None:
        # The rules are fast and in memory: run them on the event loop, no thread hand-off.
        envelope = classify_input(body.facts, None, None, body.jurisdictions, body.as_of)
    else:
        envelope = await run_in_threadpool(
            classify_input, None, body.text, body.indication, body.jurisdictions, body.as_of, top=body.top
        )
    return json_response(envelope.to_json_dict())


@router.get("/precedents", tags=["classify"], summary="Search known cases", response_model=list[Precedent])
def precedents(
    q: Annotated[str, Query(min_length=1, max_length=2000, description="Words to search for")],
    k: Annotated[int, Query(ge=1, le=50, description="How many cases")] = 5,
) -> Response:
    """Known classifications (CAT recommendations, authorised products) most similar to **q**:
    similar, not binding."""
    found = search_precedents(q, k)
    return json_response([p.model_dump(mode="json") for p in found])


# --------------------------------------------------------------------------- reference


@router.get("/categories", tags=["reference"], summary="ATMP categories and the other regimes")
def categories() -> list[dict[str, Any]]:
    """The four ATMP categories (and the combined-ATMP modifier) and the not-ATMP regimes, with
    plain definitions, legal basis and examples."""
    return as_dicts()


@router.get("/jurisdictions", tags=["reference"], summary="Every rule set: version, sources, vocabulary")
def jurisdictions() -> list[dict[str, Any]]:
    """Every registered jurisdiction's rule set with its version, regulator, sources and how current they are,
    and its outcome vocabulary (those inside the advanced-therapy regime listed apart)."""
    from atmpnav.rulebook import jurisdiction_catalogue

    return jurisdiction_catalogue()


@router.get("/rules", tags=["reference"], summary="Every rule with its citation")
def rules(jurisdiction: Annotated[str, Query(max_length=8)] = "EU") -> list[dict[str, Any]]:
    """Every rule of a jurisdiction's rule set, with its question, legal citation, confidence and
    the period it applies to (one entry per dated version)."""
    return list_rules(jurisdiction)


@router.get("/rules/{rule_id}", tags=["reference"], summary="One rule")
def rule(
    rule_id: Annotated[str, Path(max_length=32, description="e.g. EU-G2 or US-5")],
    jurisdiction: Annotated[str | None, Query(max_length=8, description="Default: from the id's prefix")] = None,
) -> dict[str, Any]:
    from atmpnav.web.views import rule_jurisdiction

    return describe_rule(jurisdiction or rule_jurisdiction(rule_id), rule_id)


# --------------------------------------------------------------------------- registry


@router.get(
    "/registry/products",
    tags=["registry"],
    summary="Authorised products",
    response_model=list[schemas.ProductSummaryOut],
)
def registry_products(
    engine: Db,
    region: Annotated[str | None, Query(max_length=8, description="EU or US")] = None,
    category: Annotated[str | None, Query(max_length=16, description="GTMP, sCTMP, TEP or unknown")] = None,
    status: Annotated[str | None, Query(max_length=32, description="e.g. authorised, withdrawn")] = None,
    as_of: AsOfQuery = None,
    q: Annotated[str | None, Query(max_length=200, description="Words that must all appear")] = None,
    sort: Annotated[str | None, Query(max_length=20, description="A column; prefix - to descend")] = None,
) -> Response:
    """Products in the registry (EU first), optionally only those authorised by **as_of** with their
    status on that date. US products carry our mapping onto the EU categories (`category_mapped`);
    `own_outcome` is the tool's own verdict from the product's facts file."""
    from atmpnav.registry.queries import list_products

    rows = list_products(region=region or None, category=category or None, status=status or None,
                         as_of=as_of, q=q or None, sort=sort or None, engine=engine)
    return json_response([r.to_dict() for r in rows])


@router.get(
    "/registry/products/{name:path}",
    tags=["registry"],
    summary="One product with its history",
    response_model=schemas.ProductDetailOut,
)
def registry_product(
    engine: Db,
    name: Annotated[str, Path(max_length=200, description="Name, other name or INN (case-insensitive)")],
    region: Annotated[str | None, Query(max_length=8)] = None,
    full_history: Annotated[bool, Query(description="Every field an import set, not one event per import")] = False,
) -> Response:
    """One product with its status timeline, linked products (EU ↔ US), change history and the
    tool's own verdict."""
    from atmpnav.registry.queries import show_product

    return json_response(show_product(name, region=region or None, engine=engine,
                                      full_history=full_history).to_dict())


@router.get("/registry/stats", tags=["registry"], summary="EU ATMPs per category")
def registry_stats(engine: Db, as_of: AsOfQuery = None) -> Response:
    """EU ATMPs per category authorised by **as_of** and still authorised then, compared with
    independent published tallies."""
    from atmpnav.registry.queries import stats

    return json_response(stats(as_of, engine=engine).to_dict())


@router.get(
    "/registry/chart.{fmt}",
    tags=["registry"],
    summary="The registry chart (SVG or PNG)",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}, "image/png": {}}}},
)
def registry_chart(
    request: Request,
    engine: Db,
    fmt: Annotated[str, Path(pattern="^(svg|png)$", description="svg or png")],
    as_of: AsOfQuery = None,
) -> Response:
    """EU ATMPs authorised per category and still authorised on **as_of**, and their cumulative count
    over time."""
    data = request.app.state.charts.get(engine, as_of or date.today(), fmt)
    return Response(data, media_type=CHART_FORMATS[fmt], headers={"Cache-Control": "public, max-age=3600"})


# --------------------------------------------------------------------------- assessments


def _input(facts: ProductFacts | None, text: str | None, indication: str | None) -> AssessmentInput:
    if facts is not None:
        return AssessmentInput.of_facts(facts)
    assert text is not None
    return AssessmentInput.of_text(text, indication)


def assessment_document(engine: Engine, assessment_id: int) -> dict[str, Any]:
    head = assessments.summary(engine, assessment_id)
    return {
        **head.to_dict(),
        "latest": assessments.get_version(engine, assessment_id).to_dict(),
        "chain": assessments.verify(engine, assessment_id).to_dict(),
    }


@router.post(
    "/assessments",
    tags=["assessments"],
    summary="Save a classification as an assessment",
    status_code=201,
    response_model=schemas.AssessmentOut,
)
def create_assessment(body: schemas.AssessmentCreate, engine: Db) -> Response:
    """Classify the input (facts or text) and store it as version 1 of a new assessment."""
    record = assessments.create(
        engine,
        title=body.title,
        given=_input(body.facts, body.text, body.indication),
        jurisdictions=body.jurisdictions,
        as_of=body.as_of,
        note=body.note,
    )
    return json_response(
        assessment_document(engine, record.assessment_id),
        status_code=201,
        headers={"Location": f"/api/v1/assessments/{record.assessment_id}"},
    )


@router.get(
    "/assessments", tags=["assessments"], summary="List assessments", response_model=schemas.AssessmentListOut
)
def list_assessments(
    engine: Db,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    """Assessments, most recently changed first."""
    items = assessments.list_assessments(engine, limit=limit, offset=offset)
    return json_response({"total": assessments.count_assessments(engine), "items": [i.to_dict() for i in items]})


@router.get(
    "/assessments/{assessment_id}",
    tags=["assessments"],
    summary="An assessment (its latest version)",
    response_model=schemas.AssessmentOut,
)
def get_assessment(assessment_id: AssessmentId, engine: Db) -> Response:
    """The assessment with its latest version and the result of checking its hash chain."""
    return json_response(assessment_document(engine, assessment_id))


@router.put(
    "/assessments/{assessment_id}",
    tags=["assessments"],
    summary="Edit: add a new version",
    response_model=schemas.AssessmentOut,
    responses=CONFLICT,
)
def update_assessment(assessment_id: AssessmentId, body: schemas.AssessmentUpdate, engine: Db) -> Response:
    """Add version n+1 (older versions are kept). **base_version** must be the latest version, or
    the edit is refused with 409 `stale_version`. Omitted fields keep the previous version's; the
    classification is re-run (on **as_of**, default today)."""
    given = None
    if body.facts is not None or body.text is not None:
        given = _input(body.facts, body.text, body.indication)
    assessments.revise(
        engine,
        assessment_id,
        base_version=body.base_version,
        title=body.title,
        given=given,
        jurisdictions=body.jurisdictions,
        as_of=body.as_of,
        note=body.note,
    )
    return json_response(assessment_document(engine, assessment_id))


@router.get(
    "/assessments/{assessment_id}/versions",
    tags=["assessments"],
    summary="Every version",
    response_model=list[schemas.VersionOut],
)
def assessment_versions(assessment_id: AssessmentId, engine: Db) -> Response:
    return json_response([v.to_dict() for v in assessments.versions(engine, assessment_id)])


@router.get(
    "/assessments/{assessment_id}/versions/{n}",
    tags=["assessments"],
    summary="One version",
    response_model=schemas.VersionOut,
)
def assessment_version(assessment_id: AssessmentId, n: Annotated[int, Path(ge=1)], engine: Db) -> Response:
    return json_response(assessments.get_version(engine, assessment_id, n).to_dict())


@router.get(
    "/assessments/{assessment_id}/verify",
    tags=["assessments"],
    summary="Check the hash chain",
    response_model=schemas.ChainOut,
)
def verify_assessment(assessment_id: AssessmentId, engine: Db) -> Response:
    """Recompute every version's hash and the links between them; `ok` is false if anything was altered."""
    return json_response(assessments.verify(engine, assessment_id).to_dict())


@router.get(
    "/assessments/{assessment_id}/export.json",
    tags=["assessments"],
    summary="Export as JSON (all versions and the chain)",
    response_class=JSONResponse,
)
def export_assessment(assessment_id: AssessmentId, engine: Db) -> Response:
    document = assessments.export(engine, assessment_id)
    body = json.dumps(document, ensure_ascii=False, indent=2).encode()
    return Response(
        body,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="assessment-{assessment_id}.json"'},
    )


@router.get(
    "/assessments/{assessment_id}/report.html",
    tags=["assessments"],
    summary="Printable HTML report",
    response_class=HTMLResponse,
)
def assessment_report(
    request: Request,
    assessment_id: AssessmentId,
    engine: Db,
    version: Annotated[int | None, Query(ge=1, description="Version (default: latest)")] = None,
) -> HTMLResponse:
    """A self-contained printable report of one version: facts or text, verdict, reasoning with
    citations, precedents, version and hash, and the disclaimer."""
    record = assessments.get_version(engine, assessment_id, version)
    head = assessments.summary(engine, assessment_id)
    chain = assessments.verify(engine, assessment_id)
    envelope = Envelope.model_validate({**record.envelope, "facts": {}})
    return templates().TemplateResponse(
        request,
        "report.html",
        {
            "head": head,
            "record": record,
            "envelope": envelope,
            "chain": chain,
            "evaluated_on": parse_date(record.as_of),
            "gmp": checklist_of_envelope(Envelope.model_validate(record.envelope)),
        },
    )
