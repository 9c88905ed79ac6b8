"""One unit of work per request: a session created on first use, committed before the response."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.errors import AppError


def get_session(request: Request) -> AsyncSession:
    session: AsyncSession | None = getattr(request.state, "db", None)
    if session is None:
        session = request.app.state.sessionmaker()
        request.state.db = session
    return session


class UnitOfWorkRoute(APIRoute):
    """Commits the request's session after the endpoint succeeds and before the response is sent;
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
            await _finish(request, commit=response.status_code < 400 and request.method not in ("GET", "HEAD"))
            return response

        return run


async def _finish(request: Request, *, commit: bool) -> None:
    session: AsyncSession | None = getattr(request.state, "db", None)
    if session is None:
        return
    request.state.db = None
    try:
        if commit:
            await session.commit()
        else:
            await session.rollback()
    finally:
        await session.close()
