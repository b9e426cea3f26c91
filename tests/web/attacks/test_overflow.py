"""Integer overflow on ids, offsets, versions and numbers: a 4xx, never a 500 or a traceback."""

from __future__ import annotations

from typing import Any

import pytest

from atmpnav.web.schemas import CAR_T_FACTS

HUGE = "99999999999999999999"
BIG = str(2**63)


@pytest.mark.parametrize("url", [
    f"/api/v1/assessments/{HUGE}",
    f"/api/v1/assessments/{BIG}/versions",
    f"/api/v1/assessments/1/versions/{HUGE}",
    f"/api/v1/assessments?offset={BIG}",
    f"/api/v1/assessments?limit={HUGE}",
    f"/api/v1/assessments/1/report.html?version={HUGE}",
    f"/api/v1/audit?assessment={HUGE}",
    f"/api/v1/audit?offset={BIG}",
    f"/assessments/{HUGE}",
    f"/assessments/1/versions/{BIG}",
    f"/assessments?page={HUGE}",
    f"/audit?assessment={HUGE}",
    "/api/v1/assessments/2147483648",
    "/api/v1/assessments/-1",
])
def test_huge_numbers_in_urls_are_4xx(client: Any, url: str) -> None:
    site_admin = client
    response = site_admin.get(url, headers={"accept": "application/json"})
    assert 400 <= response.status_code < 500, (url, response.status_code, response.text[:200])


def test_largest_valid_id_is_not_found(client: Any) -> None:
    response = client.get("/api/v1/assessments/2147483647")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_huge_base_version_and_numbers_in_bodies(client: Any) -> None:
    created = client.post("/api/v1/assessments", json={"title": "n", "facts": CAR_T_FACTS}).json()
    response = client.put(f"/api/v1/assessments/{created['id']}", json={"base_version": 10**20, "reason": "r"})
    assert response.status_code == 422
    digits = '{"title": "n", "facts": {"for_human_administration": ' + "9" * 5000 + "}}"
    response = client.post("/api/v1/assessments", content=digits, headers={"content-type": "application/json"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_json"
    response = client.post("/api/v1/classify", content=digits.replace('"title": "n", ', ""),
                           headers={"content-type": "application/json"})
    assert response.status_code == 400


def test_as_of_zero_and_other_odd_dates_are_refused(client: Any) -> None:
    for value in ("0", "1", "-1", "99999-01-01", "2026-02-30"):
        response = client.post("/api/v1/classify", json={"facts": CAR_T_FACTS, "as_of": value})
        assert response.status_code == 422, (value, response.text[:200])
    response = client.get("/api/v1/registry/products", params={"as_of": "0"})
    assert response.status_code == 422


def test_overlong_product_name_is_4xx(client: Any) -> None:
    response = client.post("/api/v1/assessments", json={"title": "x", "facts": CAR_T_FACTS, "product_name": "p" * 201})
    assert response.status_code == 422
    response = client.post("/api/v1/assessments", json={"title": "t" * 201, "facts": CAR_T_FACTS})
    assert response.status_code == 422


@pytest.mark.postgres
def test_postgresql_overlong_value_is_an_input_error(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import uuid

    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from atmpnav import store
    from atmpnav.errors import InputError
    from atmpnav.records.users import User

    base = os.environ.get("ATMPNAV_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("ATMPNAV_TEST_POSTGRES_URL is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = store.make_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)
    engine = store.make_engine(url)
    try:
        store.migrate(engine)
        from atmpnav.records import db

        moment = db.now()
        with pytest.raises(InputError, match="does not fit"), store.session_scope(engine) as session:
            session.add(User(username="u", full_name="x" * 500, role="viewer", password_hash="x", active=True,
                             failed_logins=0, created_at=moment, password_changed_at=moment))
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
