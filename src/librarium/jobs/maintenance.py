"""Housekeeping jobs of the server itself."""

from __future__ import annotations

from datetime import timedelta

from librarium.auth import service as auth
from librarium.jobs.context import JobContext
from librarium.jobs.registry import Schedule, job_kind, schedule
from librarium.providers import service as providers

PURGE_TOKENS = "maintenance.purge_tokens"
PURGE_LOOKUPS = "maintenance.purge_lookup_cache"


@job_kind(PURGE_TOKENS, time_limit=timedelta(minutes=10), max_attempts=3)
async def purge_tokens(ctx: JobContext) -> None:
    """Drop refresh tokens and deny-list entries that have expired (nothing can use them any more)."""
    async with ctx.step() as session:
        removed = await auth.purge_expired_tokens(session)
        ctx.checkpoint["removed"] = removed


schedule(Schedule("purge-tokens", PURGE_TOKENS, interval=timedelta(hours=6), first_after=timedelta(minutes=5)))


@job_kind(PURGE_LOOKUPS, time_limit=timedelta(minutes=10), max_attempts=3)
async def purge_lookup_cache(ctx: JobContext) -> None:
    """Drop expired provider answers (they are never read again; a lookup asks the provider afresh)."""
    async with ctx.step() as session:
        ctx.checkpoint["removed"] = await providers.purge_expired_lookups(session)


schedule(Schedule("purge-lookup-cache", PURGE_LOOKUPS, interval=timedelta(hours=6), first_after=timedelta(minutes=7)))
