"""Library-scoped tags."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.errors import BadRequest, Conflict, NotFound
from librarium.kit.validate import parse_uuid, required_text
from librarium.models import Tag
from librarium.tags import repository as repo
from librarium.tags.schemas import TagRef

_DUPLICATE = "a tag with that name already exists in this library"


async def list_tags(session: AsyncSession, library_id: uuid.UUID) -> list[Tag]:
    return await repo.in_library(session, library_id)


def _clean(name: str, color: str) -> tuple[str, str | None]:
    # Upstream answers an empty or duplicate name with a 500.
    name = required_text(name, "name", 64)
    if len(color) > 16:
        raise BadRequest("color must be at most 16 characters")
    return name, color or None


async def _taken(session: AsyncSession, library_id: uuid.UUID, name: str, except_id: uuid.UUID | None) -> bool:
    found = await repo.id_named(session, library_id, name)
    return found is not None and found != except_id


async def _save(session: AsyncSession) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict(_DUPLICATE) from exc


async def create(session: AsyncSession, library_id: uuid.UUID, user_id: uuid.UUID, name: str, color: str) -> Tag:
    name, color_value = _clean(name, color)
    if await _taken(session, library_id, name, None):
        raise Conflict(_DUPLICATE)
    tag = Tag(library_id=library_id, name=name, color=color_value, created_by=user_id)
    session.add(tag)
    await _save(session)
    return tag


async def get(session: AsyncSession, library_id: uuid.UUID, tag_id: uuid.UUID) -> Tag:
    return await repo.tags.one(session, library_id, tag_id, "tag not found")


async def update(session: AsyncSession, library_id: uuid.UUID, tag_id: uuid.UUID, name: str, color: str) -> Tag:
    name, color_value = _clean(name, color)
    tag = await get(session, library_id, tag_id)
    if await _taken(session, library_id, name, tag.id):
        raise Conflict(_DUPLICATE)
    tag.name, tag.color = name, color_value
    await _save(session)
    return tag


async def delete(session: AsyncSession, library_id: uuid.UUID, tag_id: uuid.UUID) -> None:
    await session.delete(await get(session, library_id, tag_id))
    await session.flush()


# --- tag links of other things (series, shelves, loans) --------------------------------------------


async def resolve_ids(session: AsyncSession, library_id: uuid.UUID, raw: list[str]) -> list[uuid.UUID]:
    """Parse tag ids sent in a body; each must be a tag of this library (upstream: 500 otherwise)."""
    ids = list(dict.fromkeys(parse_uuid(value, f"invalid tag_id: {value}") for value in raw))
    if ids:
        found = await repo.tags.existing_ids(session, library_id, ids)
        missing = [t for t in ids if t not in found]
        if missing:
            raise NotFound(f"tag not found: {missing[0]}")
    return ids


async def replace_links(
    session: AsyncSession, link: Any, owner_column: str, owner_id: uuid.UUID, ids: list[uuid.UUID]
) -> None:
    await repo.replace_links(session, link, owner_column, owner_id, ids)


async def refs(
    session: AsyncSession, link: Any, owner_column: str, owner_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[TagRef]]:
    """{owner id: its tags} ordered by tag name."""
    if not owner_ids:
        return {}
    return by_owner(await repo.refs(session, link, owner_column, owner_ids))


def by_owner(rows: Iterable[tuple[uuid.UUID, uuid.UUID, str, str | None]]) -> dict[uuid.UUID, list[TagRef]]:
    """{owner id: its tags, in the rows' order} from (owner id, tag id, name, colour) rows."""
    out: dict[uuid.UUID, list[TagRef]] = {}
    for owner_id, tag_id, name, color in rows:
        out.setdefault(owner_id, []).append(TagRef(id=tag_id, name=name, color=color))
    return out


def has_tag_named(link: Any, owner_column: str, owner_id: Any, name: str) -> Any:
    """SQL condition: the owner row (series, shelf, loan) has a tag called `name` (case-insensitive)."""
    return repo.has_tag_named(link, owner_column, owner_id, name)
