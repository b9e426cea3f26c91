"""The web application: pages, the REST API under ``/api/v1``, offline API docs, one error envelope.

``create_app(database_url)`` builds the FastAPI app on the given database (default: the embedded
SQLite database, or ``$ATMPNAV_DATABASE_URL``); the schema is migrated and the registry seeded at
startup. ``serve(host, port)`` runs it with uvicorn (``atmpnav serve``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import ModuleType
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from atmpnav import __version__
from atmpnav.web import auth, errors
from atmpnav.web.responses import json_response
from atmpnav.web.schemas import HealthOut
from atmpnav.web.services import ChartCache, Database
from atmpnav.web.templating import STATIC_DIR, templates

log = logging.getLogger("atmpnav.web")

API_DESCRIPTION = """
Classify gene, cell and tissue therapies under EU law (GTMP, sCTMP, TEP, combined ATMP, or which
other regime), with every step of the reasoning tied to its legal basis; search precedents; query
the registry of authorised products; save assessments with versions and a hash-chained audit trail.

Every error has the same body: `{"error": {"code", "message", "details"}}`. Validation errors (422)
name each field in `details.errors[].field`; malformed JSON is 400 `invalid_json`; request bodies
over 256 KiB are refused with 413 `payload_too_large`.

A classification is a reasoned reading of the law, not a regulatory decision.
"""

# Strict for the pages (no inline scripts or styles); Swagger UI sets inline styles and the printable
# report carries its own stylesheet (so that a saved copy prints the same).
CSP_PAGES = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
CSP_INLINE_STYLES = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)


#: Pages and endpoints that show records or accounts: never stored by a browser or proxy cache.
PRIVATE_PREFIXES = ("/assessments", "/api/v1/assessments", "/audit", "/api/v1/audit", "/login", "/logout",
                    "/account", "/api/v1/me")


def _relative_location(value: bytes) -> bytes:
    """A redirect to this site as a relative path: the Host header never decides where a redirect goes."""
    from urllib.parse import urlsplit

    text = value.decode("latin-1")
    parts = urlsplit(text)
    if parts.scheme in ("http", "https") and parts.netloc:
        relative = parts.path or "/"
        if relative.startswith("//"):
            relative = "/" + relative.lstrip("/")
        return (relative + (f"?{parts.query}" if parts.query else "")).encode("latin-1")
    return value


class SecurityHeaders:
    """Adds nosniff, referrer policy, frame denial and a content security policy (pure ASGI)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        inline_styles = path.startswith("/docs") or path.endswith("/report.html")
        csp = (CSP_INLINE_STYLES if inline_styles else CSP_PAGES).encode()
        private = path.startswith(PRIVATE_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, _relative_location(v) if k == b"location" else v)
                           for k, v in message.get("headers", [])]
                if private:
                    headers = [(k, v) for k, v in headers if k != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                headers += [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                    (b"content-security-policy", csp),
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(database_url: str | None = None, *, freeze_startup_objects: bool = False) -> FastAPI:
    """The web app on ``database_url`` (default: ``$ATMPNAV_DATABASE_URL`` or the embedded SQLite).

    ``freeze_startup_objects`` (what :func:`serve` asks for; a process that serves only this app): once started,
    what the start made is moved out of the cyclic garbage collector's sight (:func:`gc.freeze`)."""

    database = Database(database_url)
    settings = auth.AuthSettings.from_env()

    def prepare_records() -> None:
        from atmpnav.records import anchors, integrity

        try:
            integrity.ensure_ready(database.engine, config=settings.to_dict())
            anchors.write_anchor(database.engine)
        except integrity.RecordsUnavailableError as exc:
            log.error("%s", exc.message)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Migrate the schema and seed the registry before the first request; start the audit trail.
        await run_in_threadpool(lambda: database.engine)
        await run_in_threadpool(prepare_records)
        if freeze_startup_objects:
            _freeze_startup_objects()
        yield

    app = FastAPI(
        title="ATMP Navigator",
        version=__version__,
        description=API_DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        openapi_tags=[
            {"name": "classify", "description": "Classification of facts or descriptions; precedents"},
            {"name": "assessments", "description": "Saved assessments: versions, audit trail, export"},
            {"name": "registry", "description": "Authorised ATMPs (EU) and cell and gene therapies (US)"},
            {"name": "gmp", "description": "GMP checklist (EU GMP Part IV, PIC/S Annex 2A) of facts or an assessment"},
            {"name": "documents", "description": "Drafts of filings (EMA, FDA) and the PDF report of an assessment"},
            {"name": "reference", "description": "Categories and rules with their legal basis"},
            {"name": "service", "description": "Health"},
        ],
    )
    app.state.db = database
    app.state.records_missing_triggers = []
    app.state.charts = ChartCache()
    app.state.render_error_page = render_error_page

    errors.install(app)
    # Outermost last: headers and the size limit wrap everything, so the CSRF middleware and the
    # JSON guard only ever buffer a bounded body.
    app.add_middleware(errors.JsonGuard)
    auth.install(app, settings)
    app.add_middleware(errors.BodySizeLimit, limit=errors.MAX_BODY_BYTES)
    app.add_middleware(SecurityHeaders)

    # The first route: a liveness probe (a load balancer's, a process manager's) is answered without first trying
    # every other route; it is also the load benchmark's baseline of what any request costs.
    @app.get("/healthz", tags=["service"], summary="Liveness", response_model=HealthOut)
    async def healthz(request: Request) -> Response:
        """`ok` once the app has migrated its database (at startup) and answers; 503 `records_unavailable`
        when the triggers that keep the records append-only are missing (records are then refused)."""
        if not database.ready:
            await run_in_threadpool(lambda: database.engine)
        # The trigger check is cached for 30 s (auth.records_problem): polling stays as cheap as it was.
        missing = app.state.records_missing_triggers
        if auth.records_check_due(request):
            await run_in_threadpool(auth.records_problem, request)
            missing = app.state.records_missing_triggers
        body: dict[str, Any] = {"status": "ok", "version": __version__, "schema_revision": database.schema_revision,
                                "records": "ok", "auth": settings.mode}
        if missing:
            body.update(status="records_unavailable", records="refused: append-only triggers missing",
                        missing_triggers=missing)
        return json_response(body, status_code=503 if missing else 200)

    # In this order: the first route that matches a request answers it. The routes are listed flat, as routes
    # declared on the app are: since FastAPI 0.137 ``include_router`` adds each router as one node that a request
    # searches route by route, and the matching node twice, so a request to the sixth router tried some 60 routes
    # in the costliest way (GET /classify: 0.9 M of its 4.8 M instructions). Each route already holds its router's
    # prefix, responses and response class, and nothing is included with settings of its own, so the routes and
    # the OpenAPI document are the same (tests/web/test_routes.py). All of it happens before the app serves.
    for routes in router_modules():
        app.router.routes.extend(routes.router.routes)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        return templates().TemplateResponse(request, "docs.html", {"openapi_url": app.openapi_url})

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return RedirectResponse("/static/favicon.svg", status_code=308)

    return app


def render_error_page(request: Request, status: int, body: dict[str, Any]) -> HTMLResponse:
    error = body.get("error", {})
    return templates().TemplateResponse(
        request, "error.html", {"status": status, "error": error}, status_code=status
    )


def _freeze_startup_objects() -> None:
    """Modules, classes, the rule sets, the routes and the schema live as long as the server process. Frozen, they
    are no longer scanned by every full collection of the cyclic garbage collector, which then sees only what
    requests make: collections took about 6 % of a worker's time, and about 2 % frozen (2026-12-03, in-process
    calls of the four benchmarked endpoints). Objects still go when nothing refers to them; only a reference cycle
    among them would stay, and these are never dropped."""
    import gc

    gc.collect()
    gc.freeze()


def router_modules() -> tuple[ModuleType, ...]:
    """The modules whose routers make the app, in the order their routes are tried."""
    from atmpnav.web import (
        api,
        classify_pages,
        compare_pages,
        describe_pages,
        documents_api,
        gmp_api,
        gmp_pages,
        home_pages,
        records_api,
        records_pages,
        registry_pages,
        rules_pages,
    )

    return (records_api, api, records_pages, home_pages, classify_pages, describe_pages, registry_pages, rules_pages,
            gmp_api, documents_api, gmp_pages, compare_pages)


def create_served_app(database_url: str | None = None) -> FastAPI:
    """The app :func:`serve` runs: in each worker process (uvicorn's factory, on ``$ATMPNAV_DATABASE_URL``), or
    in this process on ``database_url``."""
    return create_app(database_url, freeze_startup_objects=True)


ENV_WORKERS = "ATMPNAV_WEB_WORKERS"


def default_workers() -> int:
    """``$ATMPNAV_WEB_WORKERS`` if set, else one worker process per core this process may use."""
    configured = os.environ.get(ENV_WORKERS, "").strip()
    if configured:
        try:
            return max(1, int(configured))
        except ValueError:
            from atmpnav.errors import InputError

            raise InputError(f"{ENV_WORKERS} must be a whole number (got {configured!r})") from None
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    database_url: str | None = None,
    workers: int | None = None,
    log_level: str = "info",
    access_log: bool = True,
) -> None:
    """Run the web app with uvicorn until interrupted (``atmpnav serve [--host] [--port] [--workers]``).

    ``workers`` > 1 starts that many processes (the schema is migrated once, here, before they
    start); the default is :func:`default_workers`. uvicorn uses httptools and uvloop when they are
    installed (``uvicorn[standard]``, a dependency), else h11 and asyncio.
    """
    import uvicorn

    from atmpnav import store
    from atmpnav.web.server import HTTP_PROTOCOL

    count = workers if workers is not None else default_workers()
    if count < 1:
        from atmpnav.errors import InputError

        raise InputError(f"--workers must be at least 1 (got {count})")
    if count > 1:
        if database_url:
            os.environ[store.ENV_DATABASE_URL] = database_url
        # Migrate and seed once, so the worker processes do not race to do it.
        Database(database_url).engine  # noqa: B018 - the property migrates and seeds
        store.dispose_engines()
        uvicorn.run(
            "atmpnav.web.app:create_served_app", factory=True, host=host, port=port, workers=count,
            log_level=log_level, access_log=access_log, http=HTTP_PROTOCOL,
        )
        return
    uvicorn.run(create_served_app(database_url), host=host, port=port, log_level=log_level, access_log=access_log,
                http=HTTP_PROTOCOL)
