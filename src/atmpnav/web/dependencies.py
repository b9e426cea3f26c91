"""What the routes ask FastAPI for, shared by the pages and the API: the database engine and the
user of a records route with the role it needs (:func:`atmpnav.web.auth.records_user`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.engine import Engine

from atmpnav.records.users import UserInfo
from atmpnav.web import auth


def engine_of(request: Request) -> Engine:
    """The app's database engine (migrated on first use)."""
    engine: Engine = request.app.state.db.engine
    return engine


async def db(request: Request) -> Engine:
    """The engine as a dependency. A coroutine because FastAPI runs a plain function dependency in the
    threadpool (a hop per request); only migrating (before the startup has done it) reads the database,
    so only that runs off the event loop."""
    if not request.app.state.db.ready:
        return await run_in_threadpool(engine_of, request)
    return engine_of(request)


def viewer(request: Request) -> UserInfo:
    return auth.records_user(request, "viewer")


def author(request: Request) -> UserInfo:
    return auth.records_user(request, "author")


def reviewer(request: Request) -> UserInfo:
    return auth.records_user(request, "reviewer")


Db = Annotated[Engine, Depends(db)]
Viewer = Annotated[UserInfo, Depends(viewer)]
Author = Annotated[UserInfo, Depends(author)]
Reviewer = Annotated[UserInfo, Depends(reviewer)]
