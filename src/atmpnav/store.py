"""Database storage: where the database lives, engines and sessions, schema migrations.

Embedded SQLite by default (``atmpnav.db`` in the user data directory, or in
``$ATMPNAV_DATA_DIR``); any SQLAlchemy URL in ``$ATMPNAV_DATABASE_URL`` instead (PostgreSQL via
``postgresql+psycopg://…``). The schema is versioned with Alembic; the migration scripts live in
``atmpnav/migrations`` and run programmatically (no ``alembic.ini``) the first time a process
opens a database (:func:`get_engine`).

This module knows nothing about what the tables hold: every feature declares its ORM models on
:class:`atmpnav.orm.Base` and adds a migration to the single chain in
``atmpnav/migrations/versions``.

SQLAlchemy and Alembic are imported inside the functions so that importing this module (and the
CLI) stays cheap.
"""

from __future__ import annotations

import ast
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from atmpnav.errors import StorageError

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection, Engine
    from sqlalchemy.orm import Session

ENV_DATA_DIR = "ATMPNAV_DATA_DIR"
ENV_DATABASE_URL = "ATMPNAV_DATABASE_URL"
SQLITE_FILENAME = "atmpnav.db"
APP_NAME = "atmpnav"

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


# --------------------------------------------------------------------------- locations


def data_dir() -> Path:
    """The directory for the user's data: ``$ATMPNAV_DATA_DIR`` or the platform's user data dir."""
    override = os.environ.get(ENV_DATA_DIR, "").strip()
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def database_url() -> str:
    """``$ATMPNAV_DATABASE_URL`` if set, else the SQLite file ``atmpnav.db`` in :func:`data_dir`."""
    url = os.environ.get(ENV_DATABASE_URL, "").strip()
    if url:
        return url
    return f"sqlite:///{data_dir() / SQLITE_FILENAME}"


