"""Transactions for the record tables: one retry loop for writers that race for the next number.

Appending to a chain (the next audit event, the next version) reads the last number and inserts the
next; two writers doing that at once collide on a unique key (PostgreSQL) or on SQLite's write lock.
:func:`write` reruns the whole unit of work then, so every check inside it (is the edit based on the
latest version?) is made again on what is now stored.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

from atmpnav.errors import StorageError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

T = TypeVar("T")
ATTEMPTS = 30


def utc(moment: datetime) -> datetime:
    """SQLite returns naive timestamps; they were written in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def timestamp(moment: datetime) -> str:
    return utc(moment).isoformat(timespec="microseconds")


def now() -> datetime:
    """Server time in UTC, to the microsecond that the database keeps."""
    return datetime.now(UTC)


def _retryable(exc: Exception) -> bool:
    from sqlalchemy.exc import IntegrityError, OperationalError

    if isinstance(exc, IntegrityError):
        # Only a lost race (a unique key taken meanwhile) goes away by trying again.
        message = str(exc.orig or exc).lower()
        return "unique" in message or "duplicate" in message
    return isinstance(exc, OperationalError) and "locked" in str(exc.orig or exc).lower()


def write(engine: Engine, work: Callable[[Session], T]) -> T:
    """Run ``work(session)`` in one transaction, committed on success; rerun it when it lost a race."""
    from sqlalchemy.exc import DataError, IntegrityError, OperationalError, SQLAlchemyError
    from sqlalchemy.orm import Session

    from atmpnav.errors import InputError
    from atmpnav.store import mask_url

    last: Exception | None = None
    for attempt in range(ATTEMPTS):
        session = Session(engine, expire_on_commit=False)
        try:
            result = work(session)
            session.commit()
            return result
        except (IntegrityError, OperationalError) as exc:
            session.rollback()
            if not _retryable(exc):
                raise StorageError(f"database error ({mask_url(str(engine.url))}): {exc.orig or exc}") from None
            last = exc
        except DataError as exc:
            session.rollback()
            # e.g. a value longer than its column on PostgreSQL: the caller's input, not our storage.
            raise InputError(f"a value does not fit its field: {str(exc.orig or exc).splitlines()[0][:200]}") from None
        except SQLAlchemyError:
            session.rollback()
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
        time.sleep(min(0.2, 0.005 * (attempt + 1)) * random.random())
    raise StorageError(f"the database stayed busy; try again ({type(last).__name__})")


def read(engine: Engine, work: Callable[[Session], T]) -> T:
    from atmpnav.store import session_scope

    with session_scope(engine) as session:
        return work(session)
