"""Storage: where the database lives, engines, migrations, `atmpnav info`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from atmpnav import store
from atmpnav.errors import StorageError
from atmpnav.orm import load_all_models


def test_database_url_defaults_to_sqlite_in_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(store.ENV_DATA_DIR, str(tmp_path / "d"))
    monkeypatch.delenv(store.ENV_DATABASE_URL, raising=False)
    assert store.data_dir() == tmp_path / "d"
    assert store.database_url() == f"sqlite:///{tmp_path / 'd' / 'atmpnav.db'}"


def test_data_dir_defaults_to_platform_user_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    from platformdirs import user_data_dir

    monkeypatch.delenv(store.ENV_DATA_DIR, raising=False)
    assert store.data_dir() == Path(user_data_dir("atmpnav", appauthor=False))


def test_database_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(store.ENV_DATABASE_URL, "postgresql+psycopg://u:secret@db.example:5432/x")
    assert store.database_url() == "postgresql+psycopg://u:secret@db.example:5432/x"
    assert store.mask_url(store.database_url()) == "postgresql+psycopg://u:***@db.example:5432/x"


def test_sqlite_created_on_first_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(store.ENV_DATA_DIR, str(tmp_path / "new" / "dir"))
    monkeypatch.delenv(store.ENV_DATABASE_URL, raising=False)
    store.dispose_engines()
    before = store.describe()
    assert before["exists"] is False and before["schema_revision"] is None
    assert not (tmp_path / "new").exists(), "describe() must not create anything"
    engine = store.get_engine()
    assert (tmp_path / "new" / "dir" / "atmpnav.db").is_file()
    assert store.get_engine() is engine
    after = store.describe()
    assert after["exists"] is True
    assert after["schema_revision"] == after["schema_head"] == store.head_revision()
    assert after["data_dir"] == str(tmp_path / "new" / "dir")
    assert after["backend"] == "sqlite"
    store.dispose_engines()


def test_describe_masks_password_and_reports_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(store.ENV_DATABASE_URL, "postgresql+psycopg://u:secret@127.0.0.1:1/nowhere?connect_timeout=2")
    info = store.describe()
    assert "secret" not in str(info)
    assert info["database_url"] == "postgresql+psycopg://u:***@127.0.0.1:1/nowhere?connect_timeout=2"
    assert "error" in info and "secret" not in info["error"]


def test_unreachable_database_is_a_storage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = store.make_engine("postgresql+psycopg://u:secret@127.0.0.1:1/nowhere?connect_timeout=2")
    with pytest.raises(StorageError) as caught:
        store.migrate(engine)
    assert "secret" not in caught.value.message
    assert caught.value.exit_code == 4


def test_invalid_url_is_a_storage_error() -> None:
    with pytest.raises(StorageError, match="invalid database URL"):
        store.make_engine("nonsense://")


def test_migrate_is_idempotent_and_matches_models(db) -> None:  # type: ignore[no-untyped-def]
    head = store.head_revision()
    assert store.current_revision(db.engine) == head
    assert store.migrate(db.engine) == head
    with db.engine.connect() as connection:
        drift = compare_metadata(MigrationContext.configure(connection), load_all_models())
    assert drift == [], f"migrations and ORM models disagree: {drift}"


def test_migrate_from_empty(make_db) -> None:  # type: ignore[no-untyped-def]
    database = make_db("sqlite", migrate=False)
    assert store.current_revision(database.engine) is None
    assert store.migrate(database.engine) == store.head_revision()
    assert database.count("registry_product") == 0


def test_registry_cli_import_is_cheap() -> None:
    code = (
        "import sys, atmpnav.registry.cli, atmpnav.store, atmpnav.registry;"
        "heavy = [m for m in ('sqlalchemy', 'matplotlib', 'openpyxl', 'alembic') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
