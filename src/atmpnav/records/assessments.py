"""Saved assessments: a classification kept with its input, its verdicts and its audit trail.

An assessment is an id with its versions. A version stores who made it (``actor``), when (server
UTC), what was classified (structured facts, or a description with its indication; the product
name, description and intended use), the jurisdictions and as-of date, the envelope of verdicts the
engine returned, the rule-set and software versions, and **why** (``reason``, required for every
version after the first). Nothing is ever updated or deleted: the current title, state and outcome
are those of the latest version, editing adds version n+1 (refused with :class:`StaleVersionError`
when based on an older one), and database triggers refuse UPDATE, DELETE (and TRUNCATE on
PostgreSQL) on every record table.

Each version's ``hash`` is the HMAC-SHA-256 (:mod:`atmpnav.records.keys`) of its canonical JSON,
``prev_hash`` included, so the versions of an assessment form a keyed chain; each version is also
an audit event (:mod:`atmpnav.records.audit`) that names its hash. Adding a version checks the
version it builds on (its keyed hash) — constant work however long the history; the full check of
everything is :func:`atmpnav.records.integrity.verify_all`.

The classification is always re-run on the server (:func:`atmpnav.assess.evaluate`): the verdicts
stored are the engine's, never a client's.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, event, func, select
from sqlalchemy.orm import Mapped, mapped_column

from atmpnav import __version__
from atmpnav.assess import AssessmentInput, evaluate
from atmpnav.errors import AtmpnavError, ConflictError, InputError, UnknownNameError
from atmpnav.facts import ProductFacts
from atmpnav.orm import Base
from atmpnav.records import audit, db, keys
from atmpnav.records.keys import canonical_json

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

    from atmpnav.verdict import Envelope

LEGACY_SCHEMA = "atmpnav.assessment-version/1"  # unkeyed SHA-256, before records were keyed
HASH_SCHEMA = "atmpnav.assessment-version/2"
HEAD_KIND = "atmpnav.assessment/2"
EXPORT_FORMAT = "atmpnav.assessment-export/2"
SOFTWARE = f"atmpnav {__version__}"
TITLE_MAX = 200
NOTE_MAX = 2_000
REASON_MAX = 2_000
NAME_MAX = 200
DESCRIPTION_MAX = 5_000
IDEMPOTENCY_KEY_MAX = 200


class TamperingError(AtmpnavError):
    """A stored record no longer matches its keyed hash, or one the audit trail knows is missing."""

    exit_code = 5
    http_status = 500
    code = "tampering_detected"


# --------------------------------------------------------------------------- tables


class Assessment(Base):
    """An assessment's identity: when it was opened and by whom. Everything else is in its versions."""

    __tablename__ = "assessment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str | None] = mapped_column(String(64), index=True)
    mac: Mapped[str | None] = mapped_column(String(64))


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
    schema: Mapped[str] = mapped_column(String(40), default=LEGACY_SCHEMA)
    actor: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    product_name: Mapped[str | None] = mapped_column(String(NAME_MAX))
    description: Mapped[str | None] = mapped_column(Text)
    intended_use: Mapped[str | None] = mapped_column(Text)


