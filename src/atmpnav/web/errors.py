"""One error envelope for every error the web app returns, and the request-body size limit.

Every error becomes ``{"error": {"code", "message", "details"}}`` with the HTTP status of its
class: :class:`atmpnav.errors.AtmpnavError` subclasses carry ``http_status`` and ``code`` (mapped
here and nowhere else), request validation errors become 422 ``validation_error`` naming each field
path (malformed JSON: 400 ``invalid_json``), unknown routes 404, unsupported methods 405, an
oversized body 413, anything unexpected 500 (logged, never shown). Pages get the same envelope
rendered as an HTML page; the API and clients that do not ask for HTML get JSON.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from atmpnav.errors import AtmpnavError
from atmpnav.web.responses import json_response

log = logging.getLogger("atmpnav.web")

MAX_BODY_BYTES = 256 * 1024

JSON_PREFIXES = ("/api/", "/openapi.json", "/healthz")

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}


class PayloadTooLargeError(AtmpnavError):
    """The request body is larger than the server accepts."""

    http_status = 413
    code = "payload_too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(f"request body too large: at most {limit // 1024} KiB are accepted")
        self.limit = limit

    def details(self) -> dict[str, Any]:
        return {"limit_bytes": self.limit}


def envelope(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith(JSON_PREFIXES):
        return True
    return "text/html" not in request.headers.get("accept", "")


def error_response(request: Request, status: int, body: dict[str, Any]) -> Response:
    """The envelope as JSON, or as an HTML page for a browser asking for a page."""
    if wants_json(request):
        return json_response(body, status_code=status)
    renderer: Callable[[Request, int, dict[str, Any]], HTMLResponse] | None = getattr(
        request.app.state, "render_error_page", None
    )
    if renderer is None:  # pragma: no cover - the app always installs one
        return json_response(body, status_code=status)
    return renderer(request, status, body)


# --------------------------------------------------------------------------- validation errors


def _field(loc: tuple[Any, ...] | list[Any]) -> tuple[str, str]:
    """Where a validation error is (``body``, ``query``, ``path``…) and the field path inside it."""
    parts = list(loc)
    where = str(parts.pop(0)) if parts and parts[0] in ("body", "query", "path", "header", "cookie") else "body"
    return where, ".".join(str(p) for p in parts) or "(body)"


def _describe(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "required field missing"
    message = str(error.get("msg", "invalid value"))
    message = message.removeprefix("Value error, ")
    if "input" in error and kind not in ("model_type", "dict_type", "model_attributes_type"):
        shown = json.dumps(error["input"], ensure_ascii=False, default=str)
        if len(shown) <= 80:
            message += f" (got {shown})"
    return message


def validation_envelope(exc: RequestValidationError) -> tuple[int, dict[str, Any]]:
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        first = next(e for e in errors if e.get("type") == "json_invalid")
        position = first.get("loc", ("body", "?"))[-1]
        problem = first.get("ctx", {}).get("error", "malformed JSON")
        return 400, envelope(
            "invalid_json", f"the request body is not valid JSON ({problem} at character {position})",
            {"position": position},
        )
    items = []
    for error in errors:
        where, path = _field(error.get("loc", ()))
        items.append({"field": path, "in": where, "message": _describe(error), "type": error.get("type", "")})
    listing = "; ".join(f"{i['field']}: {i['message']}" for i in items[:5])
    more = f" (and {len(items) - 5} more)" if len(items) > 5 else ""
    return 422, envelope("validation_error", f"invalid request: {listing}{more}", {"errors": items})


# --------------------------------------------------------------------------- handlers


def install(app: FastAPI) -> None:
    """Register the exception handlers (one envelope for all)."""

    async def atmpnav_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, AtmpnavError)
        if exc.http_status >= 500:
            log.error("%s: %s", exc.code, exc.message)
        if exc.code == "storage_error":
            # The message names the database (a file path or host): log it, never show it.
            body = envelope(exc.code, "the database is unavailable; try again later (the problem was logged)")
            return error_response(request, exc.http_status, body)
        return error_response(request, exc.http_status, {"error": exc.to_dict()})

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        status, body = validation_envelope(exc)
        return error_response(request, status, body)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if isinstance(exc.__cause__, AtmpnavError):
            # FastAPI wraps errors raised while reading the body (e.g. the size limit) in a 400.
            return await atmpnav_error(request, exc.__cause__)
        code = HTTP_CODES.get(exc.status_code, "error" if exc.status_code >= 500 else "bad_request")
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404 and message == "Not Found":
            message = f"no such page or endpoint: {request.url.path}"
        elif exc.status_code == 405 and message == "Method Not Allowed":
            message = f"{request.method} is not allowed on {request.url.path}"
        response = error_response(request, exc.status_code, envelope(code, message))
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(request, 500, envelope("internal_error", "internal server error; the problem was logged"))

    app.add_exception_handler(AtmpnavError, atmpnav_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)


# --------------------------------------------------------------------------- body size limit


class BodySizeLimit:
    """Refuse request bodies over ``limit`` bytes with 413 in the error envelope (pure ASGI, cheap).

    A declared ``Content-Length`` over the limit is refused before anything is read; a body
    without one (chunked) is counted as it arrives and refused when it passes the limit.
    """

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = None
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = None
                break
        if declared is not None and declared > self.limit:
            await self._refuse(scope, receive, send)
            return
        received = 0
        limit = self.limit

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise PayloadTooLargeError(limit)
            return message

        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive if declared is None else receive, tracking_send)
        except PayloadTooLargeError:
            # Raised while a middleware (CSRF) read the body, outside the app's exception handlers.
            if started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        error = PayloadTooLargeError(self.limit)
        response = error_response(request, error.http_status, {"error": error.to_dict()})
        response.headers["connection"] = "close"
        await response(scope, receive, send)



# --------------------------------------------------------------------------- JSON bodies

MAX_JSON_DEPTH = 64


class JsonBodyError(AtmpnavError):
    """A JSON body that parses but cannot be stored or is built to exhaust the server."""

    http_status = 400
    code = "invalid_json"


def check_json_body(body: bytes) -> None:
    """What FastAPI's own parsing does not refuse: deep nesting (a RecursionError), huge integers,
    lone surrogates. Malformed JSON is left to FastAPI (400 ``invalid_json`` with the position)."""
    from atmpnav.untrusted import nesting_ok, valid_strings

    if not nesting_ok(body, MAX_JSON_DEPTH):
        raise JsonBodyError(f"the request body nests deeper than {MAX_JSON_DEPTH} levels")
    if _cannot_hold_a_bad_value(body):
        return  # nothing left to find: FastAPI parses the body once, not twice
    try:
        parsed = json.loads(body)
    except ValueError as exc:
        if "integer string conversion" in str(exc) or "digits" in str(exc):
            raise JsonBodyError("the request body has a number with too many digits") from None
        return  # malformed: FastAPI reports where
    except RecursionError:
        raise JsonBodyError(f"the request body nests deeper than {MAX_JSON_DEPTH} levels") from None
    if not valid_strings(parsed):
        raise JsonBodyError("the request body has a string that is not valid Unicode (a lone surrogate escape "
                            "such as \\ud800)")


#: A ``\\u`` escape of a UTF-16 surrogate (paired or lone; a lone one is found by parsing).
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


@lru_cache(maxsize=4)
def _digit_run(limit: int) -> re.Pattern[bytes]:
    return re.compile(rb"\d{%d}" % (limit + 1))


def _cannot_hold_a_bad_value(body: bytes) -> bool:
    """True when parsing ``body`` can neither give a lone surrogate nor overflow Python's integer digits limit:
    ASCII without NUL bytes (so decoded as UTF-8, not UTF-16/32), no surrogate escape, no run of digits over
    the limit. A conservative filter: a body it does not pass is parsed and checked in full."""
    if not body.isascii() or b"\x00" in body or _SURROGATE_ESCAPE.search(body):
        return False
    limit = sys.get_int_max_str_digits()
    return not limit or _digit_run(limit).search(body) is None


class JsonGuard:
    """Check JSON request bodies (:func:`check_json_body`) before the app parses them (pure ASGI).
    Runs inside :class:`BodySizeLimit`, so the body it buffers is bounded."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        content_type = b""
        for name, value in scope.get("headers", ()):
            if name == b"content-type":
                content_type = value.split(b";", 1)[0].strip().lower()
        if content_type and not content_type.endswith(b"json"):
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        body = b""
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        if body:
            try:
                check_json_body(body)
            except JsonBodyError as exc:
                request = Request(scope)
                response = error_response(request, exc.http_status, {"error": exc.to_dict()})
                await response(scope, receive, send)
                return

        async def replay() -> Message:
            if messages:
                return messages.pop(0)
            return await receive()

        await self.app(scope, replay, send)
