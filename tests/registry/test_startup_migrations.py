"""Start-up: a process opening an up-to-date database skips Alembic; any other database is migrated."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from atmpnav import store


def test_packaged_head_read_from_the_scripts_equals_alembics_head() -> None:
    assert store.packaged_head() == store.head_revision()


def test_up_to_date_database_is_not_migrated_again(db, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    assert store.is_at_head(db.engine)

    def refuse(*_args: object, **_kwargs: object) -> str:
        raise AssertionError("migrate() ran on a database already at head")

    monkeypatch.setattr(store, "migrate", refuse)
    store.dispose_engines()
    engine = store.get_engine(db.url)
    assert store.current_revision(engine) == store.head_revision()


def test_database_behind_head_is_migrated(make_db) -> None:  # type: ignore[no-untyped-def]
    database = make_db("sqlite", migrate=False)
    first = store.packaged_head()
    assert first is not None
    store.migrate(database.engine, "0001_registry")
    assert not store.is_at_head(database.engine)
    store.dispose_engines()
    engine = store.get_engine(database.url)
    assert store.current_revision(engine) == store.head_revision()


def test_empty_or_odd_version_table_is_not_taken_for_head(make_db) -> None:  # type: ignore[no-untyped-def]
    database = make_db("sqlite", migrate=False)
    assert not store.is_at_head(database.engine)  # no alembic_version table at all
    store.migrate(database.engine)
    with database.engine.begin() as connection:
        connection.execute(text("INSERT INTO alembic_version (version_num) VALUES ('someone_elses_branch')"))
    assert not store.is_at_head(database.engine)  # two rows: let Alembic decide


def test_a_merge_or_branch_in_the_chain_falls_back_to_alembic(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "a.py").write_text('revision = "a"\ndown_revision = None\n')
    (versions / "b.py").write_text('revision: str = "b"\ndown_revision: str | None = "a"\n')
    monkeypatch.setattr(store, "MIGRATIONS_DIR", tmp_path)
    assert store.packaged_head() == "b"
    (versions / "c.py").write_text('revision = "c"\ndown_revision = ("a", "b")\n')
    assert store.packaged_head() is None
    (versions / "c.py").write_text('revision = "c"\ndown_revision = "a"\n')  # two heads
    assert store.packaged_head() is None


def test_opening_an_up_to_date_database_does_not_import_alembic(make_db) -> None:  # type: ignore[no-untyped-def]
    database = make_db("sqlite")
    code = (
        "import sys; from atmpnav import store; store.get_engine(sys.argv[1]);"
        "print('alembic' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code, database.url], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
