"""Tags of a library."""

import uuid
from typing import Annotated

from fastapi import Response

from librarium.auth.deps import Caller, Session, can
from librarium.kit.routing import NO_CONTENT, api_router, no_content, ok
from librarium.kit.schema import Envelope
from librarium.tags import service
from librarium.tags.schemas import TagCreate, TagRead

router = api_router(tags=["tags"])
TAGS = "/libraries/{library_id}/tags"


@router.get(TAGS)
async def list_tags(
    library_id: uuid.UUID, _: Annotated[Caller, can("tags:read")], session: Session
) -> Envelope[list[TagRead]]:
    return ok([TagRead.model_validate(t) for t in await service.list_tags(session, library_id)])


@router.post(TAGS, status_code=201)
async def create_tag(
    library_id: uuid.UUID, body: TagCreate, caller: Annotated[Caller, can("tags:create")], session: Session
) -> Envelope[TagRead]:
    tag = await service.create(session, library_id, caller.id, body.name, body.color)
    return ok(TagRead.model_validate(tag))


@router.put(TAGS + "/{tag_id}")
async def update_tag(
    library_id: uuid.UUID,
    tag_id: uuid.UUID,
    body: TagCreate,
    _: Annotated[Caller, can("tags:update")],
    session: Session,
) -> Envelope[TagRead]:
    tag = await service.update(session, library_id, tag_id, body.name, body.color)
    return ok(TagRead.model_validate(tag))


@router.delete(TAGS + "/{tag_id}", status_code=204, responses=NO_CONTENT, response_class=Response)
async def delete_tag(
    library_id: uuid.UUID, tag_id: uuid.UUID, _: Annotated[Caller, can("tags:delete")], session: Session
) -> Response:
    await service.delete(session, library_id, tag_id)
    return no_content()
