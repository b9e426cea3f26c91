"""What the routes ask FastAPI for, shared by the pages and the API: the database engine and the
user of a records route with the role it needs (:func:`atmpnav.web.auth.records_user`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.engine import Engine

from atmpnav.records.users import UserInfo
from atmpnav.web import auth


def db(request: Request) -> Engine:
    engine: Engine = request.app.state.db.engine
    return engine


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
