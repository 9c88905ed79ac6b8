"""SQL of the shelves domain, scoped to a library by construction (kit/repository.py)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.db import bulk
from librarium.db.base import table_of
from librarium.kit.repository import LibraryScoped
from librarium.models import BookShelf, Shelf

shelves = LibraryScoped(Shelf)


def _ordered(stmt: Any) -> Any:
    return stmt.order_by(Shelf.display_order, func.lower(Shelf.name), Shelf.id)


async def book_counts(session: AsyncSession, shelf_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    stmt = (
        select(BookShelf.shelf_id, func.count()).where(BookShelf.shelf_id.in_(shelf_ids)).group_by(BookShelf.shelf_id)
    )
    return {sid: int(n) for sid, n in (await session.execute(stmt)).all()}


async def in_library(session: AsyncSession, library_id: uuid.UUID, search: str, tagged: Any = None) -> list[Shelf]:
    stmt = select(Shelf).where(Shelf.library_id == library_id)
    if search:
        stmt = stmt.where(func.lower(Shelf.name).contains(search.lower(), autoescape=True))
    if tagged is not None:
        stmt = stmt.where(tagged)
    return list((await session.execute(_ordered(stmt))).scalars())


async def book_ids(session: AsyncSession, shelf_id: uuid.UUID) -> list[uuid.UUID]:
    """The shelf's books, most recently added first."""
    stmt = (
        select(BookShelf.book_id)
        .where(BookShelf.shelf_id == shelf_id)
        .order_by(BookShelf.added_at.desc(), BookShelf.book_id)
    )
    return list((await session.execute(stmt)).scalars())


async def link(session: AsyncSession, book_id: uuid.UUID, shelf_id: uuid.UUID) -> BookShelf | None:
    return await session.get(BookShelf, (book_id, shelf_id))


async def holding(session: AsyncSession, library_id: uuid.UUID, book_id: uuid.UUID) -> list[Shelf]:
    """The library's shelves the book is on."""
    on = select(BookShelf.shelf_id).where(BookShelf.book_id == book_id)
    stmt = _ordered(select(Shelf).where(Shelf.library_id == library_id, Shelf.id.in_(on)))
    return list((await session.execute(stmt)).scalars())


async def insert_links(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    await bulk.insert_rows(session, table_of(BookShelf), rows)
