"""Media types."""

import uuid

from fastapi import Response

from librarium.auth.deps import AdminCaller, CurrentCaller, Session
from librarium.kit.routing import NO_CONTENT, api_router, no_content, ok
from librarium.kit.schema import Envelope
from librarium.media_types import service
from librarium.media_types.schemas import MediaTypeCreate, MediaTypeRead, MediaTypeUpdate

router = api_router(tags=["media-types"])


@router.get("/media-types")
async def list_media_types(_: CurrentCaller, session: Session) -> Envelope[list[MediaTypeRead]]:
    return ok(await service.list_all(session))


@router.post("/media-types", status_code=201)
async def create_media_type(body: MediaTypeCreate, _: AdminCaller, session: Session) -> Envelope[MediaTypeRead]:
    return ok(await service.create(session, body))


@router.put("/media-types/{media_type_id}")
async def update_media_type(
    media_type_id: uuid.UUID, body: MediaTypeUpdate, _: AdminCaller, session: Session
) -> Envelope[MediaTypeRead]:
    return ok(await service.update(session, media_type_id, body))


@router.delete("/media-types/{media_type_id}", status_code=204, responses=NO_CONTENT, response_class=Response)
async def delete_media_type(media_type_id: uuid.UUID, _: AdminCaller, session: Session) -> Response:
    await service.delete(session, media_type_id)
    return no_content()
