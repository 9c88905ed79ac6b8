"""Covers, contributor photos, edition files and storage locations."""

import uuid
from typing import Annotated, Any

from fastapi import Request, Response

from librarium.auth.deps import Caller, CurrentCaller, Session, can
from librarium.db import unit
from librarium.db.base import utcnow
from librarium.errors import BadRequest
from librarium.files import covers, edition_files, locations, paths, scan
from librarium.files.schemas import (
    BrowseEntry,
    EditionFileRead,
    FetchBody,
    LinkBody,
    LinkUploadBody,
    LocationRead,
    LocationWrite,
    ScanReport,
    UploadListing,
)
from librarium.files.serve import file_response
from librarium.files.upload import receive_file
from librarium.kit.routing import NO_CONTENT, api_router, no_content, ok, settings_of
from librarium.kit.schema import Envelope

router = api_router()
BOOK = "/libraries/{library_id}/books/{book_id}"
FILES = BOOK + "/editions/{edition_id}/files"
LOCATIONS = "/libraries/{library_id}/storage-locations"
IMAGE_CACHE = "private, max-age=31536000, immutable"  # URLs carry ?v=, so a new image is a new URL
Updater = Annotated[Caller, can("books:update")]
Reader = Annotated[Caller, can("books:read")]
IMAGE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}, "image/gif": {}}}
}


async def _image_upload(request: Request, field: str) -> bytes:
    settings = settings_of(request)
    settings.covers_dir.mkdir(parents=True, exist_ok=True)
    limit = int(settings.max_cover_mb * 1024 * 1024)
    received = await receive_file(request, field, lambda: paths.temp_path(settings.covers_dir), limit)
    assert received.path is not None
    try:
        return received.path.read_bytes()
    finally:
        received.path.unlink(missing_ok=True)


# --- book covers ----------------------------------------------------------------------------------


@router.get(BOOK + "/cover", tags=["covers"], response_class=Response, responses=IMAGE)
async def get_cover(
    library_id: uuid.UUID, book_id: uuid.UUID, request: Request, _: Reader, session: Session
) -> Response:
    await edition_files.book_of(session, library_id, book_id)
    path, row = await covers.path_of(session, settings_of(request), "book", book_id)
    return file_response(request, path, row.mime_type, etag=str(row.id), cache_control=IMAGE_CACHE)


@router.put(BOOK + "/cover", tags=["covers"], status_code=204, responses=NO_CONTENT, response_class=Response)
async def put_cover(
    library_id: uuid.UUID, book_id: uuid.UUID, request: Request, caller: Updater, session: Session
) -> Response:
    book = await edition_files.book_of(session, library_id, book_id)
    data = await _image_upload(request, "cover")
    await covers.store(session, settings_of(request), "book", book.id, data, caller.id)
    book.updated_at = utcnow()  # changes cover_url's ?v= and the fingerprint
    return no_content()


@router.post(BOOK + "/cover/fetch", tags=["covers"], status_code=204, responses=NO_CONTENT, response_class=Response)
async def fetch_cover(
    library_id: uuid.UUID, book_id: uuid.UUID, body: FetchBody, request: Request, caller: Updater, session: Session
) -> Response:
    if not body.url.strip():
        raise BadRequest("url is required")
    user_id = caller.id
    await edition_files.book_of(session, library_id, book_id)
    async with unit.outside(session):  # no transaction (nor SQLite's write turn) held while another server answers
        data = await covers.download(body.url.strip(), settings_of(request))
    book = await edition_files.book_of(session, library_id, book_id)
    await covers.store(session, settings_of(request), "book", book.id, data, user_id, source_url=body.url.strip()[:512])
    book.updated_at = utcnow()
    return no_content()


@router.delete(BOOK + "/cover", tags=["covers"], status_code=204, responses=NO_CONTENT, response_class=Response)
async def delete_cover(
    library_id: uuid.UUID, book_id: uuid.UUID, request: Request, _: Updater, session: Session
) -> Response:
    book = await edition_files.book_of(session, library_id, book_id)
    await covers.remove(session, settings_of(request), "book", book.id)
    book.updated_at = utcnow()
    return no_content()


# --- contributor photos ---------------------------------------------------------------------------


@router.get("/contributors/{contributor_id}/photo", tags=["contributors"], response_class=Response, responses=IMAGE)
async def get_photo(contributor_id: uuid.UUID, request: Request, _: CurrentCaller, session: Session) -> Response:
    await edition_files.contributor_of(session, contributor_id)
    path, row = await covers.path_of(session, settings_of(request), "contributor", contributor_id)
    return file_response(request, path, row.mime_type, etag=str(row.id), cache_control=IMAGE_CACHE)


@router.put(
    "/contributors/{contributor_id}/photo",
    tags=["contributors"],
    status_code=204,
    responses=NO_CONTENT,
    response_class=Response,
)
async def put_photo(contributor_id: uuid.UUID, request: Request, caller: CurrentCaller, session: Session) -> Response:
    contributor = await edition_files.contributor_of(session, contributor_id)
    data = await _image_upload(request, "photo")
    await covers.store(session, settings_of(request), "contributor", contributor.id, data, caller.id)
    contributor.updated_at = utcnow()  # upstream forgets this, so photo_url's ?v= never changed
    return no_content()


@router.delete(
    "/contributors/{contributor_id}/photo",
    tags=["contributors"],
    status_code=204,
    responses=NO_CONTENT,
    response_class=Response,
)
async def delete_photo(contributor_id: uuid.UUID, request: Request, _: CurrentCaller, session: Session) -> Response:
    contributor = await edition_files.contributor_of(session, contributor_id)
    await covers.remove(session, settings_of(request), "contributor", contributor.id)
    contributor.updated_at = utcnow()
    return no_content()


