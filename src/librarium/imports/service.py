"""CSV imports: the upload becomes a job with one item per row (201, processed by a worker), listed per
library or per user, cancelled, deleted. Upstream's form fields, messages and scoping."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import anyio
import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.db.base import new_id, utcnow
from librarium.db.unit import Database
from librarium.errors import BadRequest, NotFound
from librarium.files import locations
from librarium.imports import repository as repo
from librarium.imports.csvfile import mapped_rows, parse_mapping
from librarium.imports.rows import book_format
from librarium.imports.schemas import ImportItemRead, ImportJobRead
from librarium.jobs import service as jobs
from librarium.models import ImportJob

KIND = "imports.run"


def _flag(raw: str | None, default: bool) -> bool:
    if raw is None or not raw.strip():
        return default
    return raw.strip().lower() in ("1", "t", "true", "yes", "on")


def options(fields: dict[str, str]) -> dict[str, Any]:
    prefer: Any = {}
    if fields.get("prefer_csv"):
        try:
            prefer = json.loads(fields["prefer_csv"])
        except ValueError as exc:
            raise BadRequest("invalid prefer_csv JSON") from exc
    return {
        "skip_duplicates": _flag(fields.get("skip_duplicates"), True),
        "default_format": book_format(fields.get("default_format", "")),
        "prefer_csv": prefer if isinstance(prefer, dict) else {},
        "enrich_metadata": _flag(fields.get("enrich_metadata"), False),
        "enrich_covers": _flag(fields.get("enrich_covers"), False),
    }


def read_upload(path: Path, fields: dict[str, str]) -> tuple[Iterator[dict[str, str]], dict[str, Any]]:
    """(the mapped rows, read from the file as they are asked for; options). Blocking: the file's encoding is
    checked whole and its header read here (the router runs it off the event loop)."""
    mapping = parse_mapping(fields.get("mapping"))
    chosen = options(fields)
    rows, used = mapped_rows(path, mapping, (fields.get("preset") or "").strip().lower())
    chosen["preset"] = used
    return rows, chosen


CHUNK_ROWS = 2000  # rows read, stored (and answered) at a time: the memory of an import does not grow with it


async def _chunks(rows: Iterable[dict[str, Any]]) -> AsyncIterator[list[dict[str, Any]]]:
    """`rows` CHUNK_ROWS at a time, each chunk read off the event loop (parsing a CSV is CPU work)."""
    source = iter(rows)
    while chunk := await anyio.to_thread.run_sync(lambda: list(islice(source, CHUNK_ROWS))):
        yield chunk


async def create(
    session: AsyncSession, library_id: uuid.UUID, user_id: uuid.UUID, rows: Iterable[dict[str, Any]],
    chosen: dict[str, Any],
) -> ImportJob:  # fmt: skip
    """The import job of these rows, queued. The rows are read and stored a chunk at a time (a 100,000-row file
    is never all in memory); none at all is a BadRequest, and nothing is kept."""
    if chosen.get("files_root"):  # files linked in place (a Calibre library): from a storage location of it
        root = Path(chosen["files_root"])
        location = await locations.ensure(session, library_id, root, f"Calibre library {root.name}", "ebook")
        chosen = chosen | {"location_id": str(location)}
    job = ImportJob(library_id=library_id, created_by=user_id, status="pending", total_rows=0, options=chosen)
    session.add(job)
    await session.flush()
    now, count = utcnow(), 0
    async for chunk in _chunks(rows):
        items: list[dict[str, Any]] = [
            {"id": new_id(), "import_job_id": job.id, "row_number": n, "raw_data": raw,
             "title": raw.get("title", "").strip(),
             "isbn": (raw.get("isbn_13", "").strip() or raw.get("isbn_10", "").strip())[:32],
             "status": "pending", "message": "", "book_id": None, "created_at": now, "updated_at": now}
            for n, raw in enumerate(chunk, start=count + 1)
        ]  # fmt: skip
        await repo.add_items(session, items)
        count += len(chunk)
    if not count:
        raise BadRequest("no rows in CSV")
    job.total_rows = count
    queued = await jobs.enqueue(session, KIND, {"import_job_id": str(job.id)})
    job.job_id = queued.id
    await session.flush()
    return job


ITEM_FIELDS = tuple(ImportItemRead.model_fields)
AS_CREATED = {"status": "pending", "message": "", "book_id": None}


async def items_of(db: Database, job_id: uuid.UUID, *, as_created: bool = False) -> AsyncIterator[list[dict[str, Any]]]:
    """The job's rows in row order, CHUNK_ROWS at a time, each chunk read in a short unit of its own (an answer
    written to a slow client holds no transaction open). `as_created`: as the upload stored them — the worker
    may have begun on them by the time the upload's answer is written."""
    after = 0
    while True:
        async with db.unit_of_work(write=False) as session:
            part = await repo.item_values(session, job_id, ITEM_FIELDS, after, CHUNK_ROWS)
        if not part:
            return
        for item in part:
            item["raw_data"] = orjson.Fragment(item["raw_data"] or "null")  # written out as stored
            if as_created:
                item |= AS_CREATED | {"updated_at": item["created_at"]}
        yield part
        after = part[-1]["row_number"]


