"""Accounts and roles: argon2 password hashes (argon2-cffi), personal API tokens hashed at rest, and
the lockout after repeated failed logins. Every change is an audit event.

Roles, each including the ones before it: ``viewer`` (reads saved assessments), ``author`` (saves
and edits them, signs as author), ``reviewer`` (signs as reviewer), ``approver`` (approves),
``admin`` (users, audit trail, everything). Separation of duties is enforced where it matters: the
author of a version can neither review nor approve it (:mod:`atmpnav.records.signatures`).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from atmpnav.errors import AtmpnavError, ConflictError, InputError, UnknownNameError
from atmpnav.orm import Base
from atmpnav.records import audit, db

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

ROLES = ("viewer", "author", "reviewer", "approver", "admin")
RANK = {role: i for i, role in enumerate(ROLES)}
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
PASSWORD_MIN = 12
PASSWORD_MAX = 1024
FULL_NAME_MAX = 200
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
TOKEN_PREFIX = "atmp_"


class AuthError(AtmpnavError):
    """Not logged in, or the credentials are wrong (the message never says which part was wrong)."""

    exit_code = 2
    http_status = 401
    code = "unauthorized"


class ForbiddenError(AtmpnavError):
    """Logged in, but the role does not allow this."""

    exit_code = 2
    http_status = 403
    code = "forbidden"

    def __init__(self, message: str, needed: str | None = None) -> None:
        super().__init__(message)
        self.needed = needed

    def details(self) -> dict[str, Any]:
        return {"needed_role": self.needed} if self.needed else {}


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(FULL_NAME_MAX))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApiToken(Base):
    """A personal API token: only its SHA-256 is stored (the token is 256 random bits, shown once)."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WebSession(Base):
    """A browser session: only the SHA-256 of the cookie value is stored."""

    __tablename__ = "web_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    full_name: str
    role: str
    active: bool
    locked: bool
    created_at: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def can(self, role: str) -> bool:
        return self.active and RANK[self.role] >= RANK[role]


def _info(row: User) -> UserInfo:
    locked = row.locked_until is not None and db.utc(row.locked_until) > db.now()
    return UserInfo(row.id, row.username, row.full_name, row.role, bool(row.active), locked,
                    db.timestamp(row.created_at))


# --------------------------------------------------------------------------- passwords


ENV_ARGON2_MEMORY = "ATMPNAV_ARGON2_MEMORY_KIB"
ENV_ARGON2_TIME = "ATMPNAV_ARGON2_TIME_COST"


def _hasher() -> Any:
    """argon2id with RFC 9106's low-memory profile (t=3, m=64 MiB) unless the environment lowers it
    (the test suite does, to keep its run short; never below t=1, m=8 MiB). Verification always
    uses the parameters stored in the hash."""
    import os

    from argon2 import PasswordHasher

    try:
        memory = max(8192, int(os.environ.get(ENV_ARGON2_MEMORY, "65536")))
        rounds = max(1, int(os.environ.get(ENV_ARGON2_TIME, "3")))
    except ValueError:
        memory, rounds = 65536, 3
    return PasswordHasher(time_cost=rounds, memory_cost=memory)


def hash_password(password: str) -> str:
    return str(_hasher().hash(password))


