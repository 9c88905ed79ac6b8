"""Contributors: instance-wide people and organisations, listed per library through their books."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import and_, case, distinct, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.books import service as books
from librarium.contributors.schemas import ContributorPatch
from librarium.db.base import utcnow
from librarium.errors import BadRequest, Conflict, NotFound
from librarium.kit import dates
from librarium.kit.schema import MAX_PAGE
from librarium.kit.sorting import derive_sort_name, natural_sort_key
from librarium.kit.text import like_escape
from librarium.kit.validate import required_text
from librarium.models import Book, BookContributor, BookEdition, Contributor, ContributorWork, CoverImage


def _midnight(value: date | None) -> str | None:
    # upstream emits contributor dates as timestamps at UTC midnight
    return f"{value.isoformat()}T00:00:00Z" if value else None


def _photo_url(contributor: Contributor, has_photo: bool) -> str | None:
    if not has_photo:
        return None
    return f"/api/v1/contributors/{contributor.id}/photo?v={int(contributor.updated_at.timestamp())}"


async def _with_photo(session: AsyncSession, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    if not ids:
        return set()
    stmt = select(CoverImage.entity_id).where(CoverImage.entity_type == "contributor", CoverImage.entity_id.in_(ids))
    return set((await session.execute(stmt)).scalars())


def _contains(q: str) -> Any:
    return Contributor.name_lower.like(f"%{like_escape(q.lower())}%", escape="\\")


async def search(session: AsyncSession, q: str) -> list[dict[str, Any]]:
    if len(q.encode()) < 2:
        return []
    stmt = select(Contributor.id, Contributor.name).where(_contains(q)).order_by(Contributor.name).limit(10)
    return [{"id": i, "name": n} for i, n in (await session.execute(stmt)).all()]


def _check_name(name: str) -> str:
    return required_text(name, "name", 255)


async def create(session: AsyncSession, name: str) -> dict[str, Any]:
    name = _check_name(name)
    contributor = Contributor(name=name, name_lower=name.lower(), sort_name=derive_sort_name(name))
    session.add(contributor)
    await session.flush()
    return {"id": contributor.id, "name": contributor.name}


async def get(session: AsyncSession, contributor_id: uuid.UUID) -> Contributor:
    contributor = await session.get(Contributor, contributor_id)
    if contributor is None:
        raise NotFound("contributor not found")
    return contributor


# --- per library ----------------------------------------------------------------------------------


async def library_page(
    session: AsyncSession,
    library_id: uuid.UUID,
    *,
    q: str,
    letter: str,
    sort: str,
    sort_dir: str,
    page: int,
    per_page: int,
) -> dict[str, Any]:
    page = min(max(page, 1), MAX_PAGE)
    per_page = 25 if per_page <= 0 else min(per_page, 200)  # upstream clamps here rather than resetting
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
    descending = sort_dir.lower() == "desc"
    if sort == "sort_name":
        key: Any = func.lower(case((Contributor.sort_name == "", Contributor.name), else_=Contributor.sort_name))
    elif sort == "book_count":
        key = count
    else:
        key = Contributor.name_lower
    stmt = stmt.order_by(key.desc() if descending else key.asc(), Contributor.name_lower, Contributor.id)
    total = (await session.execute(select(func.count()).select_from(stmt.subquery()))).scalar_one()
    rows = (await session.execute(stmt.offset((page - 1) * per_page).limit(per_page))).all()
    photos = await _with_photo(session, [c.id for c, _ in rows])
    items = [
        {
            "id": c.id,
            "name": c.name,
            "sort_name": c.sort_name,
            "is_corporate": c.is_corporate,
            "photo_url": _photo_url(c, c.id in photos),
            "book_count": int(n),
            "nationality": c.nationality or "",
            "born_date": _midnight(c.born_date),
            "updated_at": c.updated_at,
        }
        for c, n in rows
    ]
    return {"items": items, "total": int(total), "page": page, "per_page": per_page}


async def library_letters(session: AsyncSession, library_id: uuid.UUID) -> list[str]:
    head = func.upper(func.substr(Contributor.name, 1, 1))
    in_library = exists().where(
        BookContributor.contributor_id == Contributor.id,
        Book.id == BookContributor.book_id,
        Book.library_id == library_id,
    )
    stmt = select(head).where(in_library, head >= "A", head <= "Z").distinct().order_by(head)
    return list((await session.execute(stmt)).scalars())


def detail_shape(contributor: Contributor, has_photo: bool) -> dict[str, Any]:
    return {
        "id": contributor.id,
        "name": contributor.name,
        "sort_name": contributor.sort_name,
        "is_corporate": contributor.is_corporate,
        "bio": contributor.bio or "",
        "born_date": _midnight(contributor.born_date),
        "died_date": _midnight(contributor.died_date),
        "nationality": contributor.nationality or "",
        "external_ids": contributor.external_ids or {},
        "photo_url": _photo_url(contributor, has_photo),
        "book_count": 0,
        "created_at": contributor.created_at,
        "updated_at": contributor.updated_at,
    }


async def _works(session: AsyncSession, library_id: uuid.UUID, contributor_id: uuid.UUID) -> list[dict[str, Any]]:
    stmt = select(ContributorWork).where(
        ContributorWork.contributor_id == contributor_id, ContributorWork.deleted_at.is_(None)
    )
    works = list((await session.execute(stmt)).scalars())
    works.sort(key=lambda w: (w.publish_year is None, w.publish_year or 0, w.title))
    isbns = {w.isbn_13 for w in works if w.isbn_13} | {w.isbn_10 for w in works if w.isbn_10}
    owned: dict[str, uuid.UUID | None] = {}
    if isbns:
        rows = await session.execute(
            select(BookEdition.isbn_13, BookEdition.isbn_10, BookEdition.book_id)
            .join(Book, Book.id == BookEdition.book_id)
            .where(Book.library_id == library_id, or_(BookEdition.isbn_13.in_(isbns), BookEdition.isbn_10.in_(isbns)))
        )
        for i13, i10, book_id in rows.all():
            for code in (i13, i10):
                if code:
                    owned.setdefault(code, book_id)
    out = []
    for w in works:
        match = owned.get(w.isbn_13 or "") or owned.get(w.isbn_10 or "")
        out.append(
            {
                "id": w.id,
                "contributor_id": w.contributor_id,
                "title": w.title,
                "isbn_13": w.isbn_13 or "",
                "isbn_10": w.isbn_10 or "",
                "publish_year": w.publish_year,
                "cover_url": w.cover_url or "",
                "source": w.source,
                "created_at": w.created_at,
                "in_library": match is not None,
                "library_book_id": match,
            }
        )
    return out


async def library_detail(
    session: AsyncSession, library_id: uuid.UUID, contributor_id: uuid.UUID, reader: uuid.UUID
) -> dict[str, Any]:
    contributor = await get(session, contributor_id)
    stmt = (
        select(Book.id, Book.title)
        .join(BookContributor, BookContributor.book_id == Book.id)
        .where(BookContributor.contributor_id == contributor_id, Book.library_id == library_id)
        .distinct()
    )
    rows = sorted((await session.execute(stmt)).all(), key=lambda r: (natural_sort_key(r[1]), str(r[0])))
    detail = detail_shape(contributor, bool(await _with_photo(session, [contributor.id])))
    detail["works"] = await _works(session, library_id, contributor_id)
    detail["books"] = await books.books_of(session, [r[0] for r in rows], reader)
    return detail


# --- instance-wide edits --------------------------------------------------------------------------


async def patch(session: AsyncSession, contributor_id: uuid.UUID, body: ContributorPatch) -> dict[str, Any]:
    contributor = await get(session, contributor_id)
    fields = body.model_fields_set
    if body.is_corporate is not None:
        contributor.is_corporate = body.is_corporate
    renamed = False
    if body.name is not None and body.name.strip() and body.name.strip() != contributor.name:
        contributor.name = _check_name(body.name)
        contributor.name_lower = contributor.name.lower()
        renamed = True

    def derived() -> str:
        return contributor.name if contributor.is_corporate else derive_sort_name(contributor.name)

    if "sort_name" in fields and body.sort_name is not None:
        contributor.sort_name = body.sort_name.strip() or derived()
    elif renamed:
        contributor.sort_name = derived()
    if "bio" in fields and body.bio is not None:
        contributor.bio = body.bio or None
    if "nationality" in fields and body.nationality is not None:
        if len(body.nationality) > 64:
            raise BadRequest("nationality must be at most 64 characters")
        contributor.nationality = body.nationality or None
    for name in ("born_date", "died_date"):
        value = getattr(body, name)
        if name in fields and value is not None:
            if value == "":
                setattr(contributor, name, None)
            elif (parsed := dates.partial(value)) is not None:
                setattr(contributor, name, parsed)
            else:
                raise BadRequest(f"{name} must be YYYY-MM-DD, YYYY-MM or YYYY")
    contributor.updated_at = utcnow()
    await session.flush()
    if renamed:
        await books.refresh_search(session, contributor.id)
    return detail_shape(contributor, bool(await _with_photo(session, [contributor.id])))


async def delete(session: AsyncSession, contributor_id: uuid.UUID) -> None:
    contributor = await get(session, contributor_id)
    used = (await session.execute(select(exists().where(BookContributor.contributor_id == contributor_id)))).scalar()
    if used:
        raise Conflict("contributor still has books")
    await session.delete(contributor)
    await session.flush()


async def delete_work(session: AsyncSession, contributor_id: uuid.UUID, work_id: uuid.UUID) -> None:
    work = await session.get(ContributorWork, work_id)
    if work is None or work.contributor_id != contributor_id or work.deleted_at is not None:
        raise NotFound("work not found")
    work.deleted_at = utcnow()
    await session.flush()
