"""``atmpnav registry …``: the registry commands (mounted by the main CLI as ``registry``).

Imports of SQLAlchemy, openpyxl and matplotlib happen inside the commands, so importing this
module is cheap.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from atmpnav.errors import AtmpnavError, InputError

app = typer.Typer(
    help="Authorised ATMPs (EU) and cell and gene therapies (US): list, show, count, chart, refresh from EMA.",
    no_args_is_help=True,
    add_completion=False,
)


AsOf = Annotated[
    str | None,
    typer.Option("--as-of", metavar="YYYY-MM-DD", help="Answer as on this date (default: today / current status)."),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@contextmanager
def reporting_errors() -> Iterator[None]:
    """Turn project errors into ``error: <message>`` on stderr and the error's exit code."""
    try:
        yield
    except AtmpnavError as err:
        typer.echo(f"error: {err.message}", err=True)
        # SystemExit, not typer.Exit: Click in standalone_mode=False returns an Exit's code
        # instead of exiting, which would lose it.
        raise SystemExit(err.exit_code) from None


def _dump(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines)


# --------------------------------------------------------------------------- list


@app.command("list")
def list_command(
    region: Annotated[str | None, typer.Option("--region", metavar="EU|US", help="EU or US.")] = None,
    category: Annotated[
        str | None, typer.Option("--category", metavar="CATEGORY", help="GTMP, sCTMP, TEP (incl. combined), unknown.")
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            metavar="STATUS",
            help="authorised, suspended, withdrawn, 'not renewed', expired, revoked, lapsed (on the --as-of date).",
        ),
    ] = None,
    as_of: AsOf = None,
    search: Annotated[
        str | None, typer.Option("--search", "-q", help="Words that must all appear (name, INN, holder, indication).")
    ] = None,
    sort: Annotated[
        str | None,
        typer.Option("--sort", help="name, region, category, status, authorised, holder or verdict; -name descends."),
    ] = None,
    as_json: AsJson = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
) -> None:
    """List products; with --as-of, those authorised by then with their status on that date."""
    from atmpnav.registry.export import to_csv
    from atmpnav.registry.queries import list_products

    with reporting_errors():
        if as_json and as_csv:
            raise InputError("--json and --csv cannot be used together")
        rows = list_products(region=region, category=category, status=status, as_of=as_of, q=search, sort=sort)
        if as_json:
            _dump([r.to_dict() for r in rows])
            return
        if as_csv:
            typer.echo(to_csv(rows), nl=False)
            return
        if not rows:
            typer.echo("no products match")
            return
        table = _table(
            ("region", "name", "category", "our verdict", "status", "since", "authorised", "linked"),
            [
                (
                    r.region,
                    r.name,
                    r.category_label + (" *" if r.category_mapped else ""),
                    (r.own_outcome or "") + ("" if r.own_agrees is None else "" if r.own_agrees else " (differs)"),
                    r.status,
                    r.status_since or "",
                    r.authorised_on or "",
                    ", ".join(r.linked),
                )
                for r in rows
            ],
        )
        typer.echo(table)
        if any(r.category_mapped for r in rows):
            typer.echo("\n* our mapping of a US product onto the EU categories, not an official classification")
        typer.echo(f"\n{len(rows)} product(s)" + (f" as of {as_of}" if as_of else ""))


# --------------------------------------------------------------------------- show


