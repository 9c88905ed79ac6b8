"""FastAPI dependencies: the signed-in caller, the admin gate and library permission gates."""

import base64
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.auth import app_passwords
from librarium.auth import repository as tokens_repo
from librarium.auth.service import AuthContext
from librarium.auth.tokens import AccessClaims
from librarium.db import unit
from librarium.db.session import get_session
from librarium.errors import Forbidden, NotFound, Unauthorized
from librarium.models import User

Session = Annotated[AsyncSession, Depends(get_session)]


# Dependencies are coroutines even when they do not await: FastAPI runs a plain function in a worker thread,
# which cost every signed-in request about 0.2 ms (more under load, where the hop waits for a free thread).
async def get_auth_context(request: Request) -> AuthContext:
    ctx: AuthContext = request.app.state.auth
    return ctx


AuthCtx = Annotated[AuthContext, Depends(get_auth_context)]


@dataclass
class Caller:
    user: User
    claims: AccessClaims

    @property
    def id(self) -> uuid.UUID:
        return self.user.id

    @property
    def is_admin(self) -> bool:
        return self.user.is_instance_admin


def _claims(request: Request, ctx: AuthContext) -> AccessClaims:
    header = request.headers.get("authorization", "")
    if not header.startswith("Bearer ") or not header[7:].strip():
        raise Unauthorized("missing or invalid authorization header")
    return ctx.signer.decode(header[7:].strip())


async def get_caller(request: Request, session: Session, ctx: AuthCtx) -> Caller:
    claims = _claims(request, ctx)
    # Upstream trusts the token alone until it expires, so a deactivated, deleted or demoted user
    # keeps access for up to the token's lifetime [security fix]. We load the user row on every
    # request (one indexed query that also checks the deny-list) and use its current admin flag.
    user = await tokens_repo.active_user_for_token(session, claims.user_id, claims.jti)
    if user is None:
        raise Unauthorized("invalid or expired token")
    return Caller(user=user, claims=claims)


CurrentCaller = Annotated[Caller, Depends(get_caller)]


async def get_admin(caller: CurrentCaller) -> Caller:
    if not caller.is_admin:
        raise Forbidden("instance admin access required")
    return caller


AdminCaller = Annotated[Caller, Depends(get_admin)]


def library_permission(permission: str) -> Callable[..., Awaitable[Caller]]:
    """Dependency: the caller holds `permission` in the path's library (admins always pass). The user
    row, the deny-list and the permission are checked in one query."""

    async def check(
        request: Request,
        session: Session,
        ctx: AuthCtx,
        library_id: Annotated[uuid.UUID, Path()],
    ) -> Caller:
        claims = _claims(request, ctx)
        found = await tokens_repo.active_user_with_permission(
            session, claims.user_id, claims.jti, library_id, permission
        )
        if found is None:
            raise Unauthorized("invalid or expired token")
        user, granted, library_exists = found
        if not (granted or user.is_instance_admin):
            raise Forbidden("insufficient permissions")
        if not library_exists:
            # upstream lets an admin's write reach the database and answers 500 (or 409 for tags)
            raise NotFound("library not found")
        return Caller(user=user, claims=claims)

    check.__name__ = f"require_{permission.replace(':', '_')}"
    return check


def can(permission: str) -> Any:
    """`caller: Annotated[Caller, can("books:read")]` in a route signature."""
    return Depends(library_permission(permission))


# --- reading apps (OPDS, KOReader sync): HTTP Basic with an app password -------------------------------

BASIC_REALM = {"WWW-Authenticate": 'Basic realm="Librarium", charset="UTF-8"'}


@dataclass
class Reader:
    """A user signed in with an app password; may only use the reader routes."""

    user: app_passwords.Account

    @property
    def id(self) -> uuid.UUID:
        return self.user.id

    @property
    def is_admin(self) -> bool:
        return self.user.is_instance_admin


def _basic(request: Request) -> tuple[str, str]:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        raise Unauthorized("sign in with your username and an app password", headers=BASIC_REALM)
    try:
        username, _, secret = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        raise Unauthorized("malformed basic credentials", headers=BASIC_REALM) from None
    return username, secret


async def app_password_account(
    request: Request,
    session: AsyncSession,
    ctx: AuthContext,
    username: str | None,
    secret: str,
    *,
    kosync: bool = False,
) -> app_passwords.Account:
    """The account an app password (for kosync: its MD5) opens, for every reader route. Its last use is recorded
    at most every few minutes: in a write request's transaction, or for a read (whose transaction is rolled
    back) in a short write of its own."""
    client = request.client.host if request.client else ""
    stale: list[uuid.UUID] = []
    account = await app_passwords.check(
        session, ctx.app_keys, ctx.login_limiter, client, username, secret, kosync=kosync, stale=stale
    )
    request_unit = unit.unit_of(session)
    if stale and request_unit is not None and request_unit.write:
        # a write request records it in its own transaction (on SQLite a second write unit would wait for this one)
        await app_passwords.touch(session, stale)
    elif stale:
        async with request.app.state.db.unit_of_work() as writer:
            await app_passwords.touch(writer, stale)
    return account


async def get_reader(request: Request, session: Session, ctx: AuthCtx) -> Reader:
    token = request.path_params.get("token")  # /opds/t/<app password>/…: no username, whoever it belongs to
    username, secret = (None, str(token)) if token else _basic(request)
    try:
        return Reader(await app_password_account(request, session, ctx, username, secret))
    except Unauthorized as exc:
        raise Unauthorized(exc.message, headers=BASIC_REALM) from None


CurrentReader = Annotated[Reader, Depends(get_reader)]


async def reader_can(
    session: AsyncSession, reader: Reader, library_id: uuid.UUID, permission: str = "books:read"
) -> None:
    """404 unless the reader may read the library (another library is never revealed, not even by a 403)."""
    granted, found = await tokens_repo.user_permission(session, reader.id, library_id, permission)
    if not found or not (granted or reader.is_admin):
        raise NotFound("library not found")
