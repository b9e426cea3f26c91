"""Cross-site request forgery: a form post from another site, or without the token, stores nothing."""

from __future__ import annotations

from typing import Any

import pytest

from atmpnav.web.schemas import CAR_T_FACTS

HTML = {"accept": "text/html"}


@pytest.fixture(scope="module")
def browser(site: Any) -> Any:
    """A logged-in browser-like client: session cookie, no bearer token (a bearer token skips CSRF:
    no other site can make a browser send one)."""
    return site.client("dora", "author", token=False)


def _create(client: Any) -> int:
    response = client.post("/api/v1/assessments", json={"title": "target", "facts": CAR_T_FACTS})
    assert response.status_code == 201
    return int(response.json()["id"])


def _versions(client: Any, aid: int) -> int:
    return len(client.get(f"/api/v1/assessments/{aid}/versions").json())


def _edit_form(aid: int) -> dict[str, str]:
    return {"base_version": "1", "kind": "facts", "facts": '{"for_human_administration": true}', "reason": "forged"}


def test_cross_site_form_post_is_refused(client: Any, browser: Any) -> None:
    aid = _create(client)
    # The attack of the issue: a page on evil.example posts the edit form (the browser adds cookies).
    response = browser.post(f"/assessments/{aid}/edit", data=_edit_form(aid),
                            headers={**HTML, "origin": "https://evil.example"})
    assert response.status_code == 403 and "another origin" in response.text
    response = browser.post(f"/assessments/{aid}/edit", data=_edit_form(aid),
                            headers={**HTML, "sec-fetch-site": "cross-site"})
    assert response.status_code == 403
    assert _versions(client, aid) == 1


def test_form_post_without_or_with_a_wrong_token_is_refused(client: Any, browser: Any) -> None:
    aid = _create(client)
    wrong = browser.post(f"/assessments/{aid}/edit", data={**_edit_form(aid), "csrftoken": "forged.token"},
                        headers=HTML)
    assert wrong.status_code == 403 and "CSRF" in wrong.text
    # A client without the CSRF cookie at all (asgi-csrf alone would let it through).
    bare = browser.__class__(browser.app)
    bare.cookies.set("atmpnav_session", browser.cookies.get("atmpnav_session"))
    missing = bare.post(f"/assessments/{aid}/edit", data={**_edit_form(aid), "csrftoken": ""}, headers=HTML)
    assert missing.status_code == 403
    assert _versions(client, aid) == 1


def test_same_site_form_post_with_the_token_works(client: Any, browser: Any) -> None:
    aid = _create(client)
    response = browser.post(f"/assessments/{aid}/edit", data=_edit_form(aid),
                           headers={**HTML, "origin": "http://testserver"}, follow_redirects=False)
    assert response.status_code == 303
    assert _versions(client, aid) == 2


def test_api_changes_need_a_bearer_token_not_the_session_cookie(site: Any, client: Any) -> None:
    cookie_only = site.client("carol", "author", token=False)
    response = cookie_only.post("/api/v1/assessments", json={"title": "x", "facts": CAR_T_FACTS})
    assert response.status_code == 401
    # Reading with the session works (the report and export links of the page).
    aid = _create(client)
    assert cookie_only.get(f"/api/v1/assessments/{aid}").status_code == 200


def test_every_post_form_carries_the_csrf_token(client: Any) -> None:
    import re

    aid = _create(client)
    for path in ("/describe", f"/assessments/{aid}", f"/assessments/{aid}/edit", "/login", "/account"):
        html = client.get(path, headers=HTML).text
        forms = re.findall(r'<form[^>]*method="post"[^>]*>(.*?)</form>', html, flags=re.S)
        assert forms, path
        for form in forms:
            assert 'name="csrftoken"' in form, (path, form[:200])
