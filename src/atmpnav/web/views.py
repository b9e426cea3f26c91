"""The pages: server-rendered HTML that works without JavaScript. They call the same library
functions as the API (:mod:`atmpnav.web.services`, :mod:`atmpnav.assessments`, the registry)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from markupsafe import Markup
from sqlalchemy.engine import Engine
from starlette.responses import HTMLResponse, RedirectResponse, Response

from atmpnav.assess import TEXT_MAX, facts_to_json
from atmpnav.categories import CATEGORIES
from atmpnav.engine import parse_date
from atmpnav.errors import InputError
from atmpnav.facts import ProductFacts, decode_document, parse_facts
from atmpnav.questionnaire import is_borderline
from atmpnav.questions import QUESTIONS
from atmpnav.rulebook import describe_ambiguity, describe_rule, is_ambiguity_id, list_rules
from atmpnav.verdict import Envelope
from atmpnav.web.highlight import highlight
from atmpnav.web.services import classify_input
from atmpnav.web.templating import templates
from atmpnav.web.wizard import MANIPULATION_GROUPS, Wizard, decode_value

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

TEXT_LIMIT = TEXT_MAX
REGIONS = ("EU", "US")
REGISTRY_CATEGORIES = ("GTMP", "sCTMP", "TEP", "not ATMP", "unknown")
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
    assumed: Annotated[list[str], Query(max_length=100)] = [],  # noqa: B006 - pre-filled from a description
    as_of: Annotated[str | None, Query(max_length=10)] = None,
    fact: Annotated[str | None, Query(max_length=100)] = None,
    value: Annotated[list[str], Query(max_length=40)] = [],  # noqa: B006
    dont_know: Annotated[str | None, Query(max_length=4)] = None,
    edit: Annotated[str | None, Query(max_length=100)] = None,
    assessment: Annotated[int | None, Query(ge=1)] = None,
    base: Annotated[int | None, Query(ge=1)] = None,
    j: Annotated[list[str], Query(max_length=10)] = [],  # noqa: B006
    resume: Annotated[str | None, Query(alias="from", max_length=TEXT_LIMIT)] = None,
) -> Response:
    extra = [("assessment", str(assessment)), ("base", str(base))] if assessment and base else []
    if resume is not None:
        # Resume a saved draft: facts (JSON or YAML) -> the answers that rebuild them.
        resumed = Wizard.from_facts(_parse_facts_text(resume), parse_date(as_of or None), j)
        if resumed is None:
            raise InputError("from: these facts hold more than the questionnaire asks; edit them as facts instead")
        return see_other("/classify" + _query(resumed.params() + extra))
    wizard = Wizard.from_params(a, skip, as_of, j, assumed)
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
    verdicts = wizard.verdicts()
    verdict = verdicts[wizard.jurisdictions[0]]
    if edit is not None and edit not in QUESTIONS:
        raise InputError(f"edit: {edit!r} is not a question of the questionnaire")
    pending = [] if edit else wizard.pending()
    question = QUESTIONS[edit] if edit else (pending[0].question if pending else None)
    session = wizard.session()
    whatif = session.what_if() if question is None else []
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
            "verdicts": list(verdicts.values()),
            "question": question,
            "why_asked": pending[0].explain() if pending and pending[0].reason != "decides" else None,
            "what_if": whatif,
            "open_facts": session.open_facts(),
            "borderline": any(is_borderline(v) for v in verdicts.values()),
            "all_jurisdictions": _all_jurisdictions(),
            "editing": edit,
            "current": current,
            "current_list": current if isinstance(current, list) else [],
            "problem": problem,
            "state": wizard.params() + extra,
            "cancel_url": cancel_url,
            "back_url": "/classify" + _query(back + extra) if back is not None else None,
            "answer_rows": (rows := _answer_rows(wizard, extra)),
            "change_urls": {row["fact"]: row["change_url"] for row in rows},
            "manipulation_groups": MANIPULATION_GROUPS,
            "facts_json": _facts_text(facts),
            "revising": revising,
            "default_title": f"Questionnaire of {date.today().isoformat()}",
        },
        status_code=422 if problem else 200,
    )


def _all_jurisdictions() -> list[str]:
    from atmpnav.law import JURISDICTIONS

    return ["EU", *sorted(set(JURISDICTIONS) - {"EU"})]


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
            "assumed": fact in wizard.assumed,
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
    from atmpnav.law import JURISDICTIONS, expand_jurisdictions

    unknown = [c for c in chosen if c.upper() not in JURISDICTIONS and c.lower() != "all"]
    if unknown:
        raise InputError(f"jurisdiction: {', '.join(unknown)} unknown; known: {', '.join(sorted(JURISDICTIONS))}, all")
    return expand_jurisdictions(chosen)


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
    jurisdiction: Annotated[list[str], Form(max_length=16)] = [],  # noqa: B006 - FastAPI form list default
) -> HTMLResponse:
    codes = _jurisdictions(jurisdiction)
    context = _describe_context(text, indication, as_of, codes)
    if not text.strip():
        context["problem"] = "Describe the product first: what it is made of, how it is made, what it is for."
        return page(request, "describe.html", context, status_code=422)
    day = parse_date(as_of or None)
    envelope = await run_in_threadpool(classify_input, None, text, indication or None, codes, day)
    prefill = Wizard.prefill(envelope.facts, day, [a.fact for a in envelope.assumptions])
    context.update(
        result=envelope,
        continue_params=prefill.params(),
        highlighted=highlight(text, envelope.evidence),
        evidence_rows=_evidence_rows(envelope),
        as_of=day.isoformat(),
        default_title=_title_from(text),
    )
    return page(request, "describe.html", context)


def _evidence_rows(envelope: Envelope) -> list[dict[str, Any]]:
    """One row per fact read: the value read, the words that decided it, and how it was inferred
    or assumed (an omitted block reads "none", said once, with the reason as a note)."""
    assumed = {a.fact: a for a in envelope.assumptions}
    rows = []
    for path, evidence in envelope.evidence.items():
        words, note = _split_evidence(evidence)
        assumption = assumed.get(path)
        if assumption is not None:
            note = None
        rows.append({
            "fact": path,
            "question": QUESTIONS[path].text if path in QUESTIONS else path.replace("_", " ").replace(".", ": "),
            "value": _read_as(envelope.facts, path),
            "words": words,
            "note": note,
            "assumption": assumption,
        })
    return rows


def _split_evidence(evidence: str) -> tuple[str | None, str | None]:
    """'expanded (the steps named are taken as the complete list)' -> words, note."""
    if evidence.startswith("("):
        return None, evidence.strip("()")
    if evidence.endswith(")") and " (" in evidence:
        words, _, note = evidence.rpartition(" (")
        return words, note[:-1]
    return evidence, None


def _read_as(facts: ProductFacts, path: str) -> str:
    from atmpnav.facts import get_fact

    block, _, name = path.partition(".")
    if getattr(facts, block, None) is None and block in {"nucleic_acid", "cells_or_tissues", "device"}:
        return "none"
    try:
        value = get_fact(facts, path) if name else getattr(facts, block)
    except AttributeError:
        return "not known"
    if value is None:
        return "not known"
    if hasattr(value, "present"):  # a whole block
        return {True: "yes", False: "none", None: "not known"}[value.present]
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(getattr(v, "value", v)).replace("_", " ") for v in value) or "none"
    return str(getattr(value, "value", value)).replace("_", " ")


def _title_from(text: str) -> str:
    words = " ".join(text.split())
    return words if len(words) <= 80 else words[:77].rsplit(" ", 1)[0] + "…"


# --------------------------------------------------------------------------- registry


PAGE_SIZES = (25, 50, 100)
SORTS = (("", "Region, then date authorised"), ("name", "Name (A–Z)"), ("-authorised", "Newest first"),
         ("authorised", "Oldest first"), ("category", "Category"), ("status", "Status"), ("verdict", "Our verdict"))


def _registry_rows(engine: Engine, region: str, category: str, status: str, as_of: str, q: str,
                   sort: str) -> list[Any]:
    from atmpnav.registry.queries import list_products

    return list_products(region=region or None, category=category or None, status=status or None,
                         as_of=as_of or None, q=q or None, sort=sort or None, engine=engine)


@router.get("/registry")
def registry(
    request: Request,
    engine: Db,
    region: Annotated[str, Query(max_length=8)] = "",
    category: Annotated[str, Query(max_length=16)] = "",
    status: Annotated[str, Query(max_length=32)] = "",
    as_of: Annotated[str, Query(max_length=10)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    sort: Annotated[str, Query(max_length=20)] = "",
    page_no: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = PAGE_SIZES[0],
) -> HTMLResponse:
    from atmpnav.registry.queries import current

    # The content depends only on the registry's generation, the query and the day: rendered once.
    key = ("registry-page", region, category, status, as_of, q, sort, page_no, per_page, date.today())
    content = current(engine).memo(key, lambda: _registry_content(engine, region, category, status, as_of, q,
                                                                   sort, page_no, per_page))
    return page(request, "registry.html", {"section": "registry", "content": content})


def _registry_content(engine: Engine, region: str, category: str, status: str, as_of: str, q: str, sort: str,
                      page_no: int, per_page: int) -> Markup:
    from atmpnav.registry.queries import stats

    rows = _registry_rows(engine, region, category, status, as_of, q, sort)
    counts = stats(as_of or None, engine=engine)
    filters = {"q": q, "region": region, "category": category, "status": status, "as_of": as_of, "sort": sort}
    pages = max(1, -(-len(rows) // per_page))
    page_no = min(page_no, pages)
    start = (page_no - 1) * per_page
    shown = rows[start:start + per_page]
    base = [(k, v) for k, v in filters.items() if v] + ([("per_page", str(per_page))]
                                                       if per_page != PAGE_SIZES[0] else [])
    html = templates().get_template("registry_content.html").render(
        rows=shown,
        total=len(rows),
        first=start + 1 if shown else 0,
        last=start + len(shown),
        page_no=page_no,
        pages=pages,
        page_urls={n: "/registry" + _query([*base, ("page", str(n))]) for n in range(1, pages + 1)},
        export_query=_query([(k, v) for k, v in filters.items() if v]),
        stats=counts,
        filters=filters,
        filtered=any(filters.values()),
        regions=REGIONS,
        categories=REGISTRY_CATEGORIES,
        statuses=STATUSES,
        sorts=SORTS,
        per_page=per_page,
        page_sizes=PAGE_SIZES,
        chart_query=_query([("as_of", as_of)] if as_of else []),
    )
    return Markup(html)


@router.get("/registry.csv")
def registry_csv(
    engine: Db,
    region: Annotated[str, Query(max_length=8)] = "",
    category: Annotated[str, Query(max_length=16)] = "",
    status: Annotated[str, Query(max_length=32)] = "",
    as_of: Annotated[str, Query(max_length=10)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    sort: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """The filtered registry list (all pages) as CSV."""
    from atmpnav.registry.export import to_csv

    rows = _registry_rows(engine, region, category, status, as_of, q, sort)
    return Response(to_csv(rows), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="atmpnav-registry.csv"'})


@router.get("/registry.json")
def registry_json(
    engine: Db,
    region: Annotated[str, Query(max_length=8)] = "",
    category: Annotated[str, Query(max_length=16)] = "",
    status: Annotated[str, Query(max_length=32)] = "",
    as_of: Annotated[str, Query(max_length=10)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    sort: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """The filtered registry list (all pages) as JSON."""
    from atmpnav.registry.export import to_json

    rows = _registry_rows(engine, region, category, status, as_of, q, sort)
    return Response(to_json(rows), media_type="application/json",
                    headers={"Content-Disposition": 'attachment; filename="atmpnav-registry.json"'})


@router.get("/registry/products/{name:path}")
def registry_product(
    request: Request,
    engine: Db,
    name: Annotated[str, Path(max_length=200)],
    region: Annotated[str, Query(max_length=8)] = "",
) -> HTMLResponse:
    from atmpnav.registry.queries import show_product

    product = show_product(name, region=region or None, engine=engine)
    return page(request, "product.html", {"section": "registry", "product": product, "s": product.summary,
                                          "verdict": product.verdict})


# --------------------------------------------------------------------------- categories and rules


def rule_jurisdiction(rule_id: str) -> str:
    """The jurisdiction a rule id belongs to (``US-5`` -> US; EU otherwise)."""
    from atmpnav.law import JURISDICTIONS

    prefix = rule_id.split("-", 1)[0].upper()
    return prefix if prefix in JURISDICTIONS else "EU"


@router.get("/categories")
def categories(
    request: Request,
    q: Annotated[str, Query(max_length=200)] = "",
    jurisdiction: Annotated[str, Query(max_length=8)] = "",
    confidence: Annotated[str, Query(max_length=1)] = "",
) -> HTMLResponse:
    from atmpnav.law import JURISDICTIONS

    codes = ["EU", *sorted(set(JURISDICTIONS) - {"EU"})]
    if jurisdiction and jurisdiction.upper() not in JURISDICTIONS:
        raise InputError(f"jurisdiction: {jurisdiction!r} unknown; known: {', '.join(codes)}")
    if confidence and confidence.upper() not in ("V", "K", "U"):
        raise InputError("confidence: choose V (verified), K (established) or U (uncertain)")
    rules = [rule for code in codes for rule in list_rules(code)]
    total = len({r["id"] for r in rules})
    words = q.casefold().split()
    if jurisdiction:
        rules = [r for r in rules if rule_jurisdiction(r["id"]) == jurisdiction.upper()]
    if confidence:
        rules = [r for r in rules if r["confidence"] == confidence.upper()]
    if words:
        rules = [r for r in rules
                 if all(w in " ".join((r["id"], r["title"], r["question"], r["citation"])).casefold() for w in words)]
    groups: dict[str, list[dict[str, Any]]] = {}
    for rule in rules:
        prefix = rule["id"].rstrip("0123456789")
        groups.setdefault(RULE_GROUPS.get(prefix, prefix), []).append(rule)

    def shown(c: Any) -> bool:
        text = " ".join((c.code, c.name, c.definition, c.basis, *c.examples)).casefold()
        return all(w in text for w in words)

    return page(
        request,
        "categories.html",
        {
            "section": "categories",
            "atmp": [c for c in CATEGORIES if c.kind != "not ATMP" and shown(c)],
            "others": [c for c in CATEGORIES if c.kind == "not ATMP" and shown(c)],
            "rule_groups": groups,
            "rule_count": total,
            "shown_count": len({r["id"] for r in rules}),
            "filters": {"q": q, "jurisdiction": jurisdiction.upper(), "confidence": confidence.upper()},
            "filtered": bool(q or jurisdiction or confidence),
            "jurisdictions": codes,
        },
    )


@router.get("/ambiguities")
def ambiguities_page(request: Request) -> HTMLResponse:
    from atmpnav.ambiguities import all_ambiguities

    return page(request, "ambiguities.html", {"section": "categories", "items": list(all_ambiguities().values())})


@router.get("/rules/{rule_id}")
def rule(request: Request, engine: Db, rule_id: Annotated[str, Path(max_length=32)]) -> HTMLResponse:
    if is_ambiguity_id(rule_id):
        return page(request, "ambiguity.html", {"section": "categories", "ambiguity": describe_ambiguity(rule_id)})
    from atmpnav.ambiguities import for_rule
    from atmpnav.legal_sources import official_sources
    from atmpnav.precedents import corpus
    from atmpnav.registry.queries import current
    from atmpnav.registry.verdicts import own_verdicts

    found = describe_rule(rule_jurisdiction(rule_id), rule_id)
    key = found["id"]
    cases = [c for c in corpus() if any(r.split(" ", 1)[0].strip("(),;") == key for r in c.rules)]
    snap = current(engine)
    by_id = {p.id: p for p in snap.products}
    products = sorted(
        ((by_id[pid], own) for pid, own in own_verdicts(snap, date.today()).items() if key in own.verdict.rules_fired),
        key=lambda item: (item[0].region, item[0].name_key),
    )
    return page(request, "rule.html", {
        "section": "categories",
        "rule": found,
        "sources": [official_sources(v["citation"]) for v in found["versions"]],
        "cases": cases,
        "products": products,
        "related_ambiguities": [a for a in for_rule(key)
                                if all(a.id not in v["ambiguities"] for v in found["versions"])],
    })


def _parse_facts_text(raw: str) -> ProductFacts:
    """Facts typed or posted as YAML or JSON (bounded decoding), validated."""
    if not raw.strip():
        raise InputError("facts: the facts are empty")
    return parse_facts(decode_document(raw, source="facts"), source="facts")
