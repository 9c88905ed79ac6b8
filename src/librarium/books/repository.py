"""All SQL about books: the paged list, the full book shape (loaded in batches), links and lookups."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, case, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.books.filters import search_document
from librarium.models import (
    Book,
    BookContributor,
    BookEdition,
    BookGenre,
    BookSeries,
    BookShelf,
    BookTag,
    Contributor,
    CoverImage,
    Genre,
    MediaType,
    Series,
    Shelf,
    Tag,
    UserBookInteraction,
)

READ_PRIORITY = {"read": 1, "reading": 2, "did_not_finish": 3}


def dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def get_in_library(session: AsyncSession, library_id: uuid.UUID, book_id: uuid.UUID) -> Book | None:
    book = await session.get(Book, book_id)
    return book if book is not None and book.library_id == library_id else None


# --- listing --------------------------------------------------------------------------------------


def order_by(sort: str, descending: bool) -> list[Any]:
    def direction(col: Any) -> Any:
        return col.desc() if descending else col.asc()

    if sort == "created_at":
        return [direction(Book.created_at), direction(Book.id)]
    if sort == "media_type":
        name = select(func.lower(MediaType.display_name)).where(MediaType.id == Book.media_type_id)
        return [direction(name.scalar_subquery()), Book.sort_key, Book.id]
    if sort == "publish_date":
        published = (
            select(func.min(BookEdition.publish_date))
            .where(BookEdition.book_id == Book.id, BookEdition.is_primary.is_(True))
            .scalar_subquery()
        )
        return [direction(published).nulls_last(), Book.sort_key, Book.id]
    return [direction(Book.sort_key), direction(Book.id)]


def page_statements(where: ColumnElement[bool], order: list[Any], offset: int, limit: int) -> tuple[Any, Any]:
    """The two statements behind a page: the match count and the page's ids in order."""
    count = select(func.count()).select_from(Book).where(where)
    ids = select(Book.id).where(where).order_by(*order).offset(offset).limit(limit)
    return count, ids


async def page_ids(
    session: AsyncSession, where: ColumnElement[bool], order: list[Any], offset: int, limit: int
) -> tuple[list[uuid.UUID], int]:
    count, ids = page_statements(where, order, offset, limit)
    total = (await session.execute(count)).scalar_one()
    return list((await session.execute(ids)).scalars()), int(total)


async def letters(session: AsyncSession, library_id: uuid.UUID) -> list[str]:
    head = func.substr(Book.sort_title, 1, 1)
    stmt = select(head).where(Book.library_id == library_id, head >= "a", head <= "z").distinct().order_by(head)
    return [c.upper() for c in (await session.execute(stmt)).scalars()]


async def fingerprint(session: AsyncSession, library_id: uuid.UUID) -> tuple[int, Any]:
    stmt = select(func.count(), func.max(Book.updated_at)).where(Book.library_id == library_id)
    total, latest = (await session.execute(stmt)).one()
    return int(total), latest


# --- the book shape -----------------------------------------------------------------------------


