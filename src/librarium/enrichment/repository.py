"""SQL of enrichment batches, items and changes. A batch is visible only to its creator."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.db.base import utcnow
from librarium.models import Book, EnrichmentBatch, EnrichmentChange, EnrichmentItem, Library

FINISHED = ("done", "failed", "cancelled")
ACTIVE = ("pending", "processing")


async def titles(session: AsyncSession, library_id: uuid.UUID, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The titles of those of `ids` that are books of the library."""
    stmt = select(Book.id, Book.title).where(Book.library_id == library_id, Book.id.in_(ids))
    return {book_id: title for book_id, title in (await session.execute(stmt)).all()}


async def mine(session: AsyncSession, user_id: uuid.UUID, batch_id: uuid.UUID) -> EnrichmentBatch | None:
    stmt = select(EnrichmentBatch).where(EnrichmentBatch.id == batch_id, EnrichmentBatch.created_by == user_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def mine_with_library(session: AsyncSession, user_id: uuid.UUID) -> list[tuple[EnrichmentBatch, str]]:
    stmt = (
        select(EnrichmentBatch, Library.name)
        .join(Library, Library.id == EnrichmentBatch.library_id)
        .where(EnrichmentBatch.created_by == user_id)
        .order_by(EnrichmentBatch.created_at.desc(), EnrichmentBatch.id)
    )
    return [(batch, name) for batch, name in (await session.execute(stmt)).all()]


async def items(session: AsyncSession, batch_id: uuid.UUID) -> list[EnrichmentItem]:
    stmt = select(EnrichmentItem).where(EnrichmentItem.batch_id == batch_id).order_by(EnrichmentItem.position)
    return list((await session.scalars(stmt)).all())


async def pending_items(session: AsyncSession, batch_id: uuid.UUID, limit: int | None) -> list[EnrichmentItem]:
    stmt = (
        select(EnrichmentItem)
        .where(EnrichmentItem.batch_id == batch_id, EnrichmentItem.status == "pending")
        .order_by(EnrichmentItem.position)
        .limit(limit)
    )
    return list((await session.scalars(stmt)).all())


async def item(session: AsyncSession, item_id: uuid.UUID) -> EnrichmentItem | None:
    return await session.get(EnrichmentItem, item_id)


async def changes(
    session: AsyncSession, batch_id: uuid.UUID, book_id: uuid.UUID | None = None
) -> list[EnrichmentChange]:
    stmt = select(EnrichmentChange).where(EnrichmentChange.batch_id == batch_id)
    if book_id is not None:
        stmt = stmt.where(EnrichmentChange.book_id == book_id)
    return list((await session.scalars(stmt.order_by(EnrichmentChange.created_at, EnrichmentChange.id))).all())


async def counts(session: AsyncSession, batch_id: uuid.UUID) -> dict[str, int]:
    stmt = (
        select(EnrichmentItem.status, func.count())
        .where(EnrichmentItem.batch_id == batch_id)
        .group_by(EnrichmentItem.status)
    )
    return {status: int(n) for status, n in (await session.execute(stmt)).all()}


async def skip_pending(session: AsyncSession, batch_id: uuid.UUID, message: str) -> None:
    await session.execute(
        update(EnrichmentItem)
        .where(EnrichmentItem.batch_id == batch_id, EnrichmentItem.status == "pending")
        .values(status="skipped", message=message, updated_at=utcnow())
    )


async def delete_finished(session: AsyncSession, user_id: uuid.UUID) -> list[uuid.UUID]:
    stmt = select(EnrichmentBatch.id).where(EnrichmentBatch.created_by == user_id, EnrichmentBatch.status.in_(FINISHED))
    ids = list((await session.scalars(stmt)).all())
    if ids:
        await session.execute(delete(EnrichmentBatch).where(EnrichmentBatch.id.in_(ids)))
    return ids


async def kept_images(session: AsyncSession, batch_ids: list[uuid.UUID]) -> list[Any]:
    """The cover image ids a batch replaced (kept so that a revert can bring them back)."""
    if not batch_ids:
        return []
    stmt = select(EnrichmentChange.book_id, EnrichmentChange.old_value).where(
        EnrichmentChange.batch_id.in_(batch_ids), EnrichmentChange.field == "cover"
    )
    return [(book_id, old) for book_id, old in (await session.execute(stmt)).all()]
