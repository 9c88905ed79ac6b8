"""KOReader progress sync under /kosync (set `http://<host>:8080/kosync` as the custom sync server in
KOReader): `/users/auth`, `/users/create` (refused: accounts and app passwords are made in Librarium),
`PUT /syncs/progress`, `GET /syncs/progress/{document}`, `/healthcheck`. Answers in the protocol's own JSON."""

from typing import Annotated, Any

from fastapi import Body, Request
from fastapi.responses import JSONResponse

from librarium.auth.app_passwords import Account
from librarium.auth.deps import AuthCtx, Session, app_password_account
from librarium.errors import AppError
from librarium.kit.routing import api_router
from librarium.kosync import service
from librarium.kosync.service import KosyncError

router = api_router(prefix="/kosync", tags=["kosync"], include_in_schema=False)
MEDIA = "application/json"


async def _user(request: Request, session: Session, ctx: AuthCtx) -> Account:
    username = request.headers.get("x-auth-user", "")
    key = request.headers.get("x-auth-key", "")
    if not username or not key:
        raise KosyncError(*service.UNAUTHORIZED)
    try:
        return await app_password_account(request, session, ctx, username, key, kosync=True)
    except AppError as exc:
        if exc.status == 429:
            raise KosyncError(429, 2001, exc.message) from None
        raise KosyncError(*service.UNAUTHORIZED) from None


def _json(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status)


@router.get("/healthcheck")
async def healthcheck() -> JSONResponse:
    return _json({"state": "OK"})


@router.post("/users/create")
async def create_user() -> JSONResponse:
    raise KosyncError(*service.REGISTRATION_OFF)


@router.get("/users/auth")
async def auth(request: Request, session: Session, ctx: AuthCtx) -> JSONResponse:
    await _user(request, session, ctx)
    return _json({"authorized": "OK"})


@router.put("/syncs/progress")
async def put_progress(
    request: Request, session: Session, ctx: AuthCtx, body: Annotated[Any, Body()] = None
) -> JSONResponse:
    user = await _user(request, session, ctx)
    return _json(await service.put(session, user, body))


@router.get("/syncs/progress/{document}")
async def get_progress(document: str, request: Request, session: Session, ctx: AuthCtx) -> JSONResponse:
    user = await _user(request, session, ctx)
    return _json(await service.get(session, user, document))


async def error_response(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, KosyncError)
    return _json({"code": exc.code, "message": exc.message}, exc.status)
