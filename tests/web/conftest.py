"""Fixtures for the web tests: the real app on a fresh SQLite database in a temporary directory
(never the user's data dir) with real user accounts (:class:`Site`, the one fixture factory: users
with roles, logged-in clients with a session and an API token), a live uvicorn server in a
subprocess on a free loopback port, and Debian's Chromium driven by Playwright (browser tests are
skipped when it is not installed)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
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


TEST_PASSWORD = "correct horse battery staple"
BROWSER_USER = "browser"


def _forms_client_class() -> type:
    from fastapi.testclient import TestClient

    class FormsClient(TestClient):  # type: ignore[misc]
        """A TestClient that submits forms as a browser does with the rendered page: with the CSRF
        token of its cookie (a page render sets it)."""

        user: Any = None
        token: str | None = None

        def post(self, url: str, *args: Any, **kwargs: Any) -> Any:
            data = kwargs.get("data")
            if isinstance(data, dict) and not str(url).startswith("/api/") and "csrftoken" not in data:
                if "csrftoken" not in self.cookies:
                    super().get("/login")
                kwargs["data"] = {**data, "csrftoken": self.cookies.get("csrftoken", "")}
            return super().post(url, *args, **kwargs)

    return FormsClient


@dataclass
class Site:
    """The real app on a real database, with user accounts made on demand.

    ``site.client("alice", "author")`` is a client logged in as alice (session cookie for the pages,
    a bearer token for the API); ``site.anonymous()`` is one without a login.
    """

    app: Any
    clients: list[Any] = field(default_factory=list)

    @property
    def engine(self) -> Any:
        return self.app.state.db.engine

    def user(self, username: str, role: str = "author", full_name: str = "") -> Any:
        from atmpnav.records import users

        try:
            return users.get_user(self.engine, username)
        except Exception:
            return users.add_user(self.engine, username, TEST_PASSWORD, role=role,
                                  full_name=full_name or username.title())

    def anonymous(self) -> Any:
        client = _forms_client_class()(self.app)
        client.__enter__()
        self.clients.append(client)
        return client

    def client(self, username: str = "alice", role: str = "author", *, token: bool = True) -> Any:
        from atmpnav.records import users

        user = self.user(username, role)
        client = self.anonymous()
        login(client, username)
        client.user = user
        if token:
            client.token = users.create_token(self.engine, username, "tests")
            client.headers["Authorization"] = f"Bearer {client.token}"
        return client

    def close(self) -> None:
        for client in self.clients:
            client.__exit__(None, None, None)


def login(client: Any, username: str, password: str = TEST_PASSWORD) -> Any:
    """Log in through the login form (as a browser would); returns the response."""
    client.get("/login")
    response = client.post("/login", data={"username": username, "password": password, "next": "/assessments"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return response


@pytest.fixture(scope="module")
def app(web_env: dict[str, str]) -> Any:
    from atmpnav.web.app import create_app

    return create_app(web_env[store.ENV_DATABASE_URL])


@pytest.fixture(scope="module")
def site(app: Any) -> Iterator[Site]:
    """The app with its database migrated (startup), ready to make users and logged-in clients."""
    made = Site(app)
    made.anonymous()  # runs the startup: migrations, registry seed, the audit trail
    try:
        yield made
    finally:
        made.close()


@pytest.fixture(scope="module")
def client(site: Site) -> Any:
    """A client logged in as ``alice`` (role author): pages by session cookie, API by bearer token."""
    return site.client("alice", "author")


@pytest.fixture
def fresh_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    """A site with its own empty database (and its own key and anchor file)."""
    from atmpnav.records import integrity, keys
    from atmpnav.web.app import create_app

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    monkeypatch.setenv(store.ENV_DATA_DIR, str(tmp_path / "data"))
    monkeypatch.setenv(store.ENV_DATABASE_URL, url)
    keys.forget_keys()
    integrity.forget_ready()
    made = Site(create_app(url))
    made.anonymous()
    try:
        yield made
    finally:
        made.close()
        store.dispose_engines()
        keys.forget_keys()
        integrity.forget_ready()


@pytest.fixture
def fresh_client(fresh_site: Site) -> Any:
    """A client logged in as ``alice`` (author) on an app with its own empty database."""
    return fresh_site.client("alice", "author")


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
    # A real account for the browser tests, made the way an administrator does.
    subprocess.run([sys.executable, "-m", "atmpnav.cli", "users", "add", BROWSER_USER, "--role", "author",
                    "--full-name", "Browser Tester", "--password-stdin"], input=TEST_PASSWORD + "\n", text=True,
                   env={**os.environ, **env}, check=True, capture_output=True)
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
