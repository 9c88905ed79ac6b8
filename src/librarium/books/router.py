"""Books of a library."""

import uuid
from typing import Annotated

from fastapi import Query, Response

from librarium.auth.deps import Caller, Session, can
from librarium.books import service
from librarium.books.schemas import BookPage, BookRead, BookWrite, Fingerprint
from librarium.kit.routing import NO_CONTENT, api_router, fast_ok, no_content, ok
from librarium.kit.schema import Envelope
from librarium.kit.validate import lenient_int

router = api_router(tags=["books"])
LIB = "/libraries/{library_id}"
_TRUE = {"1", "t", "T", "true", "TRUE", "True"}


@router.get(LIB + "/books", response_model=Envelope[BookPage])
async def list_books(
    library_id: uuid.UUID,
    caller: Annotated[Caller, can("books:read")],
    session: Session,
    q: str = "",
    page: str = "1",
    per_page: str = "25",
    sort: str = "",
    sort_dir: str = "",
    letter: str = "",
    tag: str = "",
    type_filter: str = "",
    regex: str = "",
    filter: Annotated[str, Query(description="legacy structured filter (JSON)")] = "",
) -> Response:
    params = service.ListParams(
        q=q,
        page=lenient_int(page),
        per_page=lenient_int(per_page),
        sort=sort,
        sort_dir=sort_dir,
        letter=letter,
        tag=tag,
        type_filter=type_filter,
        regex=regex in _TRUE,
        filter=filter,
    )
    return fast_ok(await service.list_books(session, library_id, caller.id, params))


@router.get(LIB + "/books/letters")
async def book_letters(
    library_id: uuid.UUID, _: Annotated[Caller, can("books:read")], session: Session
) -> Envelope[list[str]]:
    return ok(await service.letters(session, library_id))


@router.get(LIB + "/books/fingerprint")
async def book_fingerprint(
    library_id: uuid.UUID, _: Annotated[Caller, can("books:read")], session: Session
) -> Envelope[Fingerprint]:
    return ok(await service.fingerprint(session, library_id))


@router.post(LIB + "/books", status_code=201, response_model=Envelope[BookRead])
async def create_book(
    library_id: uuid.UUID, body: BookWrite, caller: Annotated[Caller, can("books:create")], session: Session
) -> Response:
    return fast_ok(await service.create(session, library_id, caller.id, body), 201)


@router.get(LIB + "/books/{book_id}", response_model=Envelope[BookRead])
async def get_book(
    library_id: uuid.UUID, book_id: uuid.UUID, _: Annotated[Caller, can("books:read")], session: Session
) -> Response:
    return fast_ok(await service.read(session, library_id, book_id))


@router.put(LIB + "/books/{book_id}", response_model=Envelope[BookRead])
async def update_book(
    library_id: uuid.UUID,
    book_id: uuid.UUID,
    body: BookWrite,
    _: Annotated[Caller, can("books:update")],
    session: Session,
) -> Response:
    return fast_ok(await service.update(session, library_id, book_id, body))


@router.delete(LIB + "/books/{book_id}", status_code=204, responses=NO_CONTENT, response_class=Response)
async def delete_book(
    library_id: uuid.UUID, book_id: uuid.UUID, _: Annotated[Caller, can("books:delete")], session: Session
) -> Response:
    await service.delete(session, library_id, book_id)
    return no_content()


@router.get(LIB + "/book-by-isbn/{isbn}", response_model=Envelope[BookRead])
async def book_by_isbn(
    library_id: uuid.UUID, isbn: str, _: Annotated[Caller, can("books:read")], session: Session
) -> Response:
    return fast_ok(await service.by_isbn(session, library_id, isbn))
