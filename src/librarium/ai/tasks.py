"""The `ai.suggestions` job (one run for one user) and the scheduler that enqueues it for every opted-in user
once per configured interval, once across all workers.

A provider failure ends the run `failed` and the job without a retry (a retry would pay for the call again).
A crash (a worker killed mid-run) or a database error retries the job: the new attempt marks the
interrupted run failed and starts a fresh one, and since a run's save is one transaction, nothing is saved
twice.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from librarium.ai import repository as repo
from librarium.ai.pipeline import Run, Skipped
from librarium.ai.policy import load
from librarium.db.base import utcnow
from librarium.jobs import service as jobs
from librarium.jobs.context import JobContext
from librarium.jobs.registry import Schedule, job_kind, schedule

log = logging.getLogger("librarium.ai")

KIND = "ai.suggestions"
SCHEDULER = "ai.schedule"


@job_kind(KIND, time_limit=timedelta(hours=1), max_attempts=3, backoff=timedelta(seconds=30))
async def run_suggestions(ctx: JobContext) -> None:
    run = Run(ctx.db, ctx.settings, ctx.job_id, uuid.UUID(ctx.args["user_id"]), ctx.args.get("triggered_by", "user"))
    try:
        status = await run.execute()
    except Skipped as exc:
        log.info("suggestions for user %s skipped: %s", run.user_id, exc)
        return
    except BaseException as exc:  # never leave the run `running`; the job is retried with a new run
        await run.fail(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
        raise
    log.info("suggestions run %s for user %s ended %s", run.run_id, run.user_id, status)


@job_kind(SCHEDULER, time_limit=timedelta(minutes=10), max_attempts=1)
async def schedule_runs(ctx: JobContext) -> None:
    """Enqueues a run for every opted-in user whose last run started longer ago than the interval and who has
    no run waiting or in progress (upstream enqueued again every 5 minutes for a user whose job skipped)."""
    async with ctx.step() as session:
        await repo.close_stale_runs(session)
        policy = await load(session, ctx.settings)
        if not policy.job.enabled or policy.job.interval_minutes <= 0:
            return
        users = await repo.opted_in_users(session)
        last = await repo.last_started(session, users)
        due_before = utcnow() - timedelta(minutes=policy.job.interval_minutes)
        waiting = await jobs.live_args(session, KIND, "user_id")
        count = 0
        for user_id in users:
            if str(user_id) in waiting or (user_id in last and last[user_id] > due_before):
                continue
            await jobs.enqueue(session, KIND, {"user_id": str(user_id), "triggered_by": "scheduler"})
            count += 1
        ctx.progress(count, len(users))


schedule(Schedule("ai-suggestions", SCHEDULER, interval=timedelta(minutes=5), first_after=timedelta(seconds=30)))
