"""The app lists its routes flat (web/app.py): the same routes, in the same order, and the same OpenAPI document as
including each router the usual way would give; /healthz is tried first."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from atmpnav import __version__
from atmpnav.web.app import API_DESCRIPTION, router_modules


def _included_the_usual_way(app: Any) -> FastAPI:
    reference = FastAPI(title=app.title, version=__version__, description=API_DESCRIPTION,
                        openapi_tags=app.openapi_tags)
    for module in router_modules():
        reference.include_router(module.router)
    return reference


def _api_routes(app: Any) -> list[tuple[str, tuple[str, ...], str]]:
    return [(r.path, tuple(sorted(r.methods)), r.name) for r in app.router.routes if isinstance(r, APIRoute)]


def test_every_router_route_is_on_the_app_in_order_after_healthz(app: Any) -> None:
    expected = [(r.path, tuple(sorted(r.methods)), r.name) for module in router_modules()
                for r in module.router.routes]
    listed = _api_routes(app)
    assert listed[0][0] == "/healthz"
    assert listed[1:1 + len(expected)] == expected
    assert len(expected) > 50  # every page family and API module, not an empty list


def test_the_openapi_document_is_what_including_the_routers_gives(app: Any) -> None:
    ours = app.openapi()
    reference = _included_the_usual_way(app).openapi()
    assert {path: item for path, item in ours["paths"].items() if path != "/healthz"} == reference["paths"]
    assert ours["components"]["schemas"].keys() >= reference["components"]["schemas"].keys()
    # The routers' own settings came along: the API's error responses, the pages' HTML and absence from the schema.
    assert "422" in ours["paths"]["/api/v1/classify"]["post"]["responses"]
    assert "/classify" not in ours["paths"]


def test_pages_and_api_answer_as_their_routers_declare(client: Any) -> None:
    page = client.get("/classify", headers={"accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    wrong_method = client.delete("/api/v1/classify")
    assert wrong_method.status_code == 405 and "POST" in wrong_method.headers.get("allow", "")
    assert client.get("/healthz").json()["status"] == "ok"
