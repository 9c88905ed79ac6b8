"""Dashboard endpoints the web client's home page calls (absent from upstream's OpenAPI document)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from librarium.auth.deps import CurrentCaller, Session
from librarium.dashboard import service
from librarium.dashboard.schemas import (
    ContinueSeriesItem,
    DashboardBook,
    DashboardStats,
    FinishedBook,
    ReadingBook,
)
from librarium.kit.routing import api_router, ok
from librarium.kit.schema import Envelope

router = api_router(tags=["dashboard"], prefix="/dashboard")


@router.get("/currently-reading", response_model=Envelope[list[ReadingBook]])
async def currently_reading(caller: CurrentCaller, session: Session) -> Any:
    return ok(await service.currently_reading(session, caller.id))


@router.get("/recently-added", response_model=Envelope[list[DashboardBook]])
async def recently_added(caller: CurrentCaller, session: Session) -> Any:
    return ok(await service.recently_added(session, caller.id))


@router.get("/picks-of-the-day", response_model=Envelope[list[DashboardBook]])
async def picks_of_the_day(
    caller: CurrentCaller, session: Session, media_type: Annotated[list[str] | None, Query()] = None
) -> Any:
    return ok(await service.picks_of_the_day(session, caller.id, media_type))


@router.get("/recently-finished", response_model=Envelope[list[FinishedBook]])
async def recently_finished(caller: CurrentCaller, session: Session) -> Any:
    return ok(await service.recently_finished(session, caller.id))


@router.get("/continue-series", response_model=Envelope[list[ContinueSeriesItem]])
async def continue_series(caller: CurrentCaller, session: Session) -> Any:
    return ok(await service.continue_series(session, caller.id))


@router.get("/stats", response_model=Envelope[DashboardStats])
async def stats(caller: CurrentCaller, session: Session) -> Any:
    return ok(await service.stats(session, caller.id))
