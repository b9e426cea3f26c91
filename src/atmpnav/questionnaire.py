"""A questionnaire that asks only the facts the rules still miss (CLI `ask` and the web form share it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from atmpnav.assess import AssessmentInput, evaluate
from atmpnav.engine import parse_date
from atmpnav.facts import ProductFacts, with_fact
from atmpnav.questions import QUESTIONS, Question, coerce_answer
from atmpnav.verdict import Verdict


def initial_facts() -> ProductFacts:
    """Nothing known yet: the sub-records exist with `present` unknown, so the rules ask about them."""
    return ProductFacts(nucleic_acid={"present": None}, cells_or_tissues={"present": None},
                        device={"present": None})


@dataclass
class Session:
    """Answers given so far, in order, so that any answer can be changed ('back')."""

    as_of: date
    answers: list[tuple[str, Any]] = field(default_factory=list)

    def facts(self) -> ProductFacts:
        facts = initial_facts()
        for path, value in self.answers:
            facts = with_fact(facts, path, value)
        return facts

    def verdict(self) -> Verdict:
        return evaluate(AssessmentInput.of_facts(self.facts()), ("EU",), self.as_of).verdicts["EU"]

    def next_question(self) -> Question | None:
        verdict = self.verdict()
        for missing in verdict.missing:
            if missing.fact in QUESTIONS:
                return QUESTIONS[missing.fact]
        return None

    def answer(self, path: str, value: Any) -> None:
        self.answers = [(p, v) for p, v in self.answers if p != path]
        self.answers.append((path, value))

    def back(self) -> str | None:
        if not self.answers:
            return None
        path, _ = self.answers.pop()
        return path


def facts_to_yaml(facts: ProductFacts) -> str:
    import yaml

    data = facts.model_dump(mode="json", exclude_none=True)
    for block in ("nucleic_acid", "cells_or_tissues", "device"):
        if data.get(block) == {}:
            data.pop(block)  # an unanswered block stays unknown only while asking; saved, it would mean "none"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def run_terminal(save: Path | None = None, as_of: str | None = None,
                 answers: list[tuple[str, Any]] | None = None, assumed: list[str] | None = None) -> Verdict:
    """Ask in the terminal until the rules decide; print the verdict; optionally save the facts.

    ``answers`` pre-fill the session (e.g. facts read from a description, ``ask --from-text``);
    ``assumed`` names those that are assumptions, listed first so the user can change them."""
    import typer

    from atmpnav.views.text import render_verdict

    session = Session(as_of=parse_date(as_of), answers=list(answers or []))
    if answers:
        typer.echo(f"Starting from {len(answers)} facts read from the description.")
        for fact in assumed or []:
            value = dict(answers).get(fact)
            typer.echo(f"  assumed {fact} = {value} (the text does not say; 'back' or a facts file changes it)")
        typer.echo("")
    typer.echo("Answer each question; 'back' changes the previous answer, 'quit' stops. "
               "Options can be typed or chosen by number.\n")
    while True:
        question = session.next_question()
        if question is None:
            break
        typer.echo(question.text)
        if question.help:
            typer.echo(f"  ({question.help})")
        if question.kind == "list":
            import textwrap

            listing = "   ".join(f"{n} {option}" for n, option in enumerate(question.options, 1))
            typer.echo(textwrap.fill(listing, 100, initial_indent="  ", subsequent_indent="  "))
        elif question.options:
            for n, option in enumerate(question.options, 1):
                typer.echo(f"  {n}. {option}")
        raw = typer.prompt(">", default="", show_default=False)
        command = raw.strip().lower()
        if command == "quit":
            break
        if command == "back":
            changed = session.back()
            typer.echo(f"  (changing: {changed})\n" if changed else "  (nothing to go back to)\n")
            continue
        try:
            session.answer(question.fact, coerce_answer(question.fact, raw))
        except ValueError as err:
            typer.echo(f"  {err}\n")
            continue
        typer.echo("")
    verdict = session.verdict()
    typer.echo(render_verdict(verdict))
    if save is not None:
        save.write_text(facts_to_yaml(session.facts()), encoding="utf-8")
        typer.echo(f"\nSaved the answers to {save}")
    return verdict
