"""The registry pages: the list of authorised products (filtered, sorted, paged; also as CSV and JSON)
and one product's page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, astuple, dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.engine import Engine
from starlette.responses import HTMLResponse, Response

from atmpnav.web import auth
from atmpnav.web.dependencies import Db
from atmpnav.web.pages import page, query_model, query_string
from atmpnav.web.templating import templates

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

REGIONS = ("EU", "US")
REGISTRY_CATEGORIES = ("GTMP", "sCTMP", "TEP", "not ATMP", "unknown")
STATUSES = ("authorised", "suspended", "withdrawn", "not renewed", "expired", "revoked", "lapsed")
PAGE_SIZES = (25, 50, 100)
SORTS = (("", "Region, then date authorised"), ("name", "Name (A–Z)"), ("-authorised", "Newest first"),
         ("authorised", "Oldest first"), ("category", "Category"), ("status", "Status"), ("verdict", "Our verdict"))


@dataclass(frozen=True)
class RegistryFilters:
    """The filters of the registry list, in the order its URLs carry them ("" = not filtered)."""

    q: str
    region: str
    category: str
    status: str
    as_of: str
    sort: str

    def given(self) -> list[tuple[str, str]]:
        """The filters set, as query pairs."""
        return [(k, v) for k, v in asdict(self).items() if v]

    def rows(self, engine: Engine) -> list[Any]:
        """Every product the filters let through, in the chosen order."""
        from atmpnav.registry.queries import list_products

        return list_products(region=self.region or None, category=self.category or None, status=self.status or None,
                             as_of=self.as_of or None, q=self.q or None, sort=self.sort or None, engine=engine)


class RegistryQuery(BaseModel):
    """The filters of the registry list as query parameters, validated by one model (:func:`query_model`)."""

    model_config = ConfigDict(extra="ignore")

    region: Annotated[str, Field(max_length=8)] = ""
    category: Annotated[str, Field(max_length=16)] = ""
    status: Annotated[str, Field(max_length=32)] = ""
    as_of: Annotated[str, Field(max_length=10)] = ""
    q: Annotated[str, Field(max_length=200)] = ""
    sort: Annotated[str, Field(max_length=20)] = ""

    def filters(self) -> RegistryFilters:
        return RegistryFilters(q=self.q, region=self.region, category=self.category, status=self.status,
                               as_of=self.as_of, sort=self.sort)


class RegistryPageQuery(RegistryQuery):
    """The list page's parameters: the filters, then which page of how many rows."""

    page: Annotated[int, Field(ge=1, le=10_000)] = 1
    per_page: Annotated[int, Field(ge=1, le=100)] = PAGE_SIZES[0]


# Coroutines: FastAPI would run a plain function dependency in the threadpool.
async def registry_filters(request: Request) -> RegistryFilters:
    return query_model(RegistryQuery, request).filters()


async def registry_page_query(request: Request) -> RegistryPageQuery:
    return query_model(RegistryPageQuery, request)


Filters = Annotated[RegistryFilters, Depends(registry_filters)]


@router.get("/registry")
async def registry(
    request: Request,
    engine: Db,
    query: Annotated[RegistryPageQuery, Depends(registry_page_query)],
) -> HTMLResponse:
    """The registry list. Its content depends only on the registry's generation, the query and the day, so it
    is rendered once per generation; showing it again reads only the generation (one query). On SQLite, a file
    read in this process, that runs on the event loop (under load the threadpool hop cost about a third of the
    page); to render the content, to look up the user, or on a database server (a network round trip), the
    page is made in the threadpool."""
    from atmpnav.registry.cache import loaded_snapshot

    filters, page_no, per_page = query.filters(), query.page, query.per_page
    key = ("registry-page", *astuple(filters), page_no, per_page, date.today())
    if engine.dialect.name == "sqlite" and not auth.user_lookup_reads_database(request):
        snapshot = loaded_snapshot(engine)
        content = snapshot.memoized(key) if snapshot is not None else None
        if content is not None:
            return _registry_page(request, content)
    return await run_in_threadpool(_rendered_registry, request, engine, filters, page_no, per_page, key)


def _rendered_registry(request: Request, engine: Engine, filters: RegistryFilters, page_no: int, per_page: int,
                       key: tuple[Any, ...]) -> HTMLResponse:
    from atmpnav.registry.queries import current

    content = current(engine).memo(key, lambda: _registry_content(engine, filters, page_no, per_page))
    return _registry_page(request, content)


def _registry_page(request: Request, content: Markup) -> HTMLResponse:
    return page(request, "registry.html", {"section": "registry", "content": content})


def _registry_content(engine: Engine, filters: RegistryFilters, page_no: int, per_page: int) -> Markup:
    from atmpnav.registry.queries import stats

    rows = filters.rows(engine)
    counts = stats(filters.as_of or None, engine=engine)
    pages = max(1, -(-len(rows) // per_page))
    page_no = min(page_no, pages)
    start = (page_no - 1) * per_page
    shown = rows[start:start + per_page]
    base = filters.given() + ([("per_page", str(per_page))] if per_page != PAGE_SIZES[0] else [])
    html = templates().get_template("registry_content.html").render(
        rows=shown,
        total=len(rows),
        first=start + 1 if shown else 0,
        last=start + len(shown),
        page_no=page_no,
        pages=pages,
        page_urls={n: "/registry" + query_string([*base, ("page", str(n))]) for n in range(1, pages + 1)},
        export_query=query_string(filters.given()),
        stats=counts,
        filters=asdict(filters),
        filtered=any(astuple(filters)),
        regions=REGIONS,
        categories=REGISTRY_CATEGORIES,
        statuses=STATUSES,
        sorts=SORTS,
        per_page=per_page,
        page_sizes=PAGE_SIZES,
        chart_query=query_string([("as_of", filters.as_of)] if filters.as_of else []),
    )
    return Markup(html)


def _download(rows: list[Any], encode: Callable[[list[Any]], str], media_type: str, filename: str) -> Response:
    return Response(encode(rows), media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/registry.csv")
def registry_csv(engine: Db, filters: Filters) -> Response:
    """The filtered registry list (all pages) as CSV."""
    from atmpnav.registry.export import to_csv

    return _download(filters.rows(engine), to_csv, "text/csv; charset=utf-8", "atmpnav-registry.csv")


@router.get("/registry.json")
def registry_json(engine: Db, filters: Filters) -> Response:
    """The filtered registry list (all pages) as JSON."""
    from atmpnav.registry.export import to_json

    return _download(filters.rows(engine), to_json, "application/json", "atmpnav-registry.json")


@router.get("/registry/products/{name:path}")
def registry_product(
    request: Request,
    engine: Db,
    name: Annotated[str, Path(max_length=200)],
    region: Annotated[str, Query(max_length=8)] = "",
) -> HTMLResponse:
    from atmpnav.registry.queries import show_product

    product = show_product(name, region=region or None, engine=engine)
    return page(request, "product.html", {"section": "registry", "product": product, "s": product.summary,
                                          "verdict": product.verdict})
