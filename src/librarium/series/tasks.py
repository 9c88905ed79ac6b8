"""The release checker: every series linked to a provider has its volumes synced, one series per step,
least recently checked first, politely (each provider's own concurrency limit and the shared cache apply).
A series that fails is logged and left for the next run; the run goes on."""

from __future__ import annotations

import logging
from datetime import timedelta

from librarium.errors import AppError
from librarium.jobs.context import JobContext
from librarium.jobs.registry import Schedule, job_kind, schedule
from librarium.providers.lookup import Lookup
from librarium.series import service

log = logging.getLogger("librarium.series")

CHECK_RELEASES = "series.check_releases"


@job_kind(CHECK_RELEASES, time_limit=timedelta(hours=6), max_attempts=3, backoff=timedelta(minutes=5))
async def check_releases(ctx: JobContext) -> None:
    async with ctx.db.unit_of_work(write=False) as session:
        linked = await service.linked_series(session)
    done = set(ctx.checkpoint.get("done", []))
    failed = int(ctx.checkpoint.get("failed", 0))
    for library_id, series_id in linked:
        if str(series_id) in done:
            continue
        async with ctx.step() as session:
            try:
                await service.sync_volumes(
                    session, Lookup(ctx.db, ctx.settings, session=session), library_id, series_id
                )
            except AppError as exc:
                failed += 1
                log.info("release check of series %s failed: %s", series_id, exc.message)
            done.add(str(series_id))
            ctx.checkpoint.update(done=sorted(done), failed=failed)
            ctx.progress(len(done), len(linked))


schedule(
    Schedule(
        "check-releases",
        CHECK_RELEASES,
        interval=timedelta(hours=24),
        first_after=timedelta(minutes=10),  # upstream's first check came 24 h after start
        interval_setting="release_check_interval",
    )
)
