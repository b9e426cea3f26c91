"""The shortcuts the web app takes for speed answer exactly what the long way does: JSON-only paths skip the
CSRF middleware, and the registry list is served from the event loop once rendered for its generation."""

from __future__ import annotations

from typing import Any

import pytest

from atmpnav.web import registry_pages

HTML = {"accept": "text/html"}


def test_json_only_paths_get_no_csrf_cookie_and_pages_still_do(site: Any) -> None:
    anonymous = site.anonymous()
    for response in (anonymous.get("/healthz"), anonymous.get("/openapi.json"),
                     anonymous.post("/api/v1/classify", json={"facts": {"product_role": "finished_product"}})):
        assert response.status_code == 200
        assert "csrftoken" not in response.headers.get("set-cookie", "")
        assert "cookie" not in response.headers.get("vary", "").lower()
    page = site.anonymous().get("/classify", headers=HTML)
    assert "csrftoken=" in page.headers.get("set-cookie", "") and "Cookie" in page.headers.get("vary", "")


def test_an_api_post_with_a_session_cookie_and_no_token_is_still_refused_by_role(client: Any) -> None:
    # Skipping the middleware for /api/ changes nothing there: the API was already outside the CSRF check, and
    # records change only with a bearer token (auth.records_user), never with the session cookie alone.
    bare = client.post("/api/v1/assessments", json={"title": "no token", "facts": {}},
                       headers={"authorization": ""})
    assert bare.status_code in (401, 403)


def _rendered(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Count the pages made in the threadpool (rendered, or read from a database server)."""
    made: list[Any] = []
    real = registry_pages._rendered_registry

    def counting(*args: Any) -> Any:
        made.append(args)
        return real(*args)

    monkeypatch.setattr(registry_pages, "_rendered_registry", counting)
    return made


def test_the_registry_list_is_rendered_once_then_served_from_the_loop(site: Any, monkeypatch) -> None:
    made = _rendered(monkeypatch)
    anonymous = site.anonymous()
    url = "/registry?region=EU&per_page=50&page=1"
    first = anonymous.get(url, headers=HTML)
    again = anonymous.get(url, headers=HTML)
    assert first.status_code == again.status_code == 200 and "Holoclar" in first.text
    assert first.text == again.text  # anonymous: no form carries a token of its own
    assert len(made) <= 1  # at most the first, when no earlier test rendered this query


def test_after_an_import_the_next_view_renders_the_new_generation(site: Any, monkeypatch) -> None:
    from atmpnav import store
    from atmpnav.registry.history import Recorder

    anonymous = site.anonymous()
    url = "/registry?region=US"
    anonymous.get(url, headers=HTML)
    made = _rendered(monkeypatch)
    engine = site.app.state.db.engine
    with store.session_scope(engine) as session:  # an import (as another process would make it)
        Recorder(session, kind="test", source="test", source_as_of=None).finish({}, always=True)
    assert anonymous.get(url, headers=HTML).status_code == 200
    assert len(made) == 1  # a new generation: rendered again, not served from the old one
    assert anonymous.get(url, headers=HTML).status_code == 200 and len(made) == 1


def test_a_signed_in_user_is_looked_up_in_the_threadpool(client: Any, monkeypatch) -> None:
    made = _rendered(monkeypatch)
    assert client.get("/registry?region=EU", headers=HTML).status_code == 200
    assert len(made) == 1  # the session cookie is read from the database: never on the event loop
