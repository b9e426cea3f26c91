"""Electronic signatures and the workflow draft -> in_review -> approved -> superseded."""

from __future__ import annotations

from typing import Any

import pytest

from atmpnav.web.schemas import CAR_T_FACTS
from tests.web.conftest import TEST_PASSWORD

HTML = {"accept": "text/html"}


@pytest.fixture(scope="module")
def team(site: Any) -> dict[str, Any]:
    return {
        "author": site.client("anna", "author"),
        "reviewer": site.client("rita", "reviewer"),
        "approver": site.client("paul", "approver"),
        "other_approver": site.client("quinn", "approver"),
    }


def sign(client: Any, aid: int, n: int, meaning: str, password: str = TEST_PASSWORD) -> Any:
    return client.post(f"/api/v1/assessments/{aid}/versions/{n}/signatures",
                       json={"meaning": meaning, "password": password})


def new(team: dict[str, Any]) -> int:
    response = team["author"].post("/api/v1/assessments", json={"title": "Signed CAR-T", "facts": CAR_T_FACTS,
                                                                "product_name": "CART-19"})
    assert response.status_code == 201
    return int(response.json()["id"])


def state(client: Any, aid: int) -> str:
    return str(client.get(f"/api/v1/assessments/{aid}").json()["state"])


def test_the_whole_workflow(team: dict[str, Any]) -> None:
    aid = new(team)
    author, reviewer, approver = team["author"], team["reviewer"], team["approver"]
    assert state(author, aid) == "draft"
    assert sign(approver, aid, 1, "approved").status_code == 409  # a draft is not approved
    signed = sign(author, aid, 1, "authored")
    assert signed.status_code == 201, signed.text
    record = signed.json()
    assert record["signer"] == "anna" and record["meaning"] == "authored" and record["version"] == 1
    version_hash = author.get(f"/api/v1/assessments/{aid}").json()["latest"]["hash"]
    assert record["version_hash"] == version_hash and record["signed_at"].endswith("+00:00")
    assert state(author, aid) == "in_review"
    assert sign(reviewer, aid, 1, "reviewed").status_code == 201
    assert sign(approver, aid, 1, "approved").status_code == 201
    assert state(author, aid) == "approved"
    # Approved means no more signatures; an edit supersedes it with a new draft.
    assert sign(team["other_approver"], aid, 1, "approved").status_code == 409
    edited = author.put(f"/api/v1/assessments/{aid}", json={"base_version": 1, "reason": "new data"})
    assert edited.status_code == 200 and edited.json()["state"] == "draft"
    assert sign(approver, aid, 1, "approved").status_code == 409  # version 1 is superseded
    history = author.get(f"/api/v1/assessments/{aid}/signatures").json()
    assert [s["meaning"] for s in history] == ["authored", "reviewed", "approved"]
    page = author.get(f"/api/v1/assessments/{aid}/report.html", params={"version": 1}).text
    assert "Prepared by" in page and "Anna (anna)" in page and "Paul (paul)" in page and "Rita (rita)" in page
    export = author.get(f"/api/v1/assessments/{aid}/export.json").json()
    assert len(export["signatures"]) == 3 and export["chain"]["ok"]
    assert any(e["action"] == "signature.added" for e in export["audit_events"])


def test_the_author_cannot_approve_or_review(team: dict[str, Any], site: Any) -> None:
    both = site.client("bea", "approver")
    response = both.post("/api/v1/assessments", json={"title": "self", "facts": CAR_T_FACTS})
    aid = response.json()["id"]
    assert sign(both, aid, 1, "authored").status_code == 201
    refused = sign(both, aid, 1, "approved")
    assert refused.status_code == 403 and "another person" in refused.json()["error"]["message"]
    assert sign(both, aid, 1, "reviewed").status_code == 403


def test_signing_re_asks_the_password_and_checks_the_role(team: dict[str, Any]) -> None:
    aid = new(team)
    assert sign(team["author"], aid, 1, "authored", password="not my password").status_code == 401
    assert sign(team["reviewer"], aid, 1, "approved").status_code == 403  # a reviewer cannot approve
    assert sign(team["author"], aid, 1, "authored").status_code == 201
    assert sign(team["author"], aid, 1, "authored").status_code == 409  # once per meaning


def test_signing_on_the_page(site: Any, team: dict[str, Any]) -> None:
    aid = new(team)
    page_client = site.client("anna", "author", token=False)
    html = page_client.get(f"/assessments/{aid}", headers=HTML).text
    assert "Sign version 1 as" in html and 'name="password"' in html
    response = page_client.post(f"/assessments/{aid}/sign", data={"version": "1", "meaning": "authored",
                                                                 "password": TEST_PASSWORD},
                                headers=HTML, follow_redirects=False)
    assert response.status_code == 303
    html = page_client.get(f"/assessments/{aid}?signed=1", headers=HTML).text
    assert "in review" in html and "Anna" in html and "I am the author of this version" in html


def test_audit_trail_review(site: Any, team: dict[str, Any]) -> None:
    aid = new(team)
    admin = site.client("adam", "admin")
    events = admin.get("/api/v1/audit", params={"assessment": aid}).json()
    assert [e["action"] for e in reversed(events["items"])] == ["assessment.created", "version.added"]
    assert all(e["actor"] == "anna" for e in events["items"])
    logins = admin.get("/api/v1/audit", params={"action": "user.", "actor": "adam"}).json()
    assert any(e["action"] == "user.login" for e in logins["items"])
    page = admin.get("/audit", params={"assessment": str(aid)}, headers=HTML).text
    assert "version.added" in page and "anna" in page
    assert admin.get("/audit", params={"since": "2026-13-01"}, headers=HTML).status_code == 422
    imports = admin.get("/api/v1/audit", params={"action": "registry.imported"}).json()
    assert imports["total"] >= 1 and imports["items"][0]["details"]["kind"]
    config = admin.get("/api/v1/audit", params={"action": "config.changed"}).json()["items"][0]
    assert config["details"]["auth"] == "accounts"


def test_passwords_are_argon2id_hashes(site: Any) -> None:
    from sqlalchemy import select

    from atmpnav.records import db
    from atmpnav.records.users import User

    site.user("hashme", "viewer")
    stored = db.read(site.engine, lambda s: s.scalar(select(User.password_hash).where(User.username == "hashme")))
    assert stored.startswith("$argon2id$") and TEST_PASSWORD not in stored


def test_change_own_password_and_make_a_token(site: Any) -> None:
    from tests.web.conftest import login

    me = site.client("changer", "viewer", token=False)
    page = me.get("/account", headers=HTML).text
    assert "Change your password" in page and "Create a token" in page
    new_password = "a whole new passphrase"
    wrong = me.post("/account/password", data={"current": "nope", "new": new_password, "repeat": new_password},
                    headers=HTML)
    assert wrong.status_code == 401
    changed = me.post("/account/password", data={"current": TEST_PASSWORD, "new": new_password,
                                                 "repeat": new_password}, headers=HTML, follow_redirects=False)
    assert changed.status_code == 303
    assert me.get("/api/v1/me").status_code == 401  # the session ended
    login(me, "changer", new_password)
    made = me.post("/account/tokens", data={"name": "laptop", "password": new_password}, headers=HTML)
    assert made.status_code == 200
    import re

    token = re.search(r'id="new-token">(atmp_[^<]+)<', made.text).group(1)
    assert site.anonymous().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()["username"] \
        == "changer"
