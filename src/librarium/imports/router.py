"""CSV imports: upload (multipart, streamed to disk), list per library and per user, detail, cancel, delete."""

import uuid
from typing import Annotated, Any

import anyio
from fastapi import Request, Response

from librarium.auth.deps import Caller, CurrentCaller, Session, can
from librarium.db import unit
from librarium.files.paths import temp_path
from librarium.files.upload import receive_file
from librarium.imports import service
from librarium.imports.schemas import ImportJobRead
from librarium.kit.routing import NO_CONTENT, api_router, no_content, ok, settings_of, streamed_ok
from librarium.kit.schema import Envelope

router = api_router(tags=["imports"])
LIB = "/libraries/{library_id}/imports"
ONE = "/imports/{import_id}"
MAX_IMPORT_MB = 256


@router.post(LIB, status_code=201, response_model=Envelope[ImportJobRead])
async def start_import(
    library_id: uuid.UUID, request: Request, caller: Annotated[Caller, can("books:create")], session: Session
) -> Response:
    """The job with its rows as stored (streamed: a 100,000-row file is never held in memory, neither as rows
    nor as the answer)."""
    user_id = caller.id
    settings = settings_of(request)
    folder = settings.data_dir / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    async with unit.outside(session):  # no transaction (nor SQLite's write turn) while the file arrives
        received = await receive_file(
            request, "file", lambda: temp_path(folder), MAX_IMPORT_MB * 1024 * 1024,
            keep_fields=True, missing="missing file field",
        )  # fmt: skip
    assert received.path is not None
    try:
        async with unit.outside(session):  # the whole file's encoding is checked first
            rows, chosen = await anyio.to_thread.run_sync(service.read_upload, received.path, received.fields)
        job = await service.create(session, library_id, user_id, rows, chosen)
    finally:
        received.path.unlink(missing_ok=True)
    return answer(request, service.head(job), job.id, created=True)


def answer(request: Request, head: dict[str, Any], job_id: uuid.UUID, *, created: bool = False) -> Response:
    """A job with its rows, written as they are read (after the request's own unit has ended); the answer to
    the upload that `created` it (201) shows them as created, even if the worker has begun on them."""
    rows = service.items_of(request.app.state.db, job_id, as_created=created)
    return streamed_ok(head, "items", rows, 201 if created else 200)


@router.get(LIB)
async def library_imports(
    library_id: uuid.UUID, _: Annotated[Caller, can("books:read")], session: Session
) -> Envelope[list[ImportJobRead]]:
    return ok(await service.of_library(session, library_id))


@router.get(LIB + "/{import_id}", response_model=Envelope[ImportJobRead])
async def library_import(
    library_id: uuid.UUID,
    import_id: uuid.UUID,
    request: Request,
    _: Annotated[Caller, can("books:read")],
    session: Session,
) -> Response:
    return answer(request, await service.detail(session, library_id, import_id), import_id)


@router.get("/imports")
async def my_imports(caller: CurrentCaller, session: Session) -> Envelope[list[ImportJobRead]]:
    return ok(await service.mine(session, caller.id))


@router.post(ONE + "/cancel", status_code=204, responses=NO_CONTENT, response_class=Response)
async def cancel_import(import_id: uuid.UUID, caller: CurrentCaller, session: Session) -> Response:
    await service.cancel(session, caller.id, import_id)
    return no_content()


@router.delete(ONE, status_code=204, responses=NO_CONTENT, response_class=Response)
async def delete_import(import_id: uuid.UUID, caller: CurrentCaller, session: Session) -> Response:
    await service.delete(session, caller.id, import_id)
    return no_content()


@router.delete("/imports", status_code=204, responses=NO_CONTENT, response_class=Response)
async def delete_imports(caller: CurrentCaller, session: Session) -> Response:
    await service.delete_finished(session, caller.id)
    return no_content()
