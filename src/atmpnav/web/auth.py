"""Who is asking: sessions, API tokens, roles; CSRF, allowed hosts and cross-origin refusal.

Two modes, chosen by ``$ATMPNAV_AUTH``:

- ``accounts`` (default): reading, saving, editing and signing records need a login with the right
  role (web: a session cookie from ``/login``; API: ``Authorization: Bearer <token>``). The
  classification pages, the registry and the reference pages stay open without a login.
- ``none``: a single-user laptop. Every request acts as the user ``local`` (admin); the pages say so
  in a banner. Electronic signatures are refused (they need an identity and a password).

Session cookies are HttpOnly, SameSite=Lax and Secure when the request came over TLS (behind a
reverse proxy, run uvicorn with ``--proxy-headers``); a session ends after ``$ATMPNAV_SESSION_IDLE_MINUTES``
(default 30) without a request and after 12 hours in any case.

Every state-changing form carries a CSRF token (``asgi-csrf``, double-submit cookie signed with a
secret derived from the chain key, so every server process agrees); a form post without the CSRF
cookie, or any unsafe request whose ``Origin`` is another site (or ``Sec-Fetch-Site: cross-site``),
is refused with 403. ``Host`` must be one of ``$ATMPNAV_ALLOWED_HOSTS`` (default: loopback names),
which stops DNS rebinding.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from atmpnav.errors import InputError
from atmpnav.records.users import RANK, AuthError, ForbiddenError, UserInfo

if TYPE_CHECKING:
    from fastapi import FastAPI
    from sqlalchemy.engine import Engine

ENV_AUTH = "ATMPNAV_AUTH"
ENV_ALLOWED_HOSTS = "ATMPNAV_ALLOWED_HOSTS"
ENV_IDLE = "ATMPNAV_SESSION_IDLE_MINUTES"
DEFAULT_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
SESSION_COOKIE = "atmpnav_session"
CSRF_COOKIE = "csrftoken"
CSRF_FIELD = "csrftoken"
ABSOLUTE_SESSION = timedelta(hours=12)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Form posts that only compute an answer and store nothing (a POST because the input is long): no
#: CSRF token needed, so that a form in any page (or a macro without the page's context) can post them.
#: Requests from another site are still refused.
READ_ONLY_POSTS = frozenset({"/describe", "/gmp"})
LOCAL_USER = UserInfo(id=0, username="local", full_name="Local user (single-user mode)", role="admin", active=True,
                      locked=False, created_at="")


@dataclass(frozen=True)
class AuthSettings:
    mode: str
    allowed_hosts: tuple[str, ...]
    idle: timedelta

    @classmethod
    def from_env(cls) -> AuthSettings:
        mode = os.environ.get(ENV_AUTH, "accounts").strip().lower() or "accounts"
        if mode not in ("accounts", "none"):
            raise InputError(f"{ENV_AUTH}={mode!r}: expected 'accounts' or 'none'")
        hosts = tuple(h.strip().lower() for h in os.environ.get(ENV_ALLOWED_HOSTS, "").split(",") if h.strip())
        try:
            minutes = int(os.environ.get(ENV_IDLE, "30") or 30)
        except ValueError:
            raise InputError(f"{ENV_IDLE}: a number of minutes") from None
        if not 1 <= minutes <= 24 * 60:
            raise InputError(f"{ENV_IDLE}: between 1 and 1440 minutes")
        return cls(mode, hosts or DEFAULT_HOSTS, timedelta(minutes=minutes))

    @property
    def single_user(self) -> bool:
        return self.mode == "none"

    def to_dict(self) -> dict[str, Any]:
        return {"auth": self.mode, "allowed_hosts": list(self.allowed_hosts),
                "session_idle_minutes": int(self.idle.total_seconds() // 60)}


def settings_of(request: Request) -> AuthSettings:
    found: AuthSettings = request.app.state.auth
    return found


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.db.engine
    return engine


def current_user(request: Request) -> UserInfo | None:
    """The user making this request (cached on the request), or None."""
    if hasattr(request.state, "user"):
        return request.state.user  # type: ignore[no-any-return]
    from atmpnav.records import users

    settings = settings_of(request)
    user: UserInfo | None = None
    kind, secret = _credentials(request)
    if kind == "local":
        user = LOCAL_USER
    elif kind == "token":
        user = users.token_user(_engine(request), secret)
        if user is None:
            raise AuthError("the API token is unknown, revoked, or its user is disabled")
    elif kind == "session":
        user = users.session_user(_engine(request), secret, idle=settings.idle, absolute=ABSOLUTE_SESSION)
    request.state.user = user
    return user


def _credentials(request: Request) -> tuple[str | None, str]:
    """What identifies this request's user: ``("local", "")`` in single-user mode, ``("token", t)``,
    ``("session", s)``, or ``(None, "")``."""
    if settings_of(request).single_user:
        return "local", ""
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return "token", header[7:].strip()
    if not (request.url.path.startswith("/api/") and request.method in UNSAFE_METHODS):
        # A session cookie also opens the API's GET endpoints (the report and export links of a page);
        # changes through the API need a bearer token, which no other site can make a browser send.
        secret = request.cookies.get(SESSION_COOKIE, "")
        if secret:
            return "session", secret
    return None, ""


def user_lookup_reads_database(request: Request) -> bool:
    """Whether finding this request's user queries the database (a token or a session cookie, not yet looked
    up): a handler on the event loop must then do its work in the threadpool."""
    return not hasattr(request.state, "user") and _credentials(request)[0] in ("token", "session")


def require(request: Request, role: str) -> UserInfo:
    """The current user if their role is at least ``role``; 401 without a login, 403 with too small a role."""
    user = current_user(request)
    if user is None:
        if settings_of(request).mode == "accounts" and request.app.state.db.ready:
            from atmpnav.records.users import count_users

            if count_users(_engine(request)) == 0:
                raise AuthError("no user accounts exist yet: create the first administrator with "
                                "`atmpnav users add NAME --admin` (or run with ATMPNAV_AUTH=none on a single-user "
                                "machine)")
        raise AuthError("log in to use saved assessments (API: send 'Authorization: Bearer <token>')")
    if RANK[user.role] < RANK[role]:
        raise ForbiddenError(f"this needs the role {role!r} or higher; you are {user.username!r} ({user.role})",
                             role)
    return user


def safe_next(target: str | None, default: str = "/assessments") -> str:
    """A relative path on this site to go to after login (never another host)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target[:2000]


