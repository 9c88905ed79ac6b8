"""Sign-up, sign-in, token rotation, sign-out and the caller's own profile."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.auth import app_passwords
from librarium.auth import repository as tokens_repo
from librarium.auth.app_passwords import Keyring
from librarium.auth.passwords import Passwords
from librarium.auth.ratelimit import AttemptLimiter
from librarium.auth.schemas import (
    LoginRequest,
    PasswordChange,
    ProfileUpdate,
    TokenRead,
    UserCreate,
    UserRead,
)
from librarium.auth.tokens import AccessClaims, TokenSigner, hash_refresh_token, new_refresh_token
from librarium.db.base import utcnow
from librarium.errors import BadRequest, Conflict, Forbidden, PayloadTooLarge, TooManyRequests, Unauthorized
from librarium.models import User

# The merged preferences object, serialised; every page load of the web client reads it.
MAX_PREFERENCES_BYTES = 64 * 1024


@dataclass
class AuthContext:
    passwords: Passwords
    signer: TokenSigner
    refresh_ttl: int
    registration_enabled: bool
    login_limiter: AttemptLimiter
    app_keys: Keyring


# --- accounts -----------------------------------------------------------------------------------


async def create_user(session: AsyncSession, ctx: AuthContext, body: UserCreate, *, admin: bool) -> User:
    """Validate and insert a user with a local password (shared by setup, register and admin)."""
    if not body.username or not body.email or not body.password:
        raise BadRequest("username, email, and password are required")
    _check_lengths(body.username, body.display_name or body.username, body.email)
    await ensure_free(session, username=body.username, email=body.email)
    user = User(
        username=body.username,
        email=body.email,
        display_name=body.display_name or body.username,
        password_hash=await ctx.passwords.hash(body.password),
        is_instance_admin=admin,
    )
    try:
        return await tokens_repo.add_user(session, user)
    except IntegrityError as exc:  # lost a race with a concurrent sign-up
        raise Conflict("username or email already exists") from exc


def _check_lengths(username: str, display_name: str, email: str) -> None:
    # Upstream lets the database reject these with a 500.
    if len(username) > 64:
        raise BadRequest("username must be at most 64 characters")
    if len(display_name) > 128:
        raise BadRequest("display_name must be at most 128 characters")
    if len(email) > 255:
        raise BadRequest("email must be at most 255 characters")


async def ensure_free(session: AsyncSession, *, username: str | None = None, email: str | None = None) -> None:
    if username is not None and await tokens_repo.by_username(session, username):
        raise Conflict("username already exists")
    if email is not None and await tokens_repo.by_email(session, email):
        raise Conflict("email already exists")


async def is_initialized(session: AsyncSession) -> bool:
    return await tokens_repo.count_users(session) > 0


async def setup_admin(session: AsyncSession, ctx: AuthContext, body: UserCreate) -> TokenRead:
    if not body.username or not body.email or not body.password:
        raise BadRequest("username, email, and password are required")
    if await is_initialized(session):
        raise Conflict("instance is already initialized")
    user = await create_user(session, ctx, body, admin=True)
    return await issue_tokens(session, ctx, user, uuid.uuid4())


async def register(session: AsyncSession, ctx: AuthContext, body: UserCreate) -> TokenRead:
    if not ctx.registration_enabled:
        raise Forbidden("registration is disabled")
    first = not await is_initialized(session)
    user = await create_user(session, ctx, body, admin=first)
    return await issue_tokens(session, ctx, user, uuid.uuid4())


# --- sessions -----------------------------------------------------------------------------------


async def issue_tokens(session: AsyncSession, ctx: AuthContext, user: User, session_id: uuid.UUID) -> TokenRead:
    refresh = new_refresh_token()
    access, claims = ctx.signer.issue(user.id, user.is_instance_admin, session_id)
    await tokens_repo.add_refresh(
        session,
        user.id,
        session_id,
        hash_refresh_token(refresh),
        utcnow() + timedelta(seconds=ctx.refresh_ttl),
        access=claims,
    )
    return TokenRead(
        access_token=access,
        refresh_token=refresh,
        expires_in=ctx.signer.access_ttl,
        user=UserRead.model_validate(user),
    )


async def login(session: AsyncSession, ctx: AuthContext, body: LoginRequest, client: str) -> TokenRead:
    if not body.identifier or not body.password:
        raise BadRequest("identifier and password are required")
    # Upstream has no limit on guessing [security fix]: failures are counted per client and per
    # (client, identifier); past the limit the client must wait.
    keys = (f"ip:{client}", f"id:{client}:{body.identifier.lower()}")
    wait = ctx.login_limiter.retry_after(*keys)
    if wait:
        raise TooManyRequests(
            f"too many failed sign-in attempts; try again in {wait} seconds",
            headers={"Retry-After": str(wait)},
        )
    user = await tokens_repo.by_username(session, body.identifier)
    if user is None:
        user = await tokens_repo.by_email(session, body.identifier)
    ok = await ctx.passwords.verify(user.password_hash if user else None, body.password)
    if user is None or not ok or not user.is_active:
        ctx.login_limiter.fail(*keys)
        raise Unauthorized("invalid credentials")
    ctx.login_limiter.reset(keys[1])
    user.last_login_at = utcnow()
    return await issue_tokens(session, ctx, user, uuid.uuid4())


async def refresh(session: AsyncSession, ctx: AuthContext, token: str) -> TokenRead:
    if not token:
        raise BadRequest("refresh_token is required")
    row = await tokens_repo.refresh_by_hash(session, hash_refresh_token(token))
    invalid = Unauthorized("invalid or expired refresh token", keep_changes=True)
    if row is None:
        raise invalid
    if row.revoked_at is not None:
        # A rotated token presented again means it leaked (or two tabs raced): end that sign-in's
        # whole chain so a thief's copy stops working too, and deny-list the access tokens the chain
        # issued that have not expired yet. Upstream only rejects the one token.
        await tokens_repo.revoke_refresh(session, row.user_id, session_id=row.session_id)
        await tokens_repo.deny_chain_access_tokens(session, row.session_id)
        raise invalid
    if row.expires_at <= utcnow():
        raise invalid
    row.revoked_at = utcnow()
    user = await tokens_repo.get_user(session, row.user_id)
    if user is None or not user.is_active:
        raise invalid  # the presented token stays revoked
    return await issue_tokens(session, ctx, user, row.session_id)


async def logout(session: AsyncSession, claims: AccessClaims) -> None:
    await tokens_repo.revoke_refresh(session, claims.user_id)
    await tokens_repo.deny_access_token(session, claims.jti, claims.expires_at)


# --- profile ------------------------------------------------------------------------------------


async def update_profile(session: AsyncSession, user: User, body: ProfileUpdate) -> User:
    if not body.display_name or not body.email:
        raise BadRequest("display_name and email are required")
    _check_lengths(user.username, body.display_name, body.email)
    if body.email != user.email:
        await ensure_free(session, email=body.email)
    user.display_name = body.display_name
    user.email = body.email
    user.updated_at = utcnow()
    await session.flush()
    return user


async def change_password(
    session: AsyncSession, ctx: AuthContext, user: User, claims: AccessClaims, body: PasswordChange
) -> None:
    if not body.current_password or not body.new_password:
        raise BadRequest("current_password and new_password are required")
    if not await ctx.passwords.verify(user.password_hash, body.current_password):
        # Upstream answers 401 here, which makes the web client sign the user out; a wrong
        # current password is a bad request, not a bad session.
        raise BadRequest("current password is incorrect")
    user.password_hash = await ctx.passwords.hash(body.new_password)
    user.updated_at = utcnow()
    # Upstream keeps every other session alive after a password change [security fix]: end all of
    # this user's other sign-ins; the one making the change keeps working.
    await tokens_repo.revoke_refresh(session, user.id, except_session=claims.session_id)
    await session.flush()


async def get_preferences(session: AsyncSession, user_id: uuid.UUID) -> dict[str, Any]:
    row = await tokens_repo.preferences(session, user_id)
    return dict(row.prefs) if row else {}


async def patch_preferences(session: AsyncSession, user_id: uuid.UUID, patch: Any) -> None:
    if not isinstance(patch, dict):
        raise BadRequest("invalid request body")
    if not patch:
        return
    prefs = await get_preferences(session, user_id)
    prefs.update(patch)  # shallow merge: a top-level key replaces the stored one
    # Upstream stores any size, and every later read returns it all; the merged object is capped here.
    if len(json.dumps(prefs, separators=(",", ":"))) > MAX_PREFERENCES_BYTES:  # json: ints of any size
        raise PayloadTooLarge(f"preferences must be at most {MAX_PREFERENCES_BYTES // 1024} KiB")
    await tokens_repo.save_preferences(session, user_id, prefs)


async def purge_expired_tokens(session: AsyncSession) -> int:
    return await tokens_repo.purge_expired(session)


# --- for other domains (they call this service, never auth's repository) ------------------------------


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await tokens_repo.get_user(session, user_id)


async def user_by_username(session: AsyncSession, username: str) -> User | None:
    return await tokens_repo.by_username(session, username)


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    return await tokens_repo.by_email(session, email)


async def add_user(session: AsyncSession, user: User) -> User:
    return await tokens_repo.add_user(session, user)


async def user_for_token(session: AsyncSession, claims: AccessClaims) -> User | None:
    """The token's user while it is active and the token is not deny-listed."""
    return await tokens_repo.active_user_for_token(session, claims.user_id, claims.jti)


async def end_sign_ins(session: AsyncSession, user_id: uuid.UUID, *, except_session: uuid.UUID | None = None) -> None:
    """Revoke the user's refresh tokens (all, or all but one sign-in's)."""
    await tokens_repo.revoke_refresh(session, user_id, except_session=except_session)


async def revoke_app_passwords(session: AsyncSession, user_id: uuid.UUID) -> None:
    """A deactivated account's reading apps lose access too."""
    await app_passwords.revoke_all(session, user_id)
