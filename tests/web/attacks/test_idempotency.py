"""Retries never duplicate: the same Idempotency-Key (API) or form token (web) stores one version."""

from __future__ import annotations

import threading
from typing import Any

from atmpnav.web.schemas import CAR_T_FACTS

HTML = {"accept": "text/html"}


def test_api_post_retry_returns_the_first_result(fresh_client: Any) -> None:
    body = {"title": "retried", "facts": CAR_T_FACTS}
    first = fresh_client.post("/api/v1/assessments", json=body, headers={"Idempotency-Key": "k-1"})
    again = fresh_client.post("/api/v1/assessments", json=body, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == 201 and again.status_code == 200
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert fresh_client.get("/api/v1/assessments").json()["total"] == 1
    other = fresh_client.post("/api/v1/assessments", json={**body, "title": "else"},
                              headers={"Idempotency-Key": "k-1"})
    assert other.status_code == 422 and "different request" in other.json()["error"]["message"]


def test_api_put_retry_adds_one_version(fresh_client: Any) -> None:
    aid = fresh_client.post("/api/v1/assessments", json={"title": "t", "facts": CAR_T_FACTS}).json()["id"]
    body = {"base_version": 1, "reason": "retry me"}
    codes = [fresh_client.put(f"/api/v1/assessments/{aid}", json=body, headers={"Idempotency-Key": "put-1"})
             .status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    assert len(fresh_client.get(f"/api/v1/assessments/{aid}/versions").json()) == 2


def test_concurrent_retries_store_once(fresh_client: Any) -> None:
    body = {"title": "race", "facts": CAR_T_FACTS}
    results: list[int] = []

    def send() -> None:
        response = fresh_client.post("/api/v1/assessments", json=body, headers={"Idempotency-Key": "race-1"})
        results.append(response.json()["id"])

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1
    assert fresh_client.get("/api/v1/assessments").json()["total"] == 1


def test_keys_are_per_user(fresh_site: Any) -> None:
    alice = fresh_site.client("alice", "author")
    bob = fresh_site.client("bob", "author")
    body = {"title": "mine", "facts": CAR_T_FACTS}
    a = alice.post("/api/v1/assessments", json=body, headers={"Idempotency-Key": "same"}).json()["id"]
    b = bob.post("/api/v1/assessments", json=body, headers={"Idempotency-Key": "same"}).json()["id"]
    assert a != b


def test_resubmitted_form_saves_once(fresh_client: Any) -> None:
    form = {"title": "form", "kind": "facts", "facts": '{"for_human_administration": true}',
            "form_token": "tok-123"}
    first = fresh_client.post("/assessments/new", data=form, headers=HTML, follow_redirects=False)
    second = fresh_client.post("/assessments/new", data=form, headers=HTML, follow_redirects=False)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert fresh_client.get("/api/v1/assessments").json()["total"] == 1


def test_bad_keys_are_refused(fresh_client: Any) -> None:
    response = fresh_client.post("/api/v1/assessments", json={"title": "t", "facts": CAR_T_FACTS},
                                 headers={"Idempotency-Key": "x" * 300})
    assert response.status_code == 422
