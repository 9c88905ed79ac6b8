"""One unit of work per request (db/unit.py): opened on first use, committed before the response."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.db.unit import Database, Unit
from librarium.errors import AppError

READ_METHODS = ("GET", "HEAD", "OPTIONS")


async def get_session(request: Request) -> AsyncSession:
    unit: Unit | None = getattr(request.state, "unit", None)
    if unit is None:
        db: Database = request.app.state.db
        unit = await db.open(write=request.method not in READ_METHODS)
        request.state.unit = unit
    return unit.session


class UnitOfWorkRoute(APIRoute):
    """Commits the request's unit after the endpoint succeeds and before the response is sent;
    rolls it back when the endpoint fails or answers with an error status."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def run(request: Request) -> Response:
            try:
                response = await handler(request)
            except AppError as exc:
                await _finish(request, commit=exc.keep_changes)
                raise
            except BaseException:
                await _finish(request, commit=False)
                raise
            # reads have nothing to commit: closing the session ends their transaction
            await _finish(request, commit=response.status_code < 400 and request.method not in READ_METHODS)
            return response

        return run


async def _finish(request: Request, *, commit: bool) -> None:
    unit: Unit | None = getattr(request.state, "unit", None)
    if unit is None:
        return
    request.state.unit = None
    await unit.finish(commit=commit)
