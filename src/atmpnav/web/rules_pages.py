"""The categories and rules pages: the ATMP categories and every rule set's rules (searchable),
one rule with its dated versions, sources, cases and registry products, and the ambiguities of the law."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import HTMLResponse

from atmpnav.categories import CATEGORIES
from atmpnav.errors import InputError
from atmpnav.rulebook import describe_ambiguity, describe_rule, is_ambiguity_id, list_rules
from atmpnav.web.dependencies import Db
from atmpnav.web.pages import all_jurisdictions, page

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

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

    codes = all_jurisdictions()
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