async def load(session: AsyncSession, ids: list[uuid.UUID], reader: uuid.UUID | None = None) -> list[dict[str, Any]]:
    """Books in the order of `ids`, each with contributors, tags, genres, series, shelves, cover,
    primary-edition facts and (when `reader` is given) that user's read status. One query per part."""
    if not ids:
        return []
    rows = (
        await session.execute(
            select(Book, MediaType.display_name)
            .join(MediaType, MediaType.id == Book.media_type_id)
            .where(Book.id.in_(ids))
        )
    ).all()
    books = {book.id: (book, media) for book, media in rows}
    contributors = await _contributors(session, ids)
    tags = await _grouped(
        session,
        select(BookTag.book_id, Tag).join(Tag, Tag.id == BookTag.tag_id).where(BookTag.book_id.in_(ids)),
        lambda t: {
            "id": t.id,
            "library_id": t.library_id,
            "name": t.name,
            "color": t.color or "",
            "created_at": t.created_at,
        },  # fmt: skip
        sort_key=lambda d: d["name"],
    )
    genres = await _grouped(
        session,
        select(BookGenre.book_id, Genre).join(Genre, Genre.id == BookGenre.genre_id).where(BookGenre.book_id.in_(ids)),
        lambda g: {"id": g.id, "name": g.name, "created_at": g.created_at},
        sort_key=lambda d: d["name"],
    )
    series = await _series(session, ids)
    shelves = await _shelves(session, ids)
    covered = await _covered(session, ids)
    primaries = await _primary_facts(session, ids)
    statuses = await read_statuses(session, ids, reader) if reader else {}
    out = []
    for book_id in ids:
        if book_id not in books:
            continue
        book, media = books[book_id]
        publisher, year, language = primaries.get(book_id, ("", None, ""))
        out.append(
            {
                "id": book.id,
                "library_id": book.library_id,
                "title": book.title,
                "subtitle": book.subtitle or "",
                "media_type_id": book.media_type_id,
                "media_type": media,
                "description": book.description or "",
                "contributors": contributors.get(book_id, []),
                "tags": tags.get(book_id, []),
                "genres": genres.get(book_id, []),
                "cover_url": cover_url(book) if book_id in covered else None,
                "series": series.get(book_id, []),
                "shelves": shelves.get(book_id, []),
                "publisher": publisher,
                "publish_year": year,
                "language": language,
                "user_read_status": statuses.get(book_id, ""),
                "created_at": book.created_at,
                "updated_at": book.updated_at,
                "added_by": book.added_by,
            }
        )
    return out


def cover_url(book: Book) -> str:
    return f"/api/v1/libraries/{book.library_id}/books/{book.id}/cover?v={int(book.updated_at.timestamp())}"


async def _grouped(
    session: AsyncSession, stmt: Any, shape: Any, sort_key: Any
) -> dict[uuid.UUID, list[dict[str, Any]]]:
    out: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    for book_id, row in (await session.execute(stmt)).all():
        out[book_id].append(shape(row))
    for items in out.values():
        items.sort(key=sort_key)
    return out


async def _contributors(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[dict[str, Any]]]:
    stmt = (
        select(
            BookContributor.book_id,
            BookContributor.contributor_id,
            Contributor.name,
            BookContributor.role,
            BookContributor.display_order,
        )  # fmt: skip
        .join(Contributor, Contributor.id == BookContributor.contributor_id)
        .where(BookContributor.book_id.in_(ids))
        .order_by(BookContributor.display_order, Contributor.name)
    )
    out: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    for book_id, cid, name, role, order in (await session.execute(stmt)).all():
        out[book_id].append({"contributor_id": cid, "name": name, "role": role, "display_order": order})
    return out


async def _series(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[dict[str, Any]]]:
    stmt = (
        select(BookSeries.book_id, BookSeries.series_id, Series.name, BookSeries.position)
        .join(Series, Series.id == BookSeries.series_id)
        .where(BookSeries.book_id.in_(ids))
        .order_by(BookSeries.position, Series.name)
    )
    out: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    for book_id, sid, name, position in (await session.execute(stmt)).all():
        out[book_id].append({"series_id": sid, "series_name": name, "position": float(position)})
    return out


async def _shelves(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[dict[str, Any]]]:
    stmt = (
        select(BookShelf.book_id, Shelf.id, Shelf.name)
        .join(Shelf, Shelf.id == BookShelf.shelf_id)
        .where(BookShelf.book_id.in_(ids))
        .order_by(Shelf.display_order, Shelf.name)
    )
    out: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    for book_id, shelf_id, name in (await session.execute(stmt)).all():
        out[book_id].append({"id": shelf_id, "name": name})
    return out


