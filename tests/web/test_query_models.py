"""The questionnaire and the registry list read their query parameters with one pydantic model each
(web.pages.query_model) instead of FastAPI parameters: the values and the validation errors must be what FastAPI
gives for the parameters as they were declared before."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.testclient import TestClient
from starlette.responses import JSONResponse

from atmpnav.assess import TEXT_MAX
from atmpnav.web.classify_pages import QuestionnaireQuery
from atmpnav.web.pages import query_model
from atmpnav.web.registry_pages import RegistryPageQuery, RegistryQuery


def _oracle_app() -> FastAPI:
    app = FastAPI()

    @app.exception_handler(RequestValidationError)
    async def errors(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return JSONResponse({"errors": _comparable(exc)}, status_code=422)

    return app


def _fastapi_oracle() -> TestClient:
    """The parameters as the questionnaire declared them before, read by FastAPI."""
    app = _oracle_app()

    @app.get("/classify")
    def classify(
        a: Annotated[list[str], Query(max_length=200)] = [],  # noqa: B006
        skip: Annotated[list[str], Query(max_length=100)] = [],  # noqa: B006
        assumed: Annotated[list[str], Query(max_length=100)] = [],  # noqa: B006
        as_of: Annotated[str | None, Query(max_length=10)] = None,
        fact: Annotated[str | None, Query(max_length=100)] = None,
        value: Annotated[list[str], Query(max_length=40)] = [],  # noqa: B006
        dont_know: Annotated[str | None, Query(max_length=4)] = None,
        edit: Annotated[str | None, Query(max_length=100)] = None,
        assessment: Annotated[int | None, Query(ge=1)] = None,
        base: Annotated[int | None, Query(ge=1)] = None,
        j: Annotated[list[str], Query(max_length=10)] = [],  # noqa: B006
        resume: Annotated[str | None, Query(alias="from", max_length=TEXT_MAX)] = None,
    ) -> dict[str, Any]:
        return {"a": a, "skip": skip, "assumed": assumed, "as_of": as_of, "fact": fact, "value": value,
                "dont_know": dont_know, "edit": edit, "assessment": assessment, "base": base, "j": j,
                "resume": resume}

    return TestClient(app)


def _comparable(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [{"loc": list(e["loc"]), "type": e["type"], "msg": e["msg"], "input": e.get("input")}
            for e in exc.errors()]


def _ours(query: str, model: Any = QuestionnaireQuery) -> tuple[int, Any]:
    request = Request({"type": "http", "method": "GET", "path": "/", "query_string": query.encode(),
                       "headers": []})
    try:
        parsed = query_model(model, request)
    except RequestValidationError as exc:
        return 422, {"errors": _comparable(exc)}
    return 200, parsed.model_dump()


@pytest.mark.parametrize("query", [
    "",
    "a=for_human_administration%3Dtrue&a=product_role%3Dfinished_product&skip=special_category&j=EU&j=US",
    "as_of=2020-01-01&as_of=2021-02-02&fact=product_role&value=x&value=y&dont_know=1&edit=product_role",
    "assessment=3&base=2&from=%7B%7D&assumed=disease_target&unknown=ignored",
    "assessment=0", "assessment=abc&base=", "base=%20", "assessment=1&assessment=x", "assessment=x&assessment=1",
    "as_of=" + "9" * 11 + "&base=0", "&".join(["a=x"] * 201), "&".join(["j=EU"] * 11), "&".join(["value=v"] * 41),
    "&".join(["skip=s"] * 101), "fact=" + "f" * 101, "dont_know=12345&edit=" + "e" * 101,
    "from=" + "y" * (TEXT_MAX + 1), "a=&fact=&as_of=", "assessment=1.5", "base=-3",
])
def test_query_reads_and_refuses_as_fastapi_parameters(query: str) -> None:
    oracle = _fastapi_oracle().get("/classify?" + query)
    assert _ours(query) == (oracle.status_code, oracle.json())


def _old_registry_filters(
    region: Annotated[str, Query(max_length=8)] = "",
    category: Annotated[str, Query(max_length=16)] = "",
    status: Annotated[str, Query(max_length=32)] = "",
    as_of: Annotated[str, Query(max_length=10)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    sort: Annotated[str, Query(max_length=20)] = "",
) -> dict[str, Any]:
    return {"region": region, "category": category, "status": status, "as_of": as_of, "q": q, "sort": sort}


def _registry_oracle() -> TestClient:
    """The registry's parameters as they were declared before (the filters a dependency, then the page), read by
    FastAPI; /registry.csv took the filters alone."""
    app = _oracle_app()

    @app.get("/registry")
    def registry(
        chosen: Annotated[dict[str, Any], Depends(_old_registry_filters)],
        page_no: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1,
        per_page: Annotated[int, Query(ge=1, le=100)] = 25,
    ) -> dict[str, Any]:
        return {**chosen, "page": page_no, "per_page": per_page}

    @app.get("/registry.csv")
    def registry_csv(chosen: Annotated[dict[str, Any], Depends(_old_registry_filters)]) -> dict[str, Any]:
        return chosen

    return TestClient(app)


REGISTRY_QUERIES = [
    "", "region=EU&category=GTMP&status=authorised&as_of=2024-01-01&q=car&sort=-authorised",
    "region=EU&region=US&q=a&q=b", "page=2&per_page=50", "page=0", "page=10001&per_page=101", "page=x&per_page=",
    "per_page=1.5&page=-1", "region=" + "r" * 9 + "&q=" + "q" * 201 + "&page=0", "sort=" + "s" * 21 + "&status=",
    "category=" + "c" * 17 + "&as_of=" + "9" * 11, "unknown=1&page=3", "page=2&page=x", "page=x&page=2",
]


@pytest.mark.parametrize("query", REGISTRY_QUERIES)
def test_registry_query_reads_and_refuses_as_fastapi_parameters(query: str) -> None:
    oracle = _registry_oracle()
    page = oracle.get("/registry?" + query)
    assert _ours(query, RegistryPageQuery) == (page.status_code, page.json())
    export = oracle.get("/registry.csv?" + query)  # the exports ignore the page parameters, as before
    assert _ours(query, RegistryQuery) == (export.status_code, export.json())
