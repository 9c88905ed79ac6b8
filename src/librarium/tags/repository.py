"""SQL of the tags domain: a library's tags (scoped by construction, kit/repository.py) and the tag links
of series, shelves, loans and members."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.kit.repository import LibraryScoped
from librarium.models import Tag

tags = LibraryScoped(Tag)


async def in_library(session: AsyncSession, library_id: uuid.UUID) -> list[Tag]:
    stmt = select(Tag).where(Tag.library_id == library_id).order_by(Tag.name, Tag.id)
    return list((await session.execute(stmt)).scalars())


async def id_named(session: AsyncSession, library_id: uuid.UUID, name: str) -> uuid.UUID | None:
    stmt = select(Tag.id).where(Tag.library_id == library_id, Tag.name == name)
    return (await session.execute(stmt)).scalar_one_or_none()


async def replace_links(
    session: AsyncSession, link: Any, owner_column: str, owner_id: uuid.UUID, ids: list[uuid.UUID]
) -> None:
    owner = getattr(link, owner_column)
    await session.execute(delete(link).where(owner == owner_id))
    if ids:
        await session.execute(insert(link), [{owner_column: owner_id, "tag_id": t} for t in ids])


async def refs(
    session: AsyncSession, link: Any, owner_column: str, owner_ids: list[uuid.UUID]
) -> list[tuple[uuid.UUID, uuid.UUID, str, str | None]]:
    """(owner id, tag id, name, colour) of the owners' tags, by tag name."""
    owner = getattr(link, owner_column)
    stmt = (
        select(owner, Tag.id, Tag.name, Tag.color)
        .join(Tag, Tag.id == link.tag_id)
        .where(owner.in_(owner_ids))
        .order_by(Tag.name)
    )
    return [(o, t, n, c) for o, t, n, c in (await session.execute(stmt)).all()]


def has_tag_named(link: Any, owner_column: str, owner_id: Any, name: str) -> Any:
    """SQL condition: the owner row (series, shelf, loan) has a tag called `name` (case-insensitive)."""
    tagged = select(getattr(link, owner_column)).join(Tag, Tag.id == link.tag_id)
    return owner_id.in_(tagged.where(func.lower(Tag.name) == name.lower()))
