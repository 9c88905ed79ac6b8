"""All SQL about accounts (the user lookups of sign-in), tokens and preferences."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.auth.tokens import AccessClaims
from librarium.db.base import utcnow
from librarium.models import (
    AppPassword,
    Library,
    LibraryMembership,
    Permission,
    RefreshToken,
    RevokedAccessToken,
    RolePermission,
    User,
    UserPreferences,
)


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def by_username(session: AsyncSession, username: str) -> User | None:
    return (await session.execute(select(User).where(User.username == username))).scalar_one_or_none()


async def by_email(session: AsyncSession, email: str) -> User | None:
    return (await session.execute(select(User).where(User.email == email))).scalar_one_or_none()


async def count_users(session: AsyncSession) -> int:
    return int((await session.execute(select(func.count()).select_from(User))).scalar_one())


async def add_user(session: AsyncSession, user: User) -> User:
    session.add(user)
    await session.flush()
    return user


# The statements of every signed-in request, built once with their parameters (`user_id`, `jti`, `now`, and
# `library_id`, `permission`): building them per request cost about as much as running them.
_LIVE = (
    User.id == bindparam("user_id"),
    User.is_active.is_(True),
    ~exists().where(RevokedAccessToken.jti == bindparam("jti"), RevokedAccessToken.expires_at > bindparam("now")),
)
_ACTIVE_USER = select(User).where(*_LIVE)
_ACTIVE_USER_IN_LIBRARY = select(
    User,
    exists()
    .where(
        LibraryMembership.library_id == bindparam("library_id"),
        LibraryMembership.user_id == User.id,
        RolePermission.role_id == LibraryMembership.role_id,
        Permission.id == RolePermission.permission_id,
        Permission.name == bindparam("permission"),
    )
    .label("granted"),
    exists().where(Library.id == bindparam("library_id")).label("found"),
).where(*_LIVE)


async def active_user_for_token(session: AsyncSession, user_id: uuid.UUID, jti: uuid.UUID) -> User | None:
    """The token's user if it still exists, is active, and the token is not deny-listed: one query."""
    values = {"user_id": user_id, "jti": jti, "now": utcnow()}
    return (await session.execute(_ACTIVE_USER, values)).scalar_one_or_none()


async def active_user_with_permission(
    session: AsyncSession, user_id: uuid.UUID, jti: uuid.UUID, library_id: uuid.UUID, permission: str
) -> tuple[User, bool, bool] | None:
    """`active_user_for_token` plus whether the user holds `permission` in the library and whether the
    library exists (instance admins hold every permission, but not in a library that is not there): one
    query."""
    values = {"user_id": user_id, "jti": jti, "now": utcnow(), "library_id": library_id, "permission": permission}
    row = (await session.execute(_ACTIVE_USER_IN_LIBRARY, values)).first()
    return (row[0], bool(row[1]), bool(row[2])) if row else None


async def add_refresh(
    session: AsyncSession,
    user_id: uuid.UUID,
    session_id: uuid.UUID,
    token_hash: str,
    expires_at: datetime,
    *,
    access: AccessClaims,
) -> None:
    session.add(
        RefreshToken(
            user_id=user_id,
            session_id=session_id,
            token_hash=token_hash,
            expires_at=expires_at,
            access_jti=access.jti,
            access_expires_at=access.expires_at,
        )
    )
    await session.flush()


async def deny_chain_access_tokens(session: AsyncSession, session_id: uuid.UUID) -> None:
    """Deny-list every access token issued in one sign-in's chain that is still valid."""
    stmt = select(RefreshToken.access_jti, RefreshToken.access_expires_at).where(
        RefreshToken.session_id == session_id,
        RefreshToken.access_jti.is_not(None),
        RefreshToken.access_expires_at > utcnow(),
    )
    for jti, expires_at in (await session.execute(stmt)).all():
        if jti is not None and expires_at is not None:
            await deny_access_token(session, jti, expires_at)


async def refresh_by_hash(session: AsyncSession, token_hash: str) -> RefreshToken | None:
    stmt = select(RefreshToken).where(RefreshToken.token_hash == token_hash)
    return (await session.execute(stmt)).scalar_one_or_none()


