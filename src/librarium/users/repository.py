"""All SQL about users."""

from __future__ import annotations

import uuid

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.kit.text import like_escape
from librarium.models import Library, User


async def get(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def by_username(session: AsyncSession, username: str) -> User | None:
    return (await session.execute(select(User).where(User.username == username))).scalar_one_or_none()


async def by_email(session: AsyncSession, email: str) -> User | None:
    return (await session.execute(select(User).where(User.email == email))).scalar_one_or_none()


async def count(session: AsyncSession) -> int:
    return int((await session.execute(select(func.count()).select_from(User))).scalar_one())


async def add(session: AsyncSession, user: User) -> User:
    session.add(user)
    await session.flush()
    return user


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
    total = await count(session)
    stmt = select(User).order_by(User.created_at, User.id).offset(offset).limit(limit)
    return list((await session.execute(stmt)).scalars()), total


async def owned_library_names(session: AsyncSession, user_id: uuid.UUID) -> list[str]:
    stmt = select(Library.name).where(Library.owner_id == user_id).order_by(Library.name)
    return list((await session.execute(stmt)).scalars())


async def delete(session: AsyncSession, user: User) -> None:
    await session.delete(user)
    await session.flush()
