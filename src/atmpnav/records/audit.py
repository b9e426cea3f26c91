"""The audit trail: one append-only chain of events, each keyed with HMAC-SHA-256 and linked to the one before.

Every change to the records is an event here, in the same transaction as the change itself: a new
assessment, a new version (with its hash), a signature, a login (failed ones too), a lockout, a
user added, disabled, given a role or a new password, an API token issued or revoked, a registry
import, a changed configuration. ``seq`` numbers the events 1, 2, 3… without gaps; each event's
``mac`` covers its content and the previous event's ``mac``, so removing, reordering or altering
an event breaks the chain for anyone without the key. Cutting events off the end is what the
anchor file (:mod:`atmpnav.records.anchors`) shows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, DateTime, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from atmpnav.errors import InputError
from atmpnav.orm import Base
from atmpnav.records import db, keys

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

EVENT_KIND = "atmpnav.audit-event/1"
REASON_MAX = 2_000

#: Every action the trail records (``atmpnav audit --action``).
ACTIONS = (
    "records.keyed",
    "assessment.created",
    "version.added",
    "signature.added",
    "user.added",
    "user.role_changed",
    "user.disabled",
    "user.enabled",
    "user.password_reset",
    "user.login",
    "user.login_failed",
    "user.locked",
    "user.logout",
    "token.created",
    "token.revoked",
    "registry.imported",
    "config.changed",
)


class AuditEvent(Base):
    __tablename__ = "audit_event"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str | None] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    assessment_id: Mapped[int | None] = mapped_column(Integer, index=True)
    version_n: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_mac: Mapped[str | None] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))


def event_content(row: AuditEvent) -> dict[str, Any]:
    return {
        "schema": EVENT_KIND,
        "seq": row.seq,
        "at": db.timestamp(row.at),
        "actor": row.actor,
        "action": row.action,
        "assessment_id": row.assessment_id,
        "version_n": row.version_n,
        "reason": row.reason,
        "details": row.details,
        "prev_mac": row.prev_mac,
    }


@dataclass(frozen=True)
class EventRecord:
    seq: int
    at: str
    actor: str | None
    action: str
    assessment_id: int | None
    version_n: int | None
    reason: str | None
    details: dict[str, Any]
    mac: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _record(row: AuditEvent) -> EventRecord:
    return EventRecord(row.seq, db.timestamp(row.at), row.actor, row.action, row.assessment_id, row.version_n,
                       row.reason, dict(row.details or {}), row.mac)


def last_event(session: Session) -> AuditEvent | None:
    return session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))


def first_event(session: Session) -> AuditEvent | None:
    return session.scalar(select(AuditEvent).order_by(AuditEvent.seq).limit(1))


def append(
    session: Session,
    action: str,
    *,
    actor: str | None,
    assessment_id: int | None = None,
    version_n: int | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Add the next event to the chain inside the caller's transaction (see :func:`db.write` for races)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    last = last_event(session)
    row = AuditEvent(
        seq=(last.seq + 1) if last else 1,
        at=at or db.now(),
        actor=actor,
        action=action,
        assessment_id=assessment_id,
        version_n=version_n,
        reason=reason,
        details=keys.json_round_trip(details or {}),
        prev_mac=last.mac if last else None,
        mac="",
    )
    row.mac = keys.mac(EVENT_KIND, event_content(row))
    session.add(row)
    session.flush()
    return row


def record(engine: Engine, action: str, *, actor: str | None, reason: str | None = None,
           details: dict[str, Any] | None = None) -> EventRecord:
    """Append one event in its own transaction (logins, imports, configuration)."""
    return db.write(engine, lambda s: _record(append(s, action, actor=actor, reason=reason, details=details)))


def events(
    engine: Engine,
    *,
    actor: str | None = None,
    action: str | None = None,
    assessment_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[int, list[EventRecord]]:
    """Events matching every filter given, newest first, and how many match in all."""
    from datetime import UTC, time, timedelta

    from sqlalchemy import func

    if action is not None and action not in ACTIONS and not action.endswith("."):
        raise InputError(f"action {action!r}: expected one of {', '.join(ACTIONS)} (or a prefix such as 'user.')")
    if since and until and since > until:
        raise InputError("since: the start date is after the end date")
    clauses = []
    if actor:
        clauses.append(AuditEvent.actor == actor)
    if action:
        clauses.append(AuditEvent.action.startswith(action) if action.endswith(".") else AuditEvent.action == action)
    if assessment_id is not None:
        clauses.append(AuditEvent.assessment_id == assessment_id)
    if since:
        clauses.append(AuditEvent.at >= datetime.combine(since, time.min, tzinfo=UTC))
    if until:
        clauses.append(AuditEvent.at < datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC))

    def work(session: Session) -> tuple[int, list[EventRecord]]:
        total = int(session.scalar(select(func.count()).select_from(AuditEvent).where(*clauses)) or 0)
        rows = session.scalars(
            select(AuditEvent).where(*clauses).order_by(AuditEvent.seq.desc()).limit(limit).offset(offset)
        )
        return total, [_record(r) for r in rows]

    return db.read(engine, work)


def verify_chain(session: Session) -> tuple[list[str], AuditEvent | None, list[AuditEvent]]:
    """Problems in the event chain, the last event, and every event (for the record checks)."""
    problems: list[str] = []
    rows = list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
    previous: AuditEvent | None = None
    for expected, row in enumerate(rows, start=1):
        if row.seq != expected:
            problems.append(f"audit event {expected}: missing (the next stored is {row.seq}); events were removed")
        if row.prev_mac != (previous.mac if previous else None):
            problems.append(f"audit event {row.seq}: does not link to the event before it")
        if not keys.mac_ok(EVENT_KIND, event_content(row), row.mac):
            problems.append(f"audit event {row.seq}: content does not match its keyed hash (altered or forged)")
        previous = row
    return problems, previous, rows
