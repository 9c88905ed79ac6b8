"""The `enrichment.batch` job: every pending item of a batch, looked up a few at a time (within each
provider's own limits) and applied one book per step, so a crash or a restart resumes with the books not yet
done and no book is applied twice. Cancelling the batch stops it between books."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from librarium.enrichment import process
from librarium.enrichment import repository as repo
from librarium.enrichment.service import KIND, finish_if_complete
from librarium.jobs.context import JobContext
from librarium.jobs.registry import job_kind
from librarium.models import EnrichmentBatch

LOOKAHEAD = 8  # books looked up at once; each provider's own concurrency limit still applies


@job_kind(KIND, time_limit=timedelta(hours=12), max_attempts=5, backoff=timedelta(seconds=30))
async def run_batch(ctx: JobContext) -> None:
    batch_id = uuid.UUID(ctx.args["batch_id"])
    while True:
        async with ctx.db.unit_of_work(write=False) as session:
            batch = await session.get(EnrichmentBatch, batch_id)
            if batch is None or batch.status == "cancelled":
                return
            chunk = await repo.pending_items(session, batch_id, LOOKAHEAD)
        if not chunk:
            async with ctx.step() as session:
                await finish_if_complete(session, batch_id)
            return
        force, cover_only = batch.force, batch.type == "cover"
        prepared = await asyncio.gather(
            *(
                process.prepare(
                    ctx.db, ctx.settings, batch.library_id, item.book_id, force=force, cover_only=cover_only
                )
                for item in chunk
            )
        )
        for item, ready in zip(chunk, prepared, strict=True):
            async with ctx.step() as session:
                current = await repo.item(session, item.id)
                fresh = await session.get(EnrichmentBatch, batch_id)
                if current is None or current.status != "pending" or fresh is None or fresh.status == "cancelled":
                    continue  # done by an earlier attempt, or the batch was cancelled meanwhile
                if fresh.status == "pending":
                    fresh.status = "processing"
                try:
                    async with session.begin_nested():
                        status, message = await process.apply(
                            session, ctx.settings, current, fresh.library_id, fresh.created_by, ready,
                            force=force, cover_only=cover_only,
                        )  # fmt: skip
                except Exception as exc:  # one book's failure is recorded on its item; the batch goes on
                    status, message = "failed", f"applying the merged result: {exc}"
                current.status, current.message = status, message
                await finish_if_complete(session, batch_id)
                done = fresh.processed_books
                ctx.progress(done, fresh.total_books)
