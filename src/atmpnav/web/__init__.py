"""The web application and REST API (FastAPI, server-rendered pages): :func:`create_app`, :func:`serve`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["create_app", "serve"]


def create_app(database_url: str | None = None) -> FastAPI:
    from atmpnav.web.app import create_app as build

    return build(database_url)


def serve(host: str = "127.0.0.1", port: int = 8000, **options: Any) -> None:
    from atmpnav.web.app import serve as run

    run(host, port, **options)
