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


SURROGATE_BODIES = ['{"t": "x\\ud800y"}', '{"t": "x\\uDFFFy"}', '{"t": "\\ud83d\\ude00"}', '{"t": "x\\\\ud800y"}',
                    '{"t": "\\u00b5"}']


@pytest.mark.parametrize("body", [
    *(text.encode() for text in SURROGATE_BODIES),
    *(text.encode("utf-16") for text in SURROGATE_BODIES),  # \ud800 spelled with NUL bytes in between
    *(text.encode("utf-16-le") for text in SURROGATE_BODIES),
    '{"t": "x\udfffy"}'.encode("utf-8", "surrogatepass"),  # a raw (not escaped) surrogate
    '{"t": "µ"}'.encode(), b'{"n": ' + b"7" * 5000 + b"}", b'{"n": ' + b"7" * 4300 + b"}",
    b'{"n": 1.' + b"7" * 5000 + b"}", b'{"t": "' + b"7" * 5000 + b'"}', b'{"n": -' + b"7" * 4301 + b"}",
    b"[" * 64 + b"]" * 64, b"[" * 65 + b"]" * 65, b'["' + b"[" * 100 + b'"]', b'{"a": [1, 2}', b"",
    b'{"facts": {"for_human_administration": true}}',
])
def test_the_quick_json_filter_accepts_only_what_the_full_check_accepts(body: bytes,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from atmpnav.web import errors

    def outcome() -> str | None:
        try:
            errors.check_json_body(body)
        except errors.JsonBodyError as exc:
            return exc.message
        return None

    quick = outcome()
    monkeypatch.setattr(errors, "_cannot_hold_a_bad_value", lambda body: False)
    assert quick == outcome()


def test_nesting_is_counted_past_the_quick_check() -> None:
    from atmpnav.untrusted import nesting_ok

    assert nesting_ok("[" * 64 + "]" * 64, 64) and not nesting_ok("[" * 65 + "]" * 65, 64)
    assert nesting_ok('["' + "[" * 100 + '"]', 64)  # openings inside a string do not nest
    assert not nesting_ok('{"a": ' * 65 + "1" + "}" * 65, 64)
