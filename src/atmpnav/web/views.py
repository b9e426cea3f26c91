"""The pages: server-rendered HTML that works without JavaScript. They call the same library
functions as the API (:mod:`atmpnav.web.services`, :mod:`atmpnav.assessments`, the registry)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.engine import Engine
from starlette.responses import HTMLResponse, RedirectResponse, Response

from atmpnav import assessments
from atmpnav.assess import TEXT_MAX, AssessmentInput, facts_to_json
from atmpnav.categories import CATEGORIES
from atmpnav.engine import parse_date
from atmpnav.errors import InputError
from atmpnav.facts import ProductFacts, decode_document, parse_facts
from atmpnav.questions import QUESTIONS
from atmpnav.rulebook import describe_ambiguity, describe_rule, is_ambiguity_id, list_rules
from atmpnav.verdict import Envelope
from atmpnav.web.highlight import highlight
from atmpnav.web.services import classify_input
from atmpnav.web.templating import fact_rows, templates
from atmpnav.web.wizard import MANIPULATION_GROUPS, Wizard, decode_value

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

TEXT_LIMIT = TEXT_MAX
REGIONS = ("EU", "US")
REGISTRY_CATEGORIES = ("GTMP", "sCTMP", "TEP", "unknown")
RULE_GROUPS = {
    "EU-S": "Scope: is it a medicinal product at all?",
    "EU-G": "Gene therapy medicinal products",
    "EU-C": "Somatic cell therapy medicinal products",
    "EU-T": "Tissue engineered products",
    "EU-M": "Substantial manipulation",
    "EU-F": "Same essential function",
    "EU-P": "Which category prevails; origin",
    "EU-D": "Medical devices and combined ATMPs",
    "EU-X": "Exclusions and other regimes",
    "EU-H": "Hospital exemption",
    "PROP-": "Proposed changes (not yet law)",
    "US-": "United States (PHS Act 351/361, 21 CFR 1271)",
}
STATUSES = ("authorised", "suspended", "withdrawn", "not renewed", "expired", "revoked", "lapsed")


def db(request: Request) -> Engine:
    engine: Engine = request.app.state.db.engine
    return engine


Db = Annotated[Engine, Depends(db)]


def page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    return templates().TemplateResponse(request, name, context, status_code=status_code)


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# --------------------------------------------------------------------------- home


@router.get("/")
def home(request: Request) -> HTMLResponse:
    return page(request, "home.html", {"section": "home", "categories": [c for c in CATEGORIES if c.kind == "ATMP"]})


# --------------------------------------------------------------------------- questionnaire


@router.get("/classify")
def classify_page(
    request: Request,
    a: Annotated[list[str], Query(max_length=200)] = [],  # noqa: B006 - FastAPI query list default
    skip: Annotated[list[str], Query(max_length=100)] = [],  # noqa: B006
    as_of: Annotated[str | None, Query(max_length=10)] = None,
    fact: Annotated[str | None, Query(max_length=100)] = None,
    value: Annotated[list[str], Query(max_length=40)] = [],  # noqa: B006
    dont_know: Annotated[str | None, Query(max_length=4)] = None,
    edit: Annotated[str | None, Query(max_length=100)] = None,
    assessment: Annotated[int | None, Query(ge=1)] = None,
    base: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    wizard = Wizard.from_params(a, skip, as_of)
    extra = [("assessment", str(assessment)), ("base", str(base))] if assessment and base else []
    problem = None
    if fact is not None:
        if fact not in QUESTIONS:
            raise InputError(f"fact: {fact!r} is not a question of the questionnaire")
        if dont_know:
            wizard.skip(fact)
            return see_other("/classify" + _query(wizard.params() + extra))
        if value or QUESTIONS[fact].kind == "list":
            wizard.answer(fact, decode_value(fact, value))
            return see_other("/classify" + _query(wizard.params() + extra))
        problem = "Choose an answer, or press “I don’t know”."
        edit = fact
    verdict = wizard.verdict()
    if edit is not None and edit not in QUESTIONS:
        raise InputError(f"edit: {edit!r} is not a question of the questionnaire")
    question = QUESTIONS[edit] if edit else wizard.next_question(verdict)
    current = wizard.value_of(question.fact) if question else None
    cancel_url = "/classify" + _query(wizard.params() + extra) if edit else None
    if edit:
        wizard.forget(edit)
    facts = wizard.facts()
    revising = None
    if assessment and base:
        revising = {"id": assessment, "base": base}
    back = wizard.params_before_last()
    return page(
        request,
        "classify.html",
        {
            "section": "classify",
            "wizard": wizard,
            "verdict": verdict,
            "question": question,
            "editing": edit,
            "current": current,
            "current_list": current if isinstance(current, list) else [],
            "problem": problem,
            "state": wizard.params() + extra,
            "cancel_url": cancel_url,
            "back_url": "/classify" + _query(back + extra) if back is not None else None,
            "answer_rows": _answer_rows(wizard, extra),
            "manipulation_groups": MANIPULATION_GROUPS,
            "facts_json": _facts_text(facts),
            "revising": revising,
            "default_title": f"Questionnaire of {date.today().isoformat()}",
        },
        status_code=422 if problem else 200,
    )


def _query(pairs: list[tuple[str, str]]) -> str:
    from urllib.parse import urlencode

    return "?" + urlencode(pairs) if pairs else ""


def _answer_rows(wizard: Wizard, extra: list[tuple[str, str]]) -> list[dict[str, Any]]:
    rows = []
    for fact, value in wizard.answers:
        rows.append({
            "fact": fact,
            "question": QUESTIONS[fact].text,
            "value": value,
            "change_url": "/classify" + _query(wizard.params() + extra + [("edit", fact)]),
        })
    for fact in wizard.skipped:
        rows.append({
            "fact": fact,
            "question": QUESTIONS[fact].text,
            "value": None,
            "change_url": "/classify" + _query(wizard.params() + extra + [("edit", fact)]),
        })
    return rows


def _facts_text(facts: ProductFacts) -> str:
    import json

    data = facts_to_json(facts)
    return json.dumps(data, indent=2, ensure_ascii=False)


# --------------------------------------------------------------------------- describe


def _jurisdictions(chosen: list[str]) -> list[str]:
    from atmpnav.law import JURISDICTIONS

    codes = [c.upper() for c in chosen if c.upper() in JURISDICTIONS]
    unknown = [c for c in chosen if c.upper() not in JURISDICTIONS]
    if unknown:
        raise InputError(f"jurisdiction: {', '.join(unknown)} unknown; known: {', '.join(sorted(JURISDICTIONS))}")
    return list(dict.fromkeys(codes)) or ["EU"]


def _describe_context(text: str = "", indication: str = "", as_of: str = "",
                      jurisdictions: list[str] | None = None) -> dict[str, Any]:
    from atmpnav.law import JURISDICTIONS

    return {"section": "describe", "text": text, "indication": indication, "as_of": as_of, "result": None,
            "problem": None, "all_jurisdictions": ["EU", *sorted(set(JURISDICTIONS) - {"EU"})],
            "jurisdictions": jurisdictions or ["EU"]}


@router.get("/describe")
def describe_form(request: Request) -> HTMLResponse:
    return page(request, "describe.html", _describe_context())


@router.post("/describe")
async def describe(
    request: Request,
    text: Annotated[str, Form(max_length=TEXT_LIMIT)] = "",
    indication: Annotated[str, Form(max_length=2000)] = "",
    as_of: Annotated[str, Form(max_length=10)] = "",
    jurisdiction: Annotated[list[str], Form(max_length=5)] = [],  # noqa: B006 - FastAPI form list default
) -> HTMLResponse:
    codes = _jurisdictions(jurisdiction)
    context = _describe_context(text, indication, as_of, codes)
    if not text.strip():
        context["problem"] = "Describe the product first: what it is made of, how it is made, what it is for."
        return page(request, "describe.html", context, status_code=422)
    day = parse_date(as_of or None)
    envelope = await run_in_threadpool(classify_input, None, text, indication or None, codes, day)
    context.update(
        result=envelope,
        highlighted=highlight(text, envelope.evidence),
        evidence_rows=_evidence_rows(envelope),
        as_of=day.isoformat(),
        default_title=_title_from(text),
    )
    return page(request, "describe.html", context)


def _evidence_rows(envelope: Envelope) -> list[dict[str, Any]]:
    facts = envelope.facts.model_dump(mode="json", exclude_none=True)
    values = {path: value for path, _, value in fact_rows(facts)}
    rows = []
    for path, words in envelope.evidence.items():
        rows.append({
            "fact": path,
            "question": QUESTIONS[path].text if path in QUESTIONS else path,
            "value": values.get(path),
            "words": words,
        })
    return rows


def _title_from(text: str) -> str:
    words = " ".join(text.split())
    return words if len(words) <= 80 else words[:77].rsplit(" ", 1)[0] + "…"


# --------------------------------------------------------------------------- registry


@router.get("/registry")
def registry(
    request: Request,
    engine: Db,
    region: Annotated[str, Query(max_length=8)] = "",
    category: Annotated[str, Query(max_length=16)] = "",
    status: Annotated[str, Query(max_length=32)] = "",
    as_of: Annotated[str, Query(max_length=10)] = "",
) -> HTMLResponse:
    from atmpnav.registry.queries import list_products, stats

    rows = list_products(region=region or None, category=category or None, status=status or None,
                         as_of=as_of or None, engine=engine)
    counts = stats(as_of or None, engine=engine)
    filters = {"region": region, "category": category, "status": status, "as_of": as_of}
    return page(
        request,
        "registry.html",
        {
            "section": "registry",
            "rows": rows,
            "stats": counts,
            "filters": filters,
            "filtered": any(filters.values()),
            "regions": REGIONS,
            "categories": REGISTRY_CATEGORIES,
            "statuses": STATUSES,
            "chart_query": _query([("as_of", as_of)] if as_of else []),
        },
    )


@router.get("/registry/products/{name:path}")
def registry_product(
    request: Request,
    engine: Db,
    name: Annotated[str, Path(max_length=200)],
    region: Annotated[str, Query(max_length=8)] = "",
) -> HTMLResponse:
    from atmpnav.registry.queries import show_product

    product = show_product(name, region=region or None, engine=engine)
    return page(request, "product.html", {"section": "registry", "product": product, "s": product.summary})


# --------------------------------------------------------------------------- categories and rules


def rule_jurisdiction(rule_id: str) -> str:
    """The jurisdiction a rule id belongs to (``US-5`` -> US; EU otherwise)."""
    from atmpnav.law import JURISDICTIONS

    prefix = rule_id.split("-", 1)[0].upper()
    return prefix if prefix in JURISDICTIONS else "EU"


@router.get("/categories")
def categories(request: Request) -> HTMLResponse:
    from atmpnav.law import JURISDICTIONS

    rules = [rule for code in ["EU", *sorted(set(JURISDICTIONS) - {"EU"})] for rule in list_rules(code)]
    groups: dict[str, list[dict[str, Any]]] = {}
    for rule in rules:
        prefix = rule["id"].rstrip("0123456789")
        groups.setdefault(RULE_GROUPS.get(prefix, prefix), []).append(rule)
    return page(
        request,
        "categories.html",
        {
            "section": "categories",
            "atmp": [c for c in CATEGORIES if c.kind != "not ATMP"],
            "others": [c for c in CATEGORIES if c.kind == "not ATMP"],
            "rule_groups": groups,
            "rule_count": len({r["id"] for r in rules}),
        },
    )


@router.get("/rules/{rule_id}")
def rule(request: Request, rule_id: Annotated[str, Path(max_length=32)]) -> HTMLResponse:
    if is_ambiguity_id(rule_id):
        return page(request, "ambiguity.html", {"section": "categories", "ambiguity": describe_ambiguity(rule_id)})
    found = describe_rule(rule_jurisdiction(rule_id), rule_id)
    return page(request, "rule.html", {"section": "categories", "rule": found})


# --------------------------------------------------------------------------- assessments


@router.get("/assessments")
def assessment_list(request: Request, engine: Db) -> HTMLResponse:
    items = assessments.list_assessments(engine, limit=500)
    return page(request, "assessments.html", {"section": "assessments", "items": items})


def _parse_facts_text(raw: str) -> ProductFacts:
    if not raw.strip():
        raise InputError("facts: the facts are empty")
    return parse_facts(decode_document(raw, source="facts"), source="facts")


def _form_input(kind: str, facts: str, text: str, indication: str) -> AssessmentInput:
    if kind == "facts":
        return AssessmentInput.of_facts(_parse_facts_text(facts))
    if kind == "text":
        return AssessmentInput.of_text(text, indication or None)
    raise InputError(f"kind: {kind!r} must be facts or text")


@router.post("/assessments/new")
def assessment_create(
    engine: Db,
    title: Annotated[str, Form(max_length=assessments.TITLE_MAX)] = "",
    kind: Annotated[str, Form(max_length=8)] = "facts",
    facts: Annotated[str, Form(max_length=TEXT_LIMIT * 2)] = "",
    text: Annotated[str, Form(max_length=TEXT_LIMIT)] = "",
    indication: Annotated[str, Form(max_length=2000)] = "",
    as_of: Annotated[str, Form(max_length=10)] = "",
    jurisdiction: Annotated[list[str], Form(max_length=5)] = [],  # noqa: B006 - FastAPI form list default
) -> Response:
    record = assessments.create(
        engine,
        title=title,
        given=_form_input(kind, facts, text, indication),
        jurisdictions=_jurisdictions(jurisdiction),
        as_of=as_of or None,
    )
    return see_other(f"/assessments/{record.assessment_id}?saved=1")


def _assessment_context(engine: Engine, assessment_id: int, n: int | None) -> dict[str, Any]:
    head = assessments.summary(engine, assessment_id)
    record = assessments.get_version(engine, assessment_id, n)
    history = assessments.versions(engine, assessment_id)
    chain = assessments.verify(engine, assessment_id)
    envelope = Envelope.model_validate({**record.envelope, "facts": {}})
    revise_url = None
    if record.input["kind"] == "facts" and record.n == head.latest_version:
        wizard = Wizard.from_facts(ProductFacts.model_validate(record.input["facts"]), parse_date(None))
        if wizard is not None:
            revise_url = "/classify" + _query(
                [*wizard.params(), ("assessment", str(assessment_id)), ("base", str(record.n))]
            )
    highlighted = None
    if record.input["kind"] == "text":
        highlighted = highlight(record.input["text"], envelope.evidence)
    return {
        "section": "assessments",
        "head": head,
        "record": record,
        "history": list(reversed(history)),
        "chain": chain,
        "envelope": envelope,
        "is_latest": record.n == head.latest_version,
        "revise_url": revise_url,
        "highlighted": highlighted,
    }


@router.get("/assessments/{assessment_id}")
def assessment_detail(
    request: Request,
    engine: Db,
    assessment_id: Annotated[int, Path(ge=1)],
    saved: Annotated[int | None, Query()] = None,
) -> HTMLResponse:
    context = _assessment_context(engine, assessment_id, None)
    context["saved"] = bool(saved)
    return page(request, "assessment.html", context)


@router.get("/assessments/{assessment_id}/versions/{n}")
def assessment_version(
    request: Request, engine: Db, assessment_id: Annotated[int, Path(ge=1)], n: Annotated[int, Path(ge=1)]
) -> HTMLResponse:
    return page(request, "assessment.html", _assessment_context(engine, assessment_id, n))


@router.get("/assessments/{assessment_id}/edit")
def assessment_edit_form(request: Request, engine: Db, assessment_id: Annotated[int, Path(ge=1)]) -> HTMLResponse:
    record = assessments.get_version(engine, assessment_id)
    facts_text = ""
    if record.input["kind"] == "facts":
        from atmpnav.questionnaire import facts_to_yaml

        facts = ProductFacts.model_validate(record.input["facts"])
        facts_text = facts_to_yaml(facts)
        if any(getattr(facts, b) is not None and getattr(facts, b).present is None
               for b in ("nucleic_acid", "cells_or_tissues", "device")):
            facts_text = _facts_text(facts)  # YAML would drop an unknown `present`
    return page(
        request,
        "assessment_edit.html",
        {
            "section": "assessments",
            "record": record,
            "facts_text": facts_text,
            "today": date.today().isoformat(),
        },
    )


@router.post("/assessments/{assessment_id}/edit")
def assessment_edit(
    engine: Db,
    assessment_id: Annotated[int, Path(ge=1)],
    base_version: Annotated[int, Form(ge=1)],
    title: Annotated[str, Form(max_length=assessments.TITLE_MAX)] = "",
    kind: Annotated[str, Form(max_length=8)] = "facts",
    facts: Annotated[str, Form(max_length=TEXT_LIMIT * 2)] = "",
    text: Annotated[str, Form(max_length=TEXT_LIMIT)] = "",
    indication: Annotated[str, Form(max_length=2000)] = "",
    as_of: Annotated[str, Form(max_length=10)] = "",
    note: Annotated[str, Form(max_length=assessments.NOTE_MAX)] = "",
) -> Response:
    assessments.revise(
        engine,
        assessment_id,
        base_version=base_version,
        title=title or None,
        given=_form_input(kind, facts, text, indication),
        as_of=as_of or None,
        note=note or None,
    )
    return see_other(f"/assessments/{assessment_id}?saved=1")

