"""`atmpnav gmp FACTS [--standard eu|pics] [--json]`: the GMP requirements that apply to a product."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from atmpnav.errors import InputError

if TYPE_CHECKING:
    from atmpnav.facts import ProductFacts
    from atmpnav.gmp import Checklist


def gmp_command(
    facts_file: Annotated[str, typer.Argument(help="Facts file (YAML or JSON) with an optional 'manufacturing' "
                                              "block; '-' reads standard input; or a saved assessment's id "
                                              "(12 or #12): its stored facts and EU verdict, not re-classified.",
                                              show_default=False)],
    standard: Annotated[str, typer.Option("--standard", help="eu (EU GMP Part IV) or pics (PIC/S Annex 2A).")] = "eu",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Standards and law in force on this date "
                                              "(YYYY-MM-DD; default: today).")] = None,
    ask: Annotated[bool, typer.Option("--ask", help="Ask the open questions that would change the list, one at a "
                                      "time (empty answer: don't know), then print the checklist.")] = False,
    save: Annotated[Path | None, typer.Option("--save", help="With --ask: save the answered facts (YAML) to this "
                                              "new file.")] = None,
    version: Annotated[int | None, typer.Option("--version", min=1, help="With an assessment id: its version "
                                                "(default: the latest).")] = None,
) -> None:
    """The GMP checklist (EU GMP Part IV or PIC/S Annex 2A) for a product and its manufacturing process."""
    from atmpnav.facts import load_facts
    from atmpnav.gmp import gmp_checklist
    from atmpnav.records.refs import assessment_ref

    assessment_id = assessment_ref(facts_file)
    if ask and facts_file == "-":
        raise InputError("--ask reads answers from the terminal: give FACTS_FILE as a file, not '-'")
    if ask and assessment_id is not None:
        raise InputError("--ask changes facts, and a saved assessment's facts change only by a new version: "
                         "revise the assessment, or export its facts to a file")
    if save is not None and not ask:
        raise InputError("--save needs --ask")
    if version is not None and assessment_id is None:
        raise InputError("--version needs a saved assessment's id, not a facts file")
    if assessment_id is not None:
        facts, checklist = _of_assessment(assessment_id, version, standard.lower(), as_of)
    else:
        stdin_text = sys.stdin.read() if facts_file == "-" else None
        facts = load_facts(facts_file, stdin_text=stdin_text)
        checklist = gmp_checklist(facts, standard=standard.lower(), as_of=as_of)
    if ask:
        facts, checklist = _ask(facts, checklist, standard.lower(), as_of)
        if save is not None:
            from atmpnav.documents.sources import write_new
            from atmpnav.questionnaire import facts_to_yaml

            write_new(save, facts_to_yaml(facts).encode("utf-8"))
            typer.echo(f"Saved the answered facts to {save}", err=True)
    if as_json:
        typer.echo(json.dumps(checklist.model_dump(mode="json"), indent=2, ensure_ascii=False))
        return
    from atmpnav.gmp.render import render_checklist

    typer.echo(render_checklist(checklist, facts.name), nl=False)


def _of_assessment(assessment_id: int, version: int | None, standard: str,
                   as_of: str | None) -> tuple[ProductFacts, Checklist]:
    """The checklist on a saved assessment's stored facts and EU verdict (as the API's, not re-classified),
    read with the check of its records; a broken hash chain is said, not hidden."""
    from atmpnav import store
    from atmpnav.documents.saved import read_assessment
    from atmpnav.engine import parse_date
    from atmpnav.gmp import build_checklist

    saved = read_assessment(store.get_engine(), assessment_id, version)
    if saved.eu_verdict is None:
        raise InputError(f"assessment {assessment_id} has no EU verdict; the GMP checklist is built on the EU "
                         "classification")
    if not saved.chain_ok:
        typer.echo(f"warning: the records of assessment {assessment_id} fail their check: "
                   f"{'; '.join(saved.chain_problems)}", err=True)
    day = parse_date(as_of) if as_of else None  # default: the day the assessment was classified
    return saved.facts, build_checklist(saved.facts, saved.eu_verdict, standard=standard, as_of=day)


def _ask(facts: ProductFacts, checklist: Checklist, standard: str, as_of: str | None) -> tuple[ProductFacts,
                                                                                             Checklist]:
    """Ask each open fact once (the list is rebuilt after every answer: one answer can settle others)."""
    from atmpnav.facts import with_fact
    from atmpnav.gmp import gmp_checklist
    from atmpnav.questions import QUESTIONS, coerce_answer

    skipped: set[str] = set()
    while True:
        pending = [o for o in checklist.open if o.fact in QUESTIONS and o.fact not in skipped]
        if not pending:
            return facts, checklist
        question = QUESTIONS[pending[0].fact]
        options = f" [{', '.join(question.options)}]" if question.options and question.kind != "bool" else ""
        typer.echo(f"{question.text}{options}", err=True)
        try:
            raw = typer.prompt(">", default="", show_default=False, err=True)
        except typer.Abort:  # end of input: stop asking, keep what was answered
            typer.echo("", err=True)
            return facts, checklist
        if not raw.strip():
            skipped.add(question.fact)
            continue
        try:
            facts = with_fact(facts, question.fact, coerce_answer(question.fact, raw))
        except ValueError as err:
            typer.echo(f"  {err}", err=True)
            continue
        checklist = gmp_checklist(facts, standard=standard, as_of=as_of)
