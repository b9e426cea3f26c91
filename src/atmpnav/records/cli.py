"""CLI of the records: ``atmpnav users …``, ``atmpnav audit …``, ``atmpnav verify``, ``atmpnav assessments …``.

Administrative commands act on the database directly (whoever can run them can read the database
anyway) and are audited as ``cli:<operating-system user>``.
"""

from __future__ import annotations

import getpass
import json
import secrets
import sys
from typing import Annotated, Any

import typer

from atmpnav.errors import InputError

users_app = typer.Typer(help="User accounts and roles (viewer, author, reviewer, approver, admin).",
                        no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail: list events with filters; write an anchor.", no_args_is_help=True)
assessments_app = typer.Typer(help="Saved assessments: list, re-run on today's rules.", no_args_is_help=True)

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"[:64]
    except (KeyError, OSError):  # no user name for this uid (containers)
        return "cli"


def _engine(ready: bool = True) -> Any:
    from atmpnav import store
    from atmpnav.records import integrity

    engine = store.get_engine()
    if ready:
        integrity.ensure_ready(engine, actor=_actor())
    return engine


def _password(password_stdin: bool, generate: bool) -> tuple[str, bool]:
    if generate:
        return secrets.token_urlsafe(15), True
    if password_stdin:
        line = sys.stdin.readline()
        if not line:
            raise InputError("--password-stdin: standard input is empty")
        return line.rstrip("\r\n"), False
    if not sys.stdin.isatty():
        raise InputError("give the password with --password-stdin or --generate-password (no terminal to ask on)")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True), False


PasswordStdin = Annotated[bool, typer.Option("--password-stdin", help="Read the password from the first line of "
                                             "standard input.")]
Generate = Annotated[bool, typer.Option("--generate-password", help="Make a random one-time password and print it.")]


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="Lower-case user name, e.g. a.smith.")],
    role: Annotated[str, typer.Option("--role", help="viewer, author, reviewer, approver or admin.")] = "viewer",
    admin: Annotated[bool, typer.Option("--admin", help="Make the user an administrator (the first user).")] = False,
    full_name: Annotated[str, typer.Option("--full-name", help="The name shown with signatures.")] = "",
    password_stdin: PasswordStdin = False,
    generate_password: Generate = False,
) -> None:
    """Add a user (asks for the password twice; there is never a default password)."""
    from atmpnav.records import users

    password, generated = _password(password_stdin, generate_password)
    info = users.add_user(_engine(), username, password, role="admin" if admin else role, full_name=full_name,
                          actor=_actor())
    typer.echo(f"added {info.username} ({info.role})")
    if generated:
        typer.echo(f"one-time password: {password}")
        typer.echo("give it to the user over a separate channel; they change it on their Account page (/account)")


@users_app.command("list")
def users_list(as_json: AsJson = False) -> None:
    """List the users with their roles and whether they are active or locked."""
    from atmpnav.records import users

    found = users.list_users(_engine())
    if as_json:
        _echo_json([u.to_dict() for u in found])
        return
    for user in found:
        flags = ("" if user.active else " disabled") + (" locked" if user.locked else "")
        typer.echo(f"{user.username:<24} {user.role:<9} {user.full_name}{flags}")


@users_app.command("disable")
def users_disable(username: Annotated[str, typer.Argument(help="The user name.")]) -> None:
    """Disable a user (their sessions end; their records and signatures stay)."""
    from atmpnav.records import users

    users.set_active(_engine(), username, False, actor=_actor())
    typer.echo(f"disabled {username}")


@users_app.command("enable")
def users_enable(username: Annotated[str, typer.Argument(help="The user name.")]) -> None:
    """Enable a disabled user again."""
    from atmpnav.records import users

    users.set_active(_engine(), username, True, actor=_actor())
    typer.echo(f"enabled {username}")


@users_app.command("set-role")
def users_set_role(
    username: Annotated[str, typer.Argument(help="The user name.")],
    role: Annotated[str, typer.Argument(help="viewer, author, reviewer, approver or admin.")],
) -> None:
    """Change a user's role (audited)."""
    from atmpnav.records import users

    info = users.set_role(_engine(), username, role, actor=_actor())
    typer.echo(f"{info.username} is now {info.role}")


@users_app.command("reset-password")
def users_reset_password(
    username: Annotated[str, typer.Argument(help="The user name.")],
    password_stdin: PasswordStdin = False,
    generate_password: Generate = False,
) -> None:
    """Set a new password (ends the user's sessions and lifts a lockout)."""
    from atmpnav.records import users

    password, generated = _password(password_stdin, generate_password)
    users.reset_password(_engine(), username, password, actor=_actor())
    typer.echo(f"password of {username} reset")
    if generated:
        typer.echo(f"one-time password: {password}")


@users_app.command("token")
def users_token(
    username: Annotated[str, typer.Argument(help="The user name.")],
    name: Annotated[str, typer.Option("--name", help="What the token is for.")] = "api",
    revoke: Annotated[bool, typer.Option("--revoke", help="Revoke all the user's tokens instead.")] = False,
) -> None:
    """Create a personal API token (printed once; only its hash is stored), or revoke them all."""
    from atmpnav.records import users

    if revoke:
        count = users.revoke_tokens(_engine(), username, actor=_actor())
        typer.echo(f"revoked {count} token(s) of {username}")
        return
    typer.echo(users.create_token(_engine(), username, name, actor=_actor()))


