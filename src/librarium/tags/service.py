"""Library-scoped tags."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.errors import BadRequest, Conflict, NotFound
from librarium.models import Tag

_DUPLICATE = "a tag with that name already exists in this library"


def shape(tag: Tag) -> dict[str, Any]:
    return {
        "id": tag.id,
        "library_id": tag.library_id,
        "name": tag.name,
        "color": tag.color or "",
        "created_at": tag.created_at,
    }


async def list_tags(session: AsyncSession, library_id: uuid.UUID) -> list[dict[str, Any]]:
    stmt = select(Tag).where(Tag.library_id == library_id).order_by(Tag.name, Tag.id)
    return [shape(t) for t in (await session.execute(stmt)).scalars()]


def _clean(name: str, color: str) -> tuple[str, str | None]:
    # Upstream answers an empty or duplicate name with a 500.
    name = name.strip()
    if not name:
        raise BadRequest("name is required")
    if len(name) > 64:
        raise BadRequest("name must be at most 64 characters")
    if len(color) > 16:
        raise BadRequest("color must be at most 16 characters")
    return name, color or None


async def _taken(session: AsyncSession, library_id: uuid.UUID, name: str, except_id: uuid.UUID | None) -> bool:
    stmt = select(Tag.id).where(Tag.library_id == library_id, Tag.name == name)
    found = (await session.execute(stmt)).scalar_one_or_none()
    return found is not None and found != except_id


async def _save(session: AsyncSession) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict(_DUPLICATE) from exc


async def create(
    session: AsyncSession, library_id: uuid.UUID, user_id: uuid.UUID, name: str, color: str
) -> dict[str, Any]:
    name, color_value = _clean(name, color)
    if await _taken(session, library_id, name, None):
        raise Conflict(_DUPLICATE)
    tag = Tag(library_id=library_id, name=name, color=color_value, created_by=user_id)
    session.add(tag)
    await _save(session)
    return shape(tag)


async def get(session: AsyncSession, library_id: uuid.UUID, tag_id: uuid.UUID) -> Tag:
    tag = await session.get(Tag, tag_id)
    if tag is None or tag.library_id != library_id:
        raise NotFound("tag not found")
    return tag


async def update(
    session: AsyncSession, library_id: uuid.UUID, tag_id: uuid.UUID, name: str, color: str
) -> dict[str, Any]:
    name, color_value = _clean(name, color)
    tag = await get(session, library_id, tag_id)
    if await _taken(session, library_id, name, tag.id):
        raise Conflict(_DUPLICATE)
    tag.name, tag.color = name, color_value
    await _save(session)
    return shape(tag)


async def delete(session: AsyncSession, library_id: uuid.UUID, tag_id: uuid.UUID) -> None:
    await session.delete(await get(session, library_id, tag_id))
    await session.flush()
