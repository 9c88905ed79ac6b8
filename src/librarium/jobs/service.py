"""Enqueue, read and cancel jobs. A job is inserted in the caller's transaction, so it exists exactly when
the change that needs it was committed; the local worker is woken only after that commit."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from librarium.db import unit
from librarium.db.base import utcnow
from librarium.errors import NotFound
from librarium.jobs import registry
from librarium.jobs import repository as repo
from librarium.models import Job

_wake_up: Callable[[], None] | None = None


def set_wake_up(callback: Callable[[], None] | None) -> None:
    """The in-process worker's doorbell (runner.Worker registers it while it runs)."""
    global _wake_up
    _wake_up = callback


def _ring() -> None:
    if _wake_up is not None:
        _wake_up()


async def enqueue(
    session: AsyncSession, kind: str, args: dict[str, Any] | None = None, *, run_after: datetime | None = None
) -> Job:
    spec = registry.get(kind)
    max_attempts = spec.max_attempts if spec is not None else 5
    job = repo.add(session, kind, args or {}, max_attempts, run_after or utcnow())
    await session.flush()
    if unit.unit_of(session) is not None:
        unit.after_commit(session, _ring)
    return job


async def get(session: AsyncSession, job_id: uuid.UUID) -> Job:
    job = await repo.get(session, job_id)
    if job is None:
        raise NotFound("job not found")
    return job


async def cancel(session: AsyncSession, job_id: uuid.UUID) -> Job:
    job = await repo.request_cancel(session, job_id)
    if job is None:
        raise NotFound("job not found")
    return job


async def live_args(session: AsyncSession, kind: str, name: str) -> set[str]:
    """The values of argument `name` over the queued and running jobs of `kind` (to avoid enqueueing twice)."""
    return {str(args[name]) for args in await repo.live_args(session, kind) if name in args}
