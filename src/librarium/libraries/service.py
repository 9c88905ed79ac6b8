"""Libraries and their members."""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.auth import service as auth
from librarium.db.base import utcnow
from librarium.errors import BadRequest, Conflict, NotFound
from librarium.kit.text import slugify
from librarium.kit.validate import parse_uuid, required_text
from librarium.libraries import repository as repo
from librarium.libraries.schemas import LibraryCreate, LibraryUpdate, MemberAdd, MemberRead, MemberUpdate
from librarium.models import Library, LibraryMembership
from librarium.shelves import service as shelves
from librarium.tags.service import by_owner

OWNER_ROLE = "library_owner"
DEFAULT_ROLE = "library_viewer"


async def list_for(session: AsyncSession, user_id: uuid.UUID, admin: bool) -> list[Library]:
    return await repo.visible_to(session, user_id, admin)


async def get(session: AsyncSession, library_id: uuid.UUID) -> Library:
    library = await repo.get(session, library_id)
    if library is None:
        raise NotFound("library not found")
    return library


def _check_name(name: str) -> str:
    return required_text(name, "name", 128)


async def _free_slug(session: AsyncSession, base: str) -> str:
    slug, n = base, 1
    while await repo.slug_taken(session, slug):
        n += 1
        slug = f"{base[:120]}-{n}"
    return slug


async def create(session: AsyncSession, owner_id: uuid.UUID, body: LibraryCreate) -> Library:
    name = _check_name(body.name)
    # Upstream stores a given slug verbatim and 500s when the name has no ASCII letters or digits
    # ("漫画"); we normalise both and fall back to "library".
    base = (slugify(body.slug) or slugify(name) or "library")[:120]
    role = await repo.role_by_name(session, OWNER_ROLE)
    assert role is not None, "seeded role library_owner is missing"
    library = Library(
        name=name,
        description=body.description or None,
        slug=await _free_slug(session, base),
        owner_id=owner_id,
        is_public=body.is_public,
    )
    session.add(library)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict("slug already in use") from exc
    session.add(LibraryMembership(library_id=library.id, user_id=owner_id, role_id=role.id))
    await session.flush()
    await shelves.create_favourites(session, library.id, owner_id)
    return library


async def update(session: AsyncSession, library_id: uuid.UUID, body: LibraryUpdate) -> Library:
    name = _check_name(body.name)
    library = await get(session, library_id)
    library.name = name
    library.description = body.description or None
    library.is_public = body.is_public
    library.updated_at = utcnow()
    await session.flush()
    return library


async def delete(session: AsyncSession, library_id: uuid.UUID) -> None:
    library = await get(session, library_id)
    await session.delete(library)
    await session.flush()


# --- members ------------------------------------------------------------------------------------


async def members(session: AsyncSession, library_id: uuid.UUID, search: str, tag: str) -> list[MemberRead]:
    tags = by_owner(await repo.member_tags(session, library_id))
    return [
        MemberRead(
            user_id=user.id,
            username=user.username,
            display_name=user.display_name,
            email=user.email,
            role_id=m.role_id,
            role=role,
            joined_at=m.joined_at,
            tags=tags.get(user.id, []),
            invited_by=m.invited_by,
        )
        for m, user, role in await repo.members(session, library_id, search, tag)
    ]


async def add_member(session: AsyncSession, library_id: uuid.UUID, inviter: uuid.UUID, body: MemberAdd) -> None:
    user_id = parse_uuid(body.user_id, "invalid user_id")
    await get(session, library_id)  # admins pass the gate for libraries that do not exist
    role = await repo.role_by_name(session, body.role or DEFAULT_ROLE)
    if role is None:
        # Upstream answers "404 user not found" for an unknown role name.
        raise BadRequest(f"unknown role: {body.role}")
    if await auth.get_user(session, user_id) is None:
        raise NotFound("user not found")
    if await repo.membership(session, library_id, user_id):
        raise Conflict("user is already a member")
    session.add(LibraryMembership(library_id=library_id, user_id=user_id, role_id=role.id, invited_by=inviter))
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict("user is already a member") from exc


async def change_role(session: AsyncSession, library_id: uuid.UUID, user_id: uuid.UUID, body: MemberUpdate) -> None:
    if not body.role:
        raise BadRequest("role is required")
    library = await repo.get(session, library_id)
    if library is None:
        raise NotFound("member not found")
    if library.owner_id == user_id:
        raise BadRequest("cannot change the owner's role")
    role = await repo.role_by_name(session, body.role)
    if role is None:
        raise BadRequest(f"unknown role: {body.role}")
    member = await repo.membership(session, library_id, user_id)
    if member is None:
        raise NotFound("member not found")
    member.role_id = role.id
    await session.flush()


async def remove_member(session: AsyncSession, library_id: uuid.UUID, user_id: uuid.UUID) -> None:
    library = await repo.get(session, library_id)
    if library is not None and library.owner_id == user_id:
        raise BadRequest("cannot remove the library owner")
    member = await repo.membership(session, library_id, user_id) if library else None
    if member is None:
        raise NotFound("member not found")
    await session.delete(member)
    await session.flush()


async def by_slug(session: AsyncSession, slug: str) -> Library:
    found = await repo.by_slug(session, slug)
    if found is None:
        raise NotFound(f'no library with the slug "{slug}"')
    return found
