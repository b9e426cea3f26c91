"""The home page: what the tool does, the ATMP categories, and the ways in (questionnaire, description)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse

from atmpnav.categories import CATEGORIES
from atmpnav.web.pages import page

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


@router.get("/")
def home(request: Request) -> HTMLResponse:
    return page(request, "home.html", {"section": "home", "categories": [c for c in CATEGORIES if c.kind == "ATMP"]})