class IdempotencyKey(Base):
    """A client's retry key and what its first request stored (so a retry never adds a version)."""

    __tablename__ = "idempotency_key"
    __table_args__ = (UniqueConstraint("actor", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(IDEMPOTENCY_KEY_MAX))
    request_hash: Mapped[str] = mapped_column(String(64))
    assessment_id: Mapped[int] = mapped_column(Integer)
    version_n: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@event.listens_for(AssessmentVersion, "before_update")
def _refuse_update(_mapper: Any, _connection: Any, target: AssessmentVersion) -> None:
    raise ConflictError(f"assessment {target.assessment_id} version {target.n} is stored and cannot be changed; "
                        "edit the assessment to add a new version")


@event.listens_for(AssessmentVersion, "before_delete")
def _refuse_delete(_mapper: Any, _connection: Any, target: AssessmentVersion) -> None:
    raise ConflictError(f"assessment {target.assessment_id} version {target.n} is part of the audit trail and "
                        "cannot be deleted")


def ruleset_label(envelope: Envelope) -> str:
    """The rule-set versions an envelope was computed with, e.g. ``EU:eu-2026.12``."""
    return "; ".join(f"{code}:{verdict.ruleset}" for code, verdict in sorted(envelope.verdicts.items()))


# --------------------------------------------------------------------------- hashing


def _given(row: AssessmentVersion) -> dict[str, Any]:
    given: dict[str, Any] = {"kind": row.input_kind}
    if row.input_kind == "facts":
        given["facts"] = row.facts
    else:
        given["text"] = row.text
        given["indication"] = row.indication
    return given


def hashed_content(row: AssessmentVersion) -> dict[str, Any]:
    """Everything a version's hash covers (including the previous version's hash)."""
    content = {
        "schema": row.schema or LEGACY_SCHEMA,
        "assessment_id": row.assessment_id,
        "n": row.n,
        "title": row.title,
        "input": _given(row),
        "jurisdictions": list(row.jurisdictions),
        "as_of": row.as_of,
        "ruleset": row.ruleset,
        "software": row.software,
        "envelope": row.envelope,
        "note": row.note,
        "created_at": db.timestamp(row.created_at),
        "prev_hash": row.prev_hash,
    }
    if content["schema"] != LEGACY_SCHEMA:
        content.update(actor=row.actor, reason=row.reason, product_name=row.product_name,
                       description=row.description, intended_use=row.intended_use)
    return content


def content_hash(row: AssessmentVersion) -> str:
    """The version's keyed hash (legacy rows: the unkeyed SHA-256 they were stored with)."""
    content = hashed_content(row)
    if content["schema"] == LEGACY_SCHEMA:
        return hashlib.sha256(canonical_json(content)).hexdigest()
    return keys.mac(HASH_SCHEMA, content)


def head_content(row: Assessment) -> dict[str, Any]:
    return {"id": row.id, "created_at": db.timestamp(row.created_at), "created_by": row.created_by}


def check_row(row: AssessmentVersion) -> None:
    """Refuse to use a version whose content no longer matches its hash."""
    if row.schema != LEGACY_SCHEMA and content_hash(row) != row.hash:
        raise TamperingError(f"assessment {row.assessment_id} version {row.n} does not match its keyed hash: "
                             "the stored record was altered; run `atmpnav verify --all`")


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
    actor: str | None = None
    reason: str | None = None
    product_name: str | None = None
    description: str | None = None
    intended_use: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def outcomes(self) -> dict[str, str]:
        """Outcome per jurisdiction (``likely X`` while undetermined)."""
        return outcomes_of(self.envelope)


def outcomes_of(envelope: dict[str, Any]) -> dict[str, str]:
    found = {}
    for code, verdict in envelope.get("verdicts", {}).items():
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
    state: str = "draft"
    owner: str | None = None
    product_name: str | None = None
    jurisdictions: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _record(row: AssessmentVersion) -> VersionRecord:
    return VersionRecord(
        assessment_id=row.assessment_id,
        n=row.n,
        title=row.title,
        input=_given(row),
        jurisdictions=list(row.jurisdictions),
        as_of=row.as_of,
        ruleset=row.ruleset,
        software=row.software,
        note=row.note,
        created_at=db.timestamp(row.created_at),
        prev_hash=row.prev_hash,
        hash=row.hash,
        envelope=row.envelope,
        actor=row.actor,
        reason=row.reason,
        product_name=row.product_name,
        description=row.description,
        intended_use=row.intended_use,
    )


def _summary(head: Assessment, latest: AssessmentVersion, state: str) -> AssessmentSummary:
    return AssessmentSummary(
        id=head.id,
        title=latest.title,
        created_at=db.timestamp(head.created_at),
        updated_at=db.timestamp(latest.created_at),
        latest_version=latest.n,
        input_kind=latest.input_kind,
        outcomes=outcomes_of(latest.envelope),
        state=state,
        owner=head.created_by,
        product_name=latest.product_name,
        jurisdictions=list(latest.jurisdictions),
    )


# --------------------------------------------------------------------------- writing


def _clean_text(value: str | None, name: str, limit: int) -> str | None:
    cleaned = (value or "").strip()
    if "\x00" in cleaned:
        raise InputError(f"{name}: contains a NUL character")
    if len(cleaned) > limit:
        raise InputError(f"{name}: longer than {limit} characters")
    return cleaned or None


def _clean_title(title: str) -> str:
    cleaned = " ".join(title.split())
    if not cleaned:
        raise InputError("title: give the assessment a title")
    return _clean_text(cleaned, "title", TITLE_MAX) or ""


@dataclass(frozen=True)
class Product:
    """What the assessment is about, in the user's words (kept with every version)."""

    name: str | None = None
    description: str | None = None
    intended_use: str | None = None

    @classmethod
    def of(cls, name: str | None, description: str | None, intended_use: str | None) -> Product:
        return cls(_clean_text(" ".join((name or "").split()), "product_name", NAME_MAX),
                   _clean_text(description, "description", DESCRIPTION_MAX),
                   _clean_text(intended_use, "intended_use", DESCRIPTION_MAX))


def _new_version(
    assessment_id: int,
    n: int,
    title: str,
    given: AssessmentInput,
    envelope: Envelope,
    note: str | None,
    prev_hash: str | None,
    moment: datetime,
    actor: str | None,
    reason: str | None,
    product: Product,
) -> AssessmentVersion:
    as_of = next(iter(envelope.verdicts.values())).as_of if envelope.verdicts else date.today().isoformat()
    given_json = given.to_dict()
    row = AssessmentVersion(
        assessment_id=assessment_id,
        n=n,
        title=title,
        input_kind=given.kind,
        facts=keys.json_round_trip(given_json["facts"]) if given_json.get("facts") is not None else None,
        text=given_json.get("text"),
        indication=given_json.get("indication"),
        jurisdictions=list(envelope.verdicts),
        as_of=as_of,
        ruleset=ruleset_label(envelope),
        software=SOFTWARE,
        envelope=keys.json_round_trip(envelope.to_json_dict()),
        note=note,
        created_at=moment,
        prev_hash=prev_hash,
        hash="",
        schema=HASH_SCHEMA,
        actor=actor,
        reason=reason,
        product_name=product.name,
        description=product.description,
        intended_use=product.intended_use,
    )
    row.hash = content_hash(row)
    return row


def _request_hash(**parts: Any) -> str:
    return hashlib.sha256(canonical_json(keys.json_round_trip(parts))).hexdigest()


def _clean_key(key: str | None) -> str | None:
    if key is None:
        return None
    cleaned = key.strip()
    if not cleaned or len(cleaned) > IDEMPOTENCY_KEY_MAX or not cleaned.isprintable():
        raise InputError(f"Idempotency-Key: 1-{IDEMPOTENCY_KEY_MAX} printable characters")
    return cleaned


def _replay(session: Session, actor: str, key: str | None, request_hash: str) -> VersionRecord | None:
    """The version a first request with this key stored, or None; a key reused for another request is refused."""
    if key is None:
        return None
    found = session.scalar(select(IdempotencyKey).where(IdempotencyKey.actor == actor, IdempotencyKey.key == key))
    if found is None:
        return None
    if found.request_hash != request_hash:
        raise InputError("Idempotency-Key: this key was used for a different request; use a new key")
    return _record(version_row(session, found.assessment_id, found.version_n))


@dataclass(frozen=True)
class Saved:
    """A stored version and whether it was stored by this request or an earlier one with the same key."""

    record: VersionRecord
    replayed: bool = False


def create(
    engine: Engine,
    *,
    title: str,
    given: AssessmentInput,
    jurisdictions: list[str] | tuple[str, ...] = ("EU",),
    as_of: date | str | None = None,
    note: str | None = None,
    actor: str | None = None,
    reason: str | None = None,
    product: Product | None = None,
    idempotency_key: str | None = None,
) -> Saved:
    """Classify ``given`` and store it as version 1 of a new assessment."""
    title = _clean_title(title)
    note = _clean_text(note, "note", NOTE_MAX)
    reason = _clean_text(reason, "reason", REASON_MAX)
    product = product or Product()
    key = _clean_key(idempotency_key)
    request_hash = _request_hash(op="create", title=title, given=given.to_dict(), jurisdictions=list(jurisdictions),
                                 as_of=str(as_of) if as_of else None, note=note, reason=reason,
                                 product=asdict(product))
    who = actor or "anonymous"
    if key is not None:
        earlier = db.read(engine, lambda s: _replay(s, who, key, request_hash))
        if earlier is not None:
            return Saved(earlier, replayed=True)
    envelope = evaluate(given, jurisdictions, as_of)

    def work(session: Session) -> Saved:
        earlier = _replay(session, who, key, request_hash)
        if earlier is not None:
            return Saved(earlier, replayed=True)
        moment = db.now()
        # The id is chosen here (not by the database) so that the keyed hash is in the first and only
        # write of the row; two writers choosing the same id collide on the key and one retries.
        next_id = int(session.scalar(select(func.max(Assessment.id))) or 0) + 1
        head = Assessment(id=next_id, created_at=moment, created_by=actor)
        head.mac = keys.mac(HEAD_KIND, head_content(head))
        session.add(head)
        session.flush()
        row = _new_version(head.id, 1, title, given, envelope, note, None, moment, actor, reason, product)
        session.add(row)
        if key is not None:
            session.add(IdempotencyKey(actor=who, key=key, request_hash=request_hash, assessment_id=head.id,
                                       version_n=1, created_at=moment))
        session.flush()
        audit.append(session, "assessment.created", actor=actor, assessment_id=head.id, at=moment,
                     details={"head_mac": head.mac})
        audit.append(session, "version.added", actor=actor, assessment_id=head.id, version_n=1, reason=reason,
                     at=moment, details={"hash": row.hash, "title": title})
        return Saved(_record(row))

    return db.write(engine, work)


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
    actor: str | None = None,
    reason: str | None = None,
    product: Product | None = None,
    idempotency_key: str | None = None,
) -> Saved:
    """Add version n+1, re-classifying the input (the previous version's input, title, product and
    jurisdictions unless new ones are given; ``as_of`` defaults to today). ``base_version`` must be
    the latest version (else :class:`StaleVersionError`); ``reason`` is required."""
    new_title = _clean_title(title) if title is not None else None
    note = _clean_text(note, "note", NOTE_MAX)
    reason = _clean_text(reason, "reason", REASON_MAX)
    if reason is None:
        raise InputError("reason: say why this version is made (required for every change after the first)")
    key = _clean_key(idempotency_key)
    who = actor or "anonymous"
    request_hash = _request_hash(op="revise", id=assessment_id, base=base_version, title=new_title,
                                 given=given.to_dict() if given else None,
                                 jurisdictions=list(jurisdictions) if jurisdictions else None,
                                 as_of=str(as_of) if as_of else None, note=note, reason=reason,
                                 product=asdict(product) if product else None)

    def before_work(session: Session) -> VersionRecord | Saved:
        earlier = _replay(session, who, key, request_hash)
        if earlier is not None:
            return Saved(earlier, replayed=True)
        latest = latest_row(session, assessment_id)
        _check_base(assessment_id, base_version, latest.n)
        return _record(latest)

    before = db.read(engine, before_work)
    if isinstance(before, Saved):
        return before
    if given is None:
        given = input_of(before)
    codes = list(jurisdictions) if jurisdictions else list(before.jurisdictions)
    new_product = product or Product(before.product_name, before.description, before.intended_use)
    envelope = evaluate(given, codes, as_of)

    def work(session: Session) -> Saved:
        earlier = _replay(session, who, key, request_hash)
        if earlier is not None:
            return Saved(earlier, replayed=True)
        latest = latest_row(session, assessment_id)
        _check_base(assessment_id, base_version, latest.n)
        check_row(latest)  # build only on a version that still matches its hash
        moment = db.now()
        row = _new_version(assessment_id, latest.n + 1, new_title or latest.title, given, envelope, note,
                           latest.hash, moment, actor, reason, new_product)
        session.add(row)
        if key is not None:
            session.add(IdempotencyKey(actor=who, key=key, request_hash=request_hash, assessment_id=assessment_id,
                                       version_n=row.n, created_at=moment))
        session.flush()
        audit.append(session, "version.added", actor=actor, assessment_id=assessment_id, version_n=row.n,
                     reason=reason, at=moment, details={"hash": row.hash, "prev_hash": latest.hash,
                                                        "title": row.title})
        return Saved(_record(row))

    return db.write(engine, work)


