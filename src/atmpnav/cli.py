"""The `atmpnav` command: thin wrappers over the library. Heavy imports stay inside commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from atmpnav.errors import AtmpnavError, InputError

_SETTINGS: dict[str, Any] = {
    "name": "atmpnav",
    "help": "ATMP Navigator: how a gene, cell or tissue therapy is classified in law, why, and what follows.",
    "no_args_is_help": True,
    "add_completion": False,
    "pretty_exceptions_enable": False,
}
app = typer.Typer(**_SETTINGS)

AsOf = Annotated[
    str | None,
    typer.Option("--as-of", help="Evaluate the law in force on this date (YYYY-MM-DD; default: today)."),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


@app.command()
def classify(
    facts_file: Annotated[
        str | None,
        typer.Argument(help="Facts file (YAML or JSON); '-' reads standard input.", show_default=False),
    ] = None,
    text: Annotated[str | None, typer.Option("--text", help="Classify a plain description instead of facts.")] = None,
    indication: Annotated[
        str | None, typer.Option("--indication", help="Intended use, with --text (e.g. 'knee cartilage defects').")
    ] = None,
    as_json: AsJson = False,
    as_of: AsOf = None,
    jurisdiction: Annotated[
        list[str] | None,
        typer.Option("--jurisdiction", "-j", help="Jurisdiction(s) to apply, repeatable, or 'all' for every rule set "
                     "(default: EU). With more than one, a comparison table comes first."),
    ] = None,
    top: Annotated[int, typer.Option("--precedents", "-k", min=0, max=50,
                                     help="Similar cases to show with --text.")] = 5,
    answer: Annotated[
        list[str] | None,
        typer.Option("--answer", "-a", help="With --text: FACT=VALUE (repeatable) answering an open question or "
                     "replacing an assumption, e.g. cells_or_tissues.manipulations=expansion,activation."),
    ] = None,
) -> None:
    """Classify a product from a facts file or a plain description, with the reasoning and open questions."""
    from atmpnav.assess import AssessmentInput, evaluate
    from atmpnav.engine import parse_date
    from atmpnav.facts import load_facts
    from atmpnav.law import expand_jurisdictions

    day = parse_date(as_of)
    codes = tuple(expand_jurisdictions(jurisdiction))
    if (facts_file is None) == (text is None):
        raise InputError("give either FACTS_FILE or --text DESCRIPTION (not both)")
    if answer and text is None:
        raise InputError("--answer goes with --text (put the facts in the facts file instead)")
    if text is not None:
        from atmpnav.text.answers import parse_answers

        given = AssessmentInput.of_text(text, indication, parse_answers(answer or []))
    else:
        stdin_text = sys.stdin.read() if facts_file == "-" else None
        given = AssessmentInput.of_facts(load_facts(facts_file or "-", stdin_text=stdin_text))
    envelope = evaluate(given, codes, day, top=top)
    if as_json:
        _echo_json(envelope.to_json_dict())
        return
    from atmpnav.views.text import render_envelope

    if len(envelope.verdicts) > 1:
        from atmpnav.compare import comparison, render_table

        typer.echo(f"Side by side (as of {day.isoformat()}; details of each jurisdiction follow):\n")
        typer.echo(render_table(comparison(envelope)) + "\n")
    typer.echo(render_envelope(envelope), nl=False)


@app.command()
def jurisdictions(as_json: AsJson = False) -> None:
    """Every rule set: its version, regulator, sources and how current they are, and its outcome vocabulary."""
    from atmpnav.rulebook import jurisdiction_catalogue

    rows = jurisdiction_catalogue()
    if as_json:
        _echo_json(rows)
        return
    for row in rows:
        typer.echo(f"{row['code']}  {row['name']}  (rule set {row['version']}, {row['rules']} rules)")
        typer.echo(f"    outcomes: {'; '.join(row['outcomes'])}")
        typer.echo(f"    advanced regime: {'; '.join(row['advanced_outcomes']) or '-'}")
        typer.echo(f"    sources as of: {row['sources_as_of']}")
        for source in row["sources"]:
            typer.echo(f"    - {source}")
        typer.echo("")


@app.command()
def ask(
    save: Annotated[Path | None, typer.Option("--save", help="Save the answers as a facts file (YAML).")] = None,
    as_of: AsOf = None,
    from_text: Annotated[
        str | None,
        typer.Option("--from-text", help="Start from the facts read from this description (and its assumptions); "
                     "only what is still open is asked."),
    ] = None,
    indication: Annotated[str | None, typer.Option("--indication", help="Intended use, with --from-text.")] = None,
    jurisdiction: Annotated[
        list[str] | None, typer.Option("--jurisdiction", "-j", help="Jurisdiction(s) to ask for (default: EU).")
    ] = None,
) -> None:
    """Answer plain questions, one at a time, until the record is complete for the chosen jurisdictions.

    Type '?' when you do not know ('back' changes the previous answer, 'quit' stops); the other
    questions go on, and the verdict shows what is still open and which answer would change it.
    Exits with 2 when the input ends before the questionnaire does.
    """
    from atmpnav.questionnaire import EndOfInput, run_terminal

    if indication is not None and from_text is None:
        raise InputError("--indication goes with --from-text")
    answers: list[tuple[str, Any]] = []
    assumed: list[str] = []
    if from_text is not None:
        from atmpnav.text.answers import start_from_text

        answers, assumed = start_from_text(from_text, indication, as_of)
    try:
        run_terminal(save=save, as_of=as_of, jurisdictions=tuple(jurisdiction or ["EU"]), answers=answers,
                     assumed=assumed)
    except EndOfInput as err:
        raise InputError(str(err)) from None


@app.command("what-if")
def what_if_command(
    facts_file: Annotated[str, typer.Argument(help="Facts file (YAML or JSON); '-' reads standard input.")],
    as_of: AsOf = None,
    jurisdiction: Annotated[
        list[str] | None, typer.Option("--jurisdiction", "-j", help="Jurisdiction(s) to apply (default: EU).")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Which single answer would change the outcome, and to what (for the open and the answered facts)."""
    from dataclasses import asdict

    from atmpnav.assess import AssessmentInput, evaluate
    from atmpnav.engine import parse_date
    from atmpnav.facts import load_facts
    from atmpnav.questionnaire import render_what_if, what_if
    from atmpnav.views.text import headline

    day = parse_date(as_of)
    stdin_text = sys.stdin.read() if facts_file == "-" else None
    facts = load_facts(facts_file, stdin_text=stdin_text)
    envelope = evaluate(AssessmentInput.of_facts(facts), tuple(jurisdiction or ["EU"]), day)
    items = what_if(facts, envelope.verdicts, day)
    if as_json:
        _echo_json({"verdicts": {j: v.outcome for j, v in envelope.verdicts.items()},
                    "what_if": [asdict(item) for item in items]})
        return
    for verdict in envelope.verdicts.values():
        typer.echo(headline(verdict))
    typer.echo("")
    typer.echo(render_what_if(items), nl=False)


