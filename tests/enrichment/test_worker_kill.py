"""The hard way: a real `librarium worker` process enriching a batch against a stand-in Open Library, killed
with SIGKILL half-way, and a second one finishing the batch — every book applied exactly once."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from librarium.models import EnrichmentBatch, EnrichmentChange
from tests.fixtures.factories import isbn13
from tests.fixtures.stand_in import Handler, loopback

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).with_name("librarium")
BOOKS = 48


class _Slow(Handler):
    asked: Counter[str] = Counter()

    def do_GET(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        body, status = b'{"error": "notfound"}', 404
        if url.path == "/api/books":
            key = parse_qs(url.query)["bibkeys"][0]
            self.asked[key] += 1
            time.sleep(0.25)
            isbn = key.removeprefix("ISBN:")
            body, status = json.dumps({key: {"title": f"T {isbn}", "notes": f"About {isbn}"}}).encode(), 200
        self.reply(status, body)


@pytest.fixture
def open_library() -> Iterator[str]:
    _Slow.asked = Counter()
    with loopback(_Slow) as base:
        yield base


def _worker(database_url: str, tmp_path: Path, base: str) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "LIBRARIUM_DATA_DIR": str(tmp_path / "data"),
        "LIBRARIUM_DATABASE_URL": database_url,
        "LIBRARIUM_JWT_SECRET": "test-secret-" + "x" * 32,
        "LIBRARIUM_OPEN_LIBRARY_URL": base,
        "LIBRARIUM_JOB_POLL_INTERVAL": "0.05",
        "LIBRARIUM_JOB_HEARTBEAT": "0.2",
        "LIBRARIUM_JOB_STALE_AFTER": "1.5",
        "LIBRARIUM_LOG_LEVEL": "warning",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.Popen([str(BIN), "worker"], env=env, cwd=ROOT)


async def _batch(db, batch_id):
    async with db.unit_of_work(write=False) as session:
        return await session.get(EnrichmentBatch, batch_id)


async def _until(predicate, seconds=90.0):
    async with asyncio.timeout(seconds):
        while not await predicate():  # noqa: ASYNC110 (the state lives in the database)
            await asyncio.sleep(0.05)


async def test_a_killed_worker_leaves_nothing_done_twice(api, database_url, tmp_path, open_library):
    owner = await api.user("owner")
    library = await api.library(owner)
    ids = []
    for n in range(BOOKS):
        book = await api.book(library, owner, f"Book {n}", edition={"format": "paperback", "isbn_13": isbn13(n)})
        ids.append(book["id"])
    r = await api.post(f"/libraries/{library['id']}/books/bulk/enrich", owner, json={"book_ids": ids})
    batch_id = uuid.UUID(r.json()["data"]["id"])
    db = api.app.state.db

    async def processed_at_least(n):
        return (await _batch(db, batch_id)).processed_books >= n

    first = _worker(database_url, tmp_path, open_library)
    try:
        await _until(lambda: processed_at_least(10))
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    half = (await _batch(db, batch_id)).processed_books
    assert 10 <= half < BOOKS
    second = _worker(database_url, tmp_path, open_library)
    try:
        await _until(lambda: _done(db, batch_id))
    finally:
        second.terminate()
        second.wait(timeout=30)
    batch = await _batch(db, batch_id)
    assert (batch.status, batch.processed_books, batch.failed_books, batch.skipped_books) == ("done", BOOKS, 0, 0)
    async with db.unit_of_work(write=False) as session:
        stmt = select(EnrichmentChange.book_id, func.count()).where(EnrichmentChange.field == "description")
        per_book = dict((await session.execute(stmt.group_by(EnrichmentChange.book_id))).all())
    assert len(per_book) == BOOKS and set(per_book.values()) == {1}  # every book once, none twice
    # a book looked up but not applied before the kill is asked again at most once more (then cached)
    assert all(n <= 2 for n in _Slow.asked.values()) and len(_Slow.asked) == BOOKS
    r = await api.get(f"/libraries/{library['id']}/books?q=about", owner)
    assert r.json()["data"]["total"] == BOOKS


async def _done(db, batch_id):
    return (await _batch(db, batch_id)).status == "done"