def check_password_strength(password: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise InputError(f"password: at least {PASSWORD_MIN} characters")
    if len(password) > PASSWORD_MAX:
        raise InputError(f"password: at most {PASSWORD_MAX} characters")
    if len(set(password)) < 5:
        raise InputError("password: too few different characters")


def _password_matches(stored: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(stored, password))
    except (VerificationError, InvalidHashError):
        return False


# A hash to verify against when the user does not exist, so that timing does not tell.
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
    return _DUMMY_HASH


# --------------------------------------------------------------------------- administration


def clean_username(username: str) -> str:
    cleaned = username.strip().lower()
    if not USERNAME_RE.match(cleaned):
        raise InputError("username: 2-64 characters, lower-case letters, digits, '.', '_' or '-', "
                         "starting with a letter or digit")
    return cleaned


def _role(role: str) -> str:
    if role not in RANK:
        raise InputError(f"role {role!r}: expected one of {', '.join(ROLES)}")
    return role


def _get(session: Session, username: str) -> User:
    row = session.scalar(select(User).where(User.username == username.strip().lower()))
    if row is None:
        raise UnknownNameError("user", username)
    return row


def count_users(engine: Engine) -> int:
    from sqlalchemy import func

    return db.read(engine, lambda s: int(s.scalar(select(func.count()).select_from(User)) or 0))


def add_user(engine: Engine, username: str, password: str, *, role: str = "viewer", full_name: str = "",
             actor: str | None = None) -> UserInfo:
    name = clean_username(username)
    _role(role)
    check_password_strength(password)
    full = " ".join(full_name.split()) or name
    if len(full) > FULL_NAME_MAX:
        raise InputError(f"full name: at most {FULL_NAME_MAX} characters")
    hashed = hash_password(password)

    def work(session: Session) -> UserInfo:
        if session.scalar(select(User).where(User.username == name)) is not None:
            raise ConflictError(f"user {name!r} exists already")
        moment = db.now()
        row = User(username=name, full_name=full, role=role, password_hash=hashed, active=True, failed_logins=0,
                   created_at=moment, password_changed_at=moment)
        session.add(row)
        session.flush()
        audit.append(session, "user.added", actor=actor, details={"user": name, "role": role, "full_name": full})
        return _info(row)

    return db.write(engine, work)


def list_users(engine: Engine) -> list[UserInfo]:
    return db.read(engine, lambda s: [_info(r) for r in s.scalars(select(User).order_by(User.username))])


def get_user(engine: Engine, username: str) -> UserInfo:
    return db.read(engine, lambda s: _info(_get(s, username)))


def set_role(engine: Engine, username: str, role: str, *, actor: str | None = None) -> UserInfo:
    _role(role)

    def work(session: Session) -> UserInfo:
        row = _get(session, username)
        before = row.role
        row.role = role
        audit.append(session, "user.role_changed", actor=actor, details={"user": row.username, "from": before,
                                                                         "to": role})
        return _info(row)

    return db.write(engine, work)


def set_active(engine: Engine, username: str, active: bool, *, actor: str | None = None) -> UserInfo:
    def work(session: Session) -> UserInfo:
        row = _get(session, username)
        row.active = active
        if not active:
            session.query(WebSession).filter(WebSession.user_id == row.id).delete()
        audit.append(session, "user.enabled" if active else "user.disabled", actor=actor,
                     details={"user": row.username})
        return _info(row)

    return db.write(engine, work)


def reset_password(engine: Engine, username: str, password: str, *, actor: str | None = None) -> UserInfo:
    check_password_strength(password)
    hashed = hash_password(password)

    def work(session: Session) -> UserInfo:
        row = _get(session, username)
        row.password_hash = hashed
        row.password_changed_at = db.now()
        row.failed_logins = 0
        row.locked_until = None
        session.query(WebSession).filter(WebSession.user_id == row.id).delete()
        audit.append(session, "user.password_reset", actor=actor, details={"user": row.username})
        return _info(row)

    return db.write(engine, work)


# --------------------------------------------------------------------------- authentication


def authenticate(engine: Engine, username: str, password: str, *, purpose: str = "login",
                 source: str | None = None) -> UserInfo:
    """The user whose password this is, or :class:`AuthError`. Failures are counted; after
    :data:`MAX_FAILURES` in a row the account is locked for :data:`LOCKOUT`. Every attempt is audited."""
    name = username.strip().lower()[:64]
    if len(password) > PASSWORD_MAX:
        password = password[:PASSWORD_MAX]
    row = db.read(engine, lambda s: s.scalar(select(User).where(User.username == name)))
    stored = row.password_hash if row is not None else _dummy_hash()
    matches = _password_matches(stored, password)

    def work(session: Session) -> UserInfo | str:
        # Returns the failure message instead of raising, so that the failure's audit event commits.
        found = session.scalar(select(User).where(User.username == name))
        details = {"user": name, "purpose": purpose, "source": source}
        if found is None:
            audit.append(session, "user.login_failed", actor=None, details={**details, "why": "unknown user"})
            return "wrong user name or password"
        locked = found.locked_until is not None and db.utc(found.locked_until) > db.now()
        if locked or not found.active:
            why = "locked" if locked else "disabled"
            audit.append(session, "user.login_failed", actor=None, details={**details, "why": why})
            return "wrong user name or password, or the account is locked or disabled"
        if not matches:
            found.failed_logins = (found.failed_logins or 0) + 1
            audit.append(session, "user.login_failed", actor=None,
                         details={**details, "why": "wrong password", "failures": found.failed_logins})
            if found.failed_logins >= MAX_FAILURES:
                found.locked_until = db.now() + LOCKOUT
                found.failed_logins = 0
                audit.append(session, "user.locked", actor=None,
                             details={"user": name, "minutes": int(LOCKOUT.total_seconds() // 60)})
            return "wrong user name or password"
        found.failed_logins = 0
        found.locked_until = None
        if purpose == "login":
            audit.append(session, "user.login", actor=name, details={"source": source})
        return _info(found)

    outcome = db.write(engine, work)
    if isinstance(outcome, str):
        raise AuthError(outcome)
    return outcome


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def start_session(engine: Engine, user: UserInfo) -> str:
    """A new session for ``user``: returns the cookie value (only its hash is stored)."""
    secret = secrets.token_urlsafe(32)

    def work(session: Session) -> None:
        moment = db.now()
        session.add(WebSession(id=_digest(secret), user_id=user.id, created_at=moment, last_seen_at=moment))

    db.write(engine, work)
    return secret


def session_user(engine: Engine, secret: str, *, idle: timedelta, absolute: timedelta) -> UserInfo | None:
    """The user of a live session, refreshing its idle timer; None (and the session ended) when expired."""
    if not secret or len(secret) > 200:
        return None
    ident = _digest(secret)

    def work(session: Session) -> UserInfo | None:
        found = session.get(WebSession, ident)
        if found is None:
            return None
        moment = db.now()
        if moment - db.utc(found.last_seen_at) > idle or moment - db.utc(found.created_at) > absolute:
            session.delete(found)
            return None
        user = session.get(User, found.user_id)
        if user is None or not user.active:
            session.delete(found)
            return None
        if moment - db.utc(found.last_seen_at) > timedelta(seconds=30):  # not a write on every request
            found.last_seen_at = moment
        return _info(user)

    return db.write(engine, work)


def end_session(engine: Engine, secret: str, username: str | None) -> None:
    def work(session: Session) -> None:
        found = session.get(WebSession, _digest(secret))
        if found is not None:
            session.delete(found)
            audit.append(session, "user.logout", actor=username)

    db.write(engine, work)


def create_token(engine: Engine, username: str, name: str, *, actor: str | None = None) -> str:
    """A new API token for ``username``; the value is returned once and stored only as a hash."""
    label = " ".join(name.split())[:100] or "token"
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)

    def work(session: Session) -> None:
        row = _get(session, username)
        session.add(ApiToken(user_id=row.id, name=label, token_hash=_digest(secret), created_at=db.now()))
        audit.append(session, "token.created", actor=actor or row.username, details={"user": row.username,
                                                                                     "name": label})

    db.write(engine, work)
    return secret


def revoke_tokens(engine: Engine, username: str, *, actor: str | None = None) -> int:
    def work(session: Session) -> int:
        row = _get(session, username)
        tokens = list(session.scalars(select(ApiToken).where(ApiToken.user_id == row.id,
                                                             ApiToken.revoked_at.is_(None))))
        for token in tokens:
            token.revoked_at = db.now()
        audit.append(session, "token.revoked", actor=actor, details={"user": row.username, "count": len(tokens)})
        return len(tokens)

    return db.write(engine, work)


def token_user(engine: Engine, secret: str) -> UserInfo | None:
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None

    def work(session: Session) -> UserInfo | None:
        token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
        if token is None or token.revoked_at is not None:
            return None
        user = session.get(User, token.user_id)
        return _info(user) if user is not None and user.active else None

    return db.read(engine, work)
