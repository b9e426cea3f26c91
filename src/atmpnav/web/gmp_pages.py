"""The GMP checklist pages: ``/gmp`` (paste facts, or arrive from a verdict) and
``/assessments/{id}/gmp`` (the checklist of a saved assessment)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse

from atmpnav.errors import InputError
from atmpnav.facts import ProductFacts, decode_document, parse_facts, with_fact
from atmpnav.gmp import VARIANTS, Checklist, build_checklist, gmp_checklist
from atmpnav.questions import QUESTIONS, coerce_answer
from atmpnav.web.dependencies import Db, Viewer
from atmpnav.web.pages import page
from atmpnav.web.templating import facts_json

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
FACTS_LIMIT = 100_000
STANDARD_NAMES = {"eu": "EU GMP Part IV", "pics": "PIC/S GMP Annex 2A"}
EXAMPLE = """name: Autologous anti-CD19 CAR-T cells
for_human_administration: true
product_role: finished_product
claimed_purpose: treat_prevent_diagnose
vaccine_against_infectious_disease: false
nucleic_acid: {origin: recombinant, vehicle: modified_cells, acts_on_genetic_sequence: true,
               effect_from_sequence: true, transgene_role: therapeutic, genome_editing: none}
cells_or_tissues: {form: intact_cells, source: autologous, viability: viable,
                   manipulations: [cell_separation, activation, genetic_modification, expansion],
                   same_essential_function: false}
manufacturing:
  stage: investigational
  phase: I
  processing: automated_closed
  release_before_qc_complete: true
  batches_per_year: 30
"""


def _page(request: Request, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    base = {"section": "gmp", "standards": STANDARD_NAMES, "checklist": None, "problem": None, "facts_text": "",
            "standard": "eu", "as_of": "", "assessment": None, "questions": []}
    return page(request, "gmp.html", {**base, **context}, status_code=status_code)


def _standard(value: str) -> str:
    cleaned = value.strip().lower() or "eu"
    if cleaned not in VARIANTS:
        raise InputError(f"standard: choose one of {', '.join(VARIANTS)}")
    return cleaned


@router.get("/gmp")
def gmp_form(request: Request) -> HTMLResponse:
    return _page(request, {"facts_text": EXAMPLE})


MAX_ANSWERS = 40


async def _answers(request: Request) -> dict[str, str]:
    """``answer.<fact path>`` form fields: answers to the checklist's open questions (empty = not answered)."""
    form = await request.form()
    found = {key.removeprefix("answer."): str(value) for key, value in form.multi_items()
             if key.startswith("answer.") and str(value).strip()}
    if len(found) > MAX_ANSWERS:
        raise InputError("too many answers")
    return found


def _apply_answers(facts: ProductFacts, answers: dict[str, str]) -> ProductFacts:
    """The facts with the open questions answered (each answer validated as its question allows)."""
    for path, raw in answers.items():
        if path not in QUESTIONS:
            raise InputError(f"answer.{path}: not a question")
        try:
            facts = with_fact(facts, path, coerce_answer(path, raw))
        except ValueError as err:
            raise InputError(f"{path}: {err}") from None
    return facts


@router.post("/gmp")
async def gmp_result(
    request: Request,
    facts: Annotated[str, Form(max_length=FACTS_LIMIT)] = "",
    standard: Annotated[str, Form(max_length=8)] = "eu",
    as_of: Annotated[str, Form(max_length=10)] = "",
) -> HTMLResponse:
    chosen = _standard(standard)
    context: dict[str, Any] = {"facts_text": facts, "standard": chosen, "as_of": as_of}
    if not facts.strip():
        context["problem"] = "Give the product facts (YAML or JSON), with a manufacturing block if you have one."
        return _page(request, context, status_code=422)
    parsed = parse_facts(decode_document(facts, source="facts"), source="facts")
    answers = await _answers(request)
    if answers:
        parsed = _apply_answers(parsed, answers)
        context["facts_text"] = facts_json(parsed)
    checklist: Checklist = await run_in_threadpool(gmp_checklist, parsed, standard=chosen, as_of=as_of or None)
    context.update(checklist=checklist, title=parsed.name, questions=[QUESTIONS[o.fact] for o in checklist.open
                                                                       if o.fact in QUESTIONS])
    return _page(request, context)


@router.get("/assessments/{assessment_id}/gmp")
def assessment_gmp(
    request: Request,
    engine: Db,
    user: Viewer,
    assessment_id: Annotated[int, Path(ge=1)],
    standard: Annotated[str, Query(max_length=8)] = "eu",
    version: Annotated[int | None, Query(ge=1)] = None,
) -> HTMLResponse:
    from atmpnav.documents.saved import read_assessment

    chosen = _standard(standard)
    saved = read_assessment(engine, assessment_id, version)
    if saved.eu_verdict is None:
        raise InputError("the assessment has no EU verdict; the GMP checklist is built on the EU classification")
    checklist = build_checklist(saved.facts, saved.eu_verdict, standard=chosen)
    return _page(request, {"checklist": checklist, "standard": chosen, "assessment": saved, "title": saved.title,
                           "section": "assessments"})
