"""The "Compare regulators" view: one product, every rule set side by side, each cell linking to its reasoning.

Reached from the questionnaire (GET, with its answers in the query) and from a description (POST):
the same evaluation as the other pages (:func:`atmpnav.web.services.classify_input`) over every
registered jurisdiction, shown as a matrix (:mod:`atmpnav.compare`) above each jurisdiction's reasoning.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse

from atmpnav.assess import TEXT_MAX
from atmpnav.compare import comparison
from atmpnav.engine import parse_date
from atmpnav.errors import InputError
from atmpnav.law import JURISDICTIONS, expand_jurisdictions
from atmpnav.verdict import Envelope
from atmpnav.web.pages import page
from atmpnav.web.services import classify_input
from atmpnav.web.wizard import Wizard

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def _render(request: Request, envelope: Envelope, source: str, back_url: str) -> HTMLResponse:
    rulesets = {code: JURISDICTIONS[code] for code in envelope.verdicts}
    return page(request, "compare.html", {
        "section": "compare", "envelope": envelope, "rows": comparison(envelope), "rulesets": rulesets,
        "source": source, "back_url": back_url,
    })


@router.get("/compare")
async def compare_answers(
    request: Request,
    a: Annotated[list[str], Query(max_length=200)] = [],  # noqa: B006 - FastAPI query list default
    skip: Annotated[list[str], Query(max_length=100)] = [],  # noqa: B006
    as_of: Annotated[str | None, Query(max_length=10)] = None,
    j: Annotated[list[str], Query(max_length=16)] = [],  # noqa: B006
) -> HTMLResponse:
    """The questionnaire's answers so far under every rule set (or those named by ``j``)."""
    wizard = Wizard.from_params(a, skip, as_of)
    codes = expand_jurisdictions(j or ["all"])
    envelope = await run_in_threadpool(classify_input, wizard.facts(), None, None, codes, wizard.as_of)
    from urllib.parse import urlencode

    return _render(request, envelope, "the questionnaire's answers", "/classify?" + urlencode(wizard.params()))


@router.post("/compare")
async def compare_description(
    request: Request,
    text: Annotated[str, Form(max_length=TEXT_MAX)] = "",
    indication: Annotated[str, Form(max_length=2000)] = "",
    as_of: Annotated[str, Form(max_length=10)] = "",
) -> HTMLResponse:
    """A description under every rule set."""
    if not text.strip():
        raise InputError("text: describe the product first")
    day = parse_date(as_of or None)
    envelope = await run_in_threadpool(classify_input, None, text, indication or None, list(JURISDICTIONS), day)
    return _render(request, envelope, "the description", "/describe")
