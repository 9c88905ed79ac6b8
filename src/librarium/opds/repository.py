"""SQL of the OPDS catalogue: pages of book ids per feed, the authors and series of a library, the files of
books. Every query is scoped to one library."""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.models import (
    Book,
    BookContributor,
    BookEdition,
    BookSeries,
    BookShelf,
    BookTag,
    Contributor,
    EditionFile,
    Series,
    Shelf,
    Tag,
    UserBookInteraction,
)


async def _paged(session: AsyncSession, stmt: Any, offset: int, limit: int) -> tuple[list[Any], bool]:
    """One page and whether another follows — one row more is read instead of counting the whole feed (a
    count over a large library costs more than the page itself; OPDS needs only the `next` link)."""
    rows = (await session.execute(stmt.offset(offset).limit(limit + 1))).all()
    found = [row[0] if len(row) == 1 else tuple(row) for row in rows[:limit]]
    return found, len(rows) > limit


def _has_files() -> Any:
    """Only books with a file: every entry of an acquisition feed must offer one (OPDS 1.2). A flag on the book,
    kept by the database (migration 0016): a per-book lookup made deep pages and broad searches slow."""
    return Book.has_files == true()


def _marked(reader: uuid.UUID, statuses: list[str]) -> Any:
    """The books the reader has a reading record of with one of these statuses (on any edition)."""
    return (
        select(BookEdition.book_id)
        .join(UserBookInteraction, UserBookInteraction.book_edition_id == BookEdition.id)
        .where(UserBookInteraction.user_id == reader, UserBookInteraction.read_status.in_(statuses))
    )


def book_ids(library_id: uuid.UUID, kind: str, key: uuid.UUID | None, reader: uuid.UUID) -> Any:
    """The ids of one feed's books in its order: `recent`, `all` (by title), `author`, `series`, `shelf`,
    `tag`, `reading`, `wanted`."""
    stmt = select(Book.id).where(Book.library_id == library_id, _has_files())
    if kind == "recent":
        return stmt.order_by(Book.created_at.desc(), Book.id)
    if kind == "author":
        linked = select(BookContributor.book_id).where(BookContributor.contributor_id == key)
        return stmt.where(Book.id.in_(linked)).order_by(Book.sort_key, Book.id)
    if kind == "series":
        return (
            select(Book.id)
            .join(BookSeries, BookSeries.book_id == Book.id)
            .where(Book.library_id == library_id, BookSeries.series_id == key, _has_files())
            .order_by(BookSeries.position, Book.sort_key)
        )
    if kind == "shelf":
        on_shelf = select(BookShelf.book_id).where(BookShelf.shelf_id == key)
        return stmt.where(Book.id.in_(on_shelf)).order_by(Book.sort_key, Book.id)
    if kind == "tag":
        tagged = select(BookTag.book_id).where(BookTag.tag_id == key)
        return stmt.where(Book.id.in_(tagged)).order_by(Book.sort_key, Book.id)
    if kind == "reading":
        return stmt.where(Book.id.in_(_marked(reader, ["reading"]))).order_by(Book.sort_key, Book.id)
    if kind == "wanted":  # a record saying "unread" (a to-read shelf) and none of having started it
        started = _marked(reader, ["reading", "read", "did_not_finish"])
        return stmt.where(Book.id.in_(_marked(reader, ["unread"])), Book.id.not_in(started)).order_by(
            Book.sort_key, Book.id
        )
    return stmt.order_by(Book.sort_key, Book.id)


async def page_of_books(
    session: AsyncSession, library_id: uuid.UUID, kind: str, key: uuid.UUID | None, reader: uuid.UUID,
    offset: int, limit: int,
) -> tuple[list[uuid.UUID], bool]:  # fmt: skip
    return await _paged(session, book_ids(library_id, kind, key, reader), offset, limit)


