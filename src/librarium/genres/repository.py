"""SQL of the genres domain (instance-wide)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.models import Genre


async def all_genres(session: AsyncSession) -> list[Genre]:
    return list((await session.execute(select(Genre).order_by(Genre.name_lower, Genre.name))).scalars())


async def id_named(session: AsyncSession, name: str) -> uuid.UUID | None:
    """The genre called `name`, ignoring case."""
    return (await session.execute(select(Genre.id).where(Genre.name_lower == name.lower()))).scalar_one_or_none()
