"""Lookup endpoints: ISBN (raw and merged), book/series/contributor search — priority order, ISBN
normalisation, degradation, the deadline and the shared cache."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select, update

from librarium.db.base import utcnow
from librarium.jobs import service as jobs
from librarium.jobs.runner import Worker
from librarium.models import Job, LookupCacheEntry
from tests.conftest import make_settings
from tests.fixtures.stand_in import StandIn

OL = "https://openlibrary.org"
GB = "https://www.googleapis.com/books/v1"
HC = "https://api.hardcover.app/v1/graphql"
MD = "https://api.mangadex.org"
ISBN = "9780439708180"

TEST_RECORD = {
    "provider": "test",
    "provider_display": "Test Provider",
    "title": "Test Book",
    "subtitle": "A book for testing",
    "authors": ["Test Author"],
    "publisher": "Test Publisher",
    "publish_date": "2026-01-01",
    "isbn_10": "1234567890",
    "isbn_13": "1234567890123",
    "description": "A fixed record returned by the test provider.",
    "cover_url": "",
    "language": "en",
    "page_count": None,
    "categories": None,
}


async def enable(api, *names):
    admin = await api.admin()
    for name in names:
        r = await api.put(f"/admin/providers/{name}", admin, json={"api_key": f"{name}-key", "enabled": "true"})
        assert r.status_code == 200


def record_isbn(stand_in: StandIn):
    stand_in.on("GET", f"{OL}/api/books", recorded="open_library_books_data")
    stand_in.on("GET", f"{OL}/isbn/{ISBN}.json", recorded="open_library_edition")
    stand_in.on("GET", f"{OL}/works/OL82563W.json", recorded="open_library_work")
    stand_in.on("GET", f"{GB}/volumes", recorded="google_books_isbn")
    stand_in.on("POST", HC, recorded="hardcover_edition")


async def test_the_test_provider(api, stand_in):
    user = await api.user()
    r = await api.get("/lookup/isbn/12345", user)
    assert (r.status_code, r.json()) == (200, {"data": [TEST_RECORD]})
    r = await api.get("/lookup/isbn/12345")
    assert (r.status_code, r.json()) == (401, {"error": "missing or invalid authorization header"})


async def test_isbn_is_normalised(api, stand_in):
    user = await api.user()
    record_isbn(stand_in)
    r = await api.get("/lookup/isbn/978-0-439 70818-0", user)
    assert r.status_code == 200
    assert [b["provider"] for b in r.json()["data"]] == ["open_library"]
    # the ISBN-10 of the same book asks for the same ISBN-13 (and is answered from the cache)
    calls = len(stand_in.requests)
    r = await api.get("/lookup/isbn/0-439-70818-4", user)
    assert [b["title"] for b in r.json()["data"]] == ["Harry Potter and the Sorcerer's Stone"]
    assert len(stand_in.requests) == calls
    assert {c.url.params["bibkeys"] for c in stand_in.calls("/api/books")} == {f"ISBN:{ISBN}"}
    for bad in ("9780439708181", "043970818X"):
        r = await api.get(f"/lookup/isbn/{bad}", user)
        assert (r.status_code, r.json()) == (400, {"error": "invalid isbn"})
    r = await api.get("/lookup/isbn/%20", user)
    assert (r.status_code, r.json()) == (400, {"error": "isbn is required"})


async def test_results_in_priority_order(api, stand_in):
    user = await api.user()
    await enable(api, "google_books", "hardcover")
    record_isbn(stand_in)
    stand_in.routes[("GET", f"{OL}/api/books")][0].delay = 0.2  # the first by priority answers last
    r = await api.get(f"/lookup/isbn/{ISBN}", user)
    assert [b["provider"] for b in r.json()["data"]] == ["open_library", "google_books", "hardcover"]
    admin = await api.admin()
    await api.put("/admin/providers/order", admin, json={"order": ["hardcover", "google_books"]})
    r = await api.get(f"/lookup/isbn/{ISBN}", user)
    assert [b["provider"] for b in r.json()["data"]] == ["hardcover", "google_books", "open_library"]


async def test_merged(api, stand_in):
    user = await api.user()
    await enable(api, "google_books", "hardcover")
    record_isbn(stand_in)
    r = await api.get(f"/lookup/isbn/{ISBN}/merged", user)
    assert r.status_code == 200
    data = r.json()["data"]
    assert data["title"] == {
        "value": "Harry Potter and the Sorcerer's Stone",
        "source": "open_library",
        "source_display": "Open Library",
        "alternatives": [],  # the others differ only in case, or not at all
    }
    assert data["authors"]["value"] == "J. K. Rowling"
    assert [(a["value"], a["source"]) for a in data["authors"]["alternatives"]] == [
        ("J.K. Rowling", "google_books"), ("J.K. Rowling, Mary GrandPré", "hardcover")]  # fmt: skip
    assert data["page_count"] == {
        "value": "309", "source": "open_library", "source_display": "Open Library",
        "alternatives": [{"value": "352", "source": "google_books", "source_display": "Google Books"}],
    }  # fmt: skip
    assert "subtitle" not in data  # no provider had one
    assert data["categories"] == ["Wizards", "Magic", "Fiction", "Juvenile Fiction", "Fantasy", "Young Adult"]
    assert [c["source"] for c in data["covers"]] == ["open_library", "google_books", "hardcover"]


async def test_merged_with_nothing_found(api, stand_in):
    user = await api.user()
    stand_in.on("GET", f"{OL}/api/books", json_body={})
    r = await api.get("/lookup/isbn/9780000000002/merged", user)
    assert (r.status_code, r.json()) == (200, {"data": {"categories": None, "covers": None}})


async def test_a_failing_provider_does_not_fail_the_lookup(api, stand_in):
    user = await api.user()
    await enable(api, "google_books", "isbndb")
    record_isbn(stand_in)
    stand_in.on("GET", f"https://api2.isbndb.com/book/{ISBN}", error=httpx.ConnectError)
    stand_in.routes[("GET", f"{GB}/volumes")] = []
    stand_in.on("GET", f"{GB}/volumes", text="<html>oops</html>")
    r = await api.get(f"/lookup/isbn/{ISBN}", user)
    assert (r.status_code, [b["provider"] for b in r.json()["data"]]) == (200, ["open_library"])
    # errors are not cached: the next lookup asks the failed providers again
    before = len(stand_in.calls("isbndb"))
    await api.get(f"/lookup/isbn/{ISBN}", user)
    assert len(stand_in.calls("isbndb")) > before


@pytest.mark.parametrize("settings_overrides", [{"lookup_deadline": 0.3}], indirect=True)
async def test_a_slow_provider_is_left_behind(api, stand_in):
    user = await api.user()
    await enable(api, "google_books")
    stand_in.on("GET", f"{GB}/volumes", recorded="google_books_search", delay=5)
    stand_in.on("GET", f"{OL}/search.json", recorded="open_library_search")
    r = await api.get("/lookup/books?q=dune", user)
    assert r.status_code == 200
    assert {b["provider"] for b in r.json()["data"]} == {"open_library"}


async def test_cache_hit_and_miss_expiry(api, stand_in):
    user = await api.user()
    stand_in.on("GET", f"{OL}/api/books", json_body={})
    db = api.app.state.db
    r = await api.get("/lookup/isbn/9780000000002", user)
    assert r.json() == {"data": []}
    asked = len(stand_in.calls("/api/books"))
    await api.get("/lookup/isbn/9780000000002", user)
    assert len(stand_in.calls("/api/books")) == asked  # the miss is remembered
    async with db.unit_of_work() as session:
        entry = (await session.scalars(select(LookupCacheEntry))).one()
        assert entry.key.startswith("open_library:isbn:") and entry.value == "null"
        assert timedelta(minutes=59) < entry.expires_at - utcnow() <= timedelta(hours=1)
        await session.execute(update(LookupCacheEntry).values(expires_at=utcnow() - timedelta(seconds=1)))
    stand_in.routes.clear()
    stand_in.on("GET", f"{OL}/api/books", json_body={"ISBN:9780000000002": {"title": "Now Known"}})
    r = await api.get("/lookup/isbn/9780000000002", user)
    assert [b["title"] for b in r.json()["data"]] == ["Now Known"]
    async with db.unit_of_work(write=False) as session:
        entry = (await session.scalars(select(LookupCacheEntry))).one()
        assert entry.expires_at - utcnow() > timedelta(days=6)  # a hit is kept for a week


async def test_book_search(api, stand_in):
    user = await api.user()
    await enable(api, "google_books", "hardcover")
    stand_in.on("GET", f"{OL}/search.json", recorded="open_library_search")
    stand_in.on("GET", f"{GB}/volumes", recorded="google_books_search")
    stand_in.on("POST", HC, recorded="hardcover_search_books")
    r = await api.get("/lookup/books?q=dune", user)
    data = r.json()["data"]
    # Dune from all three is one result (same ISBN-13), from Open Library, with Google's description
    assert [(b["title"], b["provider"]) for b in data] == [("Dune", "open_library"), ("Dune Messiah", "open_library")]
    assert data[0]["description"] == "Set on the desert planet Arrakis."
    assert data[0]["page_count"] == 896
    for q in ("", "%20"):
        r = await api.get(f"/lookup/books?q={q}", user)
        assert (r.status_code, r.json()) == (400, {"error": "q (query) parameter is required"})
    assert (await api.get("/lookup/books?q=dune")).status_code == 401


async def test_series_search(api, stand_in):
    user = await api.user()
    stand_in.on("GET", f"{MD}/manga", recorded="mangadex_search")
    r = await api.get("/lookup/series?q=one%20piece", user)
    assert [s["name"] for s in r.json()["data"]] == ["One Piece", "Yotsuba to!"]
    await enable(api, "hardcover")
    stand_in.on("POST", HC, recorded="hardcover_search_series", once=True)
    stand_in.on("POST", HC, recorded="hardcover_series_details")
    r = await api.get("/lookup/series?q=dune", user)
    assert [(s["name"], s["provider"]) for s in r.json()["data"]] == [
        ("Dune", "hardcover"), ("One Piece", "mangadex"), ("Yotsuba to!", "mangadex")]  # fmt: skip
    r = await api.get("/lookup/series", user)
    assert (r.status_code, r.json()) == (400, {"error": "q (query) parameter is required"})


async def test_contributor_search(api, stand_in):
    user = await api.user()
    stand_in.on("GET", f"{OL}/search/authors.json", recorded="open_library_authors")
    r = await api.get("/lookup/contributors?q=r", user)
    assert (r.status_code, r.json()) == (200, {"data": []})
    assert stand_in.requests == []
    r = await api.get("/lookup/contributors?q=rowling", user)
    assert r.json()["data"][0] == {
        "provider": "open_library", "external_id": "OL23919A", "name": "J. K. Rowling",
        "photo_url": "https://covers.openlibrary.org/a/id/5543033-M.jpg",
    }  # fmt: skip
    assert (await api.get("/lookup/contributors?q=rowling")).status_code == 401


async def test_a_running_worker_sees_config_changes(api, stand_in, tmp_path, database_url):
    """Upstream's workers keep the configuration they started with; ours read it on every lookup."""
    db = api.app.state.db
    await enable(api)  # the admin exists
    record_isbn(stand_in)
    settings = make_settings(tmp_path, database_url, job_modules="tests.fixtures.jobkinds", job_poll_interval=0.05)
    worker = Worker(db, settings)
    running = asyncio.create_task(worker.run())

    async def answered(isbn):
        async with db.unit_of_work() as session:
            job = await jobs.enqueue(session, "test.lookup", {"isbn": isbn})
        async with asyncio.timeout(30):
            while True:
                async with db.unit_of_work(write=False) as session:
                    row = await session.get(Job, job.id)
                    if row.state in ("succeeded", "failed"):
                        return row.state, row.checkpoint.get("answered")
                await asyncio.sleep(0.05)

    try:
        assert await answered(ISBN) == ("succeeded", ["open_library"])
        admin = await api.admin()
        await api.put("/admin/providers/open_library", admin, json={"enabled": "false"})
        await enable(api, "google_books")
        assert await answered(ISBN) == ("succeeded", ["google_books"])
    finally:
        worker.stop()
        await running
    async with db.unit_of_work(write=False) as session:
        assert await session.scalar(select(func.count()).select_from(Job)) == 2


async def test_expired_answers_are_purged_by_the_maintenance_job(api, tmp_path, database_url):
    db = api.app.state.db
    now = utcnow()
    async with db.unit_of_work() as session:
        session.add(LookupCacheEntry(key="old", value="null", base_url="", expires_at=now - timedelta(minutes=1)))
        session.add(LookupCacheEntry(key="new", value="null", base_url="", expires_at=now + timedelta(hours=1)))
    async with db.unit_of_work() as session:
        job = await jobs.enqueue(session, "maintenance.purge_lookup_cache", {})
    await Worker(db, make_settings(tmp_path, database_url)).run_until_idle()
    async with db.unit_of_work(write=False) as session:
        assert list(await session.scalars(select(LookupCacheEntry.key))) == ["new"]
        done = await session.get(Job, job.id)
        assert (done.state, done.checkpoint) == ("succeeded", {"removed": 1})
