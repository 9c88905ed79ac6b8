"""Genres."""

import uuid

from fastapi import Response

from librarium.auth.deps import AdminCaller, CurrentCaller, Session
from librarium.genres import service
from librarium.genres.schemas import GenreRead, GenreWrite
from librarium.kit.routing import NO_CONTENT, api_router, no_content, ok
from librarium.kit.schema import Envelope

router = api_router(tags=["genres"])


@router.get("/genres")
async def list_genres(_: CurrentCaller, session: Session) -> Envelope[list[GenreRead]]:
    return ok([GenreRead.model_validate(g) for g in await service.list_all(session)])


@router.post("/genres", status_code=201)
async def create_genre(body: GenreWrite, _: AdminCaller, session: Session) -> Envelope[GenreRead]:
    return ok(GenreRead.model_validate(await service.create(session, body.name)))


@router.put("/genres/{genre_id}")
async def rename_genre(genre_id: uuid.UUID, body: GenreWrite, _: AdminCaller, session: Session) -> Envelope[GenreRead]:
    return ok(GenreRead.model_validate(await service.rename(session, genre_id, body.name)))


@router.delete("/genres/{genre_id}", status_code=204, responses=NO_CONTENT, response_class=Response)
async def delete_genre(genre_id: uuid.UUID, _: AdminCaller, session: Session) -> Response:
    await service.delete(session, genre_id)
    return no_content()
