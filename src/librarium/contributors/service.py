"""Contributors: instance-wide people and organisations, listed per library through their books."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from librarium.books import service as books
from librarium.contributors import repository as repo
from librarium.contributors.schemas import (
    ContributorDetail,
    ContributorLibraryDetail,
    ContributorListItem,
    ContributorPage,
    ContributorPatch,
    ContributorRef,
    ContributorWorkRead,
)
from librarium.db.base import utcnow
from librarium.errors import BadRequest, Conflict, NotFound
from librarium.kit import dates
from librarium.kit.schema import MAX_PAGE
from librarium.kit.sorting import derive_sort_name, natural_sort_key
from librarium.kit.validate import required_text
from librarium.models import Contributor, ContributorWork


def _midnight(value: date | None) -> str | None:
    # upstream emits contributor dates as timestamps at UTC midnight
    return f"{value.isoformat()}T00:00:00Z" if value else None


def _photo_url(contributor: Contributor, has_photo: bool) -> str | None:
    if not has_photo:
        return None
    return f"/api/v1/contributors/{contributor.id}/photo?v={int(contributor.updated_at.timestamp())}"


async def _with_photo(session: AsyncSession, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    return await repo.with_photo(session, ids)


async def search(session: AsyncSession, q: str) -> list[ContributorRef]:
    if len(q.encode()) < 2:
        return []
    return [ContributorRef(id=i, name=n) for i, n in await repo.named_like(session, q)]


def _check_name(name: str) -> str:
    return required_text(name, "name", 255)


async def create(session: AsyncSession, name: str) -> ContributorRef:
    name = _check_name(name)
    contributor = Contributor(name=name, name_lower=name.lower(), sort_name=derive_sort_name(name))
    session.add(contributor)
    await session.flush()
    return ContributorRef.model_validate(contributor)


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
) -> ContributorPage:
    page = min(max(page, 1), MAX_PAGE)
    per_page = 25 if per_page <= 0 else min(per_page, 200)  # upstream clamps here rather than resetting
    rows, total = await repo.library_page(
        session,
        library_id,
        q=q,
        letter=letter,
        sort=sort,
        descending=sort_dir.lower() == "desc",
        offset=(page - 1) * per_page,
        limit=per_page,
    )
    photos = await _with_photo(session, [c.id for c, _ in rows])
    items = [
        ContributorListItem(
            id=c.id,
            name=c.name,
            sort_name=c.sort_name,
            is_corporate=c.is_corporate,
            photo_url=_photo_url(c, c.id in photos),
            book_count=int(n),
            nationality=c.nationality,
            born_date=_midnight(c.born_date),
            updated_at=c.updated_at,
        )
        for c, n in rows
    ]
    return ContributorPage(items=items, total=int(total), page=page, per_page=per_page)


async def library_letters(session: AsyncSession, library_id: uuid.UUID) -> list[str]:
    return await repo.library_letters(session, library_id)


def detail_shape(contributor: Contributor, has_photo: bool) -> ContributorDetail:
    return ContributorDetail(
        id=contributor.id,
        name=contributor.name,
        sort_name=contributor.sort_name,
        is_corporate=contributor.is_corporate,
        bio=contributor.bio,
        born_date=_midnight(contributor.born_date),
        died_date=_midnight(contributor.died_date),
        nationality=contributor.nationality,
        external_ids=contributor.external_ids or {},
        photo_url=_photo_url(contributor, has_photo),
        book_count=0,
        created_at=contributor.created_at,
        updated_at=contributor.updated_at,
    )


async def _works(session: AsyncSession, library_id: uuid.UUID, contributor_id: uuid.UUID) -> list[ContributorWorkRead]:
    works = await repo.works(session, contributor_id)
    works.sort(key=lambda w: (w.publish_year is None, w.publish_year or 0, w.title))
    isbns = {w.isbn_13 for w in works if w.isbn_13} | {w.isbn_10 for w in works if w.isbn_10}
    owned: dict[str, uuid.UUID | None] = {}
    if isbns:
        for i13, i10, book_id in await repo.editions_with_isbns(session, library_id, isbns):
            for code in (i13, i10):
                if code:
                    owned.setdefault(code, book_id)
    out = []
    for w in works:
        match = owned.get(w.isbn_13 or "") or owned.get(w.isbn_10 or "")
        out.append(
            ContributorWorkRead(
                id=w.id,
                contributor_id=w.contributor_id,
                title=w.title,
                isbn_13=w.isbn_13,
                isbn_10=w.isbn_10,
                publish_year=w.publish_year,
                cover_url=w.cover_url,
                source=w.source,
                created_at=w.created_at,
                in_library=match is not None,
                library_book_id=match,
            )
        )
    return out


async def library_detail(
    session: AsyncSession, library_id: uuid.UUID, contributor_id: uuid.UUID, reader: uuid.UUID
) -> ContributorLibraryDetail:
    contributor = await get(session, contributor_id)
    found = await repo.books_in_library(session, library_id, contributor_id)
    rows = sorted(found, key=lambda r: (natural_sort_key(r[1]), str(r[0])))
    detail = detail_shape(contributor, bool(await _with_photo(session, [contributor.id])))
    return ContributorLibraryDetail(
        **detail.model_dump(),
        works=await _works(session, library_id, contributor_id),
        books=await books.books_of(session, [r[0] for r in rows], reader),
    )


# --- instance-wide edits --------------------------------------------------------------------------


async def patch(session: AsyncSession, contributor_id: uuid.UUID, body: ContributorPatch) -> ContributorDetail:
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
    if await repo.has_books(session, contributor_id):
        raise Conflict("contributor still has books")
    await session.delete(contributor)
    await session.flush()


async def delete_work(session: AsyncSession, contributor_id: uuid.UUID, work_id: uuid.UUID) -> None:
    work = await session.get(ContributorWork, work_id)
    if work is None or work.contributor_id != contributor_id or work.deleted_at is not None:
        raise NotFound("work not found")
    work.deleted_at = utcnow()
    await session.flush()
