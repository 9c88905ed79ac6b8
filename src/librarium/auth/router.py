"""Setup, authentication and the caller's own profile."""

import uuid
from typing import Any

from fastapi import Body, Request, Response

from librarium.auth import app_passwords, service
from librarium.auth.deps import AuthCtx, CurrentCaller, Session
from librarium.auth.schemas import (
    AppPasswordCreate,
    AppPasswordCreated,
    AppPasswordRead,
    LoginRequest,
    PasswordChange,
    PreferencesRead,
    ProfileUpdate,
    RefreshRequest,
    SetupStatus,
    TokenRead,
    UserCreate,
    UserRead,
)
from librarium.kit.routing import NO_CONTENT, api_router, no_content, ok
from librarium.kit.schema import Envelope, Message

router = api_router()


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/setup/status", tags=["setup"])
async def setup_status(session: Session) -> Envelope[SetupStatus]:
    return ok(SetupStatus(initialized=await service.is_initialized(session)))


@router.post("/setup/admin", tags=["setup"], status_code=201)
async def setup_admin(body: UserCreate, session: Session, ctx: AuthCtx) -> Envelope[TokenRead]:
    return ok(await service.setup_admin(session, ctx, body))


@router.post("/auth/register", tags=["auth"], status_code=201)
async def register(body: UserCreate, session: Session, ctx: AuthCtx) -> Envelope[TokenRead]:
    return ok(await service.register(session, ctx, body))


@router.post("/auth/login", tags=["auth"])
async def login(body: LoginRequest, request: Request, session: Session, ctx: AuthCtx) -> Envelope[TokenRead]:
    return ok(await service.login(session, ctx, body, _client(request)))


@router.post("/auth/refresh", tags=["auth"])
async def refresh(body: RefreshRequest, session: Session, ctx: AuthCtx) -> Envelope[TokenRead]:
    return ok(await service.refresh(session, ctx, body.refresh_token))


@router.post("/auth/logout", tags=["auth"])
async def logout(caller: CurrentCaller, session: Session) -> Envelope[Message]:
    await service.logout(session, caller.claims)
    return ok(Message(message="logged out"))


@router.get("/auth/me", tags=["auth"])
async def me(caller: CurrentCaller) -> Envelope[UserRead]:
    return ok(UserRead.model_validate(caller.user))


@router.put("/auth/me", tags=["auth"])
async def update_me(body: ProfileUpdate, caller: CurrentCaller, session: Session) -> Envelope[UserRead]:
    return ok(UserRead.model_validate(await service.update_profile(session, caller.user, body)))


@router.put("/auth/me/password", tags=["auth"])
async def change_password(
    body: PasswordChange, caller: CurrentCaller, session: Session, ctx: AuthCtx
) -> Envelope[Message]:
    await service.change_password(session, ctx, caller.user, caller.claims, body)
    return ok(Message(message="password updated"))


@router.get("/auth/me/preferences", tags=["auth"])
async def get_preferences(caller: CurrentCaller, session: Session) -> Envelope[PreferencesRead]:
    return ok(PreferencesRead(prefs=await service.get_preferences(session, caller.id)))


@router.patch("/auth/me/preferences", tags=["auth"])
async def patch_preferences(
    caller: CurrentCaller, session: Session, patch: dict[str, Any] = Body(...)
) -> Envelope[Message]:
    await service.patch_preferences(session, caller.id, patch)
    return ok(Message(message="ok"))


# --- app passwords for reading apps (our addition) ---------------------------------------------------------


@router.get("/auth/me/app-passwords", tags=["auth"])
async def list_app_passwords(caller: CurrentCaller, session: Session) -> Envelope[list[AppPasswordRead]]:
    return ok(await app_passwords.mine(session, caller.id))


@router.post("/auth/me/app-passwords", tags=["auth"], status_code=201)
async def create_app_password(
    body: AppPasswordCreate, caller: CurrentCaller, session: Session, ctx: AuthCtx
) -> Envelope[AppPasswordCreated]:
    """The answer holds the secret (`password`); it is never shown again."""
    return ok(await app_passwords.create(session, ctx.app_keys, caller.id, body.name))


@router.delete(
    "/auth/me/app-passwords/{password_id}",
    tags=["auth"],
    status_code=204,
    responses=NO_CONTENT,
    response_class=Response,
)
async def delete_app_password(password_id: uuid.UUID, caller: CurrentCaller, session: Session) -> Response:
    await app_passwords.revoke(session, caller.id, password_id)
    return no_content()