def mask_url(url: str) -> str:
    """The URL with its password replaced by ``***`` (for display and error messages)."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL: show nothing that could be a secret
        return url.split("://", 1)[0] + "://…" if "://" in url else "(unparsable database URL)"


def _sqlite_path(url: str) -> Path | None:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database)


# --------------------------------------------------------------------------- engines


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """A new engine for ``url`` (default :func:`database_url`); SQLite files get their directory
    created and foreign keys switched on. Does not migrate (see :func:`get_engine`)."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    url = url or database_url()
    try:
        sqlite_file = _sqlite_path(url)
        if sqlite_file is not None:
            try:
                sqlite_file.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageError(f"cannot create the data directory {sqlite_file.parent}: {exc}") from None
        # A server may drop idle connections (pre-ping finds out before use); an embedded SQLite file cannot, and a
        # ping per checkout would be one query more on every request.
        kwargs.setdefault("pool_pre_ping", sqlite_file is None and not url.startswith("sqlite"))
        engine = create_engine(url, **kwargs)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise StorageError(f"invalid database URL {mask_url(url)}: {exc}") from None
    except ModuleNotFoundError as exc:
        raise StorageError(
            f"database driver missing for {mask_url(url)} ({exc.name}); for PostgreSQL install atmpnav[postgres]"
        ) from None

    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    return engine


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for ``url`` (default :func:`database_url`), created on first use
    with its schema migrated to the newest revision."""
    url = url or database_url()
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = make_engine(url)
            if not is_at_head(engine):
                migrate(engine)
            _engines[url] = engine
        return engine


def dispose_engines() -> None:
    """Close and forget every cached engine (tests; after changing the environment)."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session in one transaction: committed on success, rolled back on any error.
    Database errors surface as :class:`StorageError`; a value too long for its column as :class:`InputError`."""
    from sqlalchemy.exc import DataError, OperationalError, SQLAlchemyError
    from sqlalchemy.orm import Session

    from atmpnav.errors import InputError

    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except OperationalError as exc:
        session.rollback()
        raise StorageError(f"database error ({mask_url(str(engine.url))}): {exc.orig or exc}") from None
    except DataError as exc:
        session.rollback()
        # A value that does not fit its column (e.g. a name over 200 characters on PostgreSQL): the input's fault.
        first_line = str(exc.orig or exc).splitlines()[0][:200]
        raise InputError(f"a value does not fit its field: {first_line}") from None
    except SQLAlchemyError:
        session.rollback()
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# --------------------------------------------------------------------------- migrations


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the packaged migration scripts (no ``alembic.ini``).

    Developers make a new revision with, for example::

        from alembic import command
        from atmpnav import store
        engine = store.make_engine("sqlite:///dev.db"); store.migrate(engine)
        with engine.connect() as c:
            command.revision(store.alembic_config(c), "add assessments", autogenerate=True)
    """
    from alembic.config import Config

    config = Config()
    config.set_main_option("path_separator", "os")
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision of the packaged migration chain."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise StorageError("no schema migrations found in the package")
    return head


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database (None when it has never been migrated)."""
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy.exc import OperationalError

    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except OperationalError as exc:
        raise StorageError(f"cannot open the database {mask_url(str(engine.url))}: {exc.orig or exc}") from None


def packaged_head() -> str | None:
    """The head of the packaged migration chain, read from the scripts' ``revision`` and
    ``down_revision`` assignments without importing Alembic (it costs more than the rest of a
    command's start-up). None when the chain is not one plain line (a merge, a branch, a value
    that is not a literal): callers then ask Alembic."""
    revisions: dict[str, str | None] = {}
    for script in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        values: dict[str, object] = {}
        for node in ast.parse(script.read_text(encoding="utf-8")).body:
            target = node.target if isinstance(node, ast.AnnAssign) else (
                node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None)
            if isinstance(target, ast.Name) and target.id in ("revision", "down_revision") and node.value:
                try:
                    values[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    return None
        revision, down = values.get("revision"), values.get("down_revision")
        if not isinstance(revision, str) or not (down is None or isinstance(down, str)):
            return None
        revisions[revision] = down
    heads = set(revisions) - {down for down in revisions.values() if down}
    return heads.pop() if len(heads) == 1 else None


def is_at_head(engine: Engine) -> bool:
    """Whether the database's stored revision (one row of ``alembic_version``) is the packaged
    head: one cheap query, so that a process opening an up-to-date database skips Alembic.
    Any doubt (no table yet, several rows, a chain Alembic must read) answers False."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    head = packaged_head()
    if head is None:
        return False
    try:
        with engine.connect() as connection:
            stored = [row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))]
    except SQLAlchemyError:
        return False
    return stored == [head]


def migrate(engine: Engine, revision: str = "head") -> str:
    """Upgrade the schema to ``revision`` (default: newest) and return the revision now stored.
    Safe to call on every start: a database already at head is left as it is."""
    from alembic import command
    from sqlalchemy.exc import OperationalError, ProgrammingError

    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), revision)
    except (OperationalError, ProgrammingError) as exc:
        raise StorageError(
            f"cannot migrate the database {mask_url(str(engine.url))}: {getattr(exc, 'orig', None) or exc}"
        ) from None
    revision_now = current_revision(engine)
    return revision_now or ""


# --------------------------------------------------------------------------- info


def describe() -> dict[str, Any]:
    """What ``atmpnav info`` shows about storage. Never creates the database; problems are
    reported in ``error`` rather than raised."""
    url = database_url()
    info: dict[str, Any] = {
        "data_dir": str(data_dir()),
        "database_url": mask_url(url),
        "backend": url.split(":", 1)[0].split("+", 1)[0],
        "schema_revision": None,
        "schema_head": None,
        "exists": None,
    }
    try:
        info["schema_head"] = head_revision()
        sqlite_file = _sqlite_path(url)
        if sqlite_file is not None:
            info["exists"] = sqlite_file.exists()
            if not info["exists"]:
                return info
        engine = make_engine(url)
        try:
            info["schema_revision"] = current_revision(engine)
            info["exists"] = True
        finally:
            engine.dispose()
    except StorageError as exc:
        info["error"] = exc.message
    return info