async def revoke_refresh(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    session_id: uuid.UUID | None = None,
    except_session: uuid.UUID | None = None,
) -> None:
    stmt = update(RefreshToken).where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
    if session_id is not None:
        stmt = stmt.where(RefreshToken.session_id == session_id)
    if except_session is not None:
        stmt = stmt.where(RefreshToken.session_id != except_session)
    await session.execute(stmt.values(revoked_at=utcnow()))


async def deny_access_token(session: AsyncSession, jti: uuid.UUID, expires_at: datetime) -> None:
    if await session.get(RevokedAccessToken, jti) is None:
        session.add(RevokedAccessToken(jti=jti, expires_at=expires_at))
        await session.flush()


async def preferences(session: AsyncSession, user_id: uuid.UUID) -> UserPreferences | None:
    return await session.get(UserPreferences, user_id)


async def save_preferences(session: AsyncSession, user_id: uuid.UUID, prefs: dict[str, Any]) -> None:
    row = await session.get(UserPreferences, user_id)
    if row is None:
        session.add(UserPreferences(user_id=user_id, prefs=prefs))
    else:
        row.prefs = prefs
        row.updated_at = utcnow()
    await session.flush()


async def purge_expired(session: AsyncSession) -> int:
    """Delete refresh tokens and deny-list entries past their expiry; how many rows went."""
    now = utcnow()
    gone = await session.execute(delete(RefreshToken).where(RefreshToken.expires_at <= now))
    denied = await session.execute(delete(RevokedAccessToken).where(RevokedAccessToken.expires_at <= now))
    return int(gone.rowcount or 0) + int(denied.rowcount or 0)  # type: ignore[attr-defined]


# --- app passwords --------------------------------------------------------------------------------


async def count_app_passwords(session: AsyncSession, user_id: uuid.UUID) -> int:
    stmt = select(func.count()).select_from(AppPassword).where(AppPassword.user_id == user_id)
    return int((await session.execute(stmt)).scalar_one())


async def app_passwords_of(session: AsyncSession, user_id: uuid.UUID) -> list[AppPassword]:
    stmt = select(AppPassword).where(AppPassword.user_id == user_id).order_by(AppPassword.created_at)
    return list((await session.execute(stmt)).scalars())


async def delete_app_password(session: AsyncSession, user_id: uuid.UUID, password_id: uuid.UUID) -> bool:
    stmt = delete(AppPassword).where(AppPassword.id == password_id, AppPassword.user_id == user_id)
    return int(getattr(await session.execute(stmt), "rowcount", 0) or 0) == 1


async def delete_app_passwords_of(session: AsyncSession, user_id: uuid.UUID) -> None:
    await session.execute(delete(AppPassword).where(AppPassword.user_id == user_id))


async def app_password_user(session: AsyncSession, digest: str, *, kosync: bool) -> tuple[AppPassword, User] | None:
    column = AppPassword.kosync_hash if kosync else AppPassword.secret_hash
    stmt = select(AppPassword, User).join(User, User.id == AppPassword.user_id).where(column == digest)
    row = (await session.execute(stmt)).first()
    return (row[0], row[1]) if row else None


_GRANTED = select(
    exists()
    .where(
        LibraryMembership.library_id == bindparam("library_id"),
        LibraryMembership.user_id == bindparam("user_id"),
        RolePermission.role_id == LibraryMembership.role_id,
        Permission.id == RolePermission.permission_id,
        Permission.name == bindparam("permission"),
    )
    .label("granted"),
    exists().where(Library.id == bindparam("library_id")).label("found"),
)  # built once: every library-scoped request runs it


async def user_permission(
    session: AsyncSession, user_id: uuid.UUID, library_id: uuid.UUID, permission: str
) -> tuple[bool, bool]:
    """(the user holds `permission` in the library, the library exists), in one query."""
    values = {"library_id": library_id, "user_id": user_id, "permission": permission}
    row = (await session.execute(_GRANTED, values)).one()
    return bool(row[0]), bool(row[1])


async def touch_app_passwords(session: AsyncSession, ids: list[uuid.UUID], when: datetime) -> None:
    if ids:
        await session.execute(update(AppPassword).where(AppPassword.id.in_(ids)).values(last_used_at=when))