# --- edition files --------------------------------------------------------------------------------


async def _edition(session: Any, library_id: uuid.UUID, book_id: uuid.UUID, edition_id: uuid.UUID) -> tuple[Any, Any]:
    book = await edition_files.book_of(session, library_id, book_id)
    return book, await edition_files.edition_of(session, book, edition_id)


@router.post(FILES, tags=["editions"], status_code=201)
async def upload_file(
    library_id: uuid.UUID, book_id: uuid.UUID, edition_id: uuid.UUID, request: Request, _: Updater, session: Session
) -> Envelope[EditionFileRead]:
    book, edition = await _edition(session, library_id, book_id, edition_id)
    return ok(await edition_files.upload(session, settings_of(request), request, book, edition))


@router.post(FILES + "/link", tags=["editions"], status_code=201)
async def link_file(
    library_id: uuid.UUID,
    book_id: uuid.UUID,
    edition_id: uuid.UUID,
    body: LinkBody,
    _: Updater,
    session: Session,
) -> Envelope[EditionFileRead]:
    _book, edition = await _edition(session, library_id, book_id, edition_id)
    return ok(await edition_files.link(session, library_id, edition, body.storage_location_id, body.file_path))


@router.post(FILES + "/link-upload", tags=["editions"], status_code=201)
async def link_upload_file(
    library_id: uuid.UUID,
    book_id: uuid.UUID,
    edition_id: uuid.UUID,
    body: LinkUploadBody,
    request: Request,
    _: Updater,
    session: Session,
) -> Envelope[EditionFileRead]:
    _book, edition = await _edition(session, library_id, book_id, edition_id)
    return ok(await edition_files.link_upload(session, settings_of(request), edition, body.file_path))


@router.get(FILES + "/{file_id}", tags=["editions"], response_class=Response)
async def download_file(
    library_id: uuid.UUID,
    book_id: uuid.UUID,
    edition_id: uuid.UUID,
    file_id: uuid.UUID,
    request: Request,
    _: Reader,
    session: Session,
) -> Response:
    _book, edition = await _edition(session, library_id, book_id, edition_id)
    path, row = await edition_files.locate(session, settings_of(request), edition, file_id)
    name = row.file_name or f"{row.id}.{row.file_format}"
    media = paths.MEDIA_TYPES.get(row.file_format, "application/octet-stream")
    tag = f"{row.id}-{path.stat().st_size}"
    return file_response(request, path, media, etag=tag, cache_control="private, no-cache", download_name=name)


@router.delete(FILES + "/{file_id}", tags=["editions"], status_code=204, responses=NO_CONTENT, response_class=Response)
async def delete_file(
    library_id: uuid.UUID,
    book_id: uuid.UUID,
    edition_id: uuid.UUID,
    file_id: uuid.UUID,
    request: Request,
    _: Updater,
    session: Session,
) -> Response:
    _book, edition = await _edition(session, library_id, book_id, edition_id)
    await edition_files.delete(session, settings_of(request), edition, file_id)
    return no_content()


# --- storage locations ----------------------------------------------------------------------------


@router.get(LOCATIONS, tags=["storage-locations"])
async def list_locations(library_id: uuid.UUID, _: Reader, session: Session) -> Envelope[list[LocationRead]]:
    return ok(await locations.list_locations(session, library_id))


@router.post(LOCATIONS, tags=["storage-locations"], status_code=201)
async def create_location(
    library_id: uuid.UUID, body: LocationWrite, request: Request, _: Updater, session: Session
) -> Envelope[LocationRead]:
    return ok(await locations.create(session, settings_of(request), library_id, body))


@router.put(LOCATIONS + "/{location_id}", tags=["storage-locations"])
async def update_location(
    library_id: uuid.UUID,
    location_id: uuid.UUID,
    body: LocationWrite,
    request: Request,
    _: Updater,
    session: Session,
) -> Envelope[LocationRead]:
    return ok(await locations.update(session, settings_of(request), library_id, location_id, body))


@router.delete(
    LOCATIONS + "/{location_id}",
    tags=["storage-locations"],
    status_code=204,
    responses=NO_CONTENT,
    response_class=Response,
)
async def delete_location(library_id: uuid.UUID, location_id: uuid.UUID, _: Updater, session: Session) -> Response:
    await locations.delete(session, library_id, location_id)
    return no_content()


@router.get(LOCATIONS + "/{location_id}/browse", tags=["storage-locations"])
async def browse_location(
    library_id: uuid.UUID, location_id: uuid.UUID, _: Reader, session: Session, path: str = ""
) -> Envelope[list[BrowseEntry]]:
    return ok(await locations.browse(session, library_id, location_id, path))


@router.post(LOCATIONS + "/{location_id}/scan", tags=["storage-locations"])
async def scan_location(
    library_id: uuid.UUID, location_id: uuid.UUID, _: Updater, session: Session
) -> Envelope[ScanReport]:
    location = await locations.get(session, library_id, location_id)
    return ok(await scan.scan(session, library_id, location))


@router.get("/libraries/{library_id}/browse-uploads", tags=["editions"])
async def browse_uploads(
    library_id: uuid.UUID, request: Request, _: Reader, format: str = "", path: str = ""
) -> Envelope[UploadListing]:
    return ok(locations.browse_uploads(settings_of(request), format, path))
