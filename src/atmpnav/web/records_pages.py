"""Pages of the records: login and account, saved assessments (list, view, edit, sign, re-run) and
the audit-trail review. Same library calls as the records API; forms carry a CSRF token and a
one-time form token (a resubmitted form never adds a second version)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from sqlalchemy.engine import Engine
from starlette.responses import HTMLResponse, Response

from atmpnav.assess import TEXT_MAX, AssessmentInput
from atmpnav.engine import parse_date
from atmpnav.errors import InputError
from atmpnav.facts import ProductFacts
from atmpnav.records import assessments, audit, signatures, users
from atmpnav.records.assessments import INT_MAX, Product
from atmpnav.records.rerun import rerun, save_rerun
from atmpnav.records.users import AuthError, ForbiddenError
from atmpnav.verdict import Envelope
from atmpnav.web import auth
from atmpnav.web.dependencies import Author, Db, Reviewer, Viewer, engine_of
from atmpnav.web.highlight import highlight
from atmpnav.web.pages import chosen_jurisdictions, facts_text, page, parse_facts_text, query_string, see_other
from atmpnav.web.wizard import Wizard

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
PAGE_SIZE = 50
HISTORY_SHOWN = 20
AssessmentId = Annotated[int, Path(ge=1, le=INT_MAX)]
VersionNumber = Annotated[int, Path(ge=1, le=INT_MAX)]
FormToken = Annotated[str, Form(max_length=100)]
PageNumber = Annotated[int, Query(alias="page", ge=1, le=100_000)]


def _form_key(token: str) -> str | None:
    """The idempotency key of a form submission: its one-time token (absent: no deduplication)."""
    cleaned = token.strip()
    return f"form:{cleaned}" if cleaned else None


def _list_page(request: Request, name: str, context: dict[str, Any], params: dict[str, str], page_number: int,
               fetch: Callable[[int, int], tuple[int, list[Any]]]) -> HTMLResponse:
    """A list shown PAGE_SIZE rows at a time: ``fetch(limit, offset)`` gives the total and the rows of the
    page; ``params`` are the filters given, which the pager's links keep."""
    total, items = fetch(PAGE_SIZE, (page_number - 1) * PAGE_SIZE)
    return page(request, name, {**context, "items": items, "total": total, "page": page_number,
                                "pages": max(1, -(-total // PAGE_SIZE)), "params": params})


# --------------------------------------------------------------------------- login


@router.get("/login")
def login_form(request: Request, next: Annotated[str | None, Query(max_length=2000)] = None) -> HTMLResponse:
    settings = auth.settings_of(request)
    no_users = settings.mode == "accounts" and users.count_users(engine_of(request)) == 0
    return page(request, "login.html", {"section": "login", "next": auth.safe_next(next), "problem": None,
                                        "no_users": no_users, "username": ""})


@router.post("/login")
def login(
    request: Request,
    engine: Db,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=users.PASSWORD_MAX)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    if auth.settings_of(request).single_user:
        return see_other(auth.safe_next(next))
    source = request.client.host if request.client else None
    try:
        user = users.authenticate(engine, username, password, source=source)
    except AuthError as exc:
        return page(request, "login.html", {"section": "login", "next": auth.safe_next(next), "problem": exc.message,
                                            "no_users": False, "username": username[:64]}, status_code=401)
    response = see_other(auth.safe_next(next))
    auth.set_session_cookie(request, response, users.start_session(engine, user))
    return response


@router.post("/logout")
def logout(request: Request, engine: Db) -> Response:
    secret = request.cookies.get(auth.SESSION_COOKIE, "")
    user = None
    with contextlib.suppress(AuthError):
        user = auth.current_user(request)
    if secret:
        users.end_session(engine, secret, user.username if user else None)
    response = see_other("/")
    auth.clear_session_cookie(request, response)
    return response


@router.get("/account")
def account(request: Request, user: Viewer) -> HTMLResponse:
    return page(request, "account.html", {"section": "account", "user": user, "new_token": None})


@router.post("/account/password")
def change_password(
    request: Request,
    engine: Db,
    user: Viewer,
    current: Annotated[str, Form(max_length=users.PASSWORD_MAX)] = "",
    new: Annotated[str, Form(max_length=users.PASSWORD_MAX)] = "",
    repeat: Annotated[str, Form(max_length=users.PASSWORD_MAX)] = "",
) -> Response:
    """Change one's own password (e.g. after a one-time password): the current one is asked first."""
    if auth.settings_of(request).single_user:
        raise ForbiddenError("there are no passwords in single-user mode")
    if new != repeat:
        raise InputError("the new password and its repetition differ")
    users.authenticate(engine, user.username, current, purpose="password change")
    users.reset_password(engine, user.username, new, actor=user.username)
    # Resetting ended every session of the user, this one too: log in again with the new password.
    response = see_other("/login?next=%2Faccount")
    auth.clear_session_cookie(request, response)
    return response


@router.post("/account/tokens")
def new_token(
    request: Request,
    engine: Db,
    user: Viewer,
    name: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=users.PASSWORD_MAX)] = "",
) -> HTMLResponse:
    if auth.settings_of(request).single_user:
        raise ForbiddenError("API tokens need user accounts; in single-user mode the API needs no token")
    users.authenticate(engine, user.username, password, purpose="token")
    token = users.create_token(engine, user.username, name or "personal token")
    return page(request, "account.html", {"section": "account", "user": user, "new_token": token})


# --------------------------------------------------------------------------- list


@router.get("/assessments")
def assessment_list(
    request: Request,
    engine: Db,
    user: Viewer,
    q: Annotated[str, Query(max_length=200)] = "",
    outcome: Annotated[str, Query(max_length=40)] = "",
    jurisdiction: Annotated[str, Query(max_length=8)] = "",
    state: Annotated[str, Query(max_length=16)] = "",
    owner: Annotated[str, Query(max_length=64)] = "",
    page_number: PageNumber = 1,
) -> HTMLResponse:
    filters = assessments.ListFilter(q=q.strip() or None, outcome=outcome or None, jurisdiction=jurisdiction or None,
                                     state=state or None, owner=owner or None)
    params = {"q": q, "outcome": outcome, "jurisdiction": jurisdiction, "state": state, "owner": owner}
    return _list_page(
        request, "assessments.html",
        {"section": "assessments", "states": signatures.STATES,
         "outcomes": ("GTMP", "sCTMP", "TEP", "not ATMP", "undetermined")},
        params, page_number,
        lambda limit, offset: assessments.list_page(engine, limit=limit, offset=offset, filters=filters),
    )


# --------------------------------------------------------------------------- create / edit


def _form_input(kind: str, facts: str, text: str, indication: str) -> AssessmentInput:
    if kind == "facts":
        return AssessmentInput.of_facts(parse_facts_text(facts))
    if kind == "text":
        return AssessmentInput.of_text(text, indication or None)
    raise InputError(f"kind: {kind!r} must be facts or text")


@router.post("/assessments/new")
def assessment_create(
    engine: Db,
    user: Author,
    title: Annotated[str, Form(max_length=assessments.TITLE_MAX)] = "",
    kind: Annotated[str, Form(max_length=8)] = "facts",
    facts: Annotated[str, Form(max_length=TEXT_MAX * 2)] = "",
    text: Annotated[str, Form(max_length=TEXT_MAX)] = "",
    indication: Annotated[str, Form(max_length=2000)] = "",
    as_of: Annotated[str, Form(max_length=10)] = "",
    jurisdiction: Annotated[list[str], Form(max_length=16)] = [],  # noqa: B006 - FastAPI form list default
    product_name: Annotated[str, Form(max_length=assessments.NAME_MAX)] = "",
    description: Annotated[str, Form(max_length=assessments.DESCRIPTION_MAX)] = "",
    intended_use: Annotated[str, Form(max_length=assessments.DESCRIPTION_MAX)] = "",
    form_token: FormToken = "",
) -> Response:
    saved = assessments.create(
        engine,
        title=title,
        given=_form_input(kind, facts, text, indication),
        jurisdictions=chosen_jurisdictions(jurisdiction),
        as_of=as_of or None,
        actor=user.username,
        product=Product.of(product_name, description, intended_use or indication),
        idempotency_key=_form_key(form_token),
    )
    return see_other(f"/assessments/{saved.record.assessment_id}?saved=1")


@router.get("/assessments/{assessment_id}/edit")
def assessment_edit_form(request: Request, engine: Db, user: Author, assessment_id: AssessmentId) -> HTMLResponse:
    record = assessments.get_version(engine, assessment_id)
    shown_facts = ""
    if record.input["kind"] == "facts":
        from atmpnav.questionnaire import facts_to_yaml

        facts = ProductFacts.model_validate(record.input["facts"])
        shown_facts = facts_to_yaml(facts)
        if any(getattr(facts, b) is not None and getattr(facts, b).present is None
               for b in ("nucleic_acid", "cells_or_tissues", "device")):
            shown_facts = facts_text(facts)  # YAML would drop an unknown `present`
    return page(request, "assessment_edit.html", {
        "section": "assessments", "record": record, "facts_text": shown_facts, "today": date.today().isoformat(),
    })


@router.post("/assessments/{assessment_id}/edit")
def assessment_edit(
    engine: Db,
    user: Author,
    assessment_id: AssessmentId,
    base_version: Annotated[int, Form(ge=1, le=INT_MAX)],
    title: Annotated[str, Form(max_length=assessments.TITLE_MAX)] = "",
    kind: Annotated[str, Form(max_length=8)] = "facts",
    facts: Annotated[str, Form(max_length=TEXT_MAX * 2)] = "",
    text: Annotated[str, Form(max_length=TEXT_MAX)] = "",
    indication: Annotated[str, Form(max_length=2000)] = "",
    as_of: Annotated[str, Form(max_length=10)] = "",
    note: Annotated[str, Form(max_length=assessments.NOTE_MAX)] = "",
    reason: Annotated[str, Form(max_length=assessments.REASON_MAX)] = "",
    product_name: Annotated[str | None, Form(max_length=assessments.NAME_MAX)] = None,
    description: Annotated[str | None, Form(max_length=assessments.DESCRIPTION_MAX)] = None,
    intended_use: Annotated[str | None, Form(max_length=assessments.DESCRIPTION_MAX)] = None,
    form_token: FormToken = "",
) -> Response:
    product = None
    if product_name is not None or description is not None or intended_use is not None:
        product = Product.of(product_name, description, intended_use)
    assessments.revise(
        engine,
        assessment_id,
        base_version=base_version,
        title=title or None,
        given=_form_input(kind, facts, text, indication),
        as_of=as_of or None,
        note=note or None,
        reason=reason or None,
        actor=user.username,
        product=product,
        idempotency_key=_form_key(form_token),
    )
    return see_other(f"/assessments/{assessment_id}?saved=1")


# --------------------------------------------------------------------------- view


def _assessment_context(request: Request, engine: Engine, assessment_id: int, n: int | None) -> dict[str, Any]:
    head = assessments.summary(engine, assessment_id)
    record = assessments.get_version(engine, assessment_id, n)
    # The newest versions only: the page costs the same with 10 or 1,000 versions.
    history = assessments.versions(engine, assessment_id, newest=HISTORY_SHOWN)
    chain = assessments.quick_check(engine, assessment_id)
    envelope = Envelope.model_validate({**record.envelope, "facts": {}})
    revise_url = None
    if record.input["kind"] == "facts" and record.n == head.latest_version:
        wizard = Wizard.from_facts(ProductFacts.model_validate(record.input["facts"]), parse_date(None))
        if wizard is not None:
            revise_url = "/classify" + query_string(
                [*wizard.params(), ("assessment", str(assessment_id)), ("base", str(record.n))]
            )
    highlighted = None
    if record.input["kind"] == "text":
        highlighted = highlight(record.input["text"], envelope.evidence)
    sigs = signatures.list_signatures(engine, assessment_id, record.n)
    user = auth.current_user(request)
    is_latest = record.n == head.latest_version
    from atmpnav.law import JURISDICTIONS

    ruleset_changed = any(v.ruleset != JURISDICTIONS[c].version for c, v in envelope.verdicts.items()
                          if c in JURISDICTIONS)
    return {
        "section": "assessments",
        "head": head,
        "record": record,
        "history": list(reversed(history)),
        "chain": chain,
        "envelope": envelope,
        "is_latest": is_latest,
        "revise_url": revise_url,
        "highlighted": highlighted,
        "signatures": sigs,
        "state": head.state if is_latest else "superseded",
        "can_sign": sorted(m for m, role in signatures.MEANING_ROLE.items()
                           if user is not None and user.can(role)) if is_latest else [],
        "ruleset_changed": ruleset_changed,
        "rerun": rerun(engine, assessment_id) if ruleset_changed and is_latest else None,
        "meaning_text": signatures.MEANING_TEXT,
    }


@router.get("/assessments/{assessment_id}")
def assessment_detail(
    request: Request,
    engine: Db,
    user: Viewer,
    assessment_id: AssessmentId,
    saved: Annotated[int | None, Query(ge=0, le=1)] = None,
    signed: Annotated[int | None, Query(ge=0, le=1)] = None,
) -> HTMLResponse:
    context = _assessment_context(request, engine, assessment_id, None)
    context["saved"] = bool(saved)
    context["signed"] = bool(signed)
    return page(request, "assessment.html", context)


@router.get("/assessments/{assessment_id}/versions/{n}")
def assessment_version(request: Request, engine: Db, user: Viewer, assessment_id: AssessmentId,
                       n: VersionNumber) -> HTMLResponse:
    return page(request, "assessment.html", _assessment_context(request, engine, assessment_id, n))


@router.post("/assessments/{assessment_id}/sign")
def assessment_sign(
    request: Request,
    engine: Db,
    user: Viewer,
    assessment_id: AssessmentId,
    version: Annotated[int, Form(ge=1, le=INT_MAX)],
    meaning: Annotated[str, Form(max_length=16)] = "",
    password: Annotated[str, Form(max_length=users.PASSWORD_MAX)] = "",
    comment: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    if auth.settings_of(request).single_user:
        raise ForbiddenError("electronic signatures need user accounts: run with ATMPNAV_AUTH=accounts")
    signatures.sign(engine, assessment_id, version, username=user.username, password=password, meaning=meaning,
                    comment=comment or None)
    return see_other(f"/assessments/{assessment_id}?signed=1")


@router.post("/assessments/{assessment_id}/rerun")
def assessment_rerun(
    engine: Db,
    user: Author,
    assessment_id: AssessmentId,
    base_version: Annotated[int, Form(ge=1, le=INT_MAX)],
    form_token: FormToken = "",
) -> Response:
    save_rerun(engine, assessment_id, actor=user.username, base_version=base_version,
               idempotency_key=_form_key(form_token))
    return see_other(f"/assessments/{assessment_id}?saved=1")


# --------------------------------------------------------------------------- audit review


@router.get("/audit")
def audit_page(
    request: Request,
    engine: Db,
    user: Reviewer,
    actor: Annotated[str, Query(max_length=64)] = "",
    action: Annotated[str, Query(max_length=40)] = "",
    assessment: Annotated[str, Query(max_length=12)] = "",
    since: Annotated[str, Query(max_length=10)] = "",
    until: Annotated[str, Query(max_length=10)] = "",
    page_number: PageNumber = 1,
) -> HTMLResponse:
    try:
        assessment_id = int(assessment) if assessment.strip() else None
    except ValueError:
        raise InputError("assessment: a number") from None
    if assessment_id is not None and not 1 <= assessment_id <= INT_MAX:
        raise InputError("assessment: a number from 1")
    first_day = parse_date(since) if since else None
    last_day = parse_date(until) if until else None
    params = {"actor": actor, "action": action, "assessment": assessment, "since": since, "until": until}
    return _list_page(
        request, "audit.html", {"section": "audit", "actions": audit.ACTIONS}, params, page_number,
        lambda limit, offset: audit.events(engine, actor=actor or None, action=action or None,
                                           assessment_id=assessment_id, since=first_day, until=last_day,
                                           limit=limit, offset=offset),
    )
