"""Host header attacks: DNS rebinding and redirects built from the Host header."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.parametrize("host", ["attacker.example", "evil.example:8000", "127.0.0.1.nip.io", ""])
def test_other_hosts_are_refused(client: Any, host: str) -> None:
    response = client.get("/assessments", headers={"host": host})
    assert response.status_code == 400
    assert client.get("/api/v1/assessments", headers={"host": host}).status_code == 400


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost", "[::1]:8000", "testserver"])
def test_loopback_names_are_allowed(client: Any, host: str) -> None:
    assert client.get("/healthz", headers={"host": host}).status_code == 200


def test_default_allowed_hosts_are_loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from atmpnav.web.auth import AuthSettings

    monkeypatch.delenv("ATMPNAV_ALLOWED_HOSTS", raising=False)
    assert AuthSettings.from_env().allowed_hosts == ("127.0.0.1", "localhost", "::1", "[::1]")


def test_redirects_are_relative(client: Any) -> None:
    response = client.get("/assessments/", headers={"accept": "text/html"}, follow_redirects=False)
    assert response.status_code in (307, 308)
    assert response.headers["location"].startswith("/") and "testserver" not in response.headers["location"]
    login = client.get("/login?next=https://evil.example/x", headers={"accept": "text/html"})
    assert "evil.example" not in login.text.split("<main", 1)[1].split('name="next"', 1)[1][:80]
    assert client.get("/favicon.ico", follow_redirects=False).headers["location"] == "/static/favicon.svg"
