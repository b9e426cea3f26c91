"""The description page (``/describe``): a product described in plain words, the facts read from it
(each with the words that decided it), the verdicts, and a link that continues in the questionnaire."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse

from atmpnav.assess import TEXT_MAX
from atmpnav.engine import parse_date
from atmpnav.facts import ProductFacts
from atmpnav.questions import QUESTIONS
from atmpnav.verdict import Envelope
from atmpnav.web.highlight import highlight
from atmpnav.web.pages import all_jurisdictions, chosen_jurisdictions, page
from atmpnav.web.services import classify_input
from atmpnav.web.wizard import Wizard

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def _describe_context(text: str = "", indication: str = "", as_of: str = "",
                      jurisdictions: list[str] | None = None) -> dict[str, Any]:
    return {"section": "describe", "text": text, "indication": indication, "as_of": as_of, "result": None,
            "problem": None, "all_jurisdictions": all_jurisdictions(),
            "jurisdictions": jurisdictions or ["EU"]}


@router.get("/describe")
def describe_form(request: Request) -> HTMLResponse:
    return page(request, "describe.html", _describe_context())


@router.post("/describe")
async def describe(
    request: Request,
    text: Annotated[str, Form(max_length=TEXT_MAX)] = "",
    indication: Annotated[str, Form(max_length=2000)] = "",
    as_of: Annotated[str, Form(max_length=10)] = "",
    jurisdiction: Annotated[list[str], Form(max_length=16)] = [],  # noqa: B006 - FastAPI form list default
) -> HTMLResponse:
    codes = chosen_jurisdictions(jurisdiction)
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
    from atmpnav.fact_paths import get_fact

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
