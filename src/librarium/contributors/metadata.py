"""Contributor metadata from a provider: fetch a person's record, and apply what the user picked from it
(bio, dates, nationality, the provider's id, a photo, the list of works)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator

from sqlalchemy.ext.asyncio import AsyncSession

from librarium.config import Settings
from librarium.contributors import repository as repo
from librarium.contributors.schemas import ContributorDetail, ContributorMetadataApply, WorkIn
from librarium.contributors.service import detail_shape, get
from librarium.db import unit
from librarium.db.base import utcnow
from librarium.errors import AppError
from librarium.files import covers
from librarium.kit import isbn
from librarium.models import ContributorWork

log = logging.getLogger("librarium.contributors")


def _code(raw: str, length: int) -> str | None:
    """An ISBN of the column's length, separators dropped; anything else is not kept."""
    code = isbn.clean(raw)
    return code if len(code) == length else None


def _work_key(title: str, isbn_13: str | None, isbn_10: str | None) -> tuple[str, str, str]:
    return title.strip().casefold(), isbn_13 or "", isbn_10 or ""


def _new_works(
    contributor_id: uuid.UUID, source: str, works: list[WorkIn], hidden: set[tuple[str, str, str]]
) -> Iterator[ContributorWork]:
    for work in works:
        title = work.title.strip()
        i13, i10 = _code(work.isbn_13, 13), _code(work.isbn_10, 10)
        if not title or _work_key(title, i13, i10) in hidden:
            continue  # upstream brings back a work the user hid as a new row; we keep it hidden
        yield ContributorWork(
            contributor_id=contributor_id,
            title=title,
            isbn_13=i13,
            isbn_10=i10,
            publish_year=work.publish_year,
            cover_url=work.cover_url.strip() or None,
            source=source,
        )


async def apply(
    session: AsyncSession,
    settings: Settings,
    contributor_id: uuid.UUID,
    body: ContributorMetadataApply,
    user_id: uuid.UUID,
) -> ContributorDetail:
    await get(session, contributor_id)
    photo: bytes | None = None
    if body.photo_url.strip():
        async with unit.outside(session):  # no transaction held while another server answers
            try:
                photo = await covers.download(body.photo_url.strip(), settings)
            except AppError as exc:  # as upstream: the rest is applied, the photo is left as it was
                log.info("contributor photo not fetched: %s", exc.message)
    contributor = await get(session, contributor_id)
    if body.bio.strip():
        contributor.bio = body.bio.strip()
    if body.born_date is not None:
        contributor.born_date = body.born_date.date()
    if body.died_date is not None:
        contributor.died_date = body.died_date.date()
    if body.nationality.strip():
        contributor.nationality = body.nationality.strip()
    provider, external_id = body.provider.strip(), body.external_id.strip()
    if provider and external_id:
        contributor.external_ids = {**(contributor.external_ids or {}), provider: external_id}
    contributor.updated_at = utcnow()
    if photo is not None:
        await covers.store(
            session, settings, "contributor", contributor.id, photo, user_id, source_url=body.photo_url.strip()[:512]
        )
    if body.works:
        hidden = {
            _work_key(w.title, w.isbn_13, w.isbn_10) for w in await repo.hidden_works(session, contributor.id, provider)
        }
        await repo.replace_works(
            session, contributor.id, provider, list(_new_works(contributor.id, provider, body.works, hidden))
        )
    await session.flush()
    return detail_shape(contributor, photo is not None or bool(await repo.with_photo(session, [contributor.id])))
