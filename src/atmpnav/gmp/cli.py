"""`atmpnav gmp FACTS [--standard eu|pics] [--json]`: the GMP requirements that apply to a product."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer


def gmp_command(
    facts_file: Annotated[str, typer.Argument(help="Facts file (YAML or JSON) with an optional 'manufacturing' "
                                              "block; '-' reads standard input.", show_default=False)],
    standard: Annotated[str, typer.Option("--standard", help="eu (EU GMP Part IV) or pics (PIC/S Annex 2A).")] = "eu",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Standards and law in force on this date "
                                              "(YYYY-MM-DD; default: today).")] = None,
) -> None:
    """The GMP checklist (EU GMP Part IV or PIC/S Annex 2A) for a product and its manufacturing process."""
    from atmpnav.facts import load_facts
    from atmpnav.gmp import gmp_checklist

    stdin_text = sys.stdin.read() if facts_file == "-" else None
    facts = load_facts(facts_file, stdin_text=stdin_text)
    checklist = gmp_checklist(facts, standard=standard.lower(), as_of=as_of)
    if as_json:
        typer.echo(json.dumps(checklist.model_dump(mode="json"), indent=2, ensure_ascii=False))
        return
    from atmpnav.gmp.render import render_checklist

    typer.echo(render_checklist(checklist, facts.name), nl=False)
