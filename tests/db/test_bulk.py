"""Bulk inserts and updates (db/bulk.py) store what the statement layer would: UUIDs, aware timestamps, NULLs,
JSON (null included) and the Python defaults of columns left out — on both databases (PostgreSQL through one
statement over arrays where the table allows it)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from librarium.db import bulk
from librarium.db.base import table_of
from librarium.models import Book, ImportItem, ImportJob, MediaType


@pytest.fixture
async def world(api):
    owner = await api.user("owner")
    library = await api.library(owner)
    return api.app.state.db, uuid.UUID(owner.id), uuid.UUID(library["id"])


async def test_inserted_books_read_back_as_given_with_defaults_filled(world):
    db, owner_id, library_id = world
    when = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    async with db.unit_of_work() as session:
        novel = (await session.execute(select(MediaType.id).where(MediaType.name == "novel"))).scalar_one()
        rows = [
            {"library_id": library_id, "added_by": owner_id if n else None, "title": f"Book {n}", "subtitle": None,
             "media_type_id": novel, "sort_title": f"book {n}", "sort_key": f"book {n:05d}", "created_at": when,
             "updated_at": when, "search_text": f"book {n}"}
            for n in range(3)
        ]  # fmt: skip
        await bulk.insert_rows(session, table_of(Book), rows)
    async with db.unit_of_work(write=False) as session:
        found = (await session.scalars(select(Book).where(Book.library_id == library_id).order_by(Book.title))).all()
    assert [(b.title, b.subtitle, b.added_by, b.created_at, b.media_type_id) for b in found] == [
        ("Book 0", None, None, when, novel), ("Book 1", None, owner_id, when, novel),
        ("Book 2", None, owner_id, when, novel),
    ]  # fmt: skip
    assert len({b.id for b in found}) == 3 and all(b.id.version == 7 for b in found)  # the id default, per row


async def test_items_with_json_are_inserted_and_updated_by_key(world):
    db, owner_id, library_id = world
    async with db.unit_of_work() as session:
        job = ImportJob(library_id=library_id, created_by=owner_id, status="pending", total_rows=3, options={})
        session.add(job)
        await session.flush()
        ids = [uuid.uuid4() for _ in range(3)]
        rows = [
            {"id": ids[n], "import_job_id": job.id, "row_number": n + 1, "raw_data": raw, "title": f"T{n}",
             "isbn": "", "status": "pending", "message": "", "book_id": None}
            for n, raw in enumerate([{"title": "T0", "n": [1, 2]}, {}, None])
        ]  # fmt: skip
        await bulk.insert_rows(session, table_of(ImportItem), rows)
        job_id = job.id
    later = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    async with db.unit_of_work() as session:
        changes = [{"id": ids[0], "status": "done", "message": "imported", "updated_at": later},
                   {"id": ids[2], "status": "failed", "message": "no", "updated_at": later}]  # fmt: skip
        await bulk.update_rows(session, table_of(ImportItem), "id", changes)
    async with db.unit_of_work(write=False) as session:
        stmt = select(ImportItem).where(ImportItem.import_job_id == job_id).order_by(ImportItem.row_number)
        items = (await session.scalars(stmt)).all()
    assert [(i.id, i.raw_data, i.status, i.message) for i in items] == [
        (ids[0], {"title": "T0", "n": [1, 2]}, "done", "imported"), (ids[1], {}, "pending", ""),
        (ids[2], None, "failed", "no"),
    ]  # fmt: skip
    assert [i.updated_at == later for i in items] == [True, False, True]
    assert items[1].created_at is not None and items[1].created_at == items[1].created_at.astimezone(UTC)


async def test_an_update_that_leaves_out_a_column_changed_on_every_update_is_refused(world):
    db, _, _ = world
    async with db.unit_of_work() as session:
        with pytest.raises(ValueError, match="onupdate"):
            await bulk.update_rows(session, table_of(ImportItem), "id", [{"id": uuid.uuid4(), "status": "done"}])


async def test_nothing_to_write_is_no_statement(world):
    db, _, _ = world
    async with db.unit_of_work() as session:
        await bulk.insert_rows(session, table_of(Book), [])
        await bulk.update_rows(session, table_of(ImportItem), "id", [])
