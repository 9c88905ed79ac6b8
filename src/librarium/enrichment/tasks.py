"""The `enrichment.batch` job: the batch's pending books, looked up `LIBRARIUM_ENRICHMENT_CONCURRENCY` ahead
(each provider's own concurrency limit still applies) and applied one book per step, so a crash or a restart
resumes with the books not yet done and no book is applied twice. Cancelling the batch stops it between
books."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from librarium.enrichment import process
from librarium.enrichment import repository as repo
from librarium.enrichment.rules import Force
from librarium.enrichment.service import KIND, count, finish_if_complete
from librarium.jobs.context import JobContext
from librarium.jobs.registry import job_kind
from librarium.models import EnrichmentBatch, EnrichmentItem


@job_kind(KIND, time_limit=timedelta(hours=12), max_attempts=5, backoff=timedelta(seconds=30))
async def run_batch(ctx: JobContext) -> None:
    """A sliding window: while one book is applied, the next ones are being looked up."""
    batch_id = uuid.UUID(ctx.args["batch_id"])
    async with ctx.db.unit_of_work(write=False) as session:
        batch = await session.get(EnrichmentBatch, batch_id)
        if batch is None or batch.status == "cancelled":
            return
        todo = await repo.pending_items(session, batch_id, None)
    force: Force = True if batch.force else frozenset(batch.force_fields or ())
    cover_only, library_id = batch.type == "cover", batch.library_id

    def look_up(item: EnrichmentItem) -> asyncio.Task[process.Prepared]:
        prepared = process.prepare(ctx.db, ctx.settings, library_id, item.book_id, force=force, cover_only=cover_only)
        return asyncio.ensure_future(prepared)

    window = ctx.settings.enrichment_concurrency
    ahead = [look_up(item) for item in todo[:window]]
    try:
        for n, item in enumerate(todo):
            ready = await ahead[n]
            if n + window < len(todo):
                ahead.append(look_up(todo[n + window]))
            if not await _apply(ctx, batch_id, item.id, ready, force=force, cover_only=cover_only):
                return  # the batch was cancelled
        async with ctx.step() as session:
            await finish_if_complete(session, batch_id)
    finally:
        for task in ahead:
            task.cancel()
        await asyncio.gather(*ahead, return_exceptions=True)


async def _apply(
    ctx: JobContext, batch_id: uuid.UUID, item_id: uuid.UUID, ready: process.Prepared, *, force: Force, cover_only: bool
) -> bool:
    """One book in one step; False once the batch is cancelled."""
    async with ctx.step() as session:
        current = await repo.item(session, item_id)
        batch = await session.get(EnrichmentBatch, batch_id)
        if batch is None or batch.status == "cancelled":
            return False
        if current is None or current.status != "pending":
            return True  # done by an earlier attempt
        if batch.status == "pending":
            batch.status = "processing"
        try:
            async with session.begin_nested():
                status, message = await process.apply(
                    session, ctx.settings, current, batch.library_id, batch.created_by, ready,
                    force=force, cover_only=cover_only,
                )  # fmt: skip
        except Exception as exc:  # one book's failure is recorded on its item; the batch goes on
            status, message = "failed", f"applying the merged result: {exc}"
        current.status, current.message = status, message
        count(batch, status)  # in the same step as the item: never lost, never counted twice
        ctx.progress(batch.processed_books, batch.total_books)
    return True
