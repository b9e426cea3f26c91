"""Command functions for free text, registered on the main Typer app::

    app.command("precedents")(precedents_command)   # atmpnav precedents "TEXT" [-k 5] [--json]
    app.command("batch")(batch_command)             # atmpnav batch INPUT.csv --output OUTPUT.csv [-j EU] [--jobs N]

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
        typer.Option("--output", "-o", help="File to write (never an existing file that is not a batch output of the "
                     "same input and options); re-running with the same file resumes.", show_default=False),
    ],
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Evaluate the law in force on this date (YYYY-MM-DD; default: today)."),
    ] = None,
    jurisdiction: Annotated[
        list[str] | None,
        typer.Option("--jurisdiction", "-j", help="Jurisdiction(s) to apply, repeatable; 'all' for every one "
                     "(default: EU). CSV output has the verdict columns once per jurisdiction."),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", help="'csv' (one column group per jurisdiction) or 'jsonl' (the full "
                          "envelope per row).")
    ] = "csv",
    jobs: Annotated[
        int | None, typer.Option("--jobs", min=1, help="Worker processes (default: one per core); output order is "
                                 "the input's.")
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 2 when any row could not be classified (default: write an error "
                           "row and go on).")
    ] = False,
) -> None:
    """Classify every description of a CSV file, streaming the results to a CSV or JSON-lines file."""
    from atmpnav.text.batch import BatchRowErrors, batch_file, resolve_options, stderr_is_terminal

    options = resolve_options(jurisdiction, as_of, output_format)
    progress = _terminal_progress if stderr_is_terminal() else None
    try:
        summary = batch_file(input, output, options=options, jobs=jobs, strict=strict, progress=progress)
    except BatchRowErrors:
        if progress:
            sys.stderr.write("\n")
        raise
    if progress:
        sys.stderr.write("\n")
    parts = [f"{summary.classified} classified, {summary.errors} error{'s' if summary.errors != 1 else ''}"]
    if summary.complete:
        parts = [f"{output} is already complete ({summary.skipped} rows); nothing to do"]
    elif summary.skipped:
        parts.append(f"{summary.skipped} already done (resumed)")
    if summary.repaired:
        parts.append("an incomplete last line of the unfinished output was removed")
    typer.echo(f"{'; '.join(parts)} -> {output}", err=True)


def _terminal_progress(summary: object) -> None:
    done = summary.classified + summary.errors + summary.skipped  # type: ignore[attr-defined]
    sys.stderr.write(f"\rclassifying: {done} rows")
    sys.stderr.flush()