def _check_base(assessment_id: int, base_version: int, latest: int) -> None:
    if base_version != latest:
        raise StaleVersionError(assessment_id, base_version, latest)


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


def input_of(record: VersionRecord) -> AssessmentInput:
    """The input a stored version was classified from."""
    if record.input["kind"] == "facts":
        return AssessmentInput.of_facts(ProductFacts.model_validate(record.input["facts"]))
    return AssessmentInput.of_text(record.input["text"], record.input.get("indication"),
                                   answers=record.input.get("answers"))


# --------------------------------------------------------------------------- reading

INT_MAX = 2**31 - 1  # ids and version numbers are 32-bit integers in every backend


def _known_version(session: Session, assessment_id: int) -> int | None:
    """The highest version the audit trail says this assessment has (None: it never existed)."""
    return session.scalar(
        select(audit.AuditEvent.version_n)
        .where(audit.AuditEvent.assessment_id == assessment_id, audit.AuditEvent.action == "version.added")
        .order_by(audit.AuditEvent.seq.desc())
        .limit(1)
    )


def head_row(session: Session, assessment_id: int) -> Assessment:
    head = session.get(Assessment, assessment_id) if 0 < assessment_id <= INT_MAX else None
    if head is None:
        if 0 < assessment_id <= INT_MAX and _known_version(session, assessment_id) is not None:
            raise TamperingError(f"assessment {assessment_id} is in the audit trail but its record is missing: "
                                 "it was deleted from the database")
        raise UnknownNameError("assessment", str(assessment_id))
    return head


