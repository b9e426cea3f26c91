"""The full check of the records (``atmpnav verify --all``, ``GET /api/v1/assessments/verify``).

It checks, and reports every finding as text:

- the audit chain: events numbered without gaps, each linked to the one before, each matching its
  keyed hash; the anchor file's entries still present (a rewound or cut chain);
- every assessment: its identity record, every version (keyed hash, link to the version before,
  numbering), each version named by an audit event with the same hash, and no version or
  assessment the trail knows that the database lacks (deleted rows are tampering, never "not found");
- every signature: keyed hash, the version it signed still has that hash, a matching audit event;
- the database triggers that make the record tables append-only are present and enabled;
- each stored verdict: the rules re-run on the stored facts give the same outcome (when the rule
  set recorded is the one installed), or the finding says the rule set has changed since.

:func:`ensure_ready` runs once per process when records are first used: it creates the key (first
start), starts the trail, and refuses to serve records while the triggers are missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, text

from atmpnav.errors import StorageError
from atmpnav.records import anchors, audit, db, keys
from atmpnav.records.assessments import (
    HEAD_KIND,
    LEGACY_SCHEMA,
    Assessment,
    AssessmentVersion,
    content_hash,
    head_content,
)
from atmpnav.records.signatures import SIGNATURE_KIND, Signature, signature_content

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

#: The append-only tables and the triggers that guard them.
APPEND_ONLY_TABLES = ("assessment", "assessment_version", "signature", "audit_event", "idempotency_key")


def expected_triggers(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return [f"{t}_no_{a}" for t in APPEND_ONLY_TABLES for a in ("update", "delete")]
    if dialect == "postgresql":
        return [f"{t}_append_only" for t in APPEND_ONLY_TABLES] + [f"{t}_no_truncate" for t in APPEND_ONLY_TABLES]
    return []


def missing_triggers(engine: Engine) -> list[str]:
    """The append-only triggers that are absent (or disabled, on PostgreSQL)."""
    expected = expected_triggers(engine.dialect.name)
    if not expected:
        return []
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            found = {r[0] for r in connection.execute(text("SELECT name FROM sqlite_master WHERE type='trigger'"))}
        else:
            found = {r[0] for r in connection.execute(text(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D' "
                "AND tgrelid::regclass::text = ANY(:tables)"), {"tables": list(APPEND_ONLY_TABLES)})}
    return [name for name in expected if name not in found]


class RecordsUnavailableError(StorageError):
    """Records are not served while their protection is missing."""

    code = "records_unavailable"


def require_triggers(engine: Engine) -> None:
    missing = missing_triggers(engine)
    if missing:
        raise RecordsUnavailableError(
            "saved records are not served: the database triggers that keep them append-only are missing or "
            f"disabled ({', '.join(missing)}); restore them (run the migrations as the owner) and run "
            "`atmpnav verify --all`"
        )


_ready: set[str] = set()


def ensure_ready(engine: Engine, *, actor: str | None = None, config: dict[str, Any] | None = None) -> None:
    """Create the key, start the trail (``records.keyed``, listing any unkeyed legacy records) and
    record a changed configuration. Raises :class:`RecordsUnavailableError` without the triggers."""
    require_triggers(engine)
    keys.load_key(create=True)
    marker = str(engine.url)
    if marker in _ready and config is None:
        return

    def work(session: Session) -> None:
        first = session.scalar(select(audit.AuditEvent).where(audit.AuditEvent.action == "records.keyed").limit(1))
        if first is None:
            legacy: dict[str, list[str]] = {}
            for aid, digest in session.execute(select(AssessmentVersion.assessment_id, AssessmentVersion.hash)
                                               .where(AssessmentVersion.schema == LEGACY_SCHEMA)
                                               .order_by(AssessmentVersion.assessment_id, AssessmentVersion.n)):
                legacy.setdefault(str(aid), []).append(digest)
            heads = [h for (h,) in session.execute(select(Assessment.id).where(Assessment.mac.is_(None)))]
            audit.append(session, "records.keyed", actor=actor,
                         details={"key_file": str(keys.key_path()), "legacy_versions": legacy,
                                  "legacy_assessments": heads})
        if config is not None:
            last = session.scalar(select(audit.AuditEvent).where(audit.AuditEvent.action == "config.changed")
                                  .order_by(audit.AuditEvent.seq.desc()).limit(1))
            if last is None or last.details != keys.json_round_trip(config):
                audit.append(session, "config.changed", actor=actor, details=config)

    db.write(engine, work)
    _ready.add(marker)


def forget_ready() -> None:
    _ready.clear()


# --------------------------------------------------------------------------- reports


@dataclass
class VersionCheck:
    n: int
    hash: str
    ok: bool
    problems: list[str] = field(default_factory=list)


@dataclass
class ChainReport:
    """One assessment: ``ok`` when every version, signature and event about it holds."""

    assessment_id: int
    ok: bool
    versions: list[VersionCheck]
    head_hash: str | None
    problems: list[str]
    scope: str = "full"

    def to_dict(self) -> dict[str, Any]:
        return {
            "assessment_id": self.assessment_id,
            "ok": self.ok,
            "head_hash": self.head_hash,
            "problems": self.problems,
            "scope": self.scope,
            "versions": [{"n": v.n, "hash": v.hash, "ok": v.ok, "problems": v.problems} for v in self.versions],
        }


@dataclass
class FullReport:
    ok: bool
    assessments: int
    versions: int
    signatures: int
    events: int
    problems: list[str]
    notes: list[str]
    missing_triggers: list[str]
    last_event: dict[str, Any] | None
    anchor_file: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "checked": {"assessments": self.assessments, "versions": self.versions,
                        "signatures": self.signatures, "audit_events": self.events},
            "problems": self.problems,
            "notes": self.notes,
            "missing_triggers": self.missing_triggers,
            "last_event": self.last_event,
            "anchor_file": self.anchor_file,
        }


def _legacy(rows: list[audit.AuditEvent]) -> tuple[dict[int, set[str]], set[int]]:
    for row in rows:
        if row.action == "records.keyed":
            details = row.details or {}
            versions = {int(k): set(v) for k, v in (details.get("legacy_versions") or {}).items()}
            return versions, set(details.get("legacy_assessments") or [])
    return {}, set()


def _check_versions(
    aid: int,
    rows: list[AssessmentVersion],
    events: dict[int, str],
    known: int,
    legacy: set[str],
) -> tuple[list[VersionCheck], list[str]]:
    checks: list[VersionCheck] = []
    problems: list[str] = []
    previous: str | None = None
    for expected, row in enumerate(rows, start=1):
        found: list[str] = []
        if row.n != expected:
            found.append(f"numbered {row.n}, expected {expected} (a version is missing)")
        if content_hash(row) != row.hash:
            kind = "keyed hash" if row.schema != LEGACY_SCHEMA else "hash"
            found.append(f"content does not match its {kind} (the stored version was altered or forged)")
        if row.schema == LEGACY_SCHEMA and row.hash not in legacy:
            found.append("an unkeyed version that was not in the database when records were keyed (forged)")
        if row.prev_hash != previous:
            found.append("does not link to the hash of the version before it")
        if row.schema != LEGACY_SCHEMA and events.get(row.n) != row.hash:
            found.append("no audit event records this version with this hash (inserted or replaced outside the app)")
        checks.append(VersionCheck(n=row.n, hash=row.hash, ok=not found, problems=found))
        problems.extend(f"version {row.n}: {p}" for p in found)
        previous = row.hash
    last = rows[-1].n if rows else 0
    if known > last:
        problems.append(f"the audit trail records version {known}, but the last stored is {last or 'none'}: "
                        "versions were deleted")
    return checks, problems


def _version_events(rows: list[audit.AuditEvent]) -> dict[int, dict[int, str]]:
    found: dict[int, dict[int, str]] = {}
    for row in rows:
        if row.action == "version.added" and row.assessment_id is not None and row.version_n is not None:
            found.setdefault(row.assessment_id, {})[row.version_n] = (row.details or {}).get("hash", "")
    return found


def verify_assessment(engine: Engine, assessment_id: int) -> ChainReport:
    """The full check of one assessment (its versions, signatures and the events about them)."""
    from atmpnav.records.assessments import head_row

    require_key()

    def work(session: Session) -> ChainReport:
        head_row(session, assessment_id)
        events = list(session.scalars(select(audit.AuditEvent).where(
            (audit.AuditEvent.assessment_id == assessment_id) | (audit.AuditEvent.action == "records.keyed"))
            .order_by(audit.AuditEvent.seq)))
        legacy_versions, _ = _legacy(events)
        by_version = _version_events(events).get(assessment_id, {})
        rows = list(session.scalars(select(AssessmentVersion).where(AssessmentVersion.assessment_id == assessment_id)
                                    .order_by(AssessmentVersion.n)))
        checks, problems = _check_versions(assessment_id, rows, by_version, max(by_version, default=0),
                                           legacy_versions.get(assessment_id, set()))
        problems.extend(_check_signatures(session, {assessment_id: {r.n: r.hash for r in rows}}, events))
        return ChainReport(assessment_id, not problems, checks, rows[-1].hash if rows else None, problems)

    return db.read(engine, work)


def _check_signatures(session: Session, hashes: dict[int, dict[int, str]], events: list[audit.AuditEvent],
                      only: set[int] | None = None) -> list[str]:
    problems: list[str] = []
    signed = {(e.assessment_id, e.version_n, (e.details or {}).get("signature_mac")) for e in events
              if e.action == "signature.added"}
    query = select(Signature).order_by(Signature.id)
    if len(hashes) == 1:
        query = query.where(Signature.assessment_id == next(iter(hashes)))
    for row in session.scalars(query):
        where = f"assessment {row.assessment_id} version {row.version_n}: signature by {row.signer} ({row.meaning})"
        if not keys.mac_ok(SIGNATURE_KIND, signature_content(row), row.mac):
            problems.append(f"{where}: does not match its keyed hash (altered or forged)")
        if hashes.get(row.assessment_id, {}).get(row.version_n) != row.version_hash:
            problems.append(f"{where}: the signed version no longer has the hash that was signed")
        if (row.assessment_id, row.version_n, row.mac) not in signed:
            problems.append(f"{where}: no audit event records this signature")
    for aid, n, signature_mac in signed:
        if aid in hashes and signature_mac and not session.scalar(select(Signature.id).where(
                Signature.mac == signature_mac)):
            problems.append(f"assessment {aid} version {n}: a signature in the audit trail is missing (deleted)")
    return problems


def _rerun(row: AssessmentVersion) -> tuple[list[str], list[str]]:
    """(problems, notes) from re-running the rules on the facts a version stored."""
    from atmpnav.engine import classify
    from atmpnav.facts import ProductFacts
    from atmpnav.law import JURISDICTIONS

    facts_json = (row.envelope or {}).get("facts")
    if facts_json is None:
        return [], [f"assessment {row.assessment_id} version {row.n}: no facts stored to re-run"]
    problems: list[str] = []
    notes: list[str] = []
    stored = (row.envelope or {}).get("verdicts", {})
    for code, verdict in stored.items():
        rule_set = JURISDICTIONS.get(code)
        if rule_set is None:
            notes.append(f"assessment {row.assessment_id} version {row.n}: jurisdiction {code} is no longer installed")
            continue
        if verdict.get("ruleset") != rule_set.version:
            notes.append(f"assessment {row.assessment_id} version {row.n}: rule set changed since "
                         f"({code}: recorded {verdict.get('ruleset')}, installed {rule_set.version}); "
                         "see `atmpnav assessments rerun`")
            continue
        try:
            now = classify(ProductFacts.model_validate(facts_json), (code,), verdict.get("as_of") or row.as_of)
        except Exception as exc:  # a stored input the installed rules reject is itself a finding
            problems.append(f"assessment {row.assessment_id} version {row.n}: re-running {code} failed ({exc})")
            continue
        fresh = now.verdicts[code]
        same = (fresh.outcome == verdict.get("outcome") and fresh.likely_outcome == verdict.get("likely_outcome")
                and bool(fresh.combined) == bool(verdict.get("combined")))
        if not same:
            problems.append(
                f"assessment {row.assessment_id} version {row.n}: stored verdict {code} {verdict.get('outcome')!r} "
                f"is not what rule set {rule_set.version} gives ({fresh.outcome!r})")
    return problems, notes


def require_key() -> None:
    """Verification needs the existing key: a new one would make every record look forged."""
    path = keys.key_path()
    if not path.exists():
        raise StorageError(f"the chain key {path} is missing: restore it from its backup (or point "
                           f"{keys.ENV_KEY_FILE} at it) before verifying")


def verify_all(engine: Engine, *, rerun: bool = True) -> FullReport:
    """Everything in the module doc, over the whole database."""
    require_key()
    missing = missing_triggers(engine)

    def work(session: Session) -> FullReport:
        problems: list[str] = [f"database trigger missing or disabled: {name}" for name in missing]
        notes: list[str] = []
        chain_problems, last, events = audit.verify_chain(session)
        problems.extend(chain_problems)
        problems.extend(anchors.check(events))
        legacy_versions, legacy_heads = _legacy(events)
        by_version = _version_events(events)
        created = {e.assessment_id for e in events if e.action == "assessment.created"}
        heads = {h.id: h for h in session.scalars(select(Assessment))}
        all_rows = list(session.scalars(select(AssessmentVersion).order_by(AssessmentVersion.assessment_id,
                                                                          AssessmentVersion.n)))
        grouped: dict[int, list[AssessmentVersion]] = {}
        for row in all_rows:
            grouped.setdefault(row.assessment_id, []).append(row)
        for aid in sorted(created | set(by_version) - set(heads)):
            if aid not in heads:
                problems.append(f"assessment {aid}: in the audit trail but missing from the database (deleted)")
        for aid, head in sorted(heads.items()):
            if head.mac is None:
                if aid not in legacy_heads:
                    problems.append(f"assessment {aid}: has no keyed hash and was not there when records were keyed")
            elif not keys.mac_ok(HEAD_KIND, head_content(head), head.mac):
                problems.append(f"assessment {aid}: its record does not match its keyed hash (altered)")
            elif aid not in created:
                problems.append(f"assessment {aid}: no audit event records its creation (inserted outside the app)")
            rows = grouped.get(aid, [])
            known = by_version.get(aid, {})
            _, found = _check_versions(aid, rows, known, max(known, default=0), legacy_versions.get(aid, set()))
            problems.extend(f"assessment {aid} {p}" for p in found)
            if not rows:
                problems.append(f"assessment {aid}: has no versions")
        for aid in set(grouped) - set(heads):
            problems.append(f"assessment {aid}: versions stored without their assessment record")
        hashes = {aid: {r.n: r.hash for r in rows} for aid, rows in grouped.items()}
        problems.extend(_check_signatures(session, hashes, events))
        if rerun:
            for row in all_rows:
                found_problems, found_notes = _rerun(row)
                problems.extend(found_problems)
                notes.extend(found_notes)
        signatures = len(list(session.scalars(select(Signature.id))))
        return FullReport(
            ok=not problems, assessments=len(heads), versions=len(all_rows), signatures=signatures,
            events=len(events), problems=problems, notes=notes, missing_triggers=missing,
            last_event={"seq": last.seq, "mac": last.mac} if last else None,
            anchor_file=str(anchors.anchor_path()),
        )

    return db.read(engine, work)


# --------------------------------------------------------------------------- PostgreSQL app role

#: Tables the application may also change (accounts and sessions are not records; every change to
#: them is an audit event).
MUTABLE_TABLES = ("app_user", "api_token", "web_session")


def app_role_grants(role: str, schema: str = "public") -> list[str]:
    """SQL that lets ``role`` run the app on PostgreSQL with INSERT and SELECT only on the records.

    Run it as the owner role (the one that runs the migrations). The app role owns nothing, so it
    cannot drop or disable the triggers, and UPDATE, DELETE and TRUNCATE on the record tables are
    refused by the privileges before the triggers are even reached.
    """
    quoted_role = '"' + role.replace('"', '""') + '"'
    quoted_schema = '"' + schema.replace('"', '""') + '"'
    records = ", ".join(f"{quoted_schema}.{t}" for t in APPEND_ONLY_TABLES)
    mutable = ", ".join(f"{quoted_schema}.{t}" for t in MUTABLE_TABLES)
    return [
        f"GRANT USAGE ON SCHEMA {quoted_schema} TO {quoted_role}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA {quoted_schema} TO {quoted_role}",
        f"GRANT INSERT ON {records} TO {quoted_role}",
        f"GRANT INSERT, UPDATE, DELETE ON {mutable} TO {quoted_role}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {quoted_schema} TO {quoted_role}",
    ]
