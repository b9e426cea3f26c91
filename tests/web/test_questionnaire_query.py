"""The questionnaire reads its query parameters with one pydantic model (QuestionnaireQuery) instead of
thirteen FastAPI parameters: the values and the validation errors must be what FastAPI gives."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.testclient import TestClient
from starlette.responses import JSONResponse

from atmpnav.assess import TEXT_MAX
from atmpnav.web.classify_pages import QuestionnaireQuery


def _fastapi_oracle() -> TestClient:
    """The parameters as the questionnaire declared them before, read by FastAPI."""
    app = FastAPI()

    @app.exception_handler(RequestValidationError)
    async def errors(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return JSONResponse({"errors": _comparable(exc)}, status_code=422)

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


def _ours(query: str) -> tuple[int, Any]:
    request = Request({"type": "http", "method": "GET", "path": "/classify", "query_string": query.encode(),
                       "headers": []})
    try:
        parsed = QuestionnaireQuery.of(request)
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