def latest_row(session: Session, assessment_id: int) -> AssessmentVersion:
    head_row(session, assessment_id)
    row = session.scalar(
        select(AssessmentVersion)
        .where(AssessmentVersion.assessment_id == assessment_id)
        .order_by(AssessmentVersion.n.desc())
        .limit(1)
    )
    known = _known_version(session, assessment_id)
    if row is None or (known is not None and known > row.n):
        raise TamperingError(f"assessment {assessment_id}: the audit trail records version {known}, but the "
                             f"last stored is {row.n if row else 'none'}: versions were deleted")
    return row


def version_row(session: Session, assessment_id: int, n: int) -> AssessmentVersion:
    head_row(session, assessment_id)
    row = None
    if 0 < n <= INT_MAX:
        row = session.scalar(
            select(AssessmentVersion).where(AssessmentVersion.assessment_id == assessment_id,
                                            AssessmentVersion.n == n)
        )
    if row is None:
        known = _known_version(session, assessment_id) or 0
        if 0 < n <= known:
            raise TamperingError(f"assessment {assessment_id} version {n} is in the audit trail but missing from "
                                 "the database: it was deleted")
        raise UnknownNameError("version", f"{assessment_id}/{n}")
    return row


def _latest_numbers(session: Session, ids: list[int] | None = None) -> dict[int, int]:
    query = select(AssessmentVersion.assessment_id, func.max(AssessmentVersion.n)).group_by(
        AssessmentVersion.assessment_id)
    if ids is not None:
        query = query.where(AssessmentVersion.assessment_id.in_(ids))
    return {aid: n for aid, n in session.execute(query)}


