"""Each provider client against recorded answers of its service: hits, misses, malformed bodies, timeouts,
rate limits and server errors."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from librarium.kit.http import HttpClient
from librarium.providers.base import Call, Config, ProviderError
from librarium.providers.registry import BY_NAME
from tests.fixtures.stand_in import StandIn, recording

OL = "https://openlibrary.org"
GB = "https://www.googleapis.com/books/v1"
HC = "https://api.hardcover.app/v1/graphql"
MD = "https://api.mangadex.org"
ISBN = "9780439708180"


class Sleeps(list[float]):
    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def fake() -> StandIn:
    return StandIn()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def call(fake, sleeps):
    def make(name: str, api_key: str = "secret-key", base_url: str = "") -> Call:
        provider = BY_NAME[name]
        client = HttpClient(transport=fake.transport(), sleep=sleeps)
        config = Config(enabled=True, base_url=base_url or provider.default_url, api_key=api_key)
        return Call(provider, config, client, time_limit=2.0)

    return make


# --- Open Library -------------------------------------------------------------------------------------


async def test_open_library_isbn_hit(fake, call):
    fake.on("GET", f"{OL}/api/books", recorded="open_library_books_data")
    fake.on("GET", f"{OL}/isbn/{ISBN}.json", recorded="open_library_edition")
    fake.on("GET", f"{OL}/works/OL82563W.json", recorded="open_library_work")
    c = call("open_library")
    book = await c.provider.lookup_isbn(c, ISBN)
    assert book.model_dump() == {
        "provider": "open_library",
        "provider_display": "Open Library",
        "title": "Harry Potter and the Sorcerer's Stone",
        "subtitle": "",
        "authors": ["J. K. Rowling"],
        "publisher": "Scholastic",
        "publish_date": "1998-09-01",
        "isbn_10": "0439708184",
        "isbn_13": ISBN,
        # the notes were only a "Source title:" line, so the work's description is used, minus its own
        "description": "Harry Potter has never even heard of Hogwarts when the letters start dropping on the doormat.",
        "cover_url": "https://covers.openlibrary.org/b/id/10521270-M.jpg",
        "language": "en",
        "page_count": 309,
        "categories": ["Wizards", "Magic", "Fiction"],
    }
    assert {r.url.params["bibkeys"] for r in fake.calls("/api/books")} == {f"ISBN:{ISBN}"}
    assert fake.requests[0].headers["user-agent"].startswith("Librarium/")


async def test_open_library_isbn_miss_and_malformed(fake, call):
    c = call("open_library")
    fake.on("GET", f"{OL}/api/books", json_body={}, once=True)
    assert await c.provider.lookup_isbn(c, ISBN) is None
    fake.on("GET", f"{OL}/api/books", text="<html>busy</html>")
    fake.routes[("GET", f"{OL}/api/books")].pop(0)
    with pytest.raises(ProviderError, match="malformed response"):
        await c.provider.lookup_isbn(c, ISBN)


async def test_open_library_edition_only_fills_gaps(fake, call):
    """The jscmd=data record wins; the edition (reached through a redirect) fills what it lacks."""
    fake.on(
        "GET",
        f"{OL}/api/books",
        json_body={f"ISBN:{ISBN}": {"title": "T", "cover": {"medium": "https://covers.openlibrary.org/b/id/-1-M.jpg"}}},
    )
    fake.on("GET", f"{OL}/isbn/{ISBN}.json", status=302, headers={"location": f"{OL}/books/OL1M.json"})
    fake.on("GET", f"{OL}/books/OL1M.json", recorded="open_library_edition")
    c = call("open_library")
    book = await c.provider.lookup_isbn(c, ISBN)
    assert (book.publisher, book.publish_date, book.page_count, book.cover_url, book.categories) == (
        "Scholastic", "1998-01-01", 309, "", ["Wizards", "Magic"])  # fmt: skip


async def test_open_library_search(fake, call):
    fake.on("GET", f"{OL}/search.json", recorded="open_library_search")
    c = call("open_library")
    books = await c.provider.search_books(c, "dune")
    assert [(b.title, b.isbn_13, b.isbn_10, b.publish_date, b.language) for b in books] == [
        ("Dune", "9780441172719", "0441172717", "1965-01-01", "eng"),
        ("Dune Messiah", "9780593098233", "", "1969-01-01", ""),
    ]
    assert books[0].cover_url == "https://covers.openlibrary.org/b/id/11481354-M.jpg"
    params = fake.requests[0].url.params
    assert (params["q"], params["limit"]) == ("dune", "15")


async def test_open_library_authors(fake, call):
    fake.on("GET", f"{OL}/search/authors.json", recorded="open_library_authors")
    fake.on("GET", f"{OL}/authors/OL23919A.json", recorded="open_library_author")
    fake.on("GET", f"{OL}/authors/OL23919A/works.json", recorded="open_library_author_works")
    c = call("open_library")
    hits = await c.provider.search_contributors(c, "rowling")
    assert [(h.external_id, h.name, h.photo_url) for h in hits] == [
        ("OL23919A", "J. K. Rowling", "https://covers.openlibrary.org/a/id/5543033-M.jpg"),
        ("OL1394865A", "Joanne Rowling", ""),
    ]
    record = await c.provider.fetch_contributor(c, "OL23919A")
    assert (record.name, record.bio, record.born_date, record.died_date) == (
        "J. K. Rowling", "Joanne Rowling is a British author.", datetime(1965, 7, 31, tzinfo=UTC), None)  # fmt: skip
    assert [(w.title, w.publish_year, w.cover_url) for w in record.works] == [
        ("Harry Potter and the Philosopher's Stone", 1997, "https://covers.openlibrary.org/b/id/10521270-M.jpg"),
        ("The Casual Vacancy", 2012, ""),
    ]
    assert await c.provider.fetch_contributor(c, "OL0A") is None  # the stand-in answers 404


# --- Google Books, ISBNdb ---------------------------------------------------------------------------


async def test_google_books(fake, call):
    fake.on("GET", f"{GB}/volumes", recorded="google_books_isbn")
    c = call("google_books")
    book = await c.provider.lookup_isbn(c, ISBN)
    assert (book.isbn_13, book.isbn_10, book.publish_date, book.page_count) == (ISBN, "1781100489", "2015-12-08", 352)
    assert book.cover_url == "https://books.google.com/books/content?id=wrOQLV6xB-wC&zoom=1"  # http → https
    params = fake.requests[0].url.params
    assert (params["q"], params["key"]) == (f"isbn:{ISBN}", "secret-key")
    fake.routes.clear()
    fake.on("GET", f"{GB}/volumes", json_body={"kind": "books#volumes", "totalItems": 0})
    assert await c.provider.lookup_isbn(c, ISBN) is None
    fake.routes.clear()
    fake.on("GET", f"{GB}/volumes", recorded="google_books_search")
    assert [b.title for b in await c.provider.search_books(c, "dune")] == ["Dune"]
    fake.routes.clear()
    fake.on("GET", f"{GB}/volumes", status=403, json_body={"error": {"code": 403, "message": "API key not valid"}})
    with pytest.raises(ProviderError, match="google books returned status 403"):
        await c.provider.lookup_isbn(c, ISBN)


async def test_isbndb(fake, call):
    fake.on("GET", f"https://api2.isbndb.com/book/{ISBN}", recorded="isbndb_book")
    c = call("isbndb")
    book = await c.provider.lookup_isbn(c, ISBN)
    assert (book.subtitle, book.authors, book.publish_date, book.isbn_10) == (
        "Harry Potter and the Sorcerer's Stone (Harry Potter, Book 1)", ["Rowling, J.K."], "1998-09-01T00:00:01Z",
        "0439708184")  # fmt: skip
    assert fake.requests[0].headers["authorization"] == "secret-key"  # raw, no "Bearer"
    assert await c.provider.lookup_isbn(c, "9780000000002") is None  # 404


# --- Hardcover -----------------------------------------------------------------------------------------


async def test_hardcover_isbn_and_errors(fake, call):
    fake.on("POST", HC, recorded="hardcover_edition")
    c = call("hardcover", api_key="Bearer tok")
    book = await c.provider.lookup_isbn(c, ISBN)
    assert (book.language, book.authors, book.categories, book.page_count) == (
        "en", ["J.K. Rowling", "Mary GrandPré"], ["Fantasy", "Young Adult", "magic"], 309)  # fmt: skip
    request = fake.requests[0]
    assert request.headers["authorization"] == "Bearer tok"
    assert b"editions" in request.content and b'"isbn": "9780439708180"' in request.content.replace(b'":"', b'": "')
    fake.routes.clear()
    fake.on("POST", HC, json_body={"data": {"editions": []}})
    assert await c.provider.lookup_isbn(c, ISBN) is None
    fake.routes.clear()
    fake.on("POST", HC, status=401, json_body={"error": "Unable to verify token"})
    with pytest.raises(ProviderError, match="^hardcover: invalid API key$"):
        await c.provider.lookup_isbn(c, ISBN)
    fake.routes.clear()
    fake.on("POST", HC, json_body={"errors": [{"message": "field 'editions' not found"}]})
    with pytest.raises(ProviderError, match="field 'editions' not found"):
        await c.provider.lookup_isbn(c, ISBN)


async def test_hardcover_search_series_and_authors(fake, call):
    c = call("hardcover")
    fake.on("POST", HC, recorded="hardcover_search_books", once=True)
    fake.on("POST", HC, recorded="hardcover_search_series", once=True)
    fake.on("POST", HC, recorded="hardcover_series_details", once=True)
    fake.on("POST", HC, recorded="hardcover_search_authors", once=True)
    fake.on("POST", HC, recorded="hardcover_author")
    books = await c.provider.search_books(c, "dune")
    assert [(b.title, b.isbn_13, b.isbn_10, b.cover_url) for b in books] == [
        ("Dune", "9780441172719", "0441172717", "https://assets.hardcover.app/dune.jpg")]  # fmt: skip
    [series] = await c.provider.search_series(c, "dune")
    assert series.model_dump() | {} == {
        "provider": "hardcover", "provider_display": "Hardcover", "name": "Dune",
        "description": "Frank Herbert's saga of Arrakis.", "total_count": 6, "is_complete": False,
        "cover_url": "https://assets.hardcover.app/dune.jpg", "external_id": "dune", "external_source": "hardcover",
        "status": "", "original_language": "", "publication_year": 1965, "demographic": "",
        "genres": ["Science Fiction", "Classics"], "url": "https://hardcover.app/series/dune",
    }  # fmt: skip
    [hit] = await c.provider.search_contributors(c, "herbert")
    assert (hit.external_id, hit.photo_url) == ("frank-herbert", "https://assets.hardcover.app/fh.jpg")
    record = await c.provider.fetch_contributor(c, "frank-herbert")
    assert [(w.title, w.isbn_13, w.publish_year) for w in record.works] == [
        ("Dune", "9780441172719", 1965), ("Whipping Star", "", None)]  # fmt: skip


# --- MangaDex ----------------------------------------------------------------------------------------------


async def test_mangadex_series_and_volumes(fake, call):
    fake.on("GET", f"{MD}/manga", recorded="mangadex_search")
    manga = "a1c7c817-4e59-43b7-9365-09675a149a6f"
    fake.on("GET", f"{MD}/manga/{manga}/aggregate", recorded="mangadex_aggregate")
    fake.on("GET", f"{MD}/chapter", recorded="mangadex_chapters")
    c = call("mangadex")
    first, second = await c.provider.search_series(c, "one piece")
    assert (first.name, first.description, first.genres, first.status, first.is_complete, first.total_count) == (
        "One Piece", "L'histoire de Luffy.", ["Action", "Adventure"], "ongoing", False, None)  # fmt: skip
    assert first.cover_url == f"https://uploads.mangadex.org/covers/{manga}/e2e8c1bd.jpg.256.jpg"
    assert (second.name, second.is_complete, second.total_count, second.cover_url) == ("Yotsuba to!", True, 15, "")
    assert fake.requests[0].url.params.get_list("contentRating[]") == ["safe", "suggestive", "erotica"]
    volumes = await c.provider.series_volumes(c, manga)
    assert [(v.position, v.release_date) for v in volumes] == [(1.0, "2018-01-15"), (2.0, "2018-06-01"), (10.5, "")]
    fake.on("GET", f"{MD}/manga", status=503, json_body={"result": "error"})
    fake.routes[("GET", f"{MD}/manga")].pop(0)
    with pytest.raises(ProviderError, match="mangadex returned status 503"):
        await c.provider.search_series(c, "x")


# --- the shared HTTP client under the providers ------------------------------------------------------------


async def test_timeout_is_an_error_after_retries(fake, call, sleeps):
    fake.on("GET", f"{OL}/search.json", error=httpx.ReadTimeout)
    c = call("open_library")
    with pytest.raises(ProviderError, match="did not answer"):
        await c.provider.search_books(c, "dune")
    assert len(fake.requests) == 3 and len(sleeps) == 2  # the first try and two retries, with backoff


async def test_rate_limit_honours_retry_after(fake, call, sleeps):
    fake.on("GET", f"{OL}/search.json", status=429, headers={"retry-after": "7"}, once=True)
    fake.on("GET", f"{OL}/search.json", recorded="open_library_search")
    c = call("open_library")
    assert len(await c.provider.search_books(c, "dune")) == 2
    assert sleeps == [7.0]


async def test_server_error_then_success(fake, call, sleeps):
    fake.on("POST", HC, status=502, text="bad gateway", once=True)
    fake.on("POST", HC, recorded="hardcover_edition")
    c = call("hardcover")
    assert (await c.provider.lookup_isbn(c, ISBN)).title == "Harry Potter and the Sorcerer's Stone"
    assert len(fake.requests) == 2 and len(sleeps) == 1


async def test_base_url_is_used(fake, call):
    fake.on("GET", "http://mirror.local/ol/search.json", recorded="open_library_search")
    c = call("open_library", base_url="http://mirror.local/ol/")
    assert len(await c.provider.search_books(c, "dune")) == 2
    assert str(fake.requests[0].url).startswith("http://mirror.local/ol/search.json?")


# every remote provider, the same failure modes through its own request path
PRIMARY = [
    ("open_library", "GET", f"{OL}/search.json", "search_books", "open_library_search"),
    ("google_books", "GET", f"{GB}/volumes", "lookup_isbn", "google_books_isbn"),
    ("isbndb", "GET", f"https://api2.isbndb.com/book/{ISBN}", "lookup_isbn", "isbndb_book"),
    ("hardcover", "POST", HC, "lookup_isbn", "hardcover_edition"),
    ("mangadex", "GET", f"{MD}/manga", "search_series", "mangadex_search"),
]


async def _ask(c: Call, operation: str):
    argument = ISBN if operation == "lookup_isbn" else "dune"
    return await getattr(c.provider, operation)(c, argument)


@pytest.mark.parametrize(("name", "method", "url", "operation", "recorded"), PRIMARY)
async def test_malformed_body(fake, call, name, method, url, operation, recorded):
    fake.on(method, url, text="<html>maintenance</html>", headers={"content-type": "text/html"})
    with pytest.raises(ProviderError, match="malformed response"):
        await _ask(call(name), operation)


@pytest.mark.parametrize(("name", "method", "url", "operation", "recorded"), PRIMARY)
async def test_timeout_then_answer(fake, call, sleeps, name, method, url, operation, recorded):
    fake.on(method, url, error=httpx.ConnectTimeout, once=True)
    fake.on(method, url, recorded=recorded)
    assert await _ask(call(name), operation)
    assert len(sleeps) == 1


@pytest.mark.parametrize(("name", "method", "url", "operation", "recorded"), PRIMARY)
async def test_rate_limited_then_answer(fake, call, sleeps, name, method, url, operation, recorded):
    fake.on(method, url, status=429, headers={"retry-after": "3"}, once=True)
    fake.on(method, url, status=503, once=True)
    fake.on(method, url, recorded=recorded)
    assert await _ask(call(name), operation)
    assert sleeps[0] == 3.0 and len(sleeps) == 2


@pytest.mark.parametrize(("name", "method", "url", "operation", "recorded"), PRIMARY)
async def test_still_failing_after_retries(fake, call, name, method, url, operation, recorded):
    fake.on(method, url, status=503, text="unavailable")
    with pytest.raises(ProviderError, match="503"):
        await _ask(call(name), operation)
    assert len(fake.requests) == 3


async def test_open_library_asks_for_the_edition_only_when_the_record_has_gaps(fake, call):
    record = recording("open_library_books_data")
    record[f"ISBN:{ISBN}"]["notes"] = "A boy wizard."
    fake.on("GET", f"{OL}/api/books", json_body=record)
    c = call("open_library")
    assert (await c.provider.lookup_isbn(c, ISBN)).description == "A boy wizard."
    assert [r.url.path for r in fake.requests] == ["/api/books"]