def shape(job: ImportJob, *, library_name: str | None = None) -> ImportJobRead:
    """A job as the lists show it (the user's with its library's name); the upload and the detail add its rows."""
    return ImportJobRead(
        id=job.id,
        library_id=job.library_id,
        library_name=library_name,
        created_by=job.created_by,
        status=job.status,
        total_rows=job.total_rows,
        processed_rows=job.processed_rows,
        failed_rows=job.failed_rows,
        skipped_rows=job.skipped_rows,
        options=job.options,
        created_at=job.created_at,
        updated_at=job.updated_at,
    )


async def of_library(session: AsyncSession, library_id: uuid.UUID) -> list[ImportJobRead]:
    return [shape(job) for job in await repo.of_library(session, library_id)]


async def detail(session: AsyncSession, library_id: uuid.UUID, job_id: uuid.UUID) -> dict[str, Any]:
    """The job without its rows, as plain values: the router streams the rows after it (items_of). The web
    client's import page asks for it every 2 s while a job runs: through ORM objects and models a 10,000-row
    job's detail cost half a second each time, and held every row in memory."""
    job = await repo.in_library(session, library_id, job_id)
    if job is None:
        raise NotFound("import not found")
    return head(job)


def head(job: ImportJob) -> dict[str, Any]:
    """The job as plain values without `items` (kit.routing.streamed_ok writes them after it; the ImportJobRead
    model documents the whole, and a test holds the two to the same answer)."""
    return shape(job).model_dump(mode="json", exclude={"items"})


async def mine(session: AsyncSession, user_id: uuid.UUID) -> list[ImportJobRead]:
    return [shape(job, library_name=name) for job, name in await repo.mine(session, user_id)]


async def cancel(session: AsyncSession, user_id: uuid.UUID, job_id: uuid.UUID) -> None:
    job = await repo.my_job(session, user_id, job_id)
    if job is None or job.status not in repo.ACTIVE:
        raise NotFound("job not found or not cancellable")
    job.status = "cancelled"
    job.skipped_rows += await repo.skip_pending(session, job_id, "cancelled before it was processed")
    await session.flush()


async def delete(session: AsyncSession, user_id: uuid.UUID, job_id: uuid.UUID) -> None:
    job = await repo.my_job(session, user_id, job_id)
    if job is None or job.status not in repo.FINISHED:
        raise NotFound("job not found or not deletable")
    await session.delete(job)
    await session.flush()


async def delete_finished(session: AsyncSession, user_id: uuid.UUID) -> None:
    await repo.delete_finished(session, user_id)
