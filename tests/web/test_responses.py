"""The one JSON writer of the web app: compact UTF-8, always valid JSON."""

from __future__ import annotations

import json

from atmpnav.web.responses import json_response


def test_a_json_body_is_compact_utf8_and_never_invalid_json() -> None:
    response = json_response({"name": "Zolgensma®", "score": float("nan"), "n": [1, 2]}, status_code=201,
                             headers={"X-Test": "1"})
    assert response.body == '{"name":"Zolgensma®","score":null,"n":[1,2]}'.encode()
    assert json.loads(response.body)["score"] is None
    assert response.status_code == 201 and response.headers["x-test"] == "1"
    assert response.media_type == "application/json"