async def _covered(session: AsyncSession, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    stmt = select(CoverImage.entity_id).where(
        CoverImage.entity_type == "book", CoverImage.entity_id.in_(ids), CoverImage.is_primary.is_(True)
    )
    return set((await session.execute(stmt)).scalars())


async def _primary_facts(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[str, int | None, str]]:
    stmt = select(BookEdition.book_id, BookEdition.publisher, BookEdition.publish_date, BookEdition.language).where(
        BookEdition.book_id.in_(ids), BookEdition.is_primary.is_(True)
    )
    out: dict[uuid.UUID, tuple[str, int | None, str]] = {}
    for book_id, publisher, published, language in (await session.execute(stmt)).all():
        out[book_id] = (publisher or "", published.year if published else None, language or "")
    return out


async def read_statuses(session: AsyncSession, ids: list[uuid.UUID], reader: uuid.UUID) -> dict[uuid.UUID, str]:
    """The caller's strongest status per book: read > reading > did_not_finish > anything else."""
    stmt = (
        select(BookEdition.book_id, UserBookInteraction.read_status)
        .join(UserBookInteraction, UserBookInteraction.book_edition_id == BookEdition.id)
        .where(BookEdition.book_id.in_(ids), UserBookInteraction.user_id == reader)
    )
    best: dict[uuid.UUID, str] = {}
    for book_id, status in (await session.execute(stmt)).all():
        current = best.get(book_id)
        if current is None or READ_PRIORITY.get(status, 4) < READ_PRIORITY.get(current, 4):
            best[book_id] = status
    return best


# --- writes ---------------------------------------------------------------------------------------


async def set_links(
    session: AsyncSession,
    book_id: uuid.UUID,
    contributors: list[tuple[uuid.UUID, str, int]],
    tag_ids: Iterable[uuid.UUID],
    genre_ids: Iterable[uuid.UUID],
) -> None:
    """Replace the book's contributor, tag and genre links."""
    for model in (BookContributor, BookTag, BookGenre):
        await session.execute(delete(model).where(model.book_id == book_id))
    if contributors:
        await session.execute(
            insert(BookContributor),
            [{"book_id": book_id, "contributor_id": c, "role": r, "display_order": o} for c, r, o in contributors],
        )
    tag_rows = [{"book_id": book_id, "tag_id": t} for t in dict.fromkeys(tag_ids)]
    if tag_rows:
        await session.execute(insert(BookTag), tag_rows)
    genre_rows = [{"book_id": book_id, "genre_id": g} for g in dict.fromkeys(genre_ids)]
    if genre_rows:
        await session.execute(insert(BookGenre), genre_rows)


async def refresh_search_text(session: AsyncSession, book_ids: Iterable[uuid.UUID]) -> None:
    """Rebuild the search document of these books (after a title or contributor change)."""
    ids = list(book_ids)
    if not ids:
        return
    names: dict[uuid.UUID, list[str]] = defaultdict(list)
    stmt = (
        select(BookContributor.book_id, Contributor.name)
        .join(Contributor, Contributor.id == BookContributor.contributor_id)
        .where(BookContributor.book_id.in_(ids))
        .order_by(BookContributor.display_order)
    )
    for book_id, name in (await session.execute(stmt)).all():
        names[book_id].append(name)
    rows = (
        await session.execute(select(Book.id, Book.title, Book.subtitle, Book.description).where(Book.id.in_(ids)))
    ).all()
    for book_id, title, subtitle, description in rows:
        doc = search_document(title, subtitle or "", description or "", names.get(book_id, []))
        await session.execute(update(Book).where(Book.id == book_id).values(search_text=doc))


async def book_ids_for_contributor(session: AsyncSession, contributor_id: uuid.UUID) -> list[uuid.UUID]:
    stmt = select(BookContributor.book_id).where(BookContributor.contributor_id == contributor_id).distinct()
    return list((await session.execute(stmt)).scalars())


async def edition_by_isbn_key(session: AsyncSession, library_id: uuid.UUID, key: str) -> BookEdition | None:
    stmt = (
        select(BookEdition)
        .join(Book, Book.id == BookEdition.book_id)
        .where(Book.library_id == library_id, BookEdition.isbn_key == key)
        .order_by(case((BookEdition.is_primary.is_(True), 0), else_=1), BookEdition.created_at)
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def existing_ids(session: AsyncSession, model: Any, ids: Iterable[uuid.UUID], **filters: Any) -> set[uuid.UUID]:
    wanted = list(ids)
    if not wanted:
        return set()
    stmt = select(model.id).where(model.id.in_(wanted), *(getattr(model, k) == v for k, v in filters.items()))
    return set((await session.execute(stmt)).scalars())