@app.command("show")
def show_command(
    name: Annotated[str, typer.Argument(help="Product name (any case; other names and INNs work too).")],
    region: Annotated[str | None, typer.Option("--region", metavar="EU|US", help="EU or US.")] = None,
    full_history: Annotated[
        bool, typer.Option("--full-history", help="Every field an import set, not one line per import.")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """One product: its data, linked products in the other region, status timeline and history."""
    from atmpnav.registry.queries import show_product

    with reporting_errors():
        detail = show_product(name, region=region, full_history=full_history)
        if as_json:
            _dump(detail.to_dict())
            return
        s = detail.summary
        fields = [
            ("name", s.name + (f" (also: {', '.join(detail.aliases)})" if detail.aliases else "")),
            ("region", s.region),
            ("category", s.category_label + (" (our mapping, not an official classification)"
                                              if s.category_mapped else "")),
            ("our verdict", (s.own_outcome or "") + ("" if s.own_agrees is None
                                                     else " (agrees)" if s.own_agrees else " (differs)")),
            ("data quality", s.data_quality),
            ("category note", detail.category_note or ""),
            ("product type", s.product_type or ""),
            ("active substance", s.inn or ""),
            ("holder", s.holder or ""),
            ("authorised on", s.authorised_on or "unknown"),
            ("status", s.status + (f" since {s.status_since}" if s.status_since else "")),
            ("conditional", _yes_no(s.conditional)),
            ("exceptional circumstances", _yes_no(detail.exceptional_circumstances)),
            ("orphan", _yes_no(s.orphan)),
            ("PRIME", _yes_no(s.prime)),
            ("indication", detail.indication or ""),
            ("therapeutic area", detail.therapeutic_area or ""),
            ("EMA product number", detail.ema_product_number or ""),
            ("URL", detail.url or ""),
            ("facts file", detail.facts_file or ""),
            ("notes", detail.notes or ""),
        ]
        width = max(len(label) for label, _ in fields)
        for label, value in fields:
            if value:
                typer.echo(f"{label.ljust(width)}  {value}")
        if detail.sources:
            typer.echo("sources:")
            for source in detail.sources:
                typer.echo(f"  {source.url}" + ("" if source.official else "  (secondary)"))
        typer.echo("\nlinked products:")
        if not detail.links:
            typer.echo("  none")
        for link in detail.links:
            typer.echo(
                f"  {link.region}: {link.name} ({link.kind.replace('_', ' ')}; status {link.status}"
                f"{'; authorised on ' + link.authorised_on if link.authorised_on else ''})"
            )
            if link.basis:
                typer.echo(f"    basis: {link.basis}")
        typer.echo("\nstatus timeline:")
        for entry in detail.timeline:
            typer.echo(f"  {entry.effective_on or 'date unknown':<12} {entry.status:<12} ({entry.source})")
        typer.echo(f"\nhistory ({len(detail.history)} change(s)):")
        for change in detail.history:
            if change.action == "import":
                typer.echo(f"  {change.changed_at}  {change.new} ({change.fields_set} fields)")
                continue
            typer.echo(
                f"  {change.changed_at}  {change.action:<6} {change.field}: "
                f"{change.old if change.old is not None else '-'} -> {change.new if change.new is not None else '-'}"
                f"  [{change.source}{', as of ' + change.source_as_of if change.source_as_of else ''}]"
            )


# --------------------------------------------------------------------------- stats


@app.command("stats")
def stats_command(as_of: AsOf = None, as_json: AsJson = False) -> None:
    """EU ATMPs per category: authorised by the date, and still authorised on it."""
    from atmpnav.registry.queries import stats

    with reporting_errors():
        result = stats(as_of)
        if as_json:
            _dump(result.to_dict())
            return
        rows = []
        for row in result.categories:
            label = row.category + (f" (incl. {row.combined} combined)" if row.combined else "")
            rows.append((label, str(row.authorised), str(row.still_authorised), str(row.ended)))
        rows.append(("total", str(result.authorised), str(result.still_authorised), str(result.ended)))
        typer.echo(f"EU ATMPs as of {result.as_of}\n")
        typer.echo(
            _table(("category", "authorised by then", "still authorised", "withdrawn/expired/not renewed"), rows)
        )
        if result.status_unknown:
            typer.echo(
                f"\n{result.status_unknown} product(s) with an end date not known (not counted as still authorised)"
            )
        for tally in result.tallies:
            split = " / ".join(f"{n} {c}" for c, n in tally.counts.items())
            ours = " / ".join(f"{tally.ours.get(c, 0)} {c}" for c in tally.counts)
            typer.echo(
                f"\nindependent tally: {tally.source} ({tally.as_of}): {tally.total} = {split}"
                f" (incl. {tally.combined} combined TEP)\n  this registry on {tally.ours_as_of}: {ours}"
            )
            if tally.differences:
                typer.echo(f"  {tally.note}")
        if result.notes:
            typer.echo("\ncategory notes:")
            for note in result.notes:
                typer.echo(f"  - {note}")


# --------------------------------------------------------------------------- chart


@app.command("chart")
def chart_command(
    out: Annotated[Path, typer.Option("--out", metavar="FILE", help="Output file: .png, .svg or .html.")],
    as_of: AsOf = None,
) -> None:
    """Chart of EU ATMPs per category (still authorised vs ended) and over time."""
    from atmpnav.registry.charts import render_chart

    with reporting_errors():
        written = render_chart(as_of, out)
        typer.echo(f"wrote {written}")


# --------------------------------------------------------------------------- import-ema


@app.command("import-ema")
def import_ema_command(
    file: Annotated[Path, typer.Argument(metavar="FILE.xlsx", help="EMA's medicines output spreadsheet.")],
    as_json: AsJson = False,
) -> None:
    """Update the EU registry from EMA's medicines spreadsheet (rows with Advanced therapy = Yes)."""
    from atmpnav.registry.ema import import_ema

    with reporting_errors():
        report = import_ema(file)
        if as_json:
            _dump(report.to_dict())
            return
        stamp = f" (generated {report.source_as_of})" if report.source_as_of else ""
        typer.echo(f"{report.source}{stamp}: {report.atmp_rows} ATMP row(s), {report.matched} matched")
        if not report.changed:
            typer.echo("no changes: the registry already matches this file")
        for name in report.added:
            typer.echo(f"added: {name} (EU, category unknown until set)")
        current = None
        for change in report.changes:
            if change.product in report.added:
                continue
            if change.product != current:
                current = change.product
                typer.echo(f"updated: {change.product}")
            typer.echo(f"  {change.field}: {change.old if change.old is not None else '-'} -> {change.new}")
        for note in report.skipped:
            typer.echo(f"skipped: {note}")
        if report.changed:
            typer.echo(
                f"{len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged; "
                "changes recorded in the history"
            )
