"""Shelves of a library and the books on them."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from librarium.books import service as books
from librarium.db.base import utcnow
from librarium.errors import BadRequest, NotFound
from librarium.kit.validate import parse_uuid, required_text
from librarium.models import BookShelf, Shelf, ShelfTag
from librarium.shelves import repository as repo
from librarium.shelves.schemas import ShelfRead, ShelfWrite
from librarium.tags import service as tags

FAVOURITES = "Favourites"


async def _shape(session: AsyncSession, rows: list[Shelf]) -> list[ShelfRead]:
    ids = [s.id for s in rows]
    if not ids:
        return []
    counts = await repo.book_counts(session, ids)
    tag_refs = await tags.refs(session, ShelfTag, "shelf_id", ids)
    return [
        ShelfRead(
            id=s.id,
            library_id=s.library_id,
            name=s.name,
            description=s.description,
            color=s.color,
            icon=s.icon,
            display_order=s.display_order,
            book_count=int(counts.get(s.id, 0)),
            tags=tag_refs.get(s.id, []),
            created_at=s.created_at,
            updated_at=s.updated_at,
        )
        for s in rows
    ]


async def list_shelves(session: AsyncSession, library_id: uuid.UUID, search: str, tag: str) -> list[ShelfRead]:
    tagged = tags.has_tag_named(ShelfTag, "shelf_id", Shelf.id, tag) if tag else None
    return await _shape(session, await repo.in_library(session, library_id, search, tagged))


async def get(session: AsyncSession, library_id: uuid.UUID, shelf_id: uuid.UUID) -> Shelf:
    return await repo.shelves.one(session, library_id, shelf_id, "shelf not found")


def _apply(shelf: Shelf, body: ShelfWrite) -> None:
    name = required_text(body.name, "name", 128)
    for field, limit in (("color", 16), ("icon", 64)):
        if len(getattr(body, field)) > limit:
            raise BadRequest(f"{field} must be at most {limit} characters")
    shelf.name = name
    shelf.description = body.description or None
    shelf.color = body.color or None
    shelf.icon = body.icon or None
    shelf.display_order = body.display_order


async def create(session: AsyncSession, library_id: uuid.UUID, user_id: uuid.UUID, body: ShelfWrite) -> ShelfRead:
    shelf = Shelf(library_id=library_id, created_by=user_id)
    _apply(shelf, body)
    tag_ids = await tags.resolve_ids(session, library_id, body.tag_ids or [])
    session.add(shelf)
    await session.flush()
    await tags.replace_links(session, ShelfTag, "shelf_id", shelf.id, tag_ids)
    return (await _shape(session, [shelf]))[0]


async def create_favourites(session: AsyncSession, library_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """Every new library starts with a "Favourites" shelf (an ordinary shelf: it can be deleted)."""
    session.add(Shelf(library_id=library_id, created_by=user_id, name=FAVOURITES, icon="⭐", display_order=0))
    await session.flush()


async def update(session: AsyncSession, library_id: uuid.UUID, shelf_id: uuid.UUID, body: ShelfWrite) -> ShelfRead:
    shelf = await get(session, library_id, shelf_id)
    _apply(shelf, body)
    shelf.updated_at = utcnow()
    if body.tag_ids is not None:
        ids = await tags.resolve_ids(session, library_id, body.tag_ids)
        await tags.replace_links(session, ShelfTag, "shelf_id", shelf.id, ids)
    await session.flush()
    return (await _shape(session, [shelf]))[0]


async def delete(session: AsyncSession, library_id: uuid.UUID, shelf_id: uuid.UUID) -> None:
    await session.delete(await get(session, library_id, shelf_id))
    await session.flush()


async def shelf_books(session: AsyncSession, library_id: uuid.UUID, shelf_id: uuid.UUID) -> list[dict[str, Any]]:
    await get(session, library_id, shelf_id)
    return await books.books_of(session, await repo.book_ids(session, shelf_id), None)


async def add_book(
    session: AsyncSession, library_id: uuid.UUID, shelf_id: uuid.UUID, raw_book_id: str, user_id: uuid.UUID
) -> None:
    book_id = parse_uuid(raw_book_id, "invalid book_id")
    await get(session, library_id, shelf_id)
    await books.get(session, library_id, book_id)
    if await repo.link(session, book_id, shelf_id) is None:
        session.add(BookShelf(book_id=book_id, shelf_id=shelf_id, added_by=user_id))
        await session.flush()


async def ids_named(
    session: AsyncSession, library_id: uuid.UUID, user_id: uuid.UUID, names: list[str]
) -> dict[str, uuid.UUID]:
    """{lower-cased name: id} for these names in the library, the missing ones created at once (importers)."""
    return await repo.shelves.ids_named(session, library_id, user_id, names, display_order=0)


async def add_many(session: AsyncSession, pairs: list[tuple[uuid.UUID, uuid.UUID]], user_id: uuid.UUID) -> None:
    """(shelf, book) links for books an importer just created on shelves of their library (no checks: the
    caller made both), in one statement."""
    now = utcnow()
    rows = [{"shelf_id": s, "book_id": b, "added_by": user_id, "added_at": now} for s, b in dict.fromkeys(pairs)]
    await repo.insert_links(session, rows)


async def remove_book(session: AsyncSession, library_id: uuid.UUID, shelf_id: uuid.UUID, book_id: uuid.UUID) -> None:
    await get(session, library_id, shelf_id)
    link = await repo.link(session, book_id, shelf_id)
    if link is None:
        raise NotFound("book not on shelf")
    await session.delete(link)
    await session.flush()


async def of_book(session: AsyncSession, library_id: uuid.UUID, book_id: uuid.UUID) -> list[ShelfRead]:
    await books.get(session, library_id, book_id)
    return await _shape(session, await repo.holding(session, library_id, book_id))
