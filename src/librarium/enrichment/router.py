"""Enrichment batches: bulk metadata and cover enrichment of a library's books, one book (our addition),
the batches' progress and change record, cancel, delete and revert (our addition)."""

import uuid
from typing import Annotated

from fastapi import Request, Response

from librarium.auth.deps import Caller, CurrentCaller, Session, can
from librarium.enrichment import service
from librarium.enrichment.schemas import BatchRead, BulkCover, BulkEnrich, EnrichOne, RevertReport
from librarium.kit.routing import NO_CONTENT, api_router, no_content, ok, settings_of
from librarium.kit.schema import Envelope

router = api_router(tags=["enrichment"])
BATCH = "/enrichment-batches/{batch_id}"
Updater = Annotated[Caller, can("books:update")]


@router.post("/libraries/{library_id}/books/bulk/enrich", status_code=202)
async def bulk_enrich(
    library_id: uuid.UUID, body: BulkEnrich, caller: Updater, session: Session
) -> Envelope[BatchRead]:
    user_id = caller.id
    batch = await service.create(session, library_id, user_id, body.book_ids, kind="metadata", force=body.force)
    return ok(service.shape(batch, book_ids=batch.book_ids))


@router.post("/libraries/{library_id}/books/bulk/cover", status_code=202)
async def bulk_cover(library_id: uuid.UUID, body: BulkCover, caller: Updater, session: Session) -> Envelope[BatchRead]:
    user_id = caller.id
    batch = await service.create(session, library_id, user_id, body.book_ids, kind="cover", force=False)
    return ok(service.shape(batch, book_ids=batch.book_ids))


@router.post("/libraries/{library_id}/books/{book_id}/enrich", status_code=202)
async def enrich_book(
    library_id: uuid.UUID, book_id: uuid.UUID, caller: Updater, session: Session, body: EnrichOne | None = None
) -> Envelope[BatchRead]:
    """Our addition: enrich one book now (a batch of one, with the same progress and change record)."""
    user_id = caller.id
    force = body.force if body is not None else False
    batch = await service.create(session, library_id, user_id, [book_id], kind="metadata", force=force)
    return ok(service.shape(batch, book_ids=batch.book_ids))


@router.get("/enrichment-batches")
async def list_batches(caller: CurrentCaller, session: Session) -> Envelope[list[BatchRead]]:
    return ok(await service.listing(session, caller.id))


@router.get(BATCH)
async def get_batch(batch_id: uuid.UUID, caller: CurrentCaller, session: Session) -> Envelope[BatchRead]:
    return ok(await service.detail(session, caller.id, batch_id))


@router.post(BATCH + "/cancel", status_code=204, responses=NO_CONTENT, response_class=Response)
async def cancel_batch(batch_id: uuid.UUID, caller: CurrentCaller, session: Session) -> Response:
    await service.cancel(session, caller.id, batch_id)
    return no_content()


@router.post(BATCH + "/revert")
async def revert_batch(
    batch_id: uuid.UUID, request: Request, caller: CurrentCaller, session: Session
) -> Envelope[RevertReport]:
    """Our addition: undo what the batch changed, where nobody changed it since."""
    return ok(await service.revert(session, settings_of(request), caller.id, batch_id))


@router.post(BATCH + "/books/{book_id}/revert")
async def revert_book(
    batch_id: uuid.UUID, book_id: uuid.UUID, request: Request, caller: CurrentCaller, session: Session
) -> Envelope[RevertReport]:
    return ok(await service.revert(session, settings_of(request), caller.id, batch_id, book_id))


@router.delete(BATCH, status_code=204, responses=NO_CONTENT, response_class=Response)
async def delete_batch(batch_id: uuid.UUID, request: Request, caller: CurrentCaller, session: Session) -> Response:
    await service.delete(session, settings_of(request), caller.id, batch_id)
    return no_content()


@router.delete("/enrichment-batches", status_code=204, responses=NO_CONTENT, response_class=Response)
async def delete_finished(request: Request, caller: CurrentCaller, session: Session) -> Response:
    await service.delete_finished(session, settings_of(request), caller.id)
    return no_content()
