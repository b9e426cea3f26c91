"""The REST API under ``/api/v1`` (JSON; documented by the generated OpenAPI at ``/openapi.json``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from starlette.responses import Response

from atmpnav.categories import as_dicts
from atmpnav.rulebook import describe_rule, list_rules
from atmpnav.verdict import Envelope, Precedent
from atmpnav.web import schemas
from atmpnav.web.dependencies import Db
from atmpnav.web.responses import json_response
from atmpnav.web.services import CHART_FORMATS, classify_input, search_precedents

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


AssessmentId = Annotated[int, Path(ge=1, description="Assessment id")]
AsOfQuery = Annotated[schemas.IsoDate | None, Query(description="YYYY-MM-DD (default: today)")]


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
    return json_response(envelope.to_json())


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
    from atmpnav.web.rules_pages import rule_jurisdiction

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
