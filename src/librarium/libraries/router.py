"""Libraries and members."""

import uuid
from typing import Annotated

from fastapi import Response

from librarium.auth.deps import Caller, CurrentCaller, Session, can
from librarium.kit.routing import NO_CONTENT, api_router, no_content, ok
from librarium.kit.schema import Envelope
from librarium.libraries import service
from librarium.libraries.schemas import (
    LibraryCreate,
    LibraryRead,
    LibraryUpdate,
    MemberAdd,
    MemberRead,
    MemberUpdate,
)

router = api_router(tags=["libraries"])
LIB = "/libraries/{library_id}"


@router.get("/libraries")
async def list_libraries(caller: CurrentCaller, session: Session) -> Envelope[list[LibraryRead]]:
    libraries = await service.list_for(session, caller.id, caller.is_admin)
    return ok([LibraryRead.model_validate(lib) for lib in libraries])


@router.post("/libraries", status_code=201)
async def create_library(body: LibraryCreate, caller: CurrentCaller, session: Session) -> Envelope[LibraryRead]:
    return ok(LibraryRead.model_validate(await service.create(session, caller.id, body)))


@router.get(LIB)
async def get_library(
    library_id: uuid.UUID, _: Annotated[Caller, can("library:read")], session: Session
) -> Envelope[LibraryRead]:
    return ok(LibraryRead.model_validate(await service.get(session, library_id)))


@router.put(LIB)
async def update_library(
    library_id: uuid.UUID, body: LibraryUpdate, _: Annotated[Caller, can("library:update")], session: Session
) -> Envelope[LibraryRead]:
    return ok(LibraryRead.model_validate(await service.update(session, library_id, body)))


@router.delete(LIB, status_code=204, responses=NO_CONTENT, response_class=Response)
async def delete_library(
    library_id: uuid.UUID, _: Annotated[Caller, can("library:delete")], session: Session
) -> Response:
    await service.delete(session, library_id)
    return no_content()


@router.get(LIB + "/members")
async def list_members(
    library_id: uuid.UUID, _: Annotated[Caller, can("members:read")], session: Session, search: str = "", tag: str = ""
) -> Envelope[list[MemberRead]]:
    return ok(await service.members(session, library_id, search, tag))


@router.post(LIB + "/members", status_code=204, responses=NO_CONTENT, response_class=Response)
async def add_member(
    library_id: uuid.UUID, body: MemberAdd, caller: Annotated[Caller, can("members:create")], session: Session
) -> Response:
    await service.add_member(session, library_id, caller.id, body)
    return no_content()


@router.patch(LIB + "/members/{user_id}", status_code=204, responses=NO_CONTENT, response_class=Response)
async def change_member_role(
    library_id: uuid.UUID,
    user_id: uuid.UUID,
    body: MemberUpdate,
    _: Annotated[Caller, can("members:update")],
    session: Session,
) -> Response:
    await service.change_role(session, library_id, user_id, body)
    return no_content()


@router.delete(LIB + "/members/{user_id}", status_code=204, responses=NO_CONTENT, response_class=Response)
async def remove_member(
    library_id: uuid.UUID, user_id: uuid.UUID, _: Annotated[Caller, can("members:delete")], session: Session
) -> Response:
    await service.remove_member(session, library_id, user_id)
    return no_content()
