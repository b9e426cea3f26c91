"""The questionnaire (``/classify``): one question at a time, the verdict of every chosen
jurisdiction beside it, the answers given (each can be changed), and a saved draft resumed from its facts."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import HTMLResponse, Response

from atmpnav.assess import TEXT_MAX
from atmpnav.engine import parse_date
from atmpnav.errors import InputError
from atmpnav.questionnaire import is_borderline
from atmpnav.questions import QUESTIONS
from atmpnav.web import auth
from atmpnav.web.pages import (
    all_jurisdictions,
    facts_text,
    page,
    parse_facts_text,
    query_model,
    query_string,
    see_other,
)
from atmpnav.web.wizard import MANIPULATION_GROUPS, Wizard, decode_value

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


class QuestionnaireQuery(BaseModel):
    """The questionnaire's query parameters, validated by one pydantic model (:func:`~atmpnav.web.pages.query_model`:
    FastAPI's per-parameter handling of thirteen parameters cost more than the rules). The same bounds as every other
    page, and the same 422 ``validation_error`` (``in: query``, in this order) as a FastAPI parameter."""

    model_config = ConfigDict(extra="ignore")

    a: Annotated[list[str], Field(max_length=200)] = []
    skip: Annotated[list[str], Field(max_length=100)] = []
    assumed: Annotated[list[str], Field(max_length=100)] = []  # pre-filled from a description
    as_of: Annotated[str | None, Field(max_length=10)] = None
    fact: Annotated[str | None, Field(max_length=100)] = None
    value: Annotated[list[str], Field(max_length=40)] = []
    dont_know: Annotated[str | None, Field(max_length=4)] = None
    edit: Annotated[str | None, Field(max_length=100)] = None
    assessment: Annotated[int | None, Field(ge=1)] = None
    base: Annotated[int | None, Field(ge=1)] = None
    j: Annotated[list[str], Field(max_length=10)] = []
    resume: Annotated[str | None, Field(alias="from", max_length=TEXT_MAX)] = None

    @classmethod
    def of(cls, request: Request) -> QuestionnaireQuery:
        return query_model(cls, request)


@router.get("/classify")
async def classify_page(request: Request) -> Response:
    """The questionnaire page. The rules and the templates are in memory, so it runs on the event loop (no
    threadpool hop) unless showing the page's user reads the database (a session cookie or a token) or a
    draft is to be resumed (up to ``TEXT_MAX`` characters of YAML to parse)."""
    query = QuestionnaireQuery.of(request)
    if query.resume is not None or auth.user_lookup_reads_database(request):
        return await run_in_threadpool(_questionnaire, request, query)
    return _questionnaire(request, query)


def _questionnaire(request: Request, query: QuestionnaireQuery) -> Response:
    fact, edit, assessment, base = query.fact, query.edit, query.assessment, query.base
    extra = [("assessment", str(assessment)), ("base", str(base))] if assessment and base else []
    if query.resume is not None:
        # Resume a saved draft: facts (JSON or YAML) -> the answers that rebuild them.
        resumed = Wizard.from_facts(parse_facts_text(query.resume), parse_date(query.as_of or None), query.j)
        if resumed is None:
            raise InputError("from: these facts hold more than the questionnaire asks; edit them as facts instead")
        return see_other("/classify" + query_string(resumed.params() + extra))
    wizard = Wizard.from_params(query.a, query.skip, query.as_of, query.j, query.assumed)
    problem = None
    if fact is not None:
        if fact not in QUESTIONS:
            raise InputError(f"fact: {fact!r} is not a question of the questionnaire")
        if query.dont_know:
            wizard.skip(fact)
            return see_other("/classify" + query_string(wizard.params() + extra))
        if query.value or QUESTIONS[fact].kind == "list":
            wizard.answer(fact, decode_value(fact, query.value))
            return see_other("/classify" + query_string(wizard.params() + extra))
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
    cancel_url = "/classify" + query_string(wizard.params() + extra) if edit else None
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
            "all_jurisdictions": all_jurisdictions(),
            "editing": edit,
            "current": current,
            "current_list": current if isinstance(current, list) else [],
            "problem": problem,
            "state": wizard.params() + extra,
            "cancel_url": cancel_url,
            "back_url": "/classify" + query_string(back + extra) if back is not None else None,
            "answer_rows": (rows := _answer_rows(wizard, extra)),
            "change_urls": {row["fact"]: row["change_url"] for row in rows},
            "manipulation_groups": MANIPULATION_GROUPS,
            "facts_json": facts_text(facts),
            "revising": revising,
            "default_title": f"Questionnaire of {date.today().isoformat()}",
        },
        status_code=422 if problem else 200,
    )


def _answer_rows(wizard: Wizard, extra: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """The answers given, then the facts skipped ("I don't know": no value), each with the URL that changes it."""
    given = [(fact, value, fact in wizard.assumed) for fact, value in wizard.answers]
    skipped = [(fact, None, False) for fact in wizard.skipped]
    return [{"fact": fact, "question": QUESTIONS[fact].text, "value": value, "assumed": assumed,
             "change_url": "/classify" + query_string(wizard.params() + extra + [("edit", fact)])}
            for fact, value, assumed in given + skipped]
