"""All SQL about libraries, memberships and roles."""

from __future__ import annotations

import uuid

from sqlalchemy import exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.kit.text import like_escape
from librarium.models import (
    Library,
    LibraryMembership,
    MemberTag,
    Role,
    Tag,
    User,
)


async def get(session: AsyncSession, library_id: uuid.UUID) -> Library | None:
    return await session.get(Library, library_id)


async def visible_to(session: AsyncSession, user_id: uuid.UUID, admin: bool) -> list[Library]:
    stmt = select(Library).order_by(Library.name, Library.id)
    if not admin:
        member = select(LibraryMembership.library_id).where(LibraryMembership.user_id == user_id)
        stmt = stmt.where(Library.id.in_(member))
    return list((await session.execute(stmt)).scalars())


async def slug_taken(session: AsyncSession, slug: str) -> bool:
    return bool((await session.execute(select(exists().where(Library.slug == slug)))).scalar())


async def role_by_name(session: AsyncSession, name: str) -> Role | None:
    return (await session.execute(select(Role).where(Role.name == name))).scalar_one_or_none()


async def membership(session: AsyncSession, library_id: uuid.UUID, user_id: uuid.UUID) -> LibraryMembership | None:
    stmt = select(LibraryMembership).where(
        LibraryMembership.library_id == library_id, LibraryMembership.user_id == user_id
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def members(
    session: AsyncSession, library_id: uuid.UUID, search: str, tag: str
) -> list[tuple[LibraryMembership, User, str]]:
    """(membership, user, role name) in the order they joined."""
    stmt = (
        select(LibraryMembership, User, Role.name)
        .join(User, User.id == LibraryMembership.user_id)
        .join(Role, Role.id == LibraryMembership.role_id)
        .where(LibraryMembership.library_id == library_id)
        .order_by(LibraryMembership.joined_at, User.username)
    )
    if search:
        pattern = f"%{like_escape(search.lower())}%"
        stmt = stmt.where(
            or_(
                func.lower(User.username).like(pattern, escape="\\"),
                func.lower(User.display_name).like(pattern, escape="\\"),
            )
        )
    if tag:
        tagged = (
            select(MemberTag.user_id)
            .join(Tag, Tag.id == MemberTag.tag_id)
            .where(MemberTag.library_id == library_id, func.lower(Tag.name) == tag.lower())
        )
        stmt = stmt.where(LibraryMembership.user_id.in_(tagged))
    return [(m, user, role) for m, user, role in (await session.execute(stmt)).all()]


async def member_tags(
    session: AsyncSession, library_id: uuid.UUID
) -> list[tuple[uuid.UUID, uuid.UUID, str, str | None]]:
    """(user, tag id, name, colour) of the library's member tags, by tag name."""
    stmt = (
        select(MemberTag.user_id, Tag.id, Tag.name, Tag.color)
        .join(Tag, Tag.id == MemberTag.tag_id)
        .where(MemberTag.library_id == library_id)
        .order_by(Tag.name)
    )
    return [(u, i, n, c) for u, i, n, c in (await session.execute(stmt)).all()]


async def by_slug(session: AsyncSession, slug: str) -> Library | None:
    return (await session.execute(select(Library).where(Library.slug == slug))).scalar_one_or_none()
