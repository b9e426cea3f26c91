"""Command functions for free text, registered on the main Typer app::

    app.command("precedents")(precedents_command)   # atmpnav precedents "TEXT" [-k 5] [--json]
    app.command("batch")(batch_command)             # atmpnav batch INPUT.csv --output OUTPUT.csv

Errors are raised as :class:`atmpnav.errors.AtmpnavError` subclasses; the main CLI maps them to
exit codes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer


def precedents_command(
    text: Annotated[str, typer.Argument(help="A plain description of the product, in quotes.", show_default=False)],
    k: Annotated[int, typer.Option("-k", "--top", min=1, max=50, help="How many similar cases to show.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Known classified cases most similar to a description (similar, not binding)."""
    from atmpnav.precedents import search

    found = search(text, k=k)
    if as_json:
        typer.echo(json.dumps([p.model_dump(mode="json") for p in found], indent=2, ensure_ascii=False))
        return
    if not found:
        typer.echo("No similar known case found.")
        return
    from atmpnav.views.text import render_precedents

    typer.echo(render_precedents(found))


def batch_command(
    input: Annotated[
        Path, typer.Argument(help="CSV file with the columns id,text (and optionally indication).", show_default=False)
    ],
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="CSV file to write (id,outcome,likely_outcome,combined,confidence,"
                     "regime,missing); re-running with the same file resumes.", show_default=False),
    ],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Evaluate the law in force on this date (YYYY-MM-DD; default: today)."),
    ] = None,
    jurisdiction: Annotated[
        list[str] | None,
        typer.Option("--jurisdiction", "-j", help="Jurisdiction(s) to apply, or 'all' (default: EU). Other than EU "
                     "alone, the output has the columns <code>.outcome, .likely_outcome, .advanced, .combined, "
                     ".regime, .missing per jurisdiction."),
    ] = None,
) -> None:
    """Classify every description of a CSV file, streaming the results to another CSV file."""
    from atmpnav.engine import parse_date
    from atmpnav.law import expand_jurisdictions
    from atmpnav.text.batch import batch_file, stderr_is_terminal

    day = parse_date(as_of)
    codes = tuple(expand_jurisdictions(jurisdiction))
    progress = _terminal_progress if stderr_is_terminal() else None
    summary = batch_file(input, output, as_of=day, progress=progress, jurisdictions=codes)
    if progress:
        sys.stderr.write("\n")
    parts = [f"{summary.classified} classified"]
    if summary.skipped:
        parts.append(f"{summary.skipped} already in {output} (skipped)")
    if summary.repaired:
        parts.append("an incomplete last line of the output was removed")
    typer.echo(f"{'; '.join(parts)} -> {output}", err=True)


def _terminal_progress(classified: int, skipped: int) -> None:
    done = classified + skipped
    if done % 25 == 0 or done < 25:
        tail = f" ({skipped} skipped)" if skipped else ""
        sys.stderr.write(f"\rclassifying: {classified} rows{tail}")
        sys.stderr.flush()
