"""The hard way: a real `librarium worker` process SIGKILLed part-way through a 20,000-row import (forty steps),
and a second one finishing it — exact counters, every row imported once, none lost, on both databases."""

from __future__ import annotations

import signal
import uuid

from sqlalchemy import func, select

from librarium.models import Book, BookEdition, ImportItem, ImportJob
from tests.enrichment.test_worker_kill import _until, _worker
from tests.fixtures.factories import isbn13

ROWS = 20_000


def _csv() -> bytes:
    lines = ["Title,Author,ISBN,Tags"]
    lines += [f'"Book {n}",Writer {n % 700},{isbn13(n)},"tag{n % 30}"' for n in range(ROWS)]
    return ("\n".join(lines) + "\n").encode()


async def _job(db, job_id):
    async with db.unit_of_work(write=False) as session:
        return await session.get(ImportJob, job_id)


async def test_a_killed_import_finishes_with_every_row_once(api, database_url, tmp_path):
    owner = await api.user("owner")
    library = await api.library(owner)
    files = {"file": ("books.csv", _csv(), "text/csv")}
    r = await api.post(f"/libraries/{library['id']}/imports", owner, files=files)
    assert r.status_code == 201, r.text
    job_id = uuid.UUID(r.json()["data"]["id"])
    db = api.app.state.db

    async def processed_at_least(n):
        return (await _job(db, job_id)).processed_rows >= n

    first = _worker(database_url, tmp_path, "http://127.0.0.1:9")  # no provider is asked
    try:
        await _until(lambda: processed_at_least(ROWS // 4), 300)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    half = (await _job(db, job_id)).processed_rows
    assert ROWS // 4 <= half < ROWS

    async def done():
        return (await _job(db, job_id)).status == "done"

    second = _worker(database_url, tmp_path, "http://127.0.0.1:9")
    try:
        await _until(done, 300)
    finally:
        second.terminate()
        second.wait(timeout=30)
    job = await _job(db, job_id)
    assert (job.processed_rows, job.failed_rows, job.skipped_rows, job.total_rows) == (ROWS, 0, 0, ROWS)
    library_id = uuid.UUID(library["id"])
    async with db.unit_of_work(write=False) as session:
        books = await session.scalar(select(func.count()).select_from(Book).where(Book.library_id == library_id))
        twice = await session.scalar(
            select(func.count()).select_from(
                select(BookEdition.isbn_key).group_by(BookEdition.isbn_key).having(func.count() > 1).subquery()
            )
        )
        unlinked = await session.scalar(
            select(func.count()).where(ImportItem.import_job_id == job_id, ImportItem.book_id.is_(None))
        )
    assert (books, twice, unlinked) == (ROWS, 0, 0)  # every row once, none twice, each item points at its book
