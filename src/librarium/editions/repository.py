"""SQL of the editions domain, scoped to a library by construction (kit/repository.py)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.db import bulk
from librarium.db.base import table_of
from librarium.kit.repository import LibraryScoped
from librarium.models import Book, BookContributor, BookEdition, Contributor, UserBookInteraction

books = LibraryScoped(Book)


async def editions_oldest_first(session: AsyncSession, book_id: uuid.UUID) -> list[BookEdition]:
    stmt = select(BookEdition).where(BookEdition.book_id == book_id).order_by(BookEdition.created_at, BookEdition.id)
    return list((await session.execute(stmt)).scalars())


async def with_narrators(session: AsyncSession, book_id: uuid.UUID) -> list[tuple[BookEdition, str | None]]:
    """The book's editions (primary first, then oldest first) with their narrator's name."""
    stmt = (
        select(BookEdition, Contributor.name)
        .outerjoin(Contributor, Contributor.id == BookEdition.narrator_contributor_id)
        .where(BookEdition.book_id == book_id)
        .order_by(BookEdition.is_primary.desc(), BookEdition.created_at, BookEdition.id)
    )
    return [(edition, name) for edition, name in (await session.execute(stmt)).all()]


async def demote_primaries(session: AsyncSession, book_id: uuid.UUID, *, except_id: uuid.UUID) -> None:
    await session.execute(
        update(BookEdition)
        .where(BookEdition.book_id == book_id, BookEdition.id != except_id, BookEdition.is_primary.is_(True))
        .values(is_primary=False)
    )


async def last_contributor_order(session: AsyncSession, book_id: uuid.UUID) -> int | None:
    stmt = select(func.max(BookContributor.display_order)).where(BookContributor.book_id == book_id)
    top: int | None = (await session.execute(stmt)).scalar()
    return top


async def interaction(session: AsyncSession, user_id: uuid.UUID, edition_id: uuid.UUID) -> UserBookInteraction | None:
    stmt = select(UserBookInteraction).where(
        UserBookInteraction.user_id == user_id, UserBookInteraction.book_edition_id == edition_id
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def primary_edition_ids(session: AsyncSession, book_ids: list[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    if not book_ids:
        return {}
    stmt = select(BookEdition.book_id, BookEdition.id).where(
        BookEdition.book_id.in_(book_ids), BookEdition.is_primary.is_(True)
    )
    return {book_id: edition_id for book_id, edition_id in (await session.execute(stmt)).all()}


async def set_copy_counts(session: AsyncSession, counts: list[dict[str, Any]]) -> None:
    """[{edition_id, count}] in one executemany."""
    if counts:
        stmt = (
            update(BookEdition)
            .where(BookEdition.id == bindparam("edition_id"))
            .values(copy_count=bindparam("count"))
            .execution_options(synchronize_session=False)
        )
        await session.execute(stmt, counts)


async def insert_interactions(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    await bulk.insert_rows(session, table_of(UserBookInteraction), rows)


async def insert_many(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    await bulk.insert_rows(session, table_of(BookEdition), rows)