@audit_app.command("list")
def audit_list(
    actor: Annotated[str | None, typer.Option("--actor", help="Only this user's events.")] = None,
    action: Annotated[str | None, typer.Option("--action", help="An action, or a prefix such as 'user.'.")] = None,
    assessment: Annotated[int | None, typer.Option("--assessment", min=1, max=2**31 - 1,
                                                   help="Only events about this assessment.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="From this date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Up to this date (YYYY-MM-DD).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100_000, help="At most this many events.")] = 100,
    as_json: AsJson = False,
) -> None:
    """Audit events, newest first, filtered by every option given."""
    from atmpnav.engine import parse_date
    from atmpnav.records import audit

    total, found = audit.events(_engine(), actor=actor, action=action, assessment_id=assessment,
                                since=parse_date(since) if since else None,
                                until=parse_date(until) if until else None, limit=limit)
    if as_json:
        _echo_json({"total": total, "items": [e.to_dict() for e in found]})
        return
    for event in found:
        where = f" #{event.assessment_id}" + (f" v{event.version_n}" if event.version_n else "") \
            if event.assessment_id else ""
        why = f" — {event.reason}" if event.reason else ""
        typer.echo(f"{event.seq:>6} {event.at[:19]}Z {event.actor or '-':<16} {event.action}{where}{why}")
    typer.echo(f"({len(found)} of {total} events)")


@audit_app.command("anchor")
def audit_anchor() -> None:
    """Append the chain's latest point to the anchor file and print it (copy it somewhere else too)."""
    from atmpnav.records import anchors

    line = anchors.write_anchor(_engine())
    if line is None:
        typer.echo("no audit events yet")
        return
    typer.echo(line)
    typer.echo(f"(appended to {anchors.anchor_path()})")


def verify_command(
    assessment_id: Annotated[int | None, typer.Argument(min=1, max=2**31 - 1,
                                                        help="One assessment (omit with --all).")] = None,
    check_all: Annotated[bool, typer.Option("--all", help="Check every record, signature, event and trigger.")] = False,
    as_json: AsJson = False,
) -> None:
    """Check the records: keyed hashes, chains, signatures, triggers, anchors, stored verdicts (exit 1 if not ok)."""
    from atmpnav.records import integrity

    if (assessment_id is None) == (not check_all):
        raise InputError("give an assessment id or --all")
    engine = _engine(ready=False)
    if check_all:
        report = integrity.verify_all(engine)
        data = report.to_dict()
        ok, problems, notes = report.ok, report.problems, report.notes
    else:
        assert assessment_id is not None
        chain = integrity.verify_assessment(engine, assessment_id)
        data, ok, problems, notes = chain.to_dict(), chain.ok, chain.problems, []
    if as_json:
        _echo_json(data)
    else:
        for problem in problems:
            typer.echo(f"TAMPERING: {problem}")
        for note in notes:
            typer.echo(f"note: {note}")
        if check_all:
            checked = data["checked"]
            typer.echo(f"{'ok' if ok else 'FAILED'}: {checked['assessments']} assessments, {checked['versions']} "
                       f"versions, {checked['signatures']} signatures, {checked['audit_events']} audit events")
        else:
            count = len(data["versions"])
            typer.echo(f"{'ok' if ok else 'FAILED'}: {count} version{'s' if count != 1 else ''} checked")
    if not ok:
        raise typer.Exit(1)


@assessments_app.command("list")
def assessments_list(
    q: Annotated[str | None, typer.Option("--search", "-q", help="Words in title, product or description.")] = None,
    state: Annotated[str | None, typer.Option("--state", help="draft, in_review, approved or superseded.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000, help="At most this many.")] = 50,
    as_json: AsJson = False,
) -> None:
    """Saved assessments, most recently changed first."""
    from atmpnav.records import assessments

    total, items = assessments.list_page(_engine(), limit=limit,
                                         filters=assessments.ListFilter(q=q, state=state))
    if as_json:
        _echo_json({"total": total, "items": [i.to_dict() for i in items]})
        return
    for item in items:
        outcomes = ", ".join(f"{k} {v}" for k, v in item.outcomes.items())
        typer.echo(f"#{item.id:<5} v{item.latest_version:<3} {item.state:<10} {item.title}  [{outcomes}]")


@assessments_app.command("rerun")
def assessments_rerun(
    assessment_id: Annotated[int, typer.Argument(min=1, max=2**31 - 1, help="The assessment id.")],
    save: Annotated[bool, typer.Option("--save", help="Add the re-run as a new version.")] = False,
    as_user: Annotated[str | None, typer.Option("--as", help="Record the new version as this user.")] = None,
    as_json: AsJson = False,
) -> None:
    """Re-run the latest version on today's rules and show what would change (and why)."""
    from atmpnav.records import rerun

    engine = _engine()
    found = rerun.rerun(engine, assessment_id)
    if as_json:
        _echo_json(found.to_dict())
    else:
        typer.echo(f"assessment {assessment_id} version {found.version}: recorded with {found.recorded_ruleset}, "
                   f"installed now {found.current_ruleset}")
        for row in found.jurisdictions:
            if row["outcome_changed"]:
                typer.echo(f"  {row['jurisdiction']}: your classification would now be {row['outcome_now']} "
                           f"(was {row['outcome_before']}) because:")
            else:
                typer.echo(f"  {row['jurisdiction']}: unchanged ({row['outcome_now']})")
            for step in row["steps_changed"]:
                typer.echo(f"    {step['rule']}: {step['before'] or 'not asked'} -> {step['after'] or 'not asked'}")
    if save:
        saved = rerun.save_rerun(engine, assessment_id, actor=as_user or _actor(), base_version=found.version)
        typer.echo(f"saved as version {saved.record.n} ({found.reason})")
