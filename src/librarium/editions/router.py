"""Editions of a book and the caller's reading record of an edition."""

import uuid
from typing import Annotated

from fastapi import Request, Response
from fastapi.responses import JSONResponse

from librarium.auth.deps import Caller, Session, can
from librarium.editions import service
from librarium.editions.schemas import EditionRead, EditionWrite, InteractionRead, InteractionWrite
from librarium.files import edition_files
from librarium.kit.routing import NO_CONTENT, api_router, no_content, ok, settings_of
from librarium.kit.schema import Envelope

router = api_router(tags=["editions"])
BOOK = "/libraries/{library_id}/books/{book_id}"
EDITION = BOOK + "/editions/{edition_id}"


@router.get(BOOK + "/editions")
async def list_editions(
    library_id: uuid.UUID,
    book_id: uuid.UUID,
    request: Request,
    _: Annotated[Caller, can("books:read")],
    session: Session,
) -> Envelope[list[EditionRead]]:
    book = await service.book_in_library(session, library_id, book_id)
    editions = await service.editions_of(session, book)
    files = await edition_files.for_editions(session, settings_of(request), editions)
    return ok(await service.list_for_book(session, book, files))


@router.post(BOOK + "/editions", status_code=201)
async def create_edition(
    library_id: uuid.UUID,
    book_id: uuid.UUID,
    body: EditionWrite,
    _: Annotated[Caller, can("books:update")],
    session: Session,
) -> Envelope[EditionRead]:
    book = await service.book_in_library(session, library_id, book_id)
    return ok(await service.create(session, book, body))


@router.put(EDITION)
async def update_edition(
    library_id: uuid.UUID,
    book_id: uuid.UUID,
    edition_id: uuid.UUID,
    body: EditionWrite,
    _: Annotated[Caller, can("books:update")],
    session: Session,
) -> Envelope[EditionRead]:
    book = await service.book_in_library(session, library_id, book_id)
    return ok(await service.update_edition(session, book, edition_id, body))


@router.delete(EDITION, status_code=204, responses=NO_CONTENT, response_class=Response)
async def delete_edition(
    library_id: uuid.UUID,
    book_id: uuid.UUID,
    edition_id: uuid.UUID,
    _: Annotated[Caller, can("books:update")],
    session: Session,
) -> Response:
    book = await service.book_in_library(session, library_id, book_id)
    await service.delete(session, book, edition_id)
    return no_content()


@router.get(EDITION + "/my-interaction", response_model=Envelope[InteractionRead])
async def get_my_interaction(
    library_id: uuid.UUID,
    book_id: uuid.UUID,
    edition_id: uuid.UUID,
    caller: Annotated[Caller, can("books:read")],
    session: Session,
) -> Envelope[InteractionRead] | JSONResponse:
    book = await service.book_in_library(session, library_id, book_id)
    row = await service.my_interaction(session, book, edition_id, caller.id)
    # upstream answers a bare `{}` (no "data" key) when the caller has no record yet
    return ok(row) if row is not None else JSONResponse({})


@router.put(EDITION + "/my-interaction")
async def put_my_interaction(
    library_id: uuid.UUID,
    book_id: uuid.UUID,
    edition_id: uuid.UUID,
    body: InteractionWrite,
    caller: Annotated[Caller, can("books:read")],
    session: Session,
) -> Envelope[InteractionRead]:
    book = await service.book_in_library(session, library_id, book_id)
    return ok(await service.put_interaction(session, book, edition_id, caller.id, body))


@router.delete(EDITION + "/my-interaction", status_code=204, responses=NO_CONTENT, response_class=Response)
async def delete_my_interaction(
    library_id: uuid.UUID,
    book_id: uuid.UUID,
    edition_id: uuid.UUID,
    caller: Annotated[Caller, can("books:read")],
    session: Session,
) -> Response:
    book = await service.book_in_library(session, library_id, book_id)
    await service.delete_interaction(session, book, edition_id, caller.id)
    return no_content()
