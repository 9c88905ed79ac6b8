"""The worker: claims due jobs, runs them with heartbeats and per-kind time limits, retries with backoff,
recovers jobs whose worker died, and fires periodic schedules once per interval across all workers.

`librarium serve` runs one in-process; `librarium worker` runs more (against PostgreSQL, on this machine or
others). On SQLite a worker runs one job at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import socket
import time
import traceback
import uuid
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from librarium.config import Settings
from librarium.db.base import utcnow
from librarium.db.unit import Database
from librarium.jobs import registry, service
from librarium.jobs import repository as repo
from librarium.jobs.context import ClaimLost, JobCancelled, JobContext
from librarium.models import Job

log = logging.getLogger("librarium.jobs")


class Worker:
    def __init__(self, db: Database, settings: Settings, *, concurrency: int | None = None):
        registry.load(settings.job_modules)
        self.db = db
        self.settings = settings
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        wanted = concurrency or settings.worker_concurrency
        self.concurrency = 1 if db.is_sqlite else max(1, wanted)
        self._stopping = asyncio.Event()
        self._wake_event = asyncio.Event()
        self._running: set[asyncio.Task[None]] = set()
        # when each schedule is due next, as last seen: the database is not asked again before then
        self._schedule_due: dict[str, datetime] = {}

    async def run(self) -> None:
        """Until `stop()`: claim and run jobs, fire schedules."""
        log.info("worker %s started (%d at a time)", self.name, self.concurrency)
        service.set_wake_up(self._wake)
        try:
            while not self._stopping.is_set():
                await self._fire_schedules()
                while len(self._running) < self.concurrency and not self._stopping.is_set():
                    job = await self._claim()
                    if job is None:
                        break
                    task = asyncio.create_task(self._run(job))
                    self._running.add(task)
                    task.add_done_callback(self._running.discard)
                await self._idle()
        finally:
            service.set_wake_up(None)
            await self._drain()
            log.info("worker %s stopped", self.name)

    async def run_until_idle(self) -> None:
        """Run every due job, then return (tests and `librarium worker --once`)."""
        await self._fire_schedules()
        while (job := await self._claim()) is not None:
            await self._run(job)

    def stop(self) -> None:
        self._stopping.set()
        self._wake()

    def _wake(self) -> None:
        self._wake_event.set()

    async def _idle(self) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.settings.job_poll_interval):
                await self._wake_event.wait()
        self._wake_event.clear()

    async def _drain(self) -> None:
        """Graceful shutdown: running jobs get the grace period to reach a step, then are stopped; a stopped
        job is queued again and resumes from its checkpoint on the next start."""
        if not self._running:
            return
        _, pending = await asyncio.wait(self._running, timeout=self.settings.job_shutdown_grace)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    async def _claim(self) -> Job | None:
        stale_before = utcnow() - timedelta(seconds=self.settings.job_stale_after)
        kinds = sorted(registry.KINDS)
        async with self.db.unit_of_work(write=False) as session:  # idle polls never take SQLite's write lock
            if not await repo.anything_due(session, kinds, stale_before):
                return None
        async with self.db.unit_of_work() as session:
            job = await repo.claim(session, self.name, kinds, stale_before)
        if job is not None:
            log.info("job %s (%s) claimed, attempt %d", job.id, job.kind, job.attempts)
        return job

    async def _fire_schedules(self) -> None:
        now = utcnow()
        for entry in list(registry.SCHEDULES.values()):
            if self._schedule_due.get(entry.name, now) > now:
                continue
            try:
                async with self.db.unit_of_work() as session:
                    interval = entry.interval
                    if entry.interval_setting:
                        interval = timedelta(seconds=getattr(self.settings, entry.interval_setting))
                    fired, due = await repo.take_schedule(session, entry.name, interval, entry.first_after)
                    if fired:
                        await service.enqueue(session, entry.kind, {"schedule": entry.name})
                        log.info("schedule %s fired", entry.name)
                self._schedule_due[entry.name] = due
            except IntegrityError:  # another worker created the schedule's row at the same moment
                continue

    async def _run(self, job: Job) -> None:
        kind = registry.get(job.kind)
        assert kind is not None
        ctx = JobContext(self.db, self.settings, job.id, dict(job.args), dict(job.checkpoint), job.attempts, self.name)
        beat = asyncio.create_task(self._heartbeats(ctx))
        started = time.monotonic()
        try:
            async with asyncio.timeout(kind.time_limit.total_seconds()):
                await kind.handler(ctx)
        except JobCancelled:
            await self._end(ctx, "cancelled", "cancelled")
        except ClaimLost:
            log.warning("job %s: another worker took it over; this attempt stops", job.id)
        except asyncio.CancelledError:  # shutdown: queue it again, nothing counted against it
            await self._retry(ctx, job, kind, "worker stopped", count=False)
            raise
        except TimeoutError:
            await self._retry(ctx, job, kind, f"attempt exceeded its time limit ({kind.time_limit})")
        except Exception as exc:
            log.warning("job %s (%s) attempt %d failed: %s", job.id, job.kind, job.attempts, exc)
            await self._retry(ctx, job, kind, "".join(traceback.format_exception_only(exc)).strip())
        else:
            await self._end(ctx, "succeeded", "")
            log.info("job %s (%s) succeeded in %.1fs", job.id, job.kind, time.monotonic() - started)
        finally:
            beat.cancel()

    async def _end(self, ctx: JobContext, state: str, error: str) -> None:
        async with self.db.unit_of_work() as session:
            await repo.finish(session, ctx.job_id, self.name, ctx.attempt, state, error)

    async def _retry(self, ctx: JobContext, job: Job, kind: registry.JobKind, error: str, count: bool = True) -> None:
        if count and job.attempts >= job.max_attempts:
            log.error("job %s (%s) failed for good after %d attempts: %s", job.id, job.kind, job.attempts, error)
            await self._end(ctx, "failed", error)
            return
        delay = min(kind.backoff * 2 ** (job.attempts - 1), kind.max_backoff) if count else timedelta(0)
        delay *= random.uniform(0.8, 1.2)  # noqa: S311 (jitter)
        with contextlib.suppress(Exception):  # shutting down: the stale-claim recovery covers a failure here
            async with self.db.unit_of_work() as session:
                await repo.retry_later(
                    session, ctx.job_id, self.name, ctx.attempt, error, utcnow() + delay, refund=not count
                )

    async def _heartbeats(self, ctx: JobContext) -> None:
        while True:
            await asyncio.sleep(self.settings.job_heartbeat)
            try:
                async with self.db.unit_of_work() as session:
                    await repo.heartbeat(session, ctx.job_id, self.name, ctx.attempt)
            except Exception:
                log.exception("job %s: heartbeat failed", ctx.job_id)
