"""SQL for managing users (the admin list, the user picker, deletion). The lookups sign-in needs are in
auth/repository.py; other domains reach users through auth.service."""

from __future__ import annotations

import uuid

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.kit.text import like_escape
from librarium.models import Library, User


async def search_active(session: AsyncSession, q: str, limit: int = 10) -> list[User]:
    pattern = f"%{like_escape(q.lower())}%"
    fields = (User.username, User.display_name, User.email)
    stmt = (
        select(User)
        .where(User.is_active.is_(True), or_(*(func.lower(f).like(pattern, escape="\\") for f in fields)))
        .order_by(User.display_name, User.username)
        .limit(limit)
    )
    return list((await session.execute(stmt)).scalars())


async def page(session: AsyncSession, offset: int, limit: int) -> tuple[list[User], int]:
    total = int((await session.execute(select(func.count()).select_from(User))).scalar_one())
    stmt = select(User).order_by(User.created_at, User.id).offset(offset).limit(limit)
    return list((await session.execute(stmt)).scalars()), total


async def owned_library_names(session: AsyncSession, user_id: uuid.UUID) -> list[str]:
    stmt = select(Library.name).where(Library.owner_id == user_id).order_by(Library.name)
    return list((await session.execute(stmt)).scalars())


async def delete(session: AsyncSession, user: User) -> None:
    await session.delete(user)
    await session.flush()
