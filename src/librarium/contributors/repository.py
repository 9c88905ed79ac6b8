"""SQL of the contributors domain. Contributors are instance-wide; the per-library views join through the
library's books."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import and_, case, delete, distinct, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.kit.text import like_escape
from librarium.models import Book, BookContributor, BookEdition, Contributor, ContributorWork, CoverImage


def _contains(q: str) -> Any:
    return Contributor.name_lower.like(f"%{like_escape(q.lower())}%", escape="\\")


async def with_photo(session: AsyncSession, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these contributors have a photo."""
    if not ids:
        return set()
    stmt = select(CoverImage.entity_id).where(CoverImage.entity_type == "contributor", CoverImage.entity_id.in_(ids))
    return set((await session.execute(stmt)).scalars())


async def named_like(session: AsyncSession, q: str, limit: int = 10) -> list[tuple[uuid.UUID, str]]:
    stmt = select(Contributor.id, Contributor.name).where(_contains(q)).order_by(Contributor.name).limit(limit)
    return [(i, n) for i, n in (await session.execute(stmt)).all()]


async def library_page(
    session: AsyncSession,
    library_id: uuid.UUID,
    *,
    q: str,
    letter: str,
    sort: str,
    descending: bool,
    offset: int,
    limit: int,
) -> tuple[list[tuple[Contributor, int]], int]:
    """A page of the library's contributors with their book counts in it, and how many there are."""
    count = func.count(distinct(Book.id)).label("book_count")
    stmt = (
        select(Contributor, count)
        .join(BookContributor, BookContributor.contributor_id == Contributor.id)
        .join(Book, and_(Book.id == BookContributor.book_id, Book.library_id == library_id))
        .group_by(Contributor.id)
    )
    if q:
        stmt = stmt.where(_contains(q))
    if letter:
        stmt = stmt.where(func.upper(func.substr(Contributor.name, 1, 1)) == letter.upper()[:1])
    if sort == "sort_name":
        key: Any = func.lower(case((Contributor.sort_name == "", Contributor.name), else_=Contributor.sort_name))
    elif sort == "book_count":
        key = count
    else:
        key = Contributor.name_lower
    stmt = stmt.order_by(key.desc() if descending else key.asc(), Contributor.name_lower, Contributor.id)
    total = (await session.execute(select(func.count()).select_from(stmt.subquery()))).scalar_one()
    rows = (await session.execute(stmt.offset(offset).limit(limit))).all()
    return [(c, int(n)) for c, n in rows], int(total)


async def library_letters(session: AsyncSession, library_id: uuid.UUID) -> list[str]:
    head = func.upper(func.substr(Contributor.name, 1, 1))
    in_library = exists().where(
        BookContributor.contributor_id == Contributor.id,
        Book.id == BookContributor.book_id,
        Book.library_id == library_id,
    )
    stmt = select(head).where(in_library, head >= "A", head <= "Z").distinct().order_by(head)
    return list((await session.execute(stmt)).scalars())


async def works(session: AsyncSession, contributor_id: uuid.UUID) -> list[ContributorWork]:
    stmt = select(ContributorWork).where(
        ContributorWork.contributor_id == contributor_id, ContributorWork.deleted_at.is_(None)
    )
    return list((await session.execute(stmt)).scalars())


async def editions_with_isbns(
    session: AsyncSession, library_id: uuid.UUID, isbns: set[str]
) -> list[tuple[str | None, str | None, uuid.UUID]]:
    """(isbn_13, isbn_10, book id) of the library's editions carrying one of `isbns`."""
    stmt = (
        select(BookEdition.isbn_13, BookEdition.isbn_10, BookEdition.book_id)
        .join(Book, Book.id == BookEdition.book_id)
        .where(Book.library_id == library_id, or_(BookEdition.isbn_13.in_(isbns), BookEdition.isbn_10.in_(isbns)))
    )
    return [(i13, i10, book_id) for i13, i10, book_id in (await session.execute(stmt)).all()]


async def books_in_library(
    session: AsyncSession, library_id: uuid.UUID, contributor_id: uuid.UUID
) -> list[tuple[uuid.UUID, str]]:
    """(id, title) of the library's books the contributor is linked to, in any role."""
    stmt = (
        select(Book.id, Book.title)
        .join(BookContributor, BookContributor.book_id == Book.id)
        .where(BookContributor.contributor_id == contributor_id, Book.library_id == library_id)
        .distinct()
    )
    return [(i, t) for i, t in (await session.execute(stmt)).all()]


async def has_books(session: AsyncSession, contributor_id: uuid.UUID) -> bool:
    stmt = select(exists().where(BookContributor.contributor_id == contributor_id))
    return bool((await session.execute(stmt)).scalar())


async def replace_works(
    session: AsyncSession, contributor_id: uuid.UUID, source: str, works: list[ContributorWork]
) -> None:
    """The provider's earlier works go (those the user hid stay hidden); the new list takes their place."""
    await session.execute(
        delete(ContributorWork).where(
            ContributorWork.contributor_id == contributor_id,
            ContributorWork.source == source,
            ContributorWork.deleted_at.is_(None),
        )
    )
    session.add_all(works)
    await session.flush()


async def hidden_works(session: AsyncSession, contributor_id: uuid.UUID, source: str) -> list[ContributorWork]:
    stmt = select(ContributorWork).where(
        ContributorWork.contributor_id == contributor_id,
        ContributorWork.source == source,
        ContributorWork.deleted_at.is_not(None),
    )
    return list((await session.scalars(stmt)).all())
