"""CSV imports: the upload becomes a job with one item per row (201, processed by a worker), listed per
library or per user, cancelled, deleted. Upstream's form fields, messages and scoping."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from librarium.db.base import new_id, utcnow
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


def read_upload(path: Path, fields: dict[str, str]) -> tuple[list[dict[str, str]], dict[str, Any]]:
    """(mapped rows, options) — CPU work, run off the event loop by the router."""
    mapping = parse_mapping(fields.get("mapping"))
    chosen = options(fields)
    rows, used = mapped_rows(path, mapping, (fields.get("preset") or "").strip().lower())
    if not rows:
        raise BadRequest("no rows in CSV")
    chosen["preset"] = used
    return rows, chosen


async def create(
    session: AsyncSession, library_id: uuid.UUID, user_id: uuid.UUID, rows: list[dict[str, str]], chosen: dict[str, Any]
) -> ImportJobRead:
    """The import job of these rows, queued, with its rows. The answer is built from what was written (reading
    10,000 rows back through the ORM and checking each against its model took half a second)."""
    if chosen.get("files_root"):  # files linked in place (a Calibre library): from a storage location of it
        root = Path(chosen["files_root"])
        location = await locations.ensure(session, library_id, root, f"Calibre library {root.name}", "ebook")
        chosen = chosen | {"location_id": str(location)}
    job = ImportJob(library_id=library_id, created_by=user_id, status="pending", total_rows=len(rows), options=chosen)
    session.add(job)
    await session.flush()
    now = utcnow()
    items: list[dict[str, Any]] = [
        {"id": new_id(), "import_job_id": job.id, "row_number": n, "raw_data": raw,
         "title": raw.get("title", "").strip(),
         "isbn": (raw.get("isbn_13", "").strip() or raw.get("isbn_10", "").strip())[:32],
         "status": "pending", "message": "", "book_id": None, "created_at": now, "updated_at": now}
        for n, raw in enumerate(rows, start=1)
    ]  # fmt: skip
    await repo.add_items(session, items)
    queued = await jobs.enqueue(session, KIND, {"import_job_id": str(job.id)})
    job.job_id = queued.id
    await session.flush()
    answer = shape(job)
    answer.items = [ImportItemRead.model_construct(**item) for item in items]  # the values are the model's types
    return answer


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
    """The job with every row, as plain values for the fast path (kit.routing.fast_ok; the ImportJobRead model
    documents it, and a test holds the two to the same answer). The web client's import page asks for it every
    2 s while a job runs: through ORM objects and models a 10,000-row job's detail cost half a second each time."""
    job = await repo.in_library(session, library_id, job_id)
    if job is None:
        raise NotFound("import not found")
    data = shape(job).model_dump(mode="json")
    data["items"] = await repo.item_values(session, job.id, tuple(ImportItemRead.model_fields))
    return data


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
