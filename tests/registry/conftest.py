"""One fixture factory for real databases: a fresh SQLite file under tmp_path, or a fresh schema
in the PostgreSQL server named by ATMPNAV_TEST_POSTGRES_URL (see scripts/ci-postgres.sh).

``db`` is parametrized over both backends; the PostgreSQL variant is skipped when the variable is
not set. Every database is migrated, isolated from the user's data dir (ATMPNAV_DATA_DIR points
into tmp_path) and, for the CLI, selected through ATMPNAV_DATABASE_URL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from atmpnav import store
from atmpnav.registry import seed as seed_module

POSTGRES_ENV = "ATMPNAV_TEST_POSTGRES_URL"
BACKENDS = ("sqlite", "postgres")
EMA_EXAMPLE = Path(str(seed_module.data_file(seed_module.EMA_EXAMPLE)))


@dataclass
class Database:
    backend: str
    url: str
    engine: Engine
    data_dir: Path

    def count(self, table: str) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


@pytest.fixture
def make_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Database]]:
    """Factory: ``make_db(backend="sqlite", migrate=True)`` -> a fresh, empty (unseeded) database
    whose URL is also set as ATMPNAV_DATABASE_URL for code that uses the default database."""
    cleanups: list[Callable[[], None]] = []
    data_dir = tmp_path / "atmpnav-data"
    monkeypatch.setenv(store.ENV_DATA_DIR, str(data_dir))
    monkeypatch.delenv(store.ENV_DATABASE_URL, raising=False)
    store.dispose_engines()

    def factory(backend: str = "sqlite", *, migrate: bool = True) -> Database:
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path / f'registry-{uuid.uuid4().hex[:8]}.db'}"
        elif backend == "postgres":
            base = os.environ.get(POSTGRES_ENV)
            if not base:
                pytest.skip(f"{POSTGRES_ENV} is not set (run scripts/ci-postgres.sh)")
            schema = f"t_{uuid.uuid4().hex[:12]}"
            admin = store.make_engine(base)
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
            url = url.render_as_string(hide_password=False)

            def drop(admin: Engine = admin, schema: str = schema) -> None:
                with admin.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                admin.dispose()

            cleanups.append(drop)
        else:  # pragma: no cover - misuse of the fixture
            raise ValueError(backend)
        engine = store.make_engine(url)
        cleanups.append(engine.dispose)
        if migrate:
            store.migrate(engine)
        monkeypatch.setenv(store.ENV_DATABASE_URL, url)
        return Database(backend=backend, url=url, engine=engine, data_dir=data_dir)

    yield factory
    store.dispose_engines()
    for cleanup in reversed(cleanups):
        cleanup()


@pytest.fixture(params=[BACKENDS[0], pytest.param(BACKENDS[1], marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, make_db: Callable[..., Database]) -> Database:
    """A fresh migrated database on each backend (PostgreSQL only when configured)."""
    return make_db(request.param)


@pytest.fixture
def ema_example() -> Path:
    return EMA_EXAMPLE