@app.command()
def categories(as_json: AsJson = False) -> None:
    """The four ATMP categories and the not-ATMP regimes, with definitions, legal basis and examples."""
    from atmpnav.categories import CATEGORIES, as_dicts

    if as_json:
        _echo_json(as_dicts())
        return
    for cat in CATEGORIES:
        typer.echo(f"{cat.code} - {cat.name} [{cat.kind}]")
        typer.echo(f"  {cat.definition}")
        typer.echo(f"  Legal basis: {cat.basis}")
        if cat.examples:
            typer.echo(f"  Examples: {'; '.join(cat.examples)}")
        typer.echo("")


@app.command()
def rules(
    rule_id: Annotated[
        str | None, typer.Argument(help="A rule id, e.g. EU-G2, or an open point of law, e.g. A2; omit to list all.")
    ] = None,
    jurisdiction: Annotated[str, typer.Option("--jurisdiction", "-j", help="Rule set to show.")] = "EU",
    as_json: AsJson = False,
) -> None:
    """List the rules with their citations and dates, or show one rule."""
    from atmpnav.rulebook import describe_ambiguity, describe_rule, is_ambiguity_id, list_rules

    if rule_id and is_ambiguity_id(rule_id):
        found = describe_ambiguity(rule_id)
        if as_json:
            _echo_json(found)
            return
        typer.echo(f"{found['id']}: {found['title']} (an open point of law)")
        typer.echo(f"  {found['explanation']}")
        if found["rules"]:
            typer.echo(f"  Rules that meet it: {', '.join(found['rules'])}")
        return
    if rule_id:
        data = describe_rule(jurisdiction, rule_id)
        if as_json:
            _echo_json(data)
            return
        for version in data["versions"]:
            typer.echo(f"{data['id']}: {version['title']}")
            typer.echo(f"  Question:   {version['question']}")
            typer.echo(f"  Basis:      {version['citation']}")
            typer.echo(f"  Confidence: {version['confidence']}   Applies: {version['period']}")
            if version["ambiguities"]:
                from atmpnav.ambiguities import resolve

                for item in version["ambiguities"]:
                    found = resolve(item)
                    typer.echo(f"  Ambiguity {found.id}: {found.title} - {found.explanation}")
            if version["reading"]:
                typer.echo(f"  Our reading: {version['reading']}")
            typer.echo(f"  Evaluated by the engine: {'yes' if version['evaluated'] else 'reference only'}")
        return
    rows = list_rules(jurisdiction)
    if as_json:
        _echo_json(rows)
        return
    for row in rows:
        typer.echo(f"{row['id']:<8} [{row['confidence']}] {row['title']}  ({row['period']})")
        typer.echo(f"         {row['citation']}")


