"""Generated requests for every operation of the OpenAPI document: zero server errors (5xx).

Schemathesis derives valid and invalid requests from the document; a bounded number of examples per
operation keeps the run short in CI. Requests carry an admin's bearer token, so the records
endpoints are exercised past the login (anonymous calls are covered by test_auth_bypass).
"""

from __future__ import annotations

from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402

EXAMPLES = 6


@pytest.fixture(scope="module")
def api_token(site: Any) -> str:
    client = site.client("fuzzer", "admin")
    created = client.post("/api/v1/assessments",
                          json={"title": "fuzz target", "facts": {"product_role": "finished_product"}})
    assert created.status_code == 201
    return str(client.token)


def test_no_server_errors(site: Any, api_token: str) -> None:
    from hypothesis import given

    loaded = schemathesis.openapi.from_asgi("/openapi.json", site.app)
    failures: list[str] = []
    statuses: list[int] = []
    operations = 0
    for result in loaded.get_all_operations():
        operation = result.ok()
        if "/chart." in operation.path:  # renders an image with matplotlib: slow; the registry tests cover it
            continue
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def run(case: Any) -> None:
            response = case.call(headers={"Authorization": f"Bearer {api_token}"})
            statuses.append(response.status_code)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} {case.query or ''}: {response.status_code} "
                                f"{response.text[:200]}")

        run()
    assert operations >= 20 and len(statuses) >= 2 * operations
    assert any(200 <= code < 300 for code in statuses) and any(400 <= code < 500 for code in statuses)
    assert not failures, "\n".join(failures[:20])
