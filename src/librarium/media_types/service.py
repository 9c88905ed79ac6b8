"""Instance-wide media types: everyone reads, instance admins write."""

from __future__ import annotations

import re
import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.books import service as books
from librarium.errors import BadRequest, Conflict, NotFound
from librarium.media_types import repository as repo
from librarium.media_types.schemas import MediaTypeCreate, MediaTypeRead, MediaTypeUpdate
from librarium.models import MediaType

_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def _row(media_type: MediaType, book_count: int = 0) -> MediaTypeRead:
    return MediaTypeRead(
        id=media_type.id,
        name=media_type.name,
        display_name=media_type.display_name,
        description=media_type.description or "",
        book_count=book_count,
    )


async def book_counts(session: AsyncSession) -> dict[uuid.UUID, int]:
    """Books per media type across all libraries."""
    return await books.media_type_counts(session)


async def list_all(session: AsyncSession, *, counted: bool = True) -> list[MediaTypeRead]:
    """Every media type, with its number of books across all libraries (which reads every book) unless not
    `counted`."""
    rows = await repo.all_media_types(session)
    counts = await book_counts(session) if counted else {}
    return [_row(m, counts.get(m.id, 0)) for m in rows]


def _display_name(value: str) -> str:
    value = value.strip()
    if not value:
        raise BadRequest("display_name is required")
    if len(value) > 128:
        raise BadRequest("display_name must be at most 128 characters")
    return value


async def create(session: AsyncSession, body: MediaTypeCreate) -> MediaTypeRead:
    name = body.name.strip()
    if not name:
        raise BadRequest("name is required")
    if len(name) > 64 or not _KEY.match(name):
        raise BadRequest("name must be a lower-case key of letters, digits, '_' or '-' (at most 64)")
    display_name = _display_name(body.display_name)
    conflict = Conflict("a media type with that name already exists")
    if await repo.name_taken(session, name):
        raise conflict
    media_type = MediaType(name=name, display_name=display_name, description=body.description or None)
    session.add(media_type)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise conflict from exc
    return _row(media_type)


async def _get(session: AsyncSession, media_type_id: uuid.UUID) -> MediaType:
    media_type = await session.get(MediaType, media_type_id)
    if media_type is None:
        raise NotFound("media type not found")
    return media_type


async def update(session: AsyncSession, media_type_id: uuid.UUID, body: MediaTypeUpdate) -> MediaTypeRead:
    display_name = _display_name(body.display_name)
    media_type = await _get(session, media_type_id)
    media_type.display_name = display_name
    media_type.description = body.description or None
    await session.flush()
    return _row(media_type, (await book_counts(session)).get(media_type.id, 0))


async def delete(session: AsyncSession, media_type_id: uuid.UUID) -> None:
    media_type = await _get(session, media_type_id)
    if (await book_counts(session)).get(media_type.id, 0):
        raise Conflict("cannot delete: books are assigned to this media type")
    await session.delete(media_type)
    await session.flush()
