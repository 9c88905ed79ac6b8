"""The OPDS 1.2 catalogue under /opds, for reading apps (KOReader, Moon+ Reader, Thorium, Panels…): HTTP Basic
with the username and an app password. A library the reader cannot read answers 404, never 403."""

import uuid

import anyio
from fastapi import Query, Request, Response

from librarium.auth.deps import CurrentReader, Session, reader_can
from librarium.errors import NotFound
from librarium.files import covers, edition_files, paths
from librarium.files.serve import file_response
from librarium.files.thumbnails import thumbnail
from librarium.kit.routing import api_router, settings_of
from librarium.libraries import service as libraries
from librarium.opds import atom, respond, service
from librarium.opds.atom import ACQUISITION, NAVIGATION

# included four times by app.py: /opds (OPDS 1.2, HTTP Basic), /opds/t/{token} (the app password in the path),
# and the same two with /v2 (OPDS 2.0)
router = api_router(tags=["opds"], include_in_schema=False)
LIB = "/libraries/{library_id}"
Page = Query(1, ge=1, le=1_000_000)
After = Query(None, description="the last book of the page before (the `next` links carry it)")


@router.get("")
async def root(request: Request, reader: CurrentReader, session: Session) -> Response:
    return respond.feed(request, await service.root(session, reader.id, reader.is_admin), NAVIGATION)


@router.get(LIB)
async def library(library_id: uuid.UUID, request: Request, reader: CurrentReader, session: Session) -> Response:
    await reader_can(session, reader, library_id)
    return respond.feed(request, await service.library(session, library_id), NAVIGATION)


@router.get(LIB + "/opensearch.xml")
async def opensearch(library_id: uuid.UUID, request: Request, reader: CurrentReader, session: Session) -> Response:
    await reader_can(session, reader, library_id)
    lib = await libraries.get(session, library_id)
    return respond.xml(service.opensearch(lib.name, library_id, respond.base(request)), atom.SEARCH_TYPE)


@router.get(LIB + "/search")
async def search(
    library_id: uuid.UUID, request: Request, reader: CurrentReader, session: Session, q: str = "", page: int = Page
) -> Response:
    await reader_can(session, reader, library_id)
    return respond.feed(request, await service.search(session, library_id, q, page), ACQUISITION)


@router.get(LIB + "/files/{file_id}")
async def download(
    library_id: uuid.UUID, file_id: uuid.UUID, request: Request, reader: CurrentReader, session: Session
) -> Response:
    """The file, with byte ranges, under a name built from the title and the first author."""
    await reader_can(session, reader, library_id)
    book, edition = await service.download(session, library_id, file_id)
    path, row = await edition_files.locate(session, settings_of(request), edition, file_id)
    if row.koreader_digest is None:  # a file stored before KOReader ids were kept: its id, for progress sync
        async with request.app.state.db.unit_of_work() as writer:
            await edition_files.remember_digest(writer, row.id, path)
    authors = await service.authors_of(session, book.id)
    media = paths.MEDIA_TYPES.get(row.file_format, "application/octet-stream")
    return file_response(
        request, path, media, etag=f"{row.id}-{path.stat().st_size}", cache_control="private, no-cache",
        download_name=service.download_name(book.title, authors, row.file_format),
    )  # fmt: skip


@router.get(LIB + "/books/{book_id}/cover")
async def cover(
    library_id: uuid.UUID, book_id: uuid.UUID, request: Request, reader: CurrentReader, session: Session
) -> Response:
    await reader_can(session, reader, library_id)
    await edition_files.book_of(session, library_id, book_id)
    path, row = await covers.path_of(session, settings_of(request), "book", book_id)
    return file_response(request, path, row.mime_type, etag=str(row.id), cache_control="private, max-age=86400")


@router.get(LIB + "/books/{book_id}/thumbnail")
async def cover_thumbnail(
    library_id: uuid.UUID, book_id: uuid.UUID, request: Request, reader: CurrentReader, session: Session
) -> Response:
    await reader_can(session, reader, library_id)
    await edition_files.book_of(session, library_id, book_id)
    settings = settings_of(request)
    path, row = await covers.path_of(session, settings, "book", book_id)
    small = await anyio.to_thread.run_sync(thumbnail, path, settings.data_dir / "thumbnails", str(row.id))
    return file_response(request, small, "image/jpeg", etag=f"t-{row.id}", cache_control="private, max-age=86400")


# the generic feed paths last: /files/… and /books/… above are tried first
@router.get(LIB + "/{kind}")
async def listing(
    library_id: uuid.UUID, kind: str, request: Request, reader: CurrentReader, session: Session, page: int = Page,
    after: uuid.UUID | None = After,
) -> Response:  # fmt: skip
    await reader_can(session, reader, library_id)
    if kind in service.GROUPS:
        return respond.feed(request, await service.people_feed(session, library_id, kind, page), NAVIGATION)
    if kind not in ("recent", "all", "reading", "wanted"):
        raise NotFound("not found")
    feed = await service.books_feed(session, library_id, kind, page, reader.id, after=after)
    return respond.feed(request, feed, ACQUISITION)


@router.get(LIB + "/{kind}/{key}")
async def one_of(
    library_id: uuid.UUID, kind: str, key: uuid.UUID, request: Request, reader: CurrentReader, session: Session,
    page: int = Page, after: uuid.UUID | None = After,
) -> Response:  # fmt: skip
    await reader_can(session, reader, library_id)
    if kind not in service.GROUPS:
        raise NotFound("not found")
    feed = await service.books_feed(session, library_id, service.GROUPS[kind], page, reader.id, key, after)
    return respond.feed(request, feed, ACQUISITION)
