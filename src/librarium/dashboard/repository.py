"""SQL of the dashboard: always over the libraries the caller is a member of."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.models import (
    Book,
    BookEdition,
    BookSeries,
    Library,
    LibraryMembership,
    MediaType,
    Series,
    UserBookInteraction,
)


def _member_libraries(user_id: uuid.UUID) -> Any:
    return select(LibraryMembership.library_id).where(LibraryMembership.user_id == user_id)


async def books_with_library_names(session: AsyncSession, ids: list[uuid.UUID]) -> list[tuple[Book, str]]:
    stmt = select(Book, Library.name).join(Library, Library.id == Book.library_id).where(Book.id.in_(ids))
    return [(book, name) for book, name in (await session.execute(stmt)).all()]


async def interactions(session: AsyncSession, user_id: uuid.UUID) -> list[Any]:
    """The caller's reading records (book_id, read_status, rating, is_favorite, date_finished, updated_at)."""
    stmt = (
        select(
            BookEdition.book_id,
            UserBookInteraction.read_status,
            UserBookInteraction.rating,
            UserBookInteraction.is_favorite,
            UserBookInteraction.date_finished,
            UserBookInteraction.updated_at,
        )
        .join(UserBookInteraction, UserBookInteraction.book_edition_id == BookEdition.id)
        .join(Book, Book.id == BookEdition.book_id)
        .where(UserBookInteraction.user_id == user_id, Book.library_id.in_(_member_libraries(user_id)))
    )
    return list((await session.execute(stmt)).all())


async def newest_book_ids(session: AsyncSession, user_id: uuid.UUID, limit: int) -> list[uuid.UUID]:
    stmt = (
        select(Book.id)
        .where(Book.library_id.in_(_member_libraries(user_id)))
        .order_by(Book.created_at.desc(), Book.id)
        .limit(limit)
    )
    return list((await session.execute(stmt)).scalars())


async def daily_picks(
    session: AsyncSession, user_id: uuid.UUID, media_types: list[str], seen: list[uuid.UUID], day: str, limit: int
) -> list[uuid.UUID]:
    """Books of these media types the caller has not read, in an order that is stable for `day`."""
    stmt = (
        select(Book.id)
        .join(MediaType, MediaType.id == Book.media_type_id)
        .where(Book.library_id.in_(_member_libraries(user_id)), MediaType.name.in_(media_types), Book.id.not_in(seen))
        .order_by(func.md5(cast(Book.id, String) + day))
        .limit(limit)
    )
    return list((await session.execute(stmt)).scalars())


async def series_entries_with(session: AsyncSession, user_id: uuid.UUID, book_ids: set[uuid.UUID]) -> list[Any]:
    """(id, name, book_id, position) of every entry of the series that contain one of `book_ids`."""
    with_read = select(BookSeries.series_id).where(BookSeries.book_id.in_(book_ids))
    stmt = (
        select(Series.id, Series.name, BookSeries.book_id, BookSeries.position)
        .join(BookSeries, BookSeries.series_id == Series.id)
        .where(Series.id.in_(with_read), Series.library_id.in_(_member_libraries(user_id)))
        .order_by(BookSeries.position)
    )
    return list((await session.execute(stmt)).all())


async def book_count(session: AsyncSession, user_id: uuid.UUID, since: datetime | None = None) -> int:
    stmt = select(func.count()).select_from(Book).where(Book.library_id.in_(_member_libraries(user_id)))
    if since is not None:
        stmt = stmt.where(Book.created_at >= since)
    return int((await session.execute(stmt)).scalar_one())