@dataclass(frozen=True)
class ListFilter:
    """Filters of the assessment list; every one given must match."""

    q: str | None = None  # words in the title, product name or description
    outcome: str | None = None  # e.g. GTMP, "not ATMP", undetermined
    jurisdiction: str | None = None
    state: str | None = None
    owner: str | None = None


def list_page(engine: Engine, *, limit: int = 100, offset: int = 0,
              filters: ListFilter | None = None) -> tuple[int, list[AssessmentSummary]]:
    """Assessments matching ``filters``, most recently changed first: (total matching, this page)."""
    from atmpnav.records.signatures import STATES, states

    wanted = filters or ListFilter()
    if wanted.state and wanted.state not in STATES:
        raise InputError(f"state {wanted.state!r}: expected one of {', '.join(STATES)}")

    def work(session: Session) -> tuple[int, list[AssessmentSummary]]:
        latest = (
            select(AssessmentVersion.assessment_id.label("aid"), func.max(AssessmentVersion.n).label("n"))
            .group_by(AssessmentVersion.assessment_id)
            .subquery()
        )
        query = (
            select(AssessmentVersion, Assessment)
            .join(latest, (AssessmentVersion.assessment_id == latest.c.aid) & (AssessmentVersion.n == latest.c.n))
            .join(Assessment, Assessment.id == AssessmentVersion.assessment_id)
        )
        if wanted.q:
            for word in wanted.q.split()[:10]:
                pattern = f"%{word.lower()}%"
                query = query.where(
                    func.lower(AssessmentVersion.title).like(pattern)
                    | func.lower(func.coalesce(AssessmentVersion.product_name, "")).like(pattern)
                    | func.lower(func.coalesce(AssessmentVersion.description, "")).like(pattern)
                )
        if wanted.owner:
            query = query.where(Assessment.created_by == wanted.owner)
        query = query.order_by(AssessmentVersion.created_at.desc(), AssessmentVersion.assessment_id.desc())
        needs_python = bool(wanted.outcome or wanted.jurisdiction or wanted.state)
        if not needs_python:
            total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
            rows = list(session.execute(query.limit(limit).offset(offset)))
            found = states(session, {v.assessment_id: v.n for v, _ in rows})
            return total, [_summary(h, v, found[v.assessment_id]) for v, h in rows]
        rows = list(session.execute(query))
        found = states(session, {v.assessment_id: v.n for v, _ in rows})
        kept = []
        for version, head in rows:
            summary = _summary(head, version, found[version.assessment_id])
            if wanted.state and summary.state != wanted.state:
                continue
            if wanted.jurisdiction and wanted.jurisdiction not in summary.jurisdictions:
                continue
            if wanted.outcome:
                verdicts = version.envelope.get("verdicts", {})
                codes = [wanted.jurisdiction] if wanted.jurisdiction else list(verdicts)
                if not any(verdicts.get(c, {}).get("outcome") == wanted.outcome for c in codes):
                    continue
            kept.append(summary)
        return len(kept), kept[offset: offset + limit]

    return db.read(engine, work)


