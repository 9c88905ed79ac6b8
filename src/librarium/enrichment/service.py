"""Enrichment batches: create (202, a durable job), read, cancel, delete, revert. Everything is scoped to the
batch's creator, as upstream; the books must belong to the path's library (upstream did not check)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from librarium.books import enrichable
from librarium.config import Settings
from librarium.db.base import utcnow
from librarium.enrichment import repository as repo
from librarium.enrichment.schemas import BatchRead, ItemRead, RevertReport
from librarium.errors import BadRequest, NotFound
from librarium.files import covers
from librarium.jobs import service as jobs
from librarium.models import EnrichmentBatch, EnrichmentItem

KIND = "enrichment.batch"


async def create(
    session: AsyncSession,
    library_id: uuid.UUID,
    user_id: uuid.UUID,
    book_ids: list[uuid.UUID] | None,
    *,
    kind: str,
    force: bool,
    force_fields: list[str] | None = None,
) -> EnrichmentBatch:
    if not book_ids:
        raise BadRequest("book_ids must not be empty")
    ids = list(dict.fromkeys(book_ids))  # upstream kept duplicates and could stall for ever on them
    titles = await repo.titles(session, library_id, ids)
    missing = [i for i in ids if i not in titles]
    if missing:
        raise NotFound(f"book not found: {missing[0]}")
    batch = EnrichmentBatch(
        library_id=library_id, created_by=user_id, type=kind, force=force, force_fields=sorted(force_fields or []),
        status="pending", book_ids=[str(i) for i in ids], total_books=len(ids),
    )  # fmt: skip
    session.add(batch)
    await session.flush()
    session.add_all(
        EnrichmentItem(batch_id=batch.id, book_id=i, position=n, book_title=titles[i]) for n, i in enumerate(ids)
    )
    job = await jobs.enqueue(session, KIND, {"batch_id": str(batch.id)})
    batch.job_id = job.id
    await session.flush()
    await session.refresh(batch)
    return batch


def count(batch: EnrichmentBatch, status: str) -> None:
    """One more book processed (its item's new status in the same transaction)."""
    batch.processed_books += 1
    batch.failed_books += status == "failed"
    batch.skipped_books += status == "skipped"
    batch.updated_at = utcnow()


async def finish_if_complete(session: AsyncSession, batch_id: uuid.UUID) -> None:
    """Counters from the items (never lost, never counted twice); the final status once none is pending."""
    batch = await session.get(EnrichmentBatch, batch_id)
    if batch is None:
        return
    counts = await repo.counts(session, batch_id)
    batch.failed_books = counts.get("failed", 0)
    batch.skipped_books = counts.get("skipped", 0)
    batch.processed_books = batch.failed_books + batch.skipped_books + counts.get("done", 0)
    if counts.get("pending", 0) == 0 and batch.status in ("pending", "processing"):
        batch.status = "failed" if batch.failed_books == batch.total_books else "done"
    batch.updated_at = utcnow()
    await session.flush()


async def _mine(session: AsyncSession, user_id: uuid.UUID, batch_id: uuid.UUID, missing: str) -> EnrichmentBatch:
    batch = await repo.mine(session, user_id, batch_id)
    if batch is None:
        raise NotFound(missing)
    return batch


async def listing(session: AsyncSession, user_id: uuid.UUID) -> list[BatchRead]:
    return [shape(batch, library_name=name) for batch, name in await repo.mine_with_library(session, user_id)]


def shape(
    batch: EnrichmentBatch,
    *,
    library_name: str | None = None,
    book_ids: list[uuid.UUID] | None = None,
    items: list[ItemRead] | None = None,
) -> BatchRead:
    """A batch as the list (with its library's name), a new batch (with its books) or the detail (with its
    books and items) show it; what a view leaves out is null."""
    return BatchRead(
        id=batch.id,
        library_id=batch.library_id,
        library_name=library_name,
        created_by=batch.created_by,
        type=batch.type,
        force=batch.force,
        status=batch.status,
        book_ids=book_ids,
        total_books=batch.total_books,
        processed_books=batch.processed_books,
        failed_books=batch.failed_books,
        skipped_books=batch.skipped_books,
        items=items,
        created_at=batch.created_at,
        updated_at=batch.updated_at,
    )


async def detail(session: AsyncSession, user_id: uuid.UUID, batch_id: uuid.UUID) -> BatchRead:
    batch = await _mine(session, user_id, batch_id, "batch not found")
    changes: dict[uuid.UUID, list[Any]] = {}
    for change in await repo.changes(session, batch_id):
        changes.setdefault(change.item_id, []).append(change)
    items = [
        ItemRead(
            id=i.id, batch_id=i.batch_id, book_id=i.book_id, book_title=i.book_title, status=i.status,
            message=i.message or None, changes=changes.get(i.id, []), created_at=i.created_at, updated_at=i.updated_at,
        )
        for i in await repo.items(session, batch_id)
    ]  # fmt: skip
    return shape(batch, book_ids=batch.book_ids, items=items)


async def cancel(session: AsyncSession, user_id: uuid.UUID, batch_id: uuid.UUID) -> None:
    """Pending books end `skipped` (upstream left them `pending` for ever); a book being applied finishes."""
    batch = await repo.mine(session, user_id, batch_id)
    if batch is None or batch.status not in repo.ACTIVE:
        raise NotFound("batch not found or cannot be cancelled")
    await repo.skip_pending(session, batch_id, "cancelled before it was processed")
    batch.status = "cancelled"
    await finish_if_complete(session, batch_id)


async def delete(session: AsyncSession, settings: Settings, user_id: uuid.UUID, batch_id: uuid.UUID) -> None:
    batch = await repo.mine(session, user_id, batch_id)
    if batch is None or batch.status not in repo.FINISHED:
        raise NotFound("batch not found")
    await _discard_kept_covers(session, settings, [batch.id])
    await session.delete(batch)
    await session.flush()


async def delete_finished(session: AsyncSession, settings: Settings, user_id: uuid.UUID) -> None:
    finished = [b.id for b, _ in await repo.mine_with_library(session, user_id) if b.status in repo.FINISHED]
    await _discard_kept_covers(session, settings, finished)
    await repo.delete_finished(session, user_id)


async def _discard_kept_covers(session: AsyncSession, settings: Settings, batch_ids: list[uuid.UUID]) -> None:
    for book_id, old in await repo.kept_images(session, batch_ids):
        await covers.discard(session, settings, "book", book_id, list(old or []))


async def revert(
    session: AsyncSession, settings: Settings, user_id: uuid.UUID, batch_id: uuid.UUID, book_id: uuid.UUID | None = None
) -> RevertReport:
    """Restores every field that still holds the value the batch wrote; a field changed since is kept and
    reported. Covers come back too (the replaced image was kept)."""
    batch = await _mine(session, user_id, batch_id, "batch not found")
    if batch.status in repo.ACTIVE:
        raise BadRequest("batch is still running; cancel it first")
    restored: list[dict[str, Any]] = []
    kept: list[dict[str, Any]] = []
    by_book: dict[uuid.UUID, list[Any]] = {}
    for change in await repo.changes(session, batch_id, book_id):
        if change.reverted_at is None:
            by_book.setdefault(change.book_id, []).append(change)
    for target, book_changes in by_book.items():
        loaded = await enrichable.load(session, batch.library_id, target)
        if loaded is None:
            continue
        book, editions = loaded
        current = await enrichable.read(session, book, editions)
        back: dict[str, Any] = {}
        for change in book_changes:
            entry = {"book_id": target, "field": change.field}
            if change.field == "cover":
                ok = await covers.restore(
                    session, settings, "book", target, change.new_value, list(change.old_value or [])
                )
                if ok:
                    enrichable.touch(book)
            else:
                ok = current.get(change.field) == change.new_value
                if ok:
                    back[change.field] = change.old_value
            (restored if ok else kept).append(entry)
            if ok:
                change.reverted_at = utcnow()
        if back:
            await enrichable.write(session, book, editions, back)
    await session.flush()
    return RevertReport(restored=restored, kept=kept)
