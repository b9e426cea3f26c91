"""Fixtures for the web tests: the real app on a fresh SQLite database in a temporary directory
(never the user's data dir), a live uvicorn server in a subprocess on a free loopback port, and
Debian's Chromium driven by Playwright (browser tests are skipped when it is not installed)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from atmpnav import store

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "_artifacts"
LOOPBACK_PREFIXES = ("http://127.0.0.1:", "http://localhost:", "data:", "about:", "blob:")


@pytest.fixture(scope="module")
def web_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """ATMPNAV_DATA_DIR / ATMPNAV_DATABASE_URL pointing into a temporary directory (per test module)."""
    root = tmp_path_factory.mktemp("web")
    values = {
        store.ENV_DATA_DIR: str(root / "data"),
        store.ENV_DATABASE_URL: f"sqlite:///{root / 'atmpnav-web.db'}",
    }
    with pytest.MonkeyPatch.context() as patch:
        for key, value in values.items():
            patch.setenv(key, value)
        yield values
    store.dispose_engines()


@pytest.fixture(scope="module")
def app(web_env: dict[str, str]) -> Any:
    from atmpnav.web.app import create_app

    return create_app(web_env[store.ENV_DATABASE_URL])


@pytest.fixture(scope="module")
def client(app: Any) -> Iterator[Any]:
    """A TestClient on the real app (startup migrates the database and seeds the registry)."""
    from fastapi.testclient import TestClient

    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def fresh_client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A TestClient on an app with its own empty database."""
    from fastapi.testclient import TestClient

    from atmpnav.web.app import create_app

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    monkeypatch.setenv(store.ENV_DATA_DIR, str(tmp_path / "data"))
    monkeypatch.setenv(store.ENV_DATABASE_URL, url)
    with TestClient(create_app(url)) as test_client:
        yield test_client
    store.dispose_engines()


# --------------------------------------------------------------------------- live server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """``atmpnav.web.serve`` in a subprocess (what ``atmpnav serve`` runs)."""
    code = f"from atmpnav.web.app import serve; serve('127.0.0.1', {port}, access_log=False)"
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "-c", code], env={**os.environ, **env}, stdout=out,
                                stderr=subprocess.STDOUT)


def wait_until_up(base_url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer within {timeout:.0f} s:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the real server (uvicorn) on a free port, with its own fresh database."""
    root = tmp_path_factory.mktemp("live")
    env = {
        store.ENV_DATA_DIR: str(root / "data"),
        store.ENV_DATABASE_URL: f"sqlite:///{root / 'atmpnav-live.db'}",
    }
    port = free_port()
    log = root / "server.log"
    process = start_server(env, port, log)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base_url, process, log)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (scripts/ci-browser.sh installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


class OffsiteRequests(list[str]):
    """Requests a page tried to make to anywhere but the test server (they are blocked)."""


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    """A fresh desktop-sized page; any request off the loopback server is blocked and recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server)
    offsite = OffsiteRequests()

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith(LOOPBACK_PREFIXES):
            route.continue_()
        else:
            offsite.append(url)
            route.abort()

    context.route("**/*", guard)
    new_page = context.new_page()
    new_page.offsite = offsite
    new_page.set_default_timeout(15_000)
    try:
        yield new_page
    finally:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
