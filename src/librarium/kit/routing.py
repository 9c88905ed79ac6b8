"""Router factory and small response helpers shared by every domain router."""

from collections.abc import AsyncIterator
from typing import Any, TypeVar

import orjson
from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse

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


def _json(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_UTC_Z, default=str)  # str: asyncpg's UUID type


def fast_ok(data: Any, status_code: int = 200) -> Response:
    """`{"data": ...}` serialised directly with orjson, skipping response-model validation: for the hot
    read paths whose payload is built from plain dicts by the service (the model still documents it)."""
    return Response(_json({"data": data}), status_code, media_type="application/json")


def streamed_ok(data: dict[str, Any], field: str, parts: AsyncIterator[list[Any]], status_code: int = 200) -> Response:
    """`{"data": {...data, field: [...]}}`, the list written part by part as `parts` yields them: an answer too
    long to hold in memory at once (the rows of a 100,000-row import). `data` is written first, as fast_ok does."""
    assert data and field not in data
    head = _json({"data": data})[:-2]  # without the closing "}}"

    async def body() -> AsyncIterator[bytes]:
        yield head + b',"' + field.encode() + b'":['
        comma = b""
        async for part in parts:
            if part:
                yield comma + _json(part)[1:-1]
                comma = b","
        yield b"]}}"

    return StreamingResponse(body(), status_code, media_type="application/json")


NO_CONTENT: dict[int | str, dict[str, Any]] = {204: {"description": "No content"}}
