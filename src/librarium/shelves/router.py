"""Shelves of a library."""

import uuid
from typing import Annotated

from fastapi import Response

from librarium.auth.deps import Caller, Session, can
from librarium.books.schemas import BookRead
from librarium.kit.routing import NO_CONTENT, api_router, fast_ok, no_content, ok
from librarium.kit.schema import Envelope
from librarium.shelves import service
from librarium.shelves.schemas import ShelfBookAdd, ShelfRead, ShelfWrite

router = api_router(tags=["shelves"])
LIB = "/libraries/{library_id}"
ONE = LIB + "/shelves/{shelf_id}"
Reader = Annotated[Caller, can("shelves:read")]
Updater = Annotated[Caller, can("shelves:update")]


@router.get(LIB + "/shelves")
async def list_shelves(
    library_id: uuid.UUID, _: Reader, session: Session, search: str = "", tag: str = ""
) -> Envelope[list[ShelfRead]]:
    return ok(await service.list_shelves(session, library_id, search, tag))


@router.post(LIB + "/shelves", status_code=201)
async def create_shelf(
    library_id: uuid.UUID, body: ShelfWrite, caller: Annotated[Caller, can("shelves:create")], session: Session
) -> Envelope[ShelfRead]:
    return ok(await service.create(session, library_id, caller.id, body))


@router.put(ONE)
async def update_shelf(
    library_id: uuid.UUID, shelf_id: uuid.UUID, body: ShelfWrite, _: Updater, session: Session
) -> Envelope[ShelfRead]:
    return ok(await service.update(session, library_id, shelf_id, body))


@router.delete(ONE, status_code=204, responses=NO_CONTENT, response_class=Response)
async def delete_shelf(
    library_id: uuid.UUID, shelf_id: uuid.UUID, _: Annotated[Caller, can("shelves:delete")], session: Session
) -> Response:
    await service.delete(session, library_id, shelf_id)
    return no_content()


@router.get(ONE + "/books", response_model=Envelope[list[BookRead]])
async def shelf_books(library_id: uuid.UUID, shelf_id: uuid.UUID, _: Reader, session: Session) -> Response:
    return fast_ok(await service.shelf_books(session, library_id, shelf_id))


@router.post(ONE + "/books", status_code=204, responses=NO_CONTENT, response_class=Response)
async def add_shelf_book(
    library_id: uuid.UUID, shelf_id: uuid.UUID, body: ShelfBookAdd, caller: Updater, session: Session
) -> Response:
    await service.add_book(session, library_id, shelf_id, body.book_id, caller.id)
    return no_content()


@router.delete(ONE + "/books/{book_id}", status_code=204, responses=NO_CONTENT, response_class=Response)
async def remove_shelf_book(
    library_id: uuid.UUID, shelf_id: uuid.UUID, book_id: uuid.UUID, _: Updater, session: Session
) -> Response:
    await service.remove_book(session, library_id, shelf_id, book_id)
    return no_content()


@router.get(LIB + "/books/{book_id}/shelves")
async def book_shelves(
    library_id: uuid.UUID, book_id: uuid.UUID, _: Reader, session: Session
) -> Envelope[list[ShelfRead]]:
    return ok(await service.of_book(session, library_id, book_id))
