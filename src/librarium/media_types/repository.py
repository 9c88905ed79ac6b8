"""SQL of the media-types domain (instance-wide)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.models import MediaType


async def all_media_types(session: AsyncSession) -> list[MediaType]:
    return list((await session.execute(select(MediaType).order_by(MediaType.display_name))).scalars())


async def name_taken(session: AsyncSession, name: str) -> bool:
    return (await session.execute(select(MediaType.id).where(MediaType.name == name))).first() is not None
