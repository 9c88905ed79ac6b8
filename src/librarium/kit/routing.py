"""Router factory and small response helpers shared by every domain router."""

from __future__ import annotations

from typing import Any, TypeVar

import orjson
from fastapi import APIRouter, Request, Response

from librarium.config import Settings
from librarium.db.session import UnitOfWorkRoute
from librarium.kit.schema import Envelope

T = TypeVar("T")


def api_router(**kwargs: Any) -> APIRouter:
    return APIRouter(route_class=UnitOfWorkRoute, **kwargs)


def settings_of(request: Request) -> Settings:
    """The running app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def no_content() -> Response:
    return Response(status_code=204)


def ok(data: T) -> Envelope[T]:
    """`{"data": ...}`: typed, so that the type checker holds a handler's declared answer to what its service
    returns (pydantic's own constructor takes anything)."""
    return Envelope(data=data)


def fast_ok(data: Any, status_code: int = 200) -> Response:
    """`{"data": ...}` serialised directly with orjson, skipping response-model validation: for the hot
    read paths whose payload is built from plain dicts by the service (the model still documents it)."""
    body = orjson.dumps({"data": data}, option=orjson.OPT_UTC_Z, default=str)  # str: asyncpg's UUID type
    return Response(body, status_code, media_type="application/json")


NO_CONTENT: dict[int | str, dict[str, Any]] = {204: {"description": "No content"}}
