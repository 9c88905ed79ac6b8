"""All SQL about jobs and schedules. Every write by a worker is fenced by (claimed_by, attempts): a worker
whose claim was taken over (it looked dead) changes nothing any more."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.db.base import utcnow
from librarium.models import Job, JobSchedule

RUNNABLE = ("queued", "running")


def add(session: AsyncSession, kind: str, args: dict[str, Any], max_attempts: int, run_after: datetime) -> Job:
    job = Job(kind=kind, args=args, max_attempts=max_attempts, run_after=run_after, checkpoint={}, last_error="")
    session.add(job)
    return job


async def get(session: AsyncSession, job_id: uuid.UUID) -> Job | None:
    return await session.get(Job, job_id)


def _due(kinds: list[str], stale_before: datetime) -> Select[Job]:
    now = utcnow()
    due = or_(
        (Job.state == "queued") & (Job.run_after <= now),
        (Job.state == "running") & (Job.heartbeat_at < stale_before),
    )
    return select(Job).where(Job.kind.in_(kinds), due)


async def anything_due(session: AsyncSession, kinds: list[str], stale_before: datetime) -> bool:
    """A read-only look: an idle worker asks this (no write transaction, no SQLite write lock) before claiming."""
    stmt = _due(kinds, stale_before).with_only_columns(Job.id).limit(1)
    return (await session.execute(stmt)).first() is not None


async def claim(session: AsyncSession, worker: str, kinds: list[str], stale_before: datetime) -> Job | None:
    """Take the next due job of one of `kinds`: a queued one whose time has come, or a running one whose
    worker stopped sending heartbeats. PostgreSQL skips rows another worker is claiming right now; SQLite
    serialises writers anyway (BEGIN IMMEDIATE)."""
    now = utcnow()
    stmt = _due(kinds, stale_before).order_by(Job.run_after, Job.created_at).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    job = (await session.execute(stmt)).scalar_one_or_none()
    if job is None:
        return None
    job.state = "running"
    job.attempts += 1
    job.claimed_by = worker
    job.heartbeat_at = now
    job.started_at = job.started_at or now
    await session.flush()
    return job


def _fenced(job_id: uuid.UUID, worker: str, attempt: int) -> Any:
    return update(Job).where(
        Job.id == job_id, Job.claimed_by == worker, Job.attempts == attempt, Job.state == "running"
    )


async def save_progress(
    session: AsyncSession,
    job_id: uuid.UUID,
    worker: str,
    attempt: int,
    checkpoint: dict[str, Any],
    done: int,
    total: int,
) -> bool:
    """Record a step; False when this worker no longer holds the job (its step must be rolled back)."""
    stmt = _fenced(job_id, worker, attempt).values(
        checkpoint=checkpoint, progress_done=done, progress_total=total, heartbeat_at=utcnow(), updated_at=utcnow()
    )
    return (await session.execute(stmt)).rowcount == 1  # type: ignore[attr-defined, no-any-return]


async def heartbeat(session: AsyncSession, job_id: uuid.UUID, worker: str, attempt: int) -> bool:
    stmt = _fenced(job_id, worker, attempt).values(heartbeat_at=utcnow())
    return (await session.execute(stmt)).rowcount == 1  # type: ignore[attr-defined, no-any-return]


async def cancel_requested(session: AsyncSession, job_id: uuid.UUID) -> bool:
    found = (await session.execute(select(Job.cancel_requested).where(Job.id == job_id))).scalar_one_or_none()
    return bool(found)


async def finish(
    session: AsyncSession, job_id: uuid.UUID, worker: str, attempt: int, state: str, error: str = ""
) -> bool:
    """End the job; a success keeps the error of an earlier attempt, as history."""
    now = utcnow()
    values: dict[str, Any] = {"state": state, "finished_at": now, "heartbeat_at": None, "claimed_by": None}
    if error:
        values["last_error"] = error[:4000]
    stmt = _fenced(job_id, worker, attempt).values(updated_at=now, **values)
    return (await session.execute(stmt)).rowcount == 1  # type: ignore[attr-defined, no-any-return]


async def retry_later(
    session: AsyncSession,
    job_id: uuid.UUID,
    worker: str,
    attempt: int,
    error: str,
    run_after: datetime,
    *,
    refund: bool = False,
) -> bool:
    """Queue the job again; `refund`: the attempt was interrupted (shutdown) and does not count."""
    stmt = _fenced(job_id, worker, attempt).values(
        state="queued",
        last_error=error[:4000],
        run_after=run_after,
        heartbeat_at=None,
        claimed_by=None,
        attempts=Job.attempts - 1 if refund else Job.attempts,
    )
    return (await session.execute(stmt)).rowcount == 1  # type: ignore[attr-defined, no-any-return]


async def request_cancel(session: AsyncSession, job_id: uuid.UUID) -> Job | None:
    """Queued jobs end at once; running ones stop at their next step."""
    job = await session.get(Job, job_id)
    if job is None or job.state not in RUNNABLE:
        return job
    job.cancel_requested = True
    if job.state == "queued":
        job.state, job.finished_at = "cancelled", utcnow()
    await session.flush()
    return job


async def take_schedule(
    session: AsyncSession, name: str, interval: timedelta, first_after: timedelta
) -> tuple[bool, datetime]:
    """(fired, when it is due next). Fired is true for exactly one caller per due interval (compare-and-set
    on next_run_at); the caller need not ask again before the time returned."""
    now = utcnow()
    row = await session.get(JobSchedule, name)
    if row is None:
        session.add(JobSchedule(name=name, next_run_at=now + first_after, last_run_at=None))
        await session.flush()
        return False, now + first_after
    if row.next_run_at > now:
        return False, row.next_run_at
    stmt = (
        update(JobSchedule)
        .where(JobSchedule.name == name, JobSchedule.next_run_at == row.next_run_at)
        .values(next_run_at=now + interval, last_run_at=now)
    )
    fired = (await session.execute(stmt)).rowcount == 1  # type: ignore[attr-defined]
    return bool(fired), now + interval


async def live_args(session: AsyncSession, kind: str) -> list[dict[str, Any]]:
    """The arguments of every queued or running job of `kind`."""
    stmt = select(Job.args).where(Job.kind == kind, Job.state.in_(RUNNABLE))
    return [args for args in (await session.execute(stmt)).scalars() if isinstance(args, dict)]
