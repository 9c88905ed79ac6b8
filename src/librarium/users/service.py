"""The user picker and instance-admin user management."""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.auth import service as auth
from librarium.auth.schemas import UserCreate
from librarium.db.base import utcnow
from librarium.errors import BadRequest, Conflict, NotFound
from librarium.kit.schema import page_params
from librarium.models import User
from librarium.users import repository as repo
from librarium.users.schemas import AdminUserPatch, PasswordSet


async def search(session: AsyncSession, q: str) -> list[User]:
    if len(q.encode()) < 2:
        return []
    return await repo.search_active(session, q)


async def page(session: AsyncSession, page: int, per_page: int) -> tuple[list[User], int, int, int]:
    page, per_page = page_params(page, per_page, default=20, limit=100)
    users, total = await repo.page(session, (page - 1) * per_page, per_page)
    return users, total, page, per_page


async def create(session: AsyncSession, ctx: auth.AuthContext, body: UserCreate) -> User:
    return await auth.create_user(session, ctx, body, admin=False)


async def _get(session: AsyncSession, user_id: uuid.UUID) -> User:
    user = await auth.get_user(session, user_id)
    if user is None:
        raise NotFound("user not found")
    return user


async def patch(session: AsyncSession, caller_id: uuid.UUID, user_id: uuid.UUID, body: AdminUserPatch) -> User:
    if user_id == caller_id:
        if body.is_active is False:
            raise BadRequest("cannot deactivate your own account")
        if body.is_instance_admin is False:
            raise BadRequest("cannot remove your own admin privileges")
    user = await _get(session, user_id)
    if body.display_name is not None:
        if not body.display_name.strip():
            raise BadRequest("display_name must not be empty")
        user.display_name = body.display_name
    if body.email is not None and body.email != user.email:
        if not body.email.strip():
            raise BadRequest("email must not be empty")
        await auth.ensure_free(session, email=body.email)
        user.email = body.email
    if body.is_active is not None:
        user.is_active = body.is_active
        if not body.is_active:
            # A deactivated account is signed out everywhere (its access tokens stop working at once
            # because every request re-reads the user row).
            await auth.end_sign_ins(session, user.id)
            await auth.revoke_app_passwords(session, user.id)
    if body.is_instance_admin is not None:
        user.is_instance_admin = body.is_instance_admin
    user.updated_at = utcnow()
    await session.flush()
    return user


async def set_password(session: AsyncSession, ctx: auth.AuthContext, user_id: uuid.UUID, body: PasswordSet) -> None:
    password = body.password or body.new_password
    if not password:
        raise BadRequest("password is required")
    user = await _get(session, user_id)
    user.password_hash = await ctx.passwords.hash(password)
    user.updated_at = utcnow()
    await auth.end_sign_ins(session, user.id)
    await session.flush()


async def delete(session: AsyncSession, caller_id: uuid.UUID, user_id: uuid.UUID) -> None:
    if user_id == caller_id:
        raise BadRequest("cannot delete your own account")
    # Upstream answers 200 for an unknown id; a 404 tells the admin the truth.
    user = await _get(session, user_id)
    owned = await repo.owned_library_names(session, user_id)
    if owned:
        raise Conflict(
            "cannot delete a user who owns libraries (" + ", ".join(owned) + "); "
            "delete them or deactivate the user instead"
        )
    try:
        await repo.delete(session, user)
    except IntegrityError as exc:
        # Upstream turns this foreign-key failure into a 500.
        raise Conflict(
            "cannot delete a user who created books, shelves, tags or other library data; deactivate the user instead"
        ) from exc
