"""`atmpnav serve`: one worker per core by default, --workers and ATMPNAV_WEB_WORKERS to choose,
httptools/uvloop when installed."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from atmpnav.cli import app
from atmpnav.errors import InputError
from atmpnav.web import app as web_app


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch, tmp_path) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """uvicorn.run replaced by a recorder (the database is a fresh one in tmp_path)."""
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **kwargs: calls.append({"target": target, **kwargs}))
    monkeypatch.setenv("ATMPNAV_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("ATMPNAV_DATABASE_URL", raising=False)
    monkeypatch.delenv(web_app.ENV_WORKERS, raising=False)
    return calls


def test_default_is_one_worker_per_usable_core(started: list[dict[str, Any]],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1, 2})
    assert web_app.default_workers() == 3
    web_app.serve("127.0.0.1", 8123)
    assert started[0]["workers"] == 3
    assert started[0]["target"] == "atmpnav.web.app:create_served_app" and started[0]["factory"] is True


def test_one_core_runs_in_process(started: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0})
    web_app.serve("127.0.0.1", 8123)
    assert "workers" not in started[0] and not isinstance(started[0]["target"], str)


def test_environment_and_option_choose(started: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(web_app.ENV_WORKERS, "2")
    assert web_app.default_workers() == 2
    result = CliRunner().invoke(app, ["serve", "--port", "8123", "--workers", "4"])
    assert result.exit_code == 0, result.output
    assert started[-1]["workers"] == 4
    monkeypatch.setenv(web_app.ENV_WORKERS, "many")
    with pytest.raises(InputError, match="ATMPNAV_WEB_WORKERS must be a whole number"):
        web_app.default_workers()


def test_zero_workers_is_refused(started: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(app, ["serve", "--workers", "0"])
    assert result.exit_code == 2
    assert started == []


def test_uvicorn_standard_is_installed_so_httptools_and_uvloop_are_used() -> None:
    assert importlib.util.find_spec("httptools") is not None
    assert importlib.util.find_spec("uvloop") is not None
    from uvicorn.protocols.http.auto import AutoHTTPProtocol
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    assert AutoHTTPProtocol is HttpToolsProtocol


def test_served_app_freezes_what_its_start_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What `serve` runs moves the objects of its start out of the garbage collector's scans (gc.freeze);
    an app built by create_app alone (a test, an embedding program) leaves the collector as it was."""
    import gc

    from starlette.testclient import TestClient

    monkeypatch.setenv("ATMPNAV_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ATMPNAV_DATABASE_URL", f"sqlite:///{tmp_path / 'served.db'}")
    gc.unfreeze()
    try:
        with TestClient(web_app.create_app()) as plain:
            assert plain.get("/healthz").status_code == 200
        assert gc.get_freeze_count() == 0
        with TestClient(web_app.create_served_app()) as served:
            assert gc.get_freeze_count() > 0
            assert served.get("/healthz").status_code == 200
    finally:
        gc.unfreeze()  # the rest of the test run collects as before
