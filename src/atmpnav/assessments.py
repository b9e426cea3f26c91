"""Saved assessments: a classification kept with its input, its verdicts and an audit trail.

An assessment has an id, a title and one or more **versions**. A version stores what was
classified (structured facts, or a free-text description with its indication), the jurisdictions
and the as-of date, the envelope of verdicts the engine returned, the rule-set version, the
software version and when it was made. Versions are append-only: editing an assessment adds
version n+1 (the web app and the API ask for the version the edit was based on, and refuse a stale
one with a :class:`ConflictError`); no version row is ever updated or deleted (the migration adds
database triggers that refuse it, where the backend supports them).

Every version carries the SHA-256 of its canonical JSON (:func:`canonical_json`), which includes
the hash of the version before it: the versions form a hash chain. :func:`verify` recomputes the
chain and reports any version whose stored content no longer matches its hash, a broken link, a
gap in the numbering, or an assessment head that does not point at the last version. The chain
shows that stored versions were not altered after the fact by anyone who did not also recompute
every later hash; keep the head hash of an export elsewhere to detect that as well.

The classification itself is re-run on the server for every version (:func:`evaluate`): the
verdicts stored are always the engine's, never a client's.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from atmpnav import __version__
from atmpnav.assess import AssessmentInput, evaluate
from atmpnav.errors import ConflictError, InputError, UnknownNameError
from atmpnav.facts import ProductFacts
from atmpnav.orm import Base

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

    from atmpnav.verdict import Envelope

HASH_SCHEMA = "atmpnav.assessment-version/1"
EXPORT_FORMAT = "atmpnav.assessment-export/1"
SOFTWARE = f"atmpnav {__version__}"
TITLE_MAX = 200
NOTE_MAX = 2_000


# --------------------------------------------------------------------------- tables


class Assessment(Base):
    """The head of an assessment: its current title and the number and hash of its last version."""

    __tablename__ = "assessment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    latest_version: Mapped[int] = mapped_column(Integer)
    head_hash: Mapped[str] = mapped_column(String(64))

    versions: Mapped[list[AssessmentVersion]] = relationship(
        back_populates="assessment", order_by="AssessmentVersion.n"
    )


class AssessmentVersion(Base):
    """One version of an assessment; append-only."""

    __tablename__ = "assessment_version"
    __table_args__ = (UniqueConstraint("assessment_id", "n"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    n: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    input_kind: Mapped[str] = mapped_column(String(8))  # "facts" | "text"
    facts: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    text: Mapped[str | None] = mapped_column(Text)
    indication: Mapped[str | None] = mapped_column(Text)
    jurisdictions: Mapped[list[str]] = mapped_column(JSON)
    as_of: Mapped[str] = mapped_column(String(10))
    ruleset: Mapped[str] = mapped_column(String(100))
    software: Mapped[str] = mapped_column(String(50))
    envelope: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    assessment: Mapped[Assessment] = relationship(back_populates="versions")


@event.listens_for(AssessmentVersion, "before_update")
def _refuse_update(_mapper: Any, _connection: Any, target: AssessmentVersion) -> None:
    raise ConflictError(f"assessment {target.assessment_id} version {target.n} is stored and cannot be changed; "
                        "edit the assessment to add a new version")


@event.listens_for(AssessmentVersion, "before_delete")
def _refuse_delete(_mapper: Any, _connection: Any, target: AssessmentVersion) -> None:
    raise ConflictError(f"assessment {target.assessment_id} version {target.n} is part of the audit trail and "
                        "cannot be deleted")


def ruleset_label(envelope: Envelope) -> str:
    """The rule-set versions an envelope was computed with, e.g. ``EU:eu-2026.11``."""
    return "; ".join(f"{code}:{verdict.ruleset}" for code, verdict in sorted(envelope.verdicts.items()))


# --------------------------------------------------------------------------- hashing


def canonical_json(value: Any) -> bytes:
    """The canonical JSON of a value: sorted keys, no insignificant whitespace, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def _utc(moment: datetime) -> datetime:
    """SQLite returns naive timestamps; they were written in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _timestamp(moment: datetime) -> str:
    return _utc(moment).isoformat(timespec="microseconds")


def hashed_content(row: AssessmentVersion) -> dict[str, Any]:
    """Everything a version's hash covers (including the previous version's hash)."""
    given: dict[str, Any] = {"kind": row.input_kind}
    if row.input_kind == "facts":
        given["facts"] = row.facts
    else:
        given["text"] = row.text
        given["indication"] = row.indication
    return {
        "schema": HASH_SCHEMA,
        "assessment_id": row.assessment_id,
        "n": row.n,
        "title": row.title,
        "input": given,
        "jurisdictions": list(row.jurisdictions),
        "as_of": row.as_of,
        "ruleset": row.ruleset,
        "software": row.software,
        "envelope": row.envelope,
        "note": row.note,
        "created_at": _timestamp(row.created_at),
        "prev_hash": row.prev_hash,
    }


def content_hash(row: AssessmentVersion) -> str:
    return hashlib.sha256(canonical_json(hashed_content(row))).hexdigest()


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class VersionRecord:
    assessment_id: int
    n: int
    title: str
    input: dict[str, Any]
    jurisdictions: list[str]
    as_of: str
    ruleset: str
    software: str
    note: str | None
    created_at: str
    prev_hash: str | None
    hash: str
    envelope: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def outcomes(self) -> dict[str, str]:
        """Outcome per jurisdiction (``likely X`` while undetermined)."""
        found = {}
        for code, verdict in self.envelope.get("verdicts", {}).items():
            outcome = verdict.get("outcome", "undetermined")
            if outcome == "undetermined" and verdict.get("likely_outcome") not in (None, "undetermined"):
                outcome = f"undetermined (likely {verdict['likely_outcome']})"
            elif verdict.get("combined"):
                outcome += " (combined)"
            found[code] = outcome
        return found


@dataclass(frozen=True)
class AssessmentSummary:
    id: int
    title: str
    created_at: str
    updated_at: str
    latest_version: int
    input_kind: str
    outcomes: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class VersionCheck:
    n: int
    hash: str
    ok: bool
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ChainReport:
    """The result of :func:`verify`: ``ok`` when every version matches its hash and links to the one before."""

    assessment_id: int
    ok: bool
    versions: list[VersionCheck]
    head_hash: str | None
    problems: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "assessment_id": self.assessment_id,
            "ok": self.ok,
            "head_hash": self.head_hash,
            "problems": self.problems,
            "versions": [{"n": v.n, "hash": v.hash, "ok": v.ok, "problems": v.problems} for v in self.versions],
        }


def _record(row: AssessmentVersion) -> VersionRecord:
    given: dict[str, Any] = {"kind": row.input_kind}
    if row.input_kind == "facts":
        given["facts"] = row.facts
    else:
        given["text"] = row.text
        given["indication"] = row.indication
    return VersionRecord(
        assessment_id=row.assessment_id,
        n=row.n,
        title=row.title,
        input=given,
        jurisdictions=list(row.jurisdictions),
        as_of=row.as_of,
        ruleset=row.ruleset,
        software=row.software,
        note=row.note,
        created_at=_timestamp(row.created_at),
        prev_hash=row.prev_hash,
        hash=row.hash,
        envelope=row.envelope,
    )


def _summary(head: Assessment, latest: AssessmentVersion) -> AssessmentSummary:
    return AssessmentSummary(
        id=head.id,
        title=head.title,
        created_at=_timestamp(head.created_at),
        updated_at=_timestamp(head.updated_at),
        latest_version=head.latest_version,
        input_kind=latest.input_kind,
        outcomes=_record(latest).outcomes,
    )


# --------------------------------------------------------------------------- writing


def _clean_title(title: str) -> str:
    cleaned = " ".join(title.split())
    if not cleaned:
        raise InputError("title: give the assessment a title")
    if len(cleaned) > TITLE_MAX:
        raise InputError(f"title: longer than {TITLE_MAX} characters")
    return cleaned


def _clean_note(note: str | None) -> str | None:
    cleaned = (note or "").strip()
    if len(cleaned) > NOTE_MAX:
        raise InputError(f"note: longer than {NOTE_MAX} characters")
    return cleaned or None


def _new_version(
    assessment_id: int,
    n: int,
    title: str,
    given: AssessmentInput,
    envelope: Envelope,
    jurisdictions: list[str],
    note: str | None,
    prev_hash: str | None,
    now: datetime,
) -> AssessmentVersion:
    envelope_json = envelope.to_json_dict()
    as_of = next(iter(envelope.verdicts.values())).as_of if envelope.verdicts else date.today().isoformat()
    given_json = given.to_dict()
    row = AssessmentVersion(
        assessment_id=assessment_id,
        n=n,
        title=title,
        input_kind=given.kind,
        facts=given_json.get("facts"),
        text=given_json.get("text"),
        indication=given_json.get("indication"),
        jurisdictions=jurisdictions,
        as_of=as_of,
        ruleset=ruleset_label(envelope),
        software=SOFTWARE,
        envelope=envelope_json,
        note=note,
        created_at=now,
        prev_hash=prev_hash,
        hash="",
    )
    # The JSON columns must hash the same before and after a round trip through the database.
    row.facts = json.loads(canonical_json(row.facts)) if row.facts is not None else None
    row.envelope = json.loads(canonical_json(row.envelope))
    row.hash = content_hash(row)
    return row


def create(
    engine: Engine,
    *,
    title: str,
    given: AssessmentInput,
    jurisdictions: list[str] | tuple[str, ...] = ("EU",),
    as_of: date | str | None = None,
    note: str | None = None,
) -> VersionRecord:
    """Classify ``given`` and store it as version 1 of a new assessment."""
    from atmpnav import store

    title = _clean_title(title)
    note = _clean_note(note)
    envelope = evaluate(given, jurisdictions, as_of)
    codes = list(envelope.verdicts)
    now = datetime.now(UTC)
    with store.session_scope(engine) as session:
        head = Assessment(title=title, created_at=now, updated_at=now, latest_version=1, head_hash="")
        session.add(head)
        session.flush()
        row = _new_version(head.id, 1, title, given, envelope, codes, note, None, now)
        session.add(row)
        head.head_hash = row.hash
        session.flush()
        return _record(row)


def revise(
    engine: Engine,
    assessment_id: int,
    *,
    base_version: int,
    title: str | None = None,
    given: AssessmentInput | None = None,
    jurisdictions: list[str] | tuple[str, ...] | None = None,
    as_of: date | str | None = None,
    note: str | None = None,
) -> VersionRecord:
    """Add version n+1, re-classifying the input (the previous version's input, title and
    jurisdictions unless new ones are given; ``as_of`` defaults to today). ``base_version`` must be
    the latest version: an edit based on an older one is refused (:class:`ConflictError`)."""
    from sqlalchemy.exc import IntegrityError

    from atmpnav import store

    new_title = _clean_title(title) if title is not None else None
    note = _clean_note(note)
    with store.session_scope(engine) as session:
        head = _head(session, assessment_id)
        _check_base(head, base_version)
        previous = _version_row(session, assessment_id, head.latest_version)
        before = _record(previous)
    if given is None:
        given = _input_of(before)
    codes = list(jurisdictions) if jurisdictions else list(before.jurisdictions)
    envelope = evaluate(given, codes, as_of)
    now = datetime.now(UTC)
    try:
        with store.session_scope(engine) as session:
            head = _head(session, assessment_id)
            _check_base(head, base_version)
            row = _new_version(
                assessment_id,
                head.latest_version + 1,
                new_title or before.title,
                given,
                envelope,
                list(envelope.verdicts),
                note,
                head.head_hash,
                now,
            )
            session.add(row)
            head.latest_version = row.n
            head.head_hash = row.hash
            head.title = row.title
            head.updated_at = now
            session.flush()
            return _record(row)
    except IntegrityError:
        # Another edit based on the same version was stored first (unique assessment_id, n).
        raise ConflictError(
            f"assessment {assessment_id} was changed by someone else while you edited version {base_version}; "
            "reload it and edit the latest version"
        ) from None


def _check_base(head: Assessment, base_version: int) -> None:
    if base_version != head.latest_version:
        raise StaleVersionError(head.id, base_version, head.latest_version)


class StaleVersionError(ConflictError):
    """An edit was based on a version that is no longer the latest."""

    code = "stale_version"

    def __init__(self, assessment_id: int, base_version: int, latest_version: int) -> None:
        super().__init__(
            f"assessment {assessment_id}: the edit is based on version {base_version}, but the latest is "
            f"version {latest_version}; reload the latest version and edit that"
        )
        self.assessment_id = assessment_id
        self.base_version = base_version
        self.latest_version = latest_version

    def details(self) -> dict[str, Any]:
        return {
            "assessment_id": self.assessment_id,
            "base_version": self.base_version,
            "latest_version": self.latest_version,
        }


def _input_of(record: VersionRecord) -> AssessmentInput:
    if record.input["kind"] == "facts":
        return AssessmentInput.of_facts(ProductFacts.model_validate(record.input["facts"]))
    return AssessmentInput.of_text(record.input["text"], record.input.get("indication"))


def input_of(record: VersionRecord) -> AssessmentInput:
    """The input a stored version was classified from."""
    return _input_of(record)


# --------------------------------------------------------------------------- reading


def _head(session: Session, assessment_id: int) -> Assessment:
    head = session.get(Assessment, assessment_id)
    if head is None:
        raise UnknownNameError("assessment", str(assessment_id))
    return head


def _version_row(session: Session, assessment_id: int, n: int) -> AssessmentVersion:
    from sqlalchemy import select

    row = session.scalar(
        select(AssessmentVersion).where(AssessmentVersion.assessment_id == assessment_id, AssessmentVersion.n == n)
    )
    if row is None:
        raise UnknownNameError("version", f"{assessment_id}/{n}")
    return row


def _rows(session: Session, assessment_id: int) -> list[AssessmentVersion]:
    from sqlalchemy import select

    return list(
        session.scalars(
            select(AssessmentVersion)
            .where(AssessmentVersion.assessment_id == assessment_id)
            .order_by(AssessmentVersion.n, AssessmentVersion.id)
        )
    )


def list_assessments(engine: Engine, *, limit: int = 100, offset: int = 0) -> list[AssessmentSummary]:
    """Assessments, most recently changed first, each with its latest outcomes."""
    from sqlalchemy import select

    from atmpnav import store

    with store.session_scope(engine) as session:
        heads = list(
            session.scalars(
                select(Assessment).order_by(Assessment.updated_at.desc(), Assessment.id.desc()).limit(limit)
                .offset(offset)
            )
        )
        if not heads:
            return []
        latest = {
            (row.assessment_id, row.n): row
            for row in session.scalars(
                select(AssessmentVersion).where(AssessmentVersion.assessment_id.in_([h.id for h in heads]))
            )
        }
        return [_summary(h, latest[(h.id, h.latest_version)]) for h in heads if (h.id, h.latest_version) in latest]


def count_assessments(engine: Engine) -> int:
    from sqlalchemy import func, select

    from atmpnav import store

    with store.session_scope(engine) as session:
        return int(session.scalar(select(func.count()).select_from(Assessment)) or 0)


def summary(engine: Engine, assessment_id: int) -> AssessmentSummary:
    from atmpnav import store

    with store.session_scope(engine) as session:
        head = _head(session, assessment_id)
        return _summary(head, _version_row(session, assessment_id, head.latest_version))


def get_version(engine: Engine, assessment_id: int, n: int | None = None) -> VersionRecord:
    """Version ``n`` of an assessment (default: the latest)."""
    from atmpnav import store

    with store.session_scope(engine) as session:
        head = _head(session, assessment_id)
        return _record(_version_row(session, assessment_id, head.latest_version if n is None else n))


def versions(engine: Engine, assessment_id: int) -> list[VersionRecord]:
    """Every version of an assessment, oldest first."""
    from atmpnav import store

    with store.session_scope(engine) as session:
        _head(session, assessment_id)
        return [_record(row) for row in _rows(session, assessment_id)]


def verify(engine: Engine, assessment_id: int) -> ChainReport:
    """Recompute the hash chain of an assessment and report every inconsistency."""
    from atmpnav import store

    with store.session_scope(engine) as session:
        head = _head(session, assessment_id)
        rows = _rows(session, assessment_id)
        checks: list[VersionCheck] = []
        problems: list[str] = []
        previous_hash: str | None = None
        for expected_n, row in enumerate(rows, start=1):
            found: list[str] = []
            if row.n != expected_n:
                found.append(f"numbered {row.n}, expected {expected_n} (a version is missing)")
            recomputed = content_hash(row)
            if recomputed != row.hash:
                found.append("content does not match its hash (the stored version was altered)")
            if row.prev_hash != previous_hash:
                found.append("does not link to the hash of the version before it")
            checks.append(VersionCheck(n=row.n, hash=row.hash, ok=not found, problems=found))
            problems.extend(f"version {row.n}: {p}" for p in found)
            previous_hash = row.hash
        if not rows:
            problems.append("the assessment has no versions")
        else:
            if head.latest_version != rows[-1].n:
                problems.append(f"the assessment says its latest version is {head.latest_version}, "
                                f"but the last stored is {rows[-1].n}")
            if head.head_hash != rows[-1].hash:
                problems.append("the assessment's head hash is not the hash of its last version")
        return ChainReport(
            assessment_id=assessment_id,
            ok=not problems,
            versions=checks,
            head_hash=head.head_hash,
            problems=problems,
        )


def export(engine: Engine, assessment_id: int) -> dict[str, Any]:
    """Everything stored about an assessment as one JSON document: every version, and the chain check."""
    head = summary(engine, assessment_id)
    return {
        "format": EXPORT_FORMAT,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "software": SOFTWARE,
        "hash_algorithm": "sha256 of the canonical JSON (sorted keys, no whitespace, UTF-8) of each version's "
        "content including prev_hash",
        "assessment": head.to_dict(),
        "versions": [v.to_dict() for v in versions(engine, assessment_id)],
        "chain": verify(engine, assessment_id).to_dict(),
    }
