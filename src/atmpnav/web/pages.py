"""What every page family shares: rendering a template, the redirect after a form, the query string
of a page's state, and the facts and jurisdictions a form posts. The pages themselves are one module
per family: ``home_pages``, ``classify_pages`` (the questionnaire), ``describe_pages`` (free text),
``registry_pages``, ``rules_pages`` (categories and rules), ``records_pages``, ``gmp_pages`` and
``compare_pages``. They call the same library functions as the API."""

from __future__ import annotations

import typing
from functools import lru_cache
from typing import Any, TypeVar

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from atmpnav.errors import InputError
from atmpnav.facts import ProductFacts, decode_document, parse_facts
from atmpnav.web.templating import templates


def page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    return templates().TemplateResponse(request, name, context, status_code=status_code)


QueryModel = TypeVar("QueryModel", bound=BaseModel)


def query_model(model: type[QueryModel], request: Request) -> QueryModel:
    """A page's query parameters validated by one pydantic model, read as FastAPI reads parameters (every value of a
    list field, the last value of anything else, unknown names ignored), with the same 422 ``validation_error``
    (``loc`` starting with ``query``, in the fields' order). FastAPI's handling of each parameter on its own costs
    more than a page's work (the questionnaire's thirteen, the registry's eight)."""
    names, lists = _query_fields(model)
    params = request.query_params
    given = {name: params.getlist(name) if name in lists else params[name] for name in params if name in names}
    try:
        return model.model_validate(given)
    except ValidationError as exc:
        raise RequestValidationError([{**error, "loc": ("query", *error["loc"])} for error in exc.errors()]) from None


@lru_cache(maxsize=16)
def _query_fields(model: type[BaseModel]) -> tuple[frozenset[str], frozenset[str]]:
    """The parameter names of ``model`` (aliases where given), and those of its list fields."""
    named = {field.alias or name: field for name, field in model.model_fields.items()}
    lists = frozenset(name for name, field in named.items() if typing.get_origin(field.annotation) is list)
    return frozenset(named), lists


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def query_string(pairs: list[tuple[str, str]]) -> str:
    """``?a=1&b=2`` of every pair, empty values too (the questionnaire's state keeps them); "" for none."""
    from urllib.parse import urlencode

    return "?" + urlencode(pairs) if pairs else ""


def all_jurisdictions() -> list[str]:
    """Every registered jurisdiction, the EU first, as the forms list them."""
    from atmpnav.law import JURISDICTIONS

    return ["EU", *sorted(set(JURISDICTIONS) - {"EU"})]


def chosen_jurisdictions(chosen: list[str]) -> list[str]:
    """The jurisdictions a form ticked (``all`` for every one), each checked to exist."""
    from atmpnav.law import JURISDICTIONS, expand_jurisdictions

    unknown = [c for c in chosen if c.upper() not in JURISDICTIONS and c.lower() != "all"]
    if unknown:
        raise InputError(f"jurisdiction: {', '.join(unknown)} unknown; known: {', '.join(sorted(JURISDICTIONS))}, all")
    return expand_jurisdictions(chosen)


def facts_text(facts: ProductFacts) -> str:
    """Facts as the indented JSON a page shows for copying or editing (keeps an unknown ``present``)."""
    import json

    from atmpnav.assess import facts_to_json

    return json.dumps(facts_to_json(facts), indent=2, ensure_ascii=False)


def parse_facts_text(raw: str) -> ProductFacts:
    """Facts typed or posted as YAML or JSON (bounded decoding), validated."""
    if not raw.strip():
        raise InputError("facts: the facts are empty")
    return parse_facts(decode_document(raw, source="facts"), source="facts")
