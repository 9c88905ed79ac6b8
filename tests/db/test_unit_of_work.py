"""Units of work: side effects after commit, files answered from an open handle, SQLite writers taking turns."""

from contextlib import contextmanager

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from librarium.files.serve import file_response
from tests.fixtures.media import epub, jpeg, png


@contextmanager
def failing_commits(api):
    """Every commit fails while inside the block, as a real one does: the transaction is rolled back and
    the commit raises."""
    original = AsyncSession.commit

    async def refuse(self):
        await self.rollback()
        raise RuntimeError("commit refused by the test")

    AsyncSession.commit = refuse
    try:
        yield
    finally:
        AsyncSession.commit = original


@pytest.fixture
async def book(api, tmp_path):
    owner = await api.user("owner")
    library = await api.library(owner)
    b = await api.book(library, owner, "Dune")
    return api, owner, f"/libraries/{library['id']}/books/{b['id']}", tmp_path / "data"


def files_under(root):
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


async def test_failed_commit_keeps_the_old_cover_and_leaves_no_new_file(book):
    api, owner, path, data = book
    assert (await api.put(path + "/cover", owner, files={"cover": ("a.png", png(), "image/png")})).status_code == 204
    before = files_under(data / "covers")
    with failing_commits(api):
        r = await api.put(path + "/cover", owner, files={"cover": ("b.jpg", jpeg(), "image/jpeg")})
    assert (r.status_code, r.json()) == (500, {"error": "internal server error"})
    assert files_under(data / "covers") == before  # the new file is gone, the old one is still there
    r = await api.get(path + "/cover", owner)
    assert r.status_code == 200 and r.content == png()


async def test_failed_commit_of_a_cover_delete_keeps_the_file(book):
    api, owner, path, data = book
    await api.put(path + "/cover", owner, files={"cover": ("a.png", png(), "image/png")})
    with failing_commits(api):
        assert (await api.delete(path + "/cover", owner)).status_code == 500
    assert (await api.get(path + "/cover", owner)).content == png()
    assert (await api.delete(path + "/cover", owner)).status_code == 204
    assert files_under(data / "covers") == []  # deleted once the commit succeeded


async def test_failed_commit_after_an_edition_file_upload_leaves_no_orphan(book):
    api, owner, path, data = book
    edition = (await api.post(path + "/editions", owner, json={"format": "ebook"})).json()["data"]
    files = f"{path}/editions/{edition['id']}/files"
    with failing_commits(api):
        r = await api.post(files, owner, files={"file": ("dune.epub", epub(), "application/epub+zip")})
    assert r.status_code == 500
    assert files_under(data / "media") == []
    assert (await api.get(path + "/editions", owner)).json()["data"][0]["files"] == []
    r = await api.post(files, owner, files={"file": ("dune.epub", epub(), "application/epub+zip")})
    assert r.status_code == 201 or r.status_code == 200, r.text
    assert files_under(data / "media") == ["dune.epub"]


def _request(headers=None):
    raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return Request({"type": "http", "method": "GET", "path": "/", "query_string": b"", "headers": raw})


async def test_a_file_deleted_after_the_answer_began_is_still_sent_whole(tmp_path):
    path = tmp_path / "book.bin"
    body = bytes(range(256)) * 4096  # 1 MiB: several chunks
    path.write_bytes(body)
    response = file_response(_request(), path, "application/octet-stream", etag="e", cache_control="no-cache")
    path.unlink()  # the race: a DELETE lands between the check and the body
    sent = b"".join([chunk async for chunk in response.body_iterator])
    assert sent == body and response.headers["content-length"] == str(len(body))


async def test_a_file_gone_before_the_answer_is_404(tmp_path):
    from librarium.errors import NotFound

    with pytest.raises(NotFound):
        file_response(_request(), tmp_path / "missing", "image/png", etag="e", cache_control="no-cache")


async def test_ranges_from_the_open_handle(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"0123456789")
    r = file_response(_request({"Range": "bytes=2-4"}), path, "text/plain", etag="e", cache_control="x")
    assert r.status_code == 206 and r.headers["content-range"] == "bytes 2-4/10"
    assert b"".join([c async for c in r.body_iterator]) == b"234"
    r = file_response(_request({"Range": "bytes=2-4", "If-Range": '"other"'}), path, "text/plain", etag="e",
                      cache_control="x")  # fmt: skip
    assert r.status_code == 200


async def test_sessions_are_set_up_for_a_web_apps_many_small_queries(database_url):
    """Our connections' settings (db/engine.py): on PostgreSQL no parallel workers and an in-memory page cost;
    on SQLite write-ahead logging and foreign keys."""
    from sqlalchemy import text

    from librarium.db.engine import make_engine

    engine = make_engine(database_url)
    async with engine.connect() as conn:
        if database_url.startswith("postgresql"):
            assert (await conn.execute(text("SHOW max_parallel_workers_per_gather"))).scalar_one() == "0"
            assert (await conn.execute(text("SHOW random_page_cost"))).scalar_one() == "1.1"
        else:
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar_one() == "wal"
            assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar_one() == 1
    await engine.dispose()
