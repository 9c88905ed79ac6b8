"""SQL of the OPDS catalogue: pages of book ids per feed, the authors and series of a library, the files of
books. Every query is scoped to one library."""

from __future__ import annotations

import functools
import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import bindparam, func, select, true, tuple_
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


# Feeds whose order a book's own row gives: the `next` link names the page's last book, and the next page starts
# after it (a range of the index) instead of skipping every book before it (page 1,000 of a 100,000-book library
# read 50,000 index entries to throw them away). Other feeds, and a page asked for by number, use the offset.
AFTER_KINDS = frozenset({"all", "author", "shelf", "tag", "reading", "wanted", "recent"})


def _anchor(column: Any) -> Any:
    """(`column`, id) of the feed's books, and the same of the anchor book (parameters of the column's name
    and `after`), to compare as row values: a range of the index on both databases."""
    anchor = tuple_(bindparam(column.key, type_=column.type), bindparam("after", type_=Book.id.type))
    return tuple_(column, Book.id), anchor


def _ordered(kind: str, stmt: Any, after: bool) -> Any:
    """`stmt` in the feed's order; with `after`, only the books that follow the anchor book."""
    if kind == "recent":  # newest first; among books added at the same instant, by id (descending too)
        if after:
            ours, anchor = _anchor(Book.created_at)
            stmt = stmt.where(ours < anchor)
        return stmt.order_by(Book.created_at.desc(), Book.id.desc())
    if after:
        ours, anchor = _anchor(Book.sort_key)
        stmt = stmt.where(ours > anchor)
    return stmt.order_by(Book.sort_key, Book.id)


@functools.cache
def book_ids(kind: str, after: bool = False) -> Any:
    """The ids of one feed's books in its order: `recent`, `all` (by title), `author`, `series`, `shelf`,
    `tag`, `reading`, `wanted`; parameters `library_id`, `key` (the author, series, shelf or tag), `reader`,
    `offset` and `limit` (and with `after`, the anchor's, for the kinds of AFTER_KINDS). Built once per kind:
    building a statement per request cost more than running it."""
    key: Any = bindparam("key")
    stmt = select(Book.id).where(Book.library_id == bindparam("library_id"), _has_files())
    if kind == "author":
        stmt = stmt.where(Book.id.in_(select(BookContributor.book_id).where(BookContributor.contributor_id == key)))
    elif kind == "series":
        return (
            stmt.join(BookSeries, BookSeries.book_id == Book.id)
            .where(BookSeries.series_id == key)
            .order_by(BookSeries.position, Book.sort_key)
            .offset(bindparam("offset"))
            .limit(bindparam("limit"))
        )
    elif kind == "shelf":
        stmt = stmt.where(Book.id.in_(select(BookShelf.book_id).where(BookShelf.shelf_id == key)))
    elif kind == "tag":
        stmt = stmt.where(Book.id.in_(select(BookTag.book_id).where(BookTag.tag_id == key)))
    elif kind == "reading":
        stmt = stmt.where(Book.id.in_(_marked(["reading"])))
    elif kind == "wanted":  # a record saying "unread" (a to-read shelf) and none of having started it
        started = _marked(["reading", "read", "did_not_finish"])
        stmt = stmt.where(Book.id.in_(_marked(["unread"])), Book.id.not_in(started))
    return _ordered(kind, stmt, after).offset(bindparam("offset")).limit(bindparam("limit"))


_ANCHOR = select(Book.sort_key, Book.created_at).where(
    Book.id == bindparam("after"), Book.library_id == bindparam("library_id")
)


async def page_of_books(
    session: AsyncSession, library_id: uuid.UUID, kind: str, key: uuid.UUID | None, reader: uuid.UUID,
    offset: int, limit: int, after: uuid.UUID | None = None,
) -> tuple[list[uuid.UUID], bool]:  # fmt: skip
    """One page of a feed's book ids — from `offset`, or after the book `after` when the feed's order allows
    and that book is still in the library — and whether another follows (one row more is read instead of
    counting)."""
    values: dict[str, Any] = {"library_id": library_id, "key": key, "reader": reader, "offset": offset}
    values["limit"] = limit + 1
    anchor = None
    if after is not None and kind in AFTER_KINDS:
        anchor = (await session.execute(_ANCHOR, {"after": after, "library_id": library_id})).first()
    if anchor is not None:
        values |= {"after": after, "sort_key": anchor.sort_key, "created_at": anchor.created_at, "offset": 0}
    found = list((await session.execute(book_ids(kind, anchor is not None), values)).scalars())
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