def login_redirect(request: Request) -> Response:
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(safe_next(path), safe='')}", status_code=303)


def set_session_cookie(request: Request, response: Response, secret: str) -> None:
    response.set_cookie(SESSION_COOKIE, secret, httponly=True, samesite="lax", path="/",
                        secure=request.url.scheme == "https")


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax",
                           secure=request.url.scheme == "https")


def csrf_token(request: Request) -> str:
    getter = request.scope.get("csrftoken")
    return str(getter()) if callable(getter) else ""


def template_context(request: Request) -> dict[str, Any]:
    """What every page can show: the user (if any), the auth mode and the CSRF token."""
    settings: AuthSettings | None = getattr(request.app.state, "auth", None)
    user = None
    if settings is not None:
        try:
            user = current_user(request)
        except AuthError:
            user = None
    return {
        "current_user": user,
        "single_user": bool(settings and settings.single_user),
        "csrf_token": lambda: csrf_token(request),
        "csrf_field": CSRF_FIELD,
    }


# --------------------------------------------------------------------------- middleware


class CrossOriginGuard:
    """Refuse unsafe requests from another site (``Origin`` not this host, ``Sec-Fetch-Site: cross-site``),
    and form posts that carry no CSRF cookie (asgi-csrf lets a request without cookies through, which
    would leave the single-user mode open). Pure ASGI, in front of the CSRF middleware."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", ())}
        problem = None
        origin = headers.get("origin")
        host = headers.get("host", "")
        if headers.get("sec-fetch-site") == "cross-site":
            problem = "a request from another site is refused"
        elif origin and origin != "null" and urlsplit(origin).netloc.lower() != host.lower():
            problem = f"a request from another origin ({origin[:80]}) is refused"
        elif origin == "null":
            problem = "a request from an opaque origin is refused"
        elif (not scope["path"].startswith("/api/") and scope["path"] not in READ_ONLY_POSTS
              and f"{CSRF_COOKIE}=" not in headers.get("cookie", "")):
            problem = "the form has no CSRF token: reload the page and submit it again"
        if problem is None:
            await self.app(scope, receive, send)
            return
        await _refuse(scope, receive, send, problem)


async def _refuse(scope: Scope, receive: Receive, send: Send, message: str) -> None:
    from atmpnav.web.errors import envelope, error_response

    request = Request(scope, receive)
    response = error_response(request, 403, envelope("csrf_failed", message))
    await response(scope, receive, send)


def _csrf_failed_sender() -> Any:
    async def send_failed(scope: Scope, send: Send, message_id: Any) -> None:
        async def no_body() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        await _refuse(scope, no_body, send, "the form's CSRF token is missing or wrong: reload the page and "
                      "submit it again")

    return send_failed


def install(app: FastAPI, settings: AuthSettings) -> None:
    """Add the host check, CSRF and cross-origin refusal (outermost last) and the login redirect."""
    from asgi_csrf import asgi_csrf
    from starlette.middleware.trustedhost import TrustedHostMiddleware

    from atmpnav.records import keys
    from atmpnav.web.errors import JSON_PREFIXES, error_response, wants_json

    app.state.auth = settings

    def read_only_post(scope: Scope) -> bool:
        return scope["path"] in READ_ONLY_POSTS

    class Csrf:
        def __init__(self, inner: ASGIApp) -> None:
            self.app = inner
            self.inner = asgi_csrf(inner, signing_secret=keys.derived_secret("csrf"), skip_if_scope=read_only_post,
                                   cookie_name=CSRF_COOKIE, send_csrf_failed=_csrf_failed_sender())

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http" and scope["path"].startswith(JSON_PREFIXES):
                # Always JSON, never a page with a form, so no CSRF token is signed for it (~30 µs a request).
                # The API changes records only with bearer tokens (never cookies): it cannot be forged from a
                # page; the rest is GET.
                await self.app(scope, receive, send)
                return
            await self.inner(scope, receive, send)

    app.add_middleware(Csrf)
    app.add_middleware(CrossOriginGuard)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts), www_redirect=False)

    async def auth_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, AuthError)
        if not wants_json(request) and request.method == "GET":
            return login_redirect(request)
        return error_response(request, exc.http_status, {"error": exc.to_dict()})

    app.add_exception_handler(AuthError, auth_error)


# --------------------------------------------------------------------------- records availability

TRIGGER_RECHECK_SECONDS = 30.0


def records_check_due(request: Request) -> bool:
    import time

    return time.monotonic() - getattr(request.app.state, "records_checked_at", 0.0) > TRIGGER_RECHECK_SECONDS


def records_problem(request: Request) -> str | None:
    """Why records cannot be served now (triggers missing), re-checked at most every 30 s."""
    import time

    from atmpnav.records.integrity import missing_triggers

    state = request.app.state
    if records_check_due(request):
        missing = missing_triggers(_engine(request))
        state.records_missing_triggers = missing
        state.records_problem = (
            "saved records are not served: the database triggers that keep them append-only are missing or "
            f"disabled ({', '.join(missing)}); restore them and run `atmpnav verify --all`" if missing else None
        )
        state.records_checked_at = time.monotonic()
    problem: str | None = state.records_problem
    return problem


def records_user(request: Request, role: str) -> UserInfo:
    """The user for a records request: records must be servable and the role sufficient."""
    from atmpnav.records.integrity import RecordsUnavailableError

    problem = records_problem(request)
    if problem:
        raise RecordsUnavailableError(problem)
    return require(request, role)
