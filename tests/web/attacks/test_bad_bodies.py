"""Lone surrogates, deep nesting and alias bombs: a short 4xx, bounded in time and memory."""

from __future__ import annotations

import time
from typing import Any

import pytest

from atmpnav.web.schemas import CAR_T_FACTS

JSON = {"content-type": "application/json"}
HTML = {"accept": "text/html"}

ALIAS_BOMB = "\n".join(
    ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
)


@pytest.mark.parametrize("url", ["/api/v1/assessments", "/api/v1/classify"])
def test_lone_surrogate_in_json_is_400(client: Any, url: str) -> None:
    body = '{"title": "x\\ud800y", "text": "cells \\udfff here"}'
    if url.endswith("classify"):
        body = '{"text": "x\\ud800y"}'
    response = client.post(url, content=body, headers=JSON)
    assert response.status_code == 400, response.text
    assert "surrogate" in response.json()["error"]["message"]


@pytest.mark.parametrize("url", ["/api/v1/assessments", "/api/v1/classify"])
def test_deeply_nested_json_is_400(client: Any, url: str) -> None:
    response = client.post(url, content="[" * 15_000 + "]" * 15_000, headers=JSON)
    assert response.status_code == 400 and "deeper" in response.json()["error"]["message"]


def test_yaml_alias_bomb_in_the_facts_form(client: Any) -> None:
    started = time.monotonic()
    response = client.post("/assessments/new", data={"title": "bomb", "kind": "facts", "facts": ALIAS_BOMB},
                           headers=HTML)
    assert time.monotonic() - started < 5
    assert response.status_code == 422 and len(response.content) < 50_000
    assert "anchors" in response.text


def test_duplicate_yaml_keys_are_refused(client: Any) -> None:
    facts = "for_human_administration: true\nfor_human_administration: false\n"
    response = client.post("/assessments/new", data={"title": "dup", "kind": "facts", "facts": facts}, headers=HTML)
    assert response.status_code == 422 and "duplicate key" in response.text


def test_error_messages_quote_only_an_excerpt(client: Any) -> None:
    long_value = "z" * 50_000
    response = client.post("/api/v1/classify", json={"facts": {**CAR_T_FACTS, "product_role": long_value}})
    assert response.status_code == 422 and len(response.content) < 5_000
    facts = f"product_role: {long_value}\n"
    response = client.post("/assessments/new", data={"title": "long", "kind": "facts", "facts": facts},
                           headers=HTML)
    assert response.status_code == 422 and long_value not in response.text


def test_javascript_urls_are_never_links(client: Any) -> None:
    """Only http(s) URLs from data become links (an imported spreadsheet could carry javascript:)."""
    from atmpnav.web.templating import safe_url

    assert safe_url("javascript:alert(1)") is None
    assert safe_url(" JaVaScRiPt:alert(1)") is None
    assert safe_url("data:text/html,x") is None
    assert safe_url("https://www.ema.europa.eu/x") == "https://www.ema.europa.eu/x"


def test_cli_never_shows_a_traceback(tmp_path: Any) -> None:
    import subprocess
    import sys

    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(ALIAS_BOMB)
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 15_000)
    for args in (["classify", str(bomb)], ["classify", str(deep)], ["classify", "--text", "cells", "-k", "-5"],
                 ["verify", "99999999999999999999"], ["assessments", "rerun", "0"]):
        result = subprocess.run([sys.executable, "-m", "atmpnav.cli", *args], capture_output=True, text=True,
                                timeout=60)
        assert result.returncode == 2, (args, result.stderr[-500:])
        assert "Traceback" not in result.stderr, args


def test_storage_errors_do_not_reveal_the_database_path(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from atmpnav.errors import StorageError
    from atmpnav.records import assessments

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise StorageError("database error (sqlite:////home/someone/secret/atmpnav.db): disk I/O error")

    monkeypatch.setattr(assessments, "list_page", broken)
    response = client.get("/api/v1/assessments")
    assert response.status_code == 503
    assert "secret" not in response.text and "sqlite" not in response.text