def list_assessments(engine: Engine, *, limit: int = 100, offset: int = 0) -> list[AssessmentSummary]:
    """Assessments, most recently changed first, each with its latest outcomes."""
    return list_page(engine, limit=limit, offset=offset)[1]


def count_assessments(engine: Engine) -> int:
    return db.read(engine, lambda s: int(s.scalar(select(func.count()).select_from(Assessment)) or 0))


def summary(engine: Engine, assessment_id: int) -> AssessmentSummary:
    from atmpnav.records.signatures import states

    def work(session: Session) -> AssessmentSummary:
        head = head_row(session, assessment_id)
        latest = latest_row(session, assessment_id)
        return _summary(head, latest, states(session, {assessment_id: latest.n})[assessment_id])

    return db.read(engine, work)


def get_version(engine: Engine, assessment_id: int, n: int | None = None) -> VersionRecord:
    """Version ``n`` of an assessment (default: the latest)."""
    def work(session: Session) -> VersionRecord:
        row = latest_row(session, assessment_id) if n is None else version_row(session, assessment_id, n)
        return _record(row)

    return db.read(engine, work)


def versions(engine: Engine, assessment_id: int, *, newest: int | None = None) -> list[VersionRecord]:
    """Every version of an assessment (or only the ``newest`` ones), oldest first."""
    def work(session: Session) -> list[VersionRecord]:
        head_row(session, assessment_id)
        query = select(AssessmentVersion).where(AssessmentVersion.assessment_id == assessment_id)
        if newest is None:
            return [_record(r) for r in session.scalars(query.order_by(AssessmentVersion.n))]
        rows = list(session.scalars(query.order_by(AssessmentVersion.n.desc()).limit(newest)))
        return [_record(r) for r in reversed(rows)]

    return db.read(engine, work)


