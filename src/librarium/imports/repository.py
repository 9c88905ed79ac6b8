"""SQL of CSV import jobs and their rows."""

from __future__ import annotations

import uuid
from typing import Any, NamedTuple

from sqlalchemy import Text, cast, delete, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.db import bulk
from librarium.db.base import table_of, utcnow
from librarium.models import ImportItem, ImportJob, Library

FINISHED = ("done", "failed", "cancelled")
ACTIVE = ("pending", "processing")


async def add_items(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), 1000):
        await bulk.insert_rows(session, table_of(ImportItem), rows[start : start + 1000])


async def in_library(session: AsyncSession, library_id: uuid.UUID, job_id: uuid.UUID) -> ImportJob | None:
    stmt = select(ImportJob).where(ImportJob.id == job_id, ImportJob.library_id == library_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def of_library(session: AsyncSession, library_id: uuid.UUID) -> list[ImportJob]:
    stmt = select(ImportJob).where(ImportJob.library_id == library_id)
    return list((await session.scalars(stmt.order_by(ImportJob.created_at.desc(), ImportJob.id))).all())


async def mine(session: AsyncSession, user_id: uuid.UUID) -> list[tuple[ImportJob, str]]:
    stmt = (
        select(ImportJob, Library.name)
        .join(Library, Library.id == ImportJob.library_id)
        .where(ImportJob.created_by == user_id)
        .order_by(ImportJob.created_at.desc(), ImportJob.id)
    )
    return [(job, name) for job, name in (await session.execute(stmt)).all()]


async def my_job(session: AsyncSession, user_id: uuid.UUID, job_id: uuid.UUID) -> ImportJob | None:
    stmt = select(ImportJob).where(ImportJob.id == job_id, ImportJob.created_by == user_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def item_values(
    session: AsyncSession, job_id: uuid.UUID, columns: tuple[str, ...], after: int, limit: int
) -> list[dict[str, Any]]:
    """The job's next `limit` rows after row number `after`, in row order, as {column: value} of these columns
    (plain values: a detail reads them all). `raw_data` comes as its stored JSON text, not decoded: an answer
    writes it out as it is."""
    t = table_of(ImportItem).c
    stmt = (
        select(*(cast(t[name], Text) if name == "raw_data" else t[name] for name in columns))
        .where(t.import_job_id == job_id, t.row_number > after)
        .order_by(t.row_number)
        .limit(limit)
    )
    return [dict(zip(columns, row, strict=True)) for row in (await session.execute(stmt)).all()]


class Pending(NamedTuple):
    """A row still to import: what the job reads of it (plain values, not an ORM object: a step reads 500)."""

    id: uuid.UUID
    row_number: int
    raw_data: dict[str, Any]


async def pending(session: AsyncSession, job_id: uuid.UUID, limit: int) -> list[Pending]:
    """The next `limit` pending rows of a job, in row order."""
    t = table_of(ImportItem).c
    stmt = (
        select(t.id, t.row_number, t.raw_data)
        .where(t.import_job_id == job_id, t.status == "pending")
        .order_by(t.row_number)
        .limit(limit)
    )
    return [Pending(*row) for row in (await session.execute(stmt)).all()]


async def finish(session: AsyncSession, outcomes: list[tuple[uuid.UUID, str, str, uuid.UUID | None]]) -> None:
    """Each row's (id, status, message, book id), in one statement run for all of them."""
    keys, now = ("id", "status", "message", "book_id"), utcnow()
    rows = [dict(zip(keys, one, strict=True)) | {"updated_at": now} for one in outcomes]
    await bulk.update_rows(session, table_of(ImportItem), "id", rows)


# the tables an import grows (the statements of its next steps are planned on their statistics)
GROWN = ("books", "book_editions", "book_contributors", "contributors", "book_tags", "book_genres", "book_shelves",
         "book_series", "user_book_interactions", "import_job_items")  # fmt: skip


# a table's statistics are taken again once it fills twice the pages they were taken of (and at least 16 pages,
# 128 KiB): its size on disk is current at once, where the activity counters reach pg_stat a while later
_STALE = text(
    "SELECT c.relname FROM pg_class c WHERE c.relname = ANY(:names) AND c.relkind = 'r' "
    "AND pg_relation_size(c.oid) / current_setting('block_size')::int >= GREATEST(2 * c.relpages, 16)"
)


async def refresh_statistics(session: AsyncSession) -> None:
    """PostgreSQL: fresh planner statistics of the tables an import has doubled in size. A first import into a new
    instance grows them from nothing faster than autovacuum looks (once a minute, when it is on at all): planned
    on the statistics of empty tables, the duplicate check scanned every edition and every book (240 ms a step at
    20,000 books, growing). Asking costs a fraction of a millisecond a step; analysing a table only when it has
    doubled costs, over a whole import, about two analyses of the final tables. SQLite plans without
    statistics."""
    if session.get_bind().dialect.name != "postgresql":
        return
    stale = [name for (name,) in (await session.execute(_STALE, {"names": list(GROWN)})).all() if name in GROWN]
    if stale:
        await session.execute(text("ANALYZE " + ", ".join(stale)))  # names from GROWN only


async def imported_book_ids(session: AsyncSession, job_id: uuid.UUID) -> list[uuid.UUID]:
    """The books of the job's `done` rows that have a title, in row order, each once (the follow-up
    enrichment's list; only two columns are read, not every row's raw data)."""
    stmt = (
        select(ImportItem.book_id)
        .where(
            ImportItem.import_job_id == job_id,
            ImportItem.status == "done",
            ImportItem.book_id.is_not(None),
            ImportItem.title != "",
        )  # fmt: skip
        .order_by(ImportItem.row_number)
    )
    return list(dict.fromkeys(book_id for book_id in (await session.scalars(stmt)).all() if book_id))


async def delete_finished(session: AsyncSession, user_id: uuid.UUID) -> None:
    await session.execute(delete(ImportJob).where(ImportJob.created_by == user_id, ImportJob.status.in_(FINISHED)))


async def skip_pending(session: AsyncSession, job_id: uuid.UUID, message: str) -> int:
    """Pending rows end skipped (upstream left them pending for ever); how many."""
    result = await session.execute(
        update(ImportItem)
        .where(ImportItem.import_job_id == job_id, ImportItem.status == "pending")
        .values(status="skipped", message=message)
    )
    return int(getattr(result, "rowcount", 0) or 0)
