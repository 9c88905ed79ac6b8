"""Series of a library."""

import uuid
from typing import Annotated

from fastapi import Query, Response

from librarium.auth.deps import Caller, Session, can
from librarium.kit.routing import NO_CONTENT, api_router, no_content, ok
from librarium.kit.schema import Envelope
from librarium.providers.deps import Lookups
from librarium.series import service
from librarium.series.schemas import (
    Applied,
    BookSeriesRef,
    BulkCreate,
    BulkCreated,
    MatchApply,
    MatchCandidate,
    SeriesBookWrite,
    SeriesEntry,
    SeriesRead,
    SeriesWrite,
    SuggestionRead,
    VolumeRead,
)

router = api_router(tags=["series"])
LIB = "/libraries/{library_id}"
ONE = LIB + "/series/{series_id}"
Reader = Annotated[Caller, can("series:read")]
Creator = Annotated[Caller, can("series:create")]
Updater = Annotated[Caller, can("series:update")]


@router.get(LIB + "/series")
async def list_series(
    library_id: uuid.UUID, _: Reader, session: Session, search: str = "", tag: str = ""
) -> Envelope[list[SeriesRead]]:
    return ok(await service.list_series(session, library_id, search, tag))


@router.post(LIB + "/series", status_code=201)
async def create_series(
    library_id: uuid.UUID, body: SeriesWrite, caller: Creator, session: Session
) -> Envelope[SeriesRead]:
    return ok(await service.create(session, library_id, caller.id, body))


@router.get(LIB + "/series/suggest")
async def suggest_series(
    library_id: uuid.UUID, _: Reader, session: Session, media_type: Annotated[list[str] | None, Query()] = None
) -> Envelope[list[SuggestionRead]]:
    return ok(await service.suggest(session, library_id, media_type))


@router.post(LIB + "/series/bulk-create")
async def bulk_create_series(
    library_id: uuid.UUID, body: BulkCreate, caller: Creator, session: Session
) -> Envelope[BulkCreated]:
    return ok(await service.bulk_create(session, library_id, caller.id, body))


@router.get(ONE)
async def get_series(library_id: uuid.UUID, series_id: uuid.UUID, _: Reader, session: Session) -> Envelope[SeriesRead]:
    return ok(await service.read(session, library_id, series_id))


@router.put(ONE)
async def update_series(
    library_id: uuid.UUID, series_id: uuid.UUID, body: SeriesWrite, _: Updater, session: Session
) -> Envelope[SeriesRead]:
    return ok(await service.update(session, library_id, series_id, body))


@router.delete(ONE, status_code=204, responses=NO_CONTENT, response_class=Response)
async def delete_series(
    library_id: uuid.UUID, series_id: uuid.UUID, _: Annotated[Caller, can("series:delete")], session: Session
) -> Response:
    await service.delete_series(session, library_id, series_id)
    return no_content()


@router.get(ONE + "/books")
async def series_books(
    library_id: uuid.UUID, series_id: uuid.UUID, _: Reader, session: Session
) -> Envelope[list[SeriesEntry]]:
    return ok(await service.entries(session, library_id, series_id))


@router.post(ONE + "/books", status_code=204, responses=NO_CONTENT, response_class=Response)
async def set_series_book(
    library_id: uuid.UUID, series_id: uuid.UUID, body: SeriesBookWrite, _: Updater, session: Session
) -> Response:
    await service.set_book(session, library_id, series_id, body.book_id, body.position)
    return no_content()


@router.delete(ONE + "/books/{book_id}", status_code=204, responses=NO_CONTENT, response_class=Response)
async def remove_series_book(
    library_id: uuid.UUID, series_id: uuid.UUID, book_id: uuid.UUID, _: Updater, session: Session
) -> Response:
    await service.remove_book(session, library_id, series_id, book_id)
    return no_content()


@router.post(ONE + "/volumes/sync")
async def sync_volumes(
    library_id: uuid.UUID, series_id: uuid.UUID, _: Updater, session: Session, lookup: Lookups
) -> Envelope[list[VolumeRead]]:
    return ok(await service.sync_volumes(session, lookup, library_id, series_id))


@router.get(ONE + "/volumes")
async def series_volumes(
    library_id: uuid.UUID, series_id: uuid.UUID, _: Reader, session: Session
) -> Envelope[list[VolumeRead]]:
    return ok(await service.volumes(session, library_id, series_id))


@router.get(ONE + "/match-candidates")
async def match_candidates(
    library_id: uuid.UUID, series_id: uuid.UUID, _: Reader, session: Session
) -> Envelope[list[MatchCandidate]]:
    return ok(await service.match_candidates(session, library_id, series_id))


@router.post(ONE + "/match-apply")
async def match_apply(
    library_id: uuid.UUID, series_id: uuid.UUID, body: MatchApply, _: Updater, session: Session
) -> Envelope[Applied]:
    return ok(Applied(applied=await service.match_apply(session, library_id, series_id, body.matches)))


@router.get(LIB + "/books/{book_id}/series")
async def book_series(
    library_id: uuid.UUID, book_id: uuid.UUID, _: Reader, session: Session
) -> Envelope[list[BookSeriesRef]]:
    return ok(await service.of_book(session, library_id, book_id))
