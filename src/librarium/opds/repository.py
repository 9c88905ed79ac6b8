"""SQL of the OPDS catalogue: pages of book ids per feed, the authors and series of a library, the files of
books. Every query is scoped to one library."""

from __future__ import annotations

import functools
import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import bindparam, func, select, true
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


def _marked(statuses: list[str]) -> Any:
    """The books the reader (parameter `reader`) has a reading record of with one of these statuses (on any
    edition)."""
    return (
        select(BookEdition.book_id)
        .join(UserBookInteraction, UserBookInteraction.book_edition_id == BookEdition.id)
        .where(UserBookInteraction.user_id == bindparam("reader"), UserBookInteraction.read_status.in_(statuses))
    )


@functools.cache
def book_ids(kind: str) -> Any:
    """The ids of one feed's books in its order: `recent`, `all` (by title), `author`, `series`, `shelf`,
    `tag`, `reading`, `wanted`; parameters `library_id`, `key` (the author, series, shelf or tag), `reader`,
    `offset` and `limit`. Built once per kind: building a statement per request cost more than running it."""
    key: Any = bindparam("key")
    stmt = select(Book.id).where(Book.library_id == bindparam("library_id"), _has_files())
    if kind == "recent":
        stmt = stmt.order_by(Book.created_at.desc(), Book.id)
    elif kind == "author":
        linked = select(BookContributor.book_id).where(BookContributor.contributor_id == key)
        stmt = stmt.where(Book.id.in_(linked)).order_by(Book.sort_key, Book.id)
    elif kind == "series":
        stmt = (
            stmt.join(BookSeries, BookSeries.book_id == Book.id)
            .where(BookSeries.series_id == key)
            .order_by(BookSeries.position, Book.sort_key)
        )
    elif kind == "shelf":
        on_shelf = select(BookShelf.book_id).where(BookShelf.shelf_id == key)
        stmt = stmt.where(Book.id.in_(on_shelf)).order_by(Book.sort_key, Book.id)
    elif kind == "tag":
        tagged = select(BookTag.book_id).where(BookTag.tag_id == key)
        stmt = stmt.where(Book.id.in_(tagged)).order_by(Book.sort_key, Book.id)
    elif kind == "reading":
        stmt = stmt.where(Book.id.in_(_marked(["reading"]))).order_by(Book.sort_key, Book.id)
    elif kind == "wanted":  # a record saying "unread" (a to-read shelf) and none of having started it
        started = _marked(["reading", "read", "did_not_finish"])
        stmt = stmt.where(Book.id.in_(_marked(["unread"])), Book.id.not_in(started)).order_by(Book.sort_key, Book.id)
    else:
        stmt = stmt.order_by(Book.sort_key, Book.id)
    return stmt.offset(bindparam("offset")).limit(bindparam("limit"))


async def page_of_books(
    session: AsyncSession, library_id: uuid.UUID, kind: str, key: uuid.UUID | None, reader: uuid.UUID,
    offset: int, limit: int,
) -> tuple[list[uuid.UUID], bool]:  # fmt: skip
    """One page of a feed's book ids, and whether another follows (one row more is read instead of counting)."""
    values = {"library_id": library_id, "key": key, "reader": reader, "offset": offset, "limit": limit + 1}
    found = list((await session.execute(book_ids(kind), values)).scalars())
    return found[:limit], len(found) > limit


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


_FILES = (
    select(BookEdition.book_id, EditionFile.id, EditionFile.file_format, EditionFile.file_size)
    .join(EditionFile, EditionFile.edition_id == BookEdition.id)
    .where(BookEdition.book_id.in_(bindparam("ids", expanding=True)))
    .order_by(BookEdition.is_primary.desc(), EditionFile.display_order, EditionFile.created_at)
)


async def files_of(session: AsyncSession, book_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Any]]:
    """Each book's files (id, format, size), primary edition first."""
    if not book_ids:
        return {}
    found: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for book_id, file_id, file_format, size in await session.execute(_FILES, {"ids": book_ids}):
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
