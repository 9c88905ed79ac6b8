"""User picker (`/users`) and instance-admin routes (`/admin/users`, `/admin/config`)."""

import uuid

from fastapi import Query, Request

from librarium.auth.deps import AdminCaller, AuthCtx, CurrentCaller, Session
from librarium.auth.schemas import AdminUserRead, UserCreate
from librarium.kit.routing import api_router, ok, settings_of
from librarium.kit.schema import Envelope, Message, Page
from librarium.kit.validate import lenient_int
from librarium.users import service
from librarium.users.schemas import AdminUserPatch, ConfigRead, PasswordSet, UserPick

router = api_router()


@router.get("/users", tags=["auth"])
async def pick_users(_: CurrentCaller, session: Session, q: str = "") -> Envelope[list[UserPick]]:
    return ok([UserPick.model_validate(u) for u in await service.search(session, q)])


@router.get("/admin/users", tags=["admin"])
async def list_users(
    _: AdminCaller,
    session: Session,
    page: str = Query("1"),
    per_page: str = Query("20"),
) -> Envelope[Page[AdminUserRead]]:
    users, total, page_no, size = await service.page(session, lenient_int(page), lenient_int(per_page))
    items = [AdminUserRead.model_validate(u) for u in users]
    return ok(Page[AdminUserRead](items=items, total=total, page=page_no, per_page=size))


@router.post("/admin/users", tags=["admin"], status_code=201)
async def create_user(body: UserCreate, _: AdminCaller, session: Session, ctx: AuthCtx) -> Envelope[AdminUserRead]:
    return ok(AdminUserRead.model_validate(await service.create(session, ctx, body)))


@router.patch("/admin/users/{id}", tags=["admin"])
async def patch_user(
    id: uuid.UUID, body: AdminUserPatch, caller: AdminCaller, session: Session
) -> Envelope[AdminUserRead]:
    return ok(AdminUserRead.model_validate(await service.patch(session, caller.id, id, body)))


@router.put("/admin/users/{id}/password", tags=["admin"])
async def set_password(
    id: uuid.UUID, body: PasswordSet, _: AdminCaller, session: Session, ctx: AuthCtx
) -> Envelope[Message]:
    await service.set_password(session, ctx, id, body)
    return ok(Message(message="password updated"))


@router.delete("/admin/users/{id}", tags=["admin"])
async def delete_user(id: uuid.UUID, caller: AdminCaller, session: Session) -> Envelope[Message]:
    await service.delete(session, caller.id, id)
    return ok(Message(message="user deleted"))


@router.get("/admin/config", tags=["admin"])
async def admin_config(_: AdminCaller, request: Request) -> Envelope[ConfigRead]:
    settings = settings_of(request)
    return Envelope(
        data=ConfigRead(
            cover_storage_path=str(settings.covers_dir),
            ebook_storage_path=str(settings.ebooks_dir),
            audiobook_storage_path=str(settings.audiobooks_dir),
            ebook_path_template=settings.ebook_path_template,
            audiobook_path_template=settings.audiobook_path_template,
            registration_enabled=settings.registration_enabled,
        )
    )
