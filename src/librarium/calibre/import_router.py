"""`POST /libraries/{id}/imports/calibre` (our addition): import a Calibre library folder into a library as an
import job, shown by the import routes like a CSV import."""

import uuid
from typing import Annotated

import anyio
from fastapi import Request, Response

from librarium.auth.deps import Caller, Session, can
from librarium.calibre import importer
from librarium.db import unit
from librarium.imports import service
from librarium.imports.router import answer
from librarium.imports.schemas import CalibreImport, ImportJobRead
from librarium.kit.routing import api_router, settings_of
from librarium.kit.schema import Envelope

router = api_router(tags=["imports"])


@router.post("/libraries/{library_id}/imports/calibre", status_code=201, response_model=Envelope[ImportJobRead])
async def import_calibre_library(
    library_id: uuid.UUID,
    request: Request,
    caller: Annotated[Caller, can("books:create")],
    session: Session,
    body: CalibreImport | None = None,
) -> Response:
    user_id = caller.id  # read before the session is set aside
    folder = importer.library_path(settings_of(request), body.path if body else "")
    async with unit.outside(session):  # reading a big metadata.db takes a while: no transaction meanwhile
        rows, chosen = await anyio.to_thread.run_sync(importer.read, folder)
    job = await service.create(session, library_id, user_id, rows, chosen)
    return answer(request, service.head(job), job.id, created=True)
