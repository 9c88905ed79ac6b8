"""Router factory and small response helpers shared by every domain router."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from librarium.db.session import UnitOfWorkRoute


def api_router(**kwargs: Any) -> APIRouter:
    return APIRouter(route_class=UnitOfWorkRoute, **kwargs)


def no_content() -> Response:
    return Response(status_code=204)


def ok(data: Any) -> dict[str, Any]:
    return {"data": data}


NO_CONTENT: dict[int | str, dict[str, Any]] = {204: {"description": "No content"}}
