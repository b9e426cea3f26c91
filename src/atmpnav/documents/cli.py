"""`atmpnav document KIND SOURCE --out FILE.docx` and `atmpnav report ASSESSMENT --out FILE.pdf`.

SOURCE is a facts file (YAML or JSON) or a saved assessment's id (e.g. ``12`` or ``#12``) in the database
of ``ATMPNAV_DATABASE_URL`` (default: the embedded SQLite database).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from atmpnav.errors import InputError
from atmpnav.records.refs import assessment_ref

if TYPE_CHECKING:
    from atmpnav.documents.saved import SavedAssessment

Out = Annotated[Path, typer.Option("--out", "-o", help="File to write (never overwritten without --force).",
                                   show_default=False)]
Force = Annotated[bool, typer.Option("--force", help="Replace --out if it exists.")]
Version = Annotated[int | None, typer.Option("--version", min=1, help="Version of the assessment (default: the "
                                             "latest).")]


def _saved(assessment_id: int, version: int | None) -> SavedAssessment:
    from atmpnav import store
    from atmpnav.documents.saved import read_assessment

    return read_assessment(store.get_engine(), assessment_id, version)


def document_command(
    kind: Annotated[str, typer.Argument(help="ema-classification-request, fda-pre-rfd or fda-rfd.",
                                        show_default=False)],
    source: Annotated[str, typer.Argument(help="Facts file (YAML or JSON), or a saved assessment's id.",
                                          show_default=False)],
    out: Out,
    set_field: Annotated[list[str] | None, typer.Option("--set", help="Fill a field: FIELD=VALUE (repeatable), "
                                                        "e.g. applicant_company='Acme Bio'.")] = None,
    version: Version = None,
    strict: Annotated[bool, typer.Option("--strict", help="Refuse (exit 2) while a mandatory field is empty.")]
    = False,
    force: Force = False,
) -> None:
    """Draft a filing as Word (.docx): EMA's ATMP classification request or an FDA Pre-RFD / RFD."""
    from atmpnav.documents.forms import context, form, parse_settings, render_form
    from atmpnav.documents.sources import from_assessment, from_facts, write_new

    chosen = form(kind)
    settings = parse_settings(set_field or [], kind)
    if out.suffix.lower() != ".docx":
        raise InputError(f"--out {out}: the draft is a Word file; name it *.docx")
    assessment_id = assessment_ref(source)
    if assessment_id is not None:
        document_source = from_assessment(_saved(assessment_id, version))
    else:
        from atmpnav.facts import load_facts

        document_source = from_facts(load_facts(source), Path(source).name)
    missing = context(kind, document_source, settings)["missing"]
    if strict and missing:
        raise InputError(f"{len(missing)} mandatory field(s) still empty: {'; '.join(missing)}")
    written = write_new(out, render_form(kind, document_source, settings), force=force)
    typer.echo(f"Wrote {chosen.title} draft to {written}")
    if missing:
        typer.echo(f"Still empty (mandatory, listed on page 1): {'; '.join(missing)}")


def report_command(
    assessment: Annotated[str, typer.Argument(help="A saved assessment's id (e.g. 12).", show_default=False)],
    out: Out,
    version: Version = None,
    force: Force = False,
) -> None:
    """The assessment report as PDF: verdicts, reasoning, GMP checklist, hashes, rule sets, signature block."""
    from atmpnav.documents.report import render_report_pdf
    from atmpnav.documents.sources import write_new

    assessment_id = assessment_ref(assessment)
    if assessment_id is None:
        raise InputError(f"ASSESSMENT {assessment!r}: give a saved assessment's id, e.g. 12")
    if out.suffix.lower() != ".pdf":
        raise InputError(f"--out {out}: the report is a PDF; name it *.pdf")
    written = write_new(out, render_report_pdf(_saved(assessment_id, version)), force=force)
    typer.echo(f"Wrote the report of assessment #{assessment_id} to {written}")