async def authors(session: AsyncSession, library_id: uuid.UUID, offset: int, limit: int) -> tuple[list[Any], bool]:
    """(contributor id, name, books) of the library's authors, by sort name."""
    stmt = (
        select(Contributor.id, Contributor.name, func.count(func.distinct(BookContributor.book_id)))
        .join(BookContributor, BookContributor.contributor_id == Contributor.id)
        .join(Book, Book.id == BookContributor.book_id)
        .where(Book.library_id == library_id, BookContributor.role == "author", _has_files())
        .group_by(Contributor.id, Contributor.name, Contributor.sort_name)
        .order_by(func.lower(Contributor.sort_name), Contributor.id)
    )
    return await _paged(session, stmt, offset, limit)


async def series(session: AsyncSession, library_id: uuid.UUID, offset: int, limit: int) -> tuple[list[Any], bool]:
    stmt = (
        select(Series.id, Series.name, func.count(BookSeries.book_id))
        .join(BookSeries, BookSeries.series_id == Series.id)
        .join(Book, Book.id == BookSeries.book_id)
        .where(Series.library_id == library_id, _has_files())
        .group_by(Series.id, Series.name)
        .order_by(func.lower(Series.name), Series.id)
    )
    return await _paged(session, stmt, offset, limit)


async def _grouped(
    session: AsyncSession, model: Any, link: Any, column: Any, library_id: uuid.UUID, offset: int, limit: int
) -> tuple[list[Any], bool]:
    """(id, name, books with files) of a library's shelves or tags that hold such books, by name."""
    stmt = (
        select(model.id, model.name, func.count(link.book_id))
        .join(link, column == model.id)
        .join(Book, Book.id == link.book_id)
        .where(model.library_id == library_id, _has_files())
        .group_by(model.id, model.name)
        .order_by(func.lower(model.name), model.id)
    )
    return await _paged(session, stmt, offset, limit)


async def shelves(session: AsyncSession, library_id: uuid.UUID, offset: int, limit: int) -> tuple[list[Any], bool]:
    return await _grouped(session, Shelf, BookShelf, BookShelf.shelf_id, library_id, offset, limit)


async def tags(session: AsyncSession, library_id: uuid.UUID, offset: int, limit: int) -> tuple[list[Any], bool]:
    return await _grouped(session, Tag, BookTag, BookTag.tag_id, library_id, offset, limit)


async def named(session: AsyncSession, library_id: uuid.UUID, kind: str, key: uuid.UUID) -> str | None:
    """The name of an author (with books in the library), or of a series, shelf or tag of the library."""
    owned: Any = {"series": Series, "shelf": Shelf, "tag": Tag}.get(kind)
    stmt: Any
    if owned is not None:
        stmt = select(owned.name).where(owned.id == key, owned.library_id == library_id)
    else:
        in_library = (
            select(BookContributor.contributor_id)
            .join(Book, Book.id == BookContributor.book_id)
            .where(Book.library_id == library_id, BookContributor.contributor_id == key)
        )
        stmt = select(Contributor.name).where(Contributor.id == key, Contributor.id.in_(in_library))
    name: str | None = (await session.execute(stmt)).scalar_one_or_none()
    return name


async def files_of(session: AsyncSession, book_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Any]]:
    """Each book's files (id, format, size), primary edition first."""
    if not book_ids:
        return {}
    stmt = (
        select(BookEdition.book_id, EditionFile.id, EditionFile.file_format, EditionFile.file_size)
        .join(EditionFile, EditionFile.edition_id == BookEdition.id)
        .where(BookEdition.book_id.in_(book_ids))
        .order_by(BookEdition.is_primary.desc(), EditionFile.display_order, EditionFile.created_at)
    )
    found: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for book_id, file_id, file_format, size in (await session.execute(stmt)).all():
        found[book_id].append((file_id, file_format, size))
    return found


async def file_in_library(
    session: AsyncSession, library_id: uuid.UUID, file_id: uuid.UUID
) -> tuple[Book, BookEdition] | None:
    stmt = (
        select(Book, BookEdition)
        .join(BookEdition, BookEdition.book_id == Book.id)
        .join(EditionFile, EditionFile.edition_id == BookEdition.id)
        .where(EditionFile.id == file_id, Book.library_id == library_id)
    )
    row = (await session.execute(stmt)).first()
    return (row[0], row[1]) if row else None