@app.command()
def schema(
    which: Annotated[str, typer.Argument(help="'facts' or 'verdict'.")],
) -> None:
    """Print the JSON Schema of the product facts or of a verdict."""
    if which == "facts":
        from atmpnav.facts import facts_schema

        _echo_json(facts_schema())
    elif which == "verdict":
        from atmpnav.verdict import verdict_schema

        _echo_json(verdict_schema())
    else:
        raise InputError(f"unknown schema {which!r}: choose 'facts' or 'verdict'")


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Server processes (default: ATMPNAV_WEB_WORKERS, else one per core)."),
    ] = None,
) -> None:
    """Start the web application and REST API on the embedded database (or ATMPNAV_DATABASE_URL)."""
    from atmpnav.web.app import serve as run_server
    from atmpnav.web.ports import ensure_free

    ensure_free(host, port)  # a busy port is refused before start-up, with what to do

    run_server(host=host, port=port, workers=workers)


def _mount_subcommands() -> None:
    from atmpnav.records.cli import assessments_app, audit_app, users_app, verify_command
    from atmpnav.registry.cli import app as registry_app
    from atmpnav.text.cli import batch_command, precedents_command

    app.add_typer(registry_app, name="registry")
    app.add_typer(users_app, name="users")
    app.add_typer(audit_app, name="audit")
    app.add_typer(assessments_app, name="assessments")
    app.command("verify")(verify_command)
    app.command("precedents")(precedents_command)
    app.command("batch")(batch_command)
    from atmpnav.gmp.cli import gmp_command

    app.command("gmp")(gmp_command)
    from atmpnav.documents.cli import document_command, report_command

    app.command("document")(document_command)
    app.command("report")(report_command)


@app.command()
def info(as_json: AsJson = False) -> None:
    """Where the data lives (data directory, database URL) and the versions in use."""
    from atmpnav import __version__, compiled
    from atmpnav.law import JURISDICTIONS

    data: dict[str, Any] = {"version": __version__,
                            "rule_sets": {k: v.version for k, v in JURISDICTIONS.items()},
                            "engine": compiled.STATUS}  # compiled (mypyc) or interpreted, and why
    from atmpnav.records.anchors import anchor_path
    from atmpnav.records.keys import key_path
    from atmpnav.store import describe

    data.update(describe())
    data["chain_key_file"] = str(key_path())
    data["anchor_file"] = str(anchor_path())
    if as_json:
        _echo_json(data)
        return
    for key, value in data.items():
        typer.echo(f"{key}: {value}")


_mount_subcommands()


def _app_for(argv: list[str]) -> typer.Typer:
    """The app with only the command ``argv`` names (Typer builds the parameters of every command it holds
    on each run, some 20 ms for all of them); the whole app for help or an unknown command."""
    from typer.main import get_command_name

    name = argv[0] if argv else None
    commands = [c for c in app.registered_commands
                if (c.name or get_command_name(c.callback.__name__ if c.callback else "")) == name]
    groups = [g for g in app.registered_groups if g.name == name]
    if not commands and not groups:
        return app
    lean = typer.Typer(**_SETTINGS)
    lean.registered_commands, lean.registered_groups = commands, groups
    lean.callback()(_group_callback)  # a group still, so the command keeps its name on the command line
    return lean


def _group_callback() -> None:
    """ATMP Navigator."""


def main() -> None:
    """Entry point: map the project's errors to exit codes once, without tracebacks."""
    from typer._click.exceptions import ClickException  # Typer vendors Click

    try:
        # Without standalone mode Click returns (rather than raises) the code of typer.Exit.
        code = _app_for(sys.argv[1:])(standalone_mode=False)
    except AtmpnavError as err:
        typer.echo(f"error: {err.message}", err=True)
        sys.exit(err.exit_code)
    except typer.Abort:
        typer.echo("\naborted", err=True)
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except BrokenPipeError:
        sys.exit(0)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
