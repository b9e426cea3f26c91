"""Two server processes on one PostgreSQL database agree: sessions, tokens, saves, edits, the
conflict check, signatures and the audit chain live in the database, not in a process."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from atmpnav import store
from atmpnav.web.schemas import CAR_T_FACTS
from tests.web.conftest import TEST_PASSWORD, free_port, start_server, wait_until_up

pytestmark = pytest.mark.postgres


@pytest.fixture
def two_servers(tmp_path: Path) -> Iterator[tuple[str, str, str]]:
    from sqlalchemy.engine import make_url

    from atmpnav.records import integrity, keys, users

    base = os.environ.get("ATMPNAV_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("ATMPNAV_TEST_POSTGRES_URL is not set (run scripts/ci-postgres.sh)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = store.make_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)
    env = {store.ENV_DATA_DIR: str(tmp_path / "data"), store.ENV_DATABASE_URL: url,
           "ATMPNAV_KEY_FILE": str(tmp_path / "shared" / "chain.key")}
    previous = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    keys.forget_keys()
    integrity.forget_ready()
    engine = store.make_engine(url)
    store.migrate(engine)
    integrity.ensure_ready(engine)
    users.add_user(engine, "anna", TEST_PASSWORD, role="author", full_name="Anna Author")
    users.add_user(engine, "paul", TEST_PASSWORD, role="approver", full_name="Paul Approver")
    engine.dispose()
    processes: list[subprocess.Popen[bytes]] = []
    try:
        urls = []
        for name in ("a", "b"):
            port = free_port()
            log = tmp_path / f"server-{name}.log"
            processes.append(start_server(env, port, log))
            urls.append(f"http://127.0.0.1:{port}")
            wait_until_up(urls[-1], processes[-1], log)
        yield urls[0], urls[1], url
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        store.dispose_engines()
        keys.forget_keys()
        integrity.forget_ready()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def _login(base: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    client.get("/login")
    response = client.post("/login", data={"username": username, "password": TEST_PASSWORD,
                                           "csrftoken": client.cookies["csrftoken"]})
    assert response.status_code in (200, 303), response.text
    return client


def test_two_servers_agree(two_servers: tuple[str, str, str]) -> None:
    from atmpnav.records import integrity, users

    a, b, url = two_servers
    anna_a = _login(a, "anna")
    # The session made on A opens B (sessions are rows, the CSRF secret comes from the shared key).
    anna_b = httpx.Client(base_url=b, timeout=30, cookies=anna_a.cookies)
    assert anna_b.get("/api/v1/me").json()["username"] == "anna"
    engine = store.make_engine(url)
    try:
        token = users.create_token(engine, "anna", "two servers")
        bearer = {"Authorization": f"Bearer {token}"}
        created = httpx.post(f"{a}/api/v1/assessments", json={"title": "shared", "facts": CAR_T_FACTS},
                             headers=bearer, timeout=30)
        assert created.status_code == 201, created.text
        aid = created.json()["id"]
        assert httpx.get(f"{b}/api/v1/assessments/{aid}", headers=bearer).json()["title"] == "shared"
        # An edit on B, then a stale edit on A is refused.
        edited = httpx.put(f"{b}/api/v1/assessments/{aid}", json={"base_version": 1, "reason": "on B"},
                           headers=bearer, timeout=30)
        assert edited.status_code == 200
        stale = httpx.put(f"{a}/api/v1/assessments/{aid}", json={"base_version": 1, "reason": "on A"},
                          headers=bearer, timeout=30)
        assert stale.status_code == 409
        # The form on B, with the CSRF token A's page set, adds version 3.
        form = anna_b.post(f"/assessments/{aid}/edit", data={
            "base_version": "2", "kind": "facts", "facts": '{"for_human_administration": true}',
            "reason": "form on B", "csrftoken": anna_a.cookies["csrftoken"]}, headers={"accept": "text/html"})
        assert form.status_code in (200, 303), form.text[:300]
        # Author signs on A, approver on B.
        signed = httpx.post(f"{a}/api/v1/assessments/{aid}/versions/3/signatures",
                            json={"meaning": "authored", "password": TEST_PASSWORD}, headers=bearer, timeout=30)
        assert signed.status_code == 201, signed.text
        paul = {"Authorization": f"Bearer {users.create_token(engine, 'paul', 'two servers')}"}
        approved = httpx.post(f"{b}/api/v1/assessments/{aid}/versions/3/signatures",
                              json={"meaning": "approved", "password": TEST_PASSWORD}, headers=paul, timeout=30)
        assert approved.status_code == 201, approved.text
        assert httpx.get(f"{a}/api/v1/assessments/{aid}", headers=bearer).json()["state"] == "approved"
        report = integrity.verify_all(engine)
        assert report.ok, report.problems
        assert report.versions == 3 and report.signatures == 2
    finally:
        engine.dispose()
