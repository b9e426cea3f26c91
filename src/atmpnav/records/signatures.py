"""Electronic signatures (21 CFR Part 11 §11.50, §11.70, §11.200) and the review workflow.

Signing re-asks the signer's password (each signing is a full authentication, §11.200(a)(1)) and
stores, append-only and keyed like every record: the signer's user name and full name, the
meaning (``authored``, ``reviewed`` or ``approved``), the time (server UTC) and the hash of the
signed version, which links the signature to exactly that content (§11.70). A sign-off is also an
audit event.

The workflow of an assessment follows from its versions and signatures, never from a stored
status that could be edited: the latest version is ``draft`` until an author signs it
(``in_review``), ``approved`` once an approver other than its author signs it; an earlier version
is ``superseded``. An approved version cannot change: editing adds a new version (a new draft)
that supersedes it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from atmpnav.errors import ConflictError, InputError
from atmpnav.orm import Base
from atmpnav.records import audit, db, keys

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

    from atmpnav.records.users import UserInfo

SIGNATURE_KIND = "atmpnav.signature/1"
MEANINGS = ("authored", "reviewed", "approved")
STATES = ("draft", "in_review", "approved", "superseded")
#: The role a meaning needs.
MEANING_ROLE = {"authored": "author", "reviewed": "reviewer", "approved": "approver"}
MEANING_TEXT = {
    "authored": "I am the author of this version and submit it for review",
    "reviewed": "I have reviewed this version",
    "approved": "I approve this version",
}


class Signature(Base):
    __tablename__ = "signature"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id"), index=True)
    version_n: Mapped[int] = mapped_column(Integer)
    version_hash: Mapped[str] = mapped_column(String(64))
    signer: Mapped[str] = mapped_column(String(64))
    signer_name: Mapped[str] = mapped_column(String(200))
    meaning: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    mac: Mapped[str] = mapped_column(String(64))


def signature_content(row: Signature) -> dict[str, Any]:
    return {
        "schema": SIGNATURE_KIND,
        "assessment_id": row.assessment_id,
        "version": row.version_n,
        "version_hash": row.version_hash,
        "signer": row.signer,
        "signer_name": row.signer_name,
        "meaning": row.meaning,
        "comment": row.comment,
        "signed_at": db.timestamp(row.signed_at),
    }


@dataclass(frozen=True)
class SignatureRecord:
    """The contract's signature: ``{version, signer, meaning, signed_at, version_hash}`` and more."""

    assessment_id: int
    version: int
    version_hash: str
    signer: str
    signer_name: str
    meaning: str
    meaning_text: str
    comment: str | None
    signed_at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _record(row: Signature) -> SignatureRecord:
    return SignatureRecord(row.assessment_id, row.version_n, row.version_hash, row.signer, row.signer_name,
                           row.meaning, MEANING_TEXT.get(row.meaning, row.meaning),
                           row.comment, db.timestamp(row.signed_at))


def signature_rows(session: Session, assessment_id: int, n: int | None = None) -> list[Signature]:
    query = select(Signature).where(Signature.assessment_id == assessment_id)
    if n is not None:
        query = query.where(Signature.version_n == n)
    return list(session.scalars(query.order_by(Signature.id)))


def state_of(n: int, latest: int, meanings: set[str]) -> str:
    """The workflow state of version ``n`` given the meanings signed for it."""
    if n < latest:
        return "superseded"
    if "approved" in meanings:
        return "approved"
    if meanings & {"authored", "reviewed"}:
        return "in_review"
    return "draft"


def states(session: Session, latest: dict[int, int]) -> dict[int, str]:
    """The state of each assessment (id → latest version number given)."""
    if not latest:
        return {}
    found: dict[int, set[str]] = {aid: set() for aid in latest}
    rows = session.execute(
        select(Signature.assessment_id, Signature.version_n, Signature.meaning)
        .where(Signature.assessment_id.in_(list(latest)))
    )
    for aid, n, meaning in rows:
        if latest.get(aid) == n:
            found[aid].add(meaning)
    return {aid: state_of(latest[aid], latest[aid], meanings) for aid, meanings in found.items()}


def list_signatures(engine: Engine, assessment_id: int, n: int | None = None) -> list[SignatureRecord]:
    return db.read(engine, lambda s: [_record(r) for r in signature_rows(s, assessment_id, n)])


def sign(
    engine: Engine,
    assessment_id: int,
    n: int,
    *,
    username: str,
    password: str,
    meaning: str,
    comment: str | None = None,
) -> SignatureRecord:
    """Sign version ``n`` with ``meaning`` after re-checking the password (see the module doc for the rules)."""
    from atmpnav.records import assessments
    from atmpnav.records.users import ForbiddenError, authenticate

    if meaning not in MEANINGS:
        raise InputError(f"meaning {meaning!r}: expected one of {', '.join(MEANINGS)}")
    note = " ".join((comment or "").split()) or None
    if note and len(note) > audit.REASON_MAX:
        raise InputError(f"comment: at most {audit.REASON_MAX} characters")
    signer: UserInfo = authenticate(engine, username, password, purpose=f"signature:{meaning}")
    if not signer.can(MEANING_ROLE[meaning]):
        raise ForbiddenError(f"signing as {meaning!r} needs the role {MEANING_ROLE[meaning]!r} "
                             f"(you are {signer.role!r})", MEANING_ROLE[meaning])

    def work(session: Session) -> SignatureRecord:
        version = assessments.version_row(session, assessment_id, n)
        latest = assessments.latest_row(session, assessment_id)
        assessments.check_row(version)
        if version.n != latest.n:
            raise ConflictError(f"version {n} is superseded by version {latest.n}; sign the latest version")
        existing = signature_rows(session, assessment_id, n)
        meanings = {s.meaning for s in existing}
        authors = {version.actor} | {s.signer for s in existing if s.meaning == "authored"}
        if "approved" in meanings:
            raise ConflictError(f"version {n} is approved and cannot change; edit the assessment to add a "
                                "new version")
        if any(s.signer == signer.username and s.meaning == meaning for s in existing):
            raise ConflictError(f"you have already signed version {n} as {meaning}")
        if meaning in ("reviewed", "approved"):
            if signer.username in authors:
                raise ForbiddenError(f"the author of version {n} cannot sign it as {meaning}: "
                                     "another person must")
            if "authored" not in meanings:
                raise ConflictError(f"version {n} is a draft: its author signs it (authored) to submit it "
                                    "for review first")
        row = Signature(assessment_id=assessment_id, version_n=n, version_hash=version.hash,
                        signer=signer.username, signer_name=signer.full_name, meaning=meaning, comment=note,
                        signed_at=db.now(), mac="")
        row.mac = keys.mac(SIGNATURE_KIND, signature_content(row))
        session.add(row)
        session.flush()
        audit.append(session, "signature.added", actor=signer.username, assessment_id=assessment_id,
                     version_n=n, reason=note,
                     details={"meaning": meaning, "version_hash": version.hash, "signature_mac": row.mac})
        return _record(row)

    return db.write(engine, work)
