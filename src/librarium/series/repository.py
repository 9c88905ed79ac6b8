"""SQL of the series domain, scoped to a library by construction (kit/repository.py)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.db import bulk
from librarium.db.base import table_of, utcnow
from librarium.kit.repository import LibraryScoped
from librarium.models import Book, BookSeries, MediaType, Series, SeriesVolume

series = LibraryScoped(Series)
books = LibraryScoped(Book)


async def book_counts(session: AsyncSession, series_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    stmt = (
        select(BookSeries.series_id, func.count())
        .where(BookSeries.series_id.in_(series_ids))
        .group_by(BookSeries.series_id)
    )
    return {sid: int(n) for sid, n in (await session.execute(stmt)).all()}


async def release_dates(session: AsyncSession, series_ids: list[uuid.UUID]) -> list[tuple[uuid.UUID, date | None]]:
    stmt = select(SeriesVolume.series_id, SeriesVolume.release_date).where(
        SeriesVolume.series_id.in_(series_ids), SeriesVolume.release_date.is_not(None)
    )
    return [(sid, released) for sid, released in (await session.execute(stmt)).all()]


async def in_library(session: AsyncSession, library_id: uuid.UUID, search: str, tagged: Any = None) -> list[Series]:
    stmt = select(Series).where(Series.library_id == library_id)
    if search:
        stmt = stmt.where(func.lower(Series.name).contains(search.lower(), autoescape=True))
    if tagged is not None:
        stmt = stmt.where(tagged)
    return list((await session.execute(stmt.order_by(func.lower(Series.name), Series.id))).scalars())


async def link(session: AsyncSession, book_id: uuid.UUID, series_id: uuid.UUID) -> BookSeries | None:
    return await session.get(BookSeries, (book_id, series_id))


async def entries(session: AsyncSession, series_id: uuid.UUID) -> list[tuple[Decimal, uuid.UUID, str, str | None, str]]:
    """(position, book id, title, subtitle, media type) of the series' books, in position order."""
    stmt = (
        select(BookSeries.position, Book.id, Book.title, Book.subtitle, MediaType.display_name)
        .join(Book, Book.id == BookSeries.book_id)
        .join(MediaType, MediaType.id == Book.media_type_id)
        .where(BookSeries.series_id == series_id)
        .order_by(BookSeries.position, Book.sort_key)
    )
    return [(p, b, t, s, m) for p, b, t, s, m in (await session.execute(stmt)).all()]


async def of_book(
    session: AsyncSession, library_id: uuid.UUID, book_id: uuid.UUID
) -> list[tuple[uuid.UUID, str, Decimal]]:
    stmt = (
        select(Series.id, Series.name, BookSeries.position)
        .join(BookSeries, BookSeries.series_id == Series.id)
        .where(BookSeries.book_id == book_id, Series.library_id == library_id)
        .order_by(BookSeries.position, Series.name)
    )
    return [(i, n, p) for i, n, p in (await session.execute(stmt)).all()]


async def volumes(session: AsyncSession, series_id: uuid.UUID) -> list[SeriesVolume]:
    stmt = select(SeriesVolume).where(SeriesVolume.series_id == series_id).order_by(SeriesVolume.position)
    return list((await session.execute(stmt)).scalars())


async def unseried_of_types(
    session: AsyncSession, library_id: uuid.UUID, media_types: list[str]
) -> list[tuple[uuid.UUID, str, str | None, datetime]]:
    """(id, title, subtitle, created_at) of the library's books of these media types in no series."""
    in_series = select(BookSeries.book_id)
    stmt = (
        select(Book.id, Book.title, Book.subtitle, Book.created_at)
        .join(MediaType, MediaType.id == Book.media_type_id)
        .where(Book.library_id == library_id, MediaType.name.in_(media_types), Book.id.not_in(in_series))
        .order_by(Book.sort_key, Book.id)
    )
    return [(i, t, s, c) for i, t, s, c in (await session.execute(stmt)).all()]


async def books_outside(
    session: AsyncSession, library_id: uuid.UUID, series_id: uuid.UUID
) -> list[tuple[uuid.UUID, str, str | None]]:
    """(id, title, subtitle) of the library's books that are not in this series."""
    members = select(BookSeries.book_id).where(BookSeries.series_id == series_id)
    stmt = (
        select(Book.id, Book.title, Book.subtitle)
        .where(Book.library_id == library_id, Book.id.not_in(members))
        .order_by(Book.sort_key, Book.id)
    )
    return [(i, t, s) for i, t, s in (await session.execute(stmt)).all()]


async def other_series(
    session: AsyncSession, book_ids: list[uuid.UUID], exclude: uuid.UUID
) -> list[tuple[uuid.UUID, uuid.UUID, str, Decimal]]:
    """(book id, series id, name, position) of the other series these books are in."""
    stmt = (
        select(BookSeries.book_id, Series.id, Series.name, BookSeries.position)
        .join(Series, Series.id == BookSeries.series_id)
        .where(BookSeries.book_id.in_(book_ids), Series.id != exclude)
        .order_by(Series.name)
    )
    return [(b, i, n, p) for b, i, n, p in (await session.execute(stmt)).all()]


async def upsert_volumes(session: AsyncSession, series_id: uuid.UUID, found: list[Any]) -> None:
    """Provider volumes merged by position: new ones added, known ones updated where the provider has a value
    (an empty title never erases one — upstream's MangaDex sync did), none deleted."""
    existing = {round(v.position, 1): v for v in await volumes(session, series_id)}
    for item in found:
        position = round(float(item.position), 1)
        release = date.fromisoformat(item.release_date[:10]) if _iso_date(item.release_date) else None
        row = existing.get(position)
        if row is None:
            row = SeriesVolume(series_id=series_id, position=position)
            session.add(row)
            existing[position] = row
        row.title = item.title or row.title
        row.release_date = release or row.release_date
        row.cover_url = item.cover_url or row.cover_url
        row.external_id = item.external_id or row.external_id
        row.updated_at = utcnow()
    await session.flush()


def _iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text[:10])
    except ValueError:
        return False
    return True


async def linked(session: AsyncSession) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(library_id, series_id) of every series linked to a provider, least recently checked first."""
    stmt = (
        select(Series.library_id, Series.id)
        .where(Series.external_id.is_not(None), Series.external_id != "")
        .order_by(Series.volumes_checked_at.is_not(None), Series.volumes_checked_at, Series.id)
    )
    return [(lib, sid) for lib, sid in (await session.execute(stmt)).all()]


async def insert_links(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    await bulk.insert_rows(session, table_of(BookSeries), rows)