@dataclass(frozen=True)
class QuickCheck:
    """The constant-cost check shown with every read: the latest version matches its keyed hash and
    links to the stored version before it, and the audit trail knows no later version."""

    assessment_id: int
    ok: bool
    head_hash: str | None
    problems: list[str]
    scope: str = "latest"

    def to_dict(self) -> dict[str, Any]:
        return {"assessment_id": self.assessment_id, "ok": self.ok, "head_hash": self.head_hash,
                "problems": self.problems, "scope": self.scope, "versions": []}


def quick_check(engine: Engine, assessment_id: int) -> QuickCheck:
    def work(session: Session) -> QuickCheck:
        problems: list[str] = []
        try:
            latest = latest_row(session, assessment_id)
        except TamperingError as exc:
            return QuickCheck(assessment_id, False, None, [exc.message])
        if latest.schema != LEGACY_SCHEMA and content_hash(latest) != latest.hash:
            problems.append(f"version {latest.n}: content does not match its keyed hash (altered or forged)")
        if latest.n > 1:
            before = session.scalar(select(AssessmentVersion.hash).where(
                AssessmentVersion.assessment_id == assessment_id, AssessmentVersion.n == latest.n - 1))
            if before is None:
                problems.append(f"version {latest.n - 1}: missing (deleted)")
            elif before != latest.prev_hash:
                problems.append(f"version {latest.n}: does not link to the hash of version {latest.n - 1}")
        return QuickCheck(assessment_id, not problems, latest.hash, problems)

    return db.read(engine, work)


def export(engine: Engine, assessment_id: int) -> dict[str, Any]:
    """Everything stored about an assessment as one JSON document: versions, signatures, its audit
    events and the result of the full check."""
    from atmpnav.records.integrity import verify_assessment
    from atmpnav.records.signatures import list_signatures

    head = summary(engine, assessment_id)
    _, events = audit.events(engine, assessment_id=assessment_id, limit=100_000)
    return {
        "format": EXPORT_FORMAT,
        "exported_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "software": SOFTWARE,
        "hash_algorithm": "HMAC-SHA-256 (key outside the database) of the canonical JSON (sorted keys, no "
        "whitespace, UTF-8) of each version's content including prev_hash; verifiable by `atmpnav verify`",
        "assessment": head.to_dict(),
        "versions": [v.to_dict() for v in versions(engine, assessment_id)],
        "signatures": [s.to_dict() for s in list_signatures(engine, assessment_id)],
        "audit_events": [e.to_dict() for e in reversed(events)],
        "chain": verify_assessment(engine, assessment_id).to_dict(),
    }
