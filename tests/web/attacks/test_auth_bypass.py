"""Authentication and roles: every records route refuses an anonymous caller and a too small role."""

from __future__ import annotations

import re
from typing import Any

import pytest

from atmpnav.web.schemas import CAR_T_FACTS

RECORD_PREFIXES = ("/api/v1/assessments", "/api/v1/audit", "/api/v1/me", "/assessments", "/audit", "/account")
OPEN = {("GET", "/login"), ("POST", "/login"), ("POST", "/logout")}


def record_routes(app: Any) -> list[tuple[str, str]]:
    from atmpnav.web import documents_api, gmp_api, gmp_pages, records_api, records_pages

    found = []
    routers = [records_api, records_pages, gmp_api, gmp_pages, documents_api]
    for route in [r for module in routers for r in module.router.routes]:
        path = getattr(route, "path", "")
        if path.startswith(RECORD_PREFIXES):
            for method in sorted(getattr(route, "methods", ()) - {"HEAD"}):
                found.append((method, path))
    return found


def concrete(path: str, aid: int) -> str:
    return re.sub(r"\{kind\}", "report", re.sub(r"\{n\}", "1", re.sub(r"\{assessment_id\}", str(aid), path)))


@pytest.fixture(scope="module")
def aid(client: Any) -> int:
    return int(client.post("/api/v1/assessments", json={"title": "guarded", "facts": CAR_T_FACTS}).json()["id"])


def test_there_are_record_routes_to_check(app: Any) -> None:
    assert len(record_routes(app)) >= 20


def test_anonymous_callers_get_nothing(site: Any, app: Any, aid: int) -> None:
    anonymous = site.anonymous()
    for method, path in record_routes(app):
        url = concrete(path, aid)
        response = anonymous.request(method, url, headers={"accept": "application/json"},
                                     data={"csrftoken": anonymous.cookies.get("csrftoken", "")}
                                     if method == "POST" and not url.startswith("/api/") else None)
        assert response.status_code in (401, 403), (method, url, response.status_code)
        assert "GTMP" not in response.text and "guarded" not in response.text, (method, url)


def test_pages_send_an_anonymous_browser_to_the_login(site: Any, aid: int) -> None:
    response = site.anonymous().get(f"/assessments/{aid}", headers={"accept": "text/html"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/login?next=%2Fassessments%2F{aid}"


def test_a_wrong_or_revoked_token_is_refused(site: Any, aid: int) -> None:
    from atmpnav.records import users

    anonymous = site.anonymous()
    anonymous.headers["Authorization"] = "Bearer atmp_not-a-token"
    assert anonymous.get(f"/api/v1/assessments/{aid}").status_code == 401
    holder = site.client("tokenholder", "viewer")
    assert holder.get(f"/api/v1/assessments/{aid}").status_code == 200
    users.revoke_tokens(site.engine, "tokenholder")
    assert holder.get(f"/api/v1/assessments/{aid}").status_code == 401


def test_a_viewer_reads_but_cannot_change(site: Any, aid: int) -> None:
    viewer = site.client("vera", "viewer")
    assert viewer.get(f"/api/v1/assessments/{aid}").status_code == 200
    assert viewer.post("/api/v1/assessments", json={"title": "x", "facts": CAR_T_FACTS}).status_code == 403
    assert viewer.put(f"/api/v1/assessments/{aid}", json={"base_version": 1, "reason": "r"}).status_code == 403
    assert viewer.get("/api/v1/audit").status_code == 403
    assert viewer.get("/api/v1/assessments/verify").status_code == 403
    page = viewer.get(f"/assessments/{aid}", headers={"accept": "text/html"}).text
    assert "Edit as new version" not in page


def test_a_disabled_user_loses_access_at_once(site: Any, aid: int) -> None:
    from atmpnav.records import users

    gone = site.client("leaver", "author")
    assert gone.get(f"/assessments/{aid}", headers={"accept": "text/html"}).status_code == 200
    users.set_active(site.engine, "leaver", False)
    assert gone.get(f"/api/v1/assessments/{aid}").status_code == 401
    assert gone.get(f"/assessments/{aid}", headers={"accept": "text/html"}, follow_redirects=False).status_code == 303


def test_classification_pages_stay_open_without_login(site: Any) -> None:
    anonymous = site.anonymous()
    for path in ("/", "/classify", "/describe", "/registry", "/categories", "/rules/EU-G2", "/docs"):
        assert anonymous.get(path, headers={"accept": "text/html"}).status_code == 200, path
    assert anonymous.post("/api/v1/classify", json={"facts": CAR_T_FACTS}).status_code == 200


def test_lockout_after_repeated_failures(site: Any) -> None:
    from atmpnav.records import audit, users

    site.user("victim", "viewer")
    anonymous = site.anonymous()
    anonymous.get("/login")
    for _ in range(users.MAX_FAILURES):
        response = anonymous.post("/login", data={"username": "victim", "password": "wrong password!!"})
        assert response.status_code == 401
    assert users.get_user(site.engine, "victim").locked
    from tests.web.conftest import TEST_PASSWORD

    refused = anonymous.post("/login", data={"username": "victim", "password": TEST_PASSWORD})
    assert refused.status_code == 401  # the right password does not open a locked account
    _, failed = audit.events(site.engine, action="user.login_failed", actor=None, limit=1000)
    assert sum(1 for e in failed if e.details.get("user") == "victim") == users.MAX_FAILURES + 1
    assert audit.events(site.engine, action="user.locked")[0] >= 1


def test_idle_sessions_expire(site: Any, monkeypatch: pytest.MonkeyPatch, aid: int) -> None:
    from datetime import timedelta

    from atmpnav.records import db

    user = site.client("idler", "viewer", token=False)
    assert user.get(f"/api/v1/assessments/{aid}").status_code == 200
    later = db.now() + site.app.state.auth.idle + timedelta(minutes=1)
    monkeypatch.setattr(db, "now", lambda: later)
    assert user.get(f"/api/v1/assessments/{aid}").status_code == 401


def test_session_cookie_flags(site: Any) -> None:
    from tests.web.conftest import TEST_PASSWORD

    site.user("flags", "viewer")
    anonymous = site.anonymous()
    anonymous.get("/login")
    response = anonymous.post("/login", data={"username": "flags", "password": TEST_PASSWORD}, follow_redirects=False)
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    tls = site.anonymous()
    tls.base_url = "https://testserver"
    tls.get("/login")
    response = tls.post("/login", data={"username": "flags", "password": TEST_PASSWORD}, follow_redirects=False)
    assert "Secure" in response.headers["set-cookie"]


def test_single_user_mode_is_explicit_and_shown(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    from atmpnav import store
    from atmpnav.records import keys
    from atmpnav.web.app import create_app

    monkeypatch.setenv("ATMPNAV_AUTH", "none")
    monkeypatch.setenv(store.ENV_DATA_DIR, str(tmp_path / "data"))
    keys.forget_keys()
    url = f"sqlite:///{tmp_path / 'single.db'}"
    try:
        with TestClient(create_app(url)) as single:
            created = single.post("/api/v1/assessments", json={"title": "laptop", "facts": CAR_T_FACTS})
            assert created.status_code == 201 and created.json()["latest"]["actor"] == "local"
            page = single.get("/assessments", headers={"accept": "text/html"}).text
            assert "Single-user mode" in page
            sign = single.post(f"/api/v1/assessments/{created.json()['id']}/versions/1/signatures",
                               json={"meaning": "authored", "password": "x"})
            assert sign.status_code == 403
    finally:
        store.dispose_engines()
        keys.forget_keys()
