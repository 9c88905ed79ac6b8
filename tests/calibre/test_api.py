"""The calibre-rest API served natively, checked against calibredb on a library calibredb wrote."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from librarium.calibre.library import Library
from librarium.calibre.search import SearchError, search
from tests.fixtures import calibre as ref

pytestmark = pytest.mark.skipif(ref.CALIBREDB is None, reason="calibredb is not installed")


@pytest.fixture(scope="module")
def calibre_library(tmp_path_factory):
    return ref.build(tmp_path_factory.mktemp("calibre"))


@pytest.fixture
def settings_overrides(request, calibre_library, engine):
    return {"calibre_library": calibre_library, "calibre_engine": engine} | getattr(request, "param", {})


def _expected(book: dict) -> dict:
    """calibre-rest's book object: calibredb's fields with its defaults, custom columns left out."""
    defaults = {"author_sort": "", "authors": "Unknown", "comments": "", "cover": "", "formats": [],
                "identifiers": {}, "isbn": "", "languages": [], "publisher": "", "rating": 0, "series": "",
                "series_index": 1.0, "size": 0, "tags": [], "title": "Unknown", "uuid": ""}  # fmt: skip
    return defaults | {k: v for k, v in book.items() if not k.startswith("*")}


async def test_every_book_reads_as_calibredb_lists_it(api, calibre_library):
    admin = await api.admin()
    expected = ref.listing(calibre_library)
    assert len(expected) == 8
    for book in expected:
        r = await api.get(f"/calibre/books/{book['id']}", admin)
        assert r.status_code == 200, r.text
        ours = r.json()["books"]
        want = _expected(book)
        assert {k: ours[k] for k in want} == want, book["title"]
        assert set(ours) == set(want)  # exactly calibre-rest's 21 keys, no "*mytags"


SEARCHES = [
    "hobbit", "title:hobbit", "title:=hobbit", 'title:"=The Hobbit, or There and Back Again"', "title:~^the",
    'title:"~night$"', "title:night or title:cities", "title:night and authors:edward", "not title:night",
    "tags:classic and not tags:history", "(tags:fantasy or tags:history) and not title:hobbit", "tags:=Classic",
    "tags:clas", "tags:true", "tags:false", "tags:#>=2", "tags:=.fiction", "tags:=..fantasy",
    "authors:tolkien", 'author:"j. r. r."', "authors:jrr", 'authors:"=Victor Hugo"', "authors:=Victor Hugo",
    "author_sort:tolkien", "series:middle", "series:true", "series_index:>1", "rating:3", "rating:>2",
    "rating:false", "publisher:chapman", "comments:\"best of\"", "identifiers:goodreads:5907", "identifiers:isbn:",
    "isbn:9780261103283", "identifiers:false", "formats:epub", "formats:=txt", "formats:false", "formats:#>=2",
    "cover:true", "cover:false", "id:>5", "id:<=2", "pubdate:1859", "pubdate:<1900", "pubdate:true", "date:today",
    "languages:english", "languages:fra", "size:<1k", "size:>1k", "miserables", "война", "storm", "title:stor",
    "uuid:true", "last_modified:thismonth", "and", "Liev",
    "#mytags:x", "#mytags:=y", "#mytags:true", "#myint:42", "#myint:>5", "#myint:false", "#mybool:true",
    "#mybool:false", "#mydate:2020", "#mydate:<2021-01-01", "identifiers:a", "identifiers:5907",
]  # fmt: skip


# The calibredb engine hands the search to calibredb itself, so comparing it with calibredb on every query would
# only compare calibredb with itself: it gets a few queries of each kind, the native engine all of them.
ENGINE_SEARCHES = [("native", q) for q in SEARCHES] + [
    ("calibredb", q) for q in ("title:hobbit", "tags:=Classic", "rating:>3", "#myint:>5", 'title:"~night$"')
]


@pytest.mark.parametrize(("engine", "query"), ENGINE_SEARCHES)
async def test_search_matches_calibredb(api, calibre_library, query):
    admin = await api.admin()
    want = sorted(b["id"] for b in ref.listing(calibre_library, query))
    r = await api.get("/calibre/books", admin, params={"search": query, "limit": 100})
    got = [] if r.status_code == 204 else sorted(b["id"] for b in r.json()["books"])
    assert got == want, query


@pytest.mark.parametrize(
    ("query", "message"),
    [("title:(unbalanced", "missing )"), ("title:~[", "Invalid regular expression"),
     ("title:night or", "Invalid syntax. Expected a lookup name or a word")],
)  # fmt: skip
async def test_bad_searches_are_400(api, query, message):
    admin = await api.admin()
    r = await api.get("/calibre/books", admin, params={"search": query})
    assert r.status_code == 400 and message in r.json()["error"]


def _calibredb_order(library, sort_by, ascending):
    import json

    args = ["list", "--for-machine", "--fields=title", f"--sort-by={sort_by}"] + (["--ascending"] if ascending else [])
    return [b["title"] for b in json.loads(ref.calibredb(library, *args))]


async def test_paging_metadata_and_sorting(api, calibre_library):
    admin = await api.admin()
    r = await api.get("/calibre/books", admin)
    data = r.json()
    assert data["metadata"] == {"start": 1, "limit": 20, "count": 8, "self": "/books?start=1&limit=20", "prev": "",
                                "next": ""}  # fmt: skip
    r = await api.get("/calibre/books?start=2&limit=2", admin)
    meta = r.json()["metadata"]
    assert (meta["self"], meta["prev"], meta["next"]) == ("/books?start=2&limit=2", "/books?start=1&limit=2",
                                                         "/books?start=4&limit=2")  # fmt: skip
    assert [b["id"] for b in r.json()["books"]] == [2, 3]
    r = await api.get("/calibre/books?sort=title", admin)
    assert [b["title"] for b in r.json()["books"]] == _calibredb_order(calibre_library, "title", True)
    r = await api.get("/calibre/books?limit=20&sort=-title&sort=id&sort=bogus", admin)
    assert [b["title"] for b in r.json()["books"]] == _calibredb_order(calibre_library, "title,id", False)
    assert r.json()["metadata"]["self"] == "/books?start=1&limit=20&sort=-title&sort=id&sort=bogus"
    r = await api.get("/calibre/books", admin, params={"search": "title:stormy night", "limit": 1})
    assert r.json()["metadata"]["self"] == "/books?start=1&limit=1&search=title%3Astormy+night"
    # quoted phrases survive (calibre-rest's shlex split cut them down to the first word)
    r = await api.get("/calibre/books", admin, params={"search": 'title:"stormy night"'})
    assert [b["id"] for b in r.json()["books"]] == [6]


async def test_errors(api):
    admin = await api.admin()
    r = await api.get("/calibre/books/0", admin)
    assert (r.status_code, r.json()) == (400, {"error": "Value id=0 cannot be <= 0"})
    r = await api.get("/calibre/books/999", admin)
    assert (r.status_code, r.json()) == (404, {"error": "404 Not Found: book 999 does not exist"})
    r = await api.get("/calibre/books/abc", admin)
    assert r.status_code == 404 and r.json()["error"].startswith("404 Not Found: The requested URL was not found")
    r = await api.get("/calibre/books?start=abc", admin)
    assert (r.status_code, r.json()) == (
        400,
        {"error": "400 Bad Request: invalid literal for int() with base 10: 'abc'"},
    )
    r = await api.get("/calibre/books?start=9", admin)
    assert (r.status_code, r.json()) == (400, {"error": "400 Bad Request: start 9 is larger than number of books (8)"})
    r = await api.get("/calibre/books?search=title:nothing-like-this", admin)
    assert r.status_code == 204 and r.content == b""
    r = await api.get("/calibre/health", admin)
    assert r.status_code == 200 and set(r.json()) == {"calibre_rest_version", "calibre_version"}


async def test_requires_an_instance_admin(api):
    user = await api.user()
    r = await api.get("/calibre/books/1")
    assert (r.status_code, r.json()) == (401, {"error": "401 Unauthorized: missing or invalid authorization header"})
    r = await api.get("/calibre/books/1", user)
    assert (r.status_code, r.json()) == (403, {"error": "403 Forbidden: instance admin access required"})


@pytest.mark.parametrize("settings_overrides", [{"calibre_auth": "none"}], indirect=True)
async def test_auth_none_opens_it(api, calibre_library):
    r = await api.get("/calibre/books/1")
    assert r.status_code == 200


def test_auth_none_refused_off_loopback(calibre_library, tmp_path):
    from librarium.app import create_app
    from tests.conftest import make_settings

    settings = make_settings(tmp_path, "sqlite:///" + str(tmp_path / "x.db"), calibre_library=calibre_library,
                             calibre_auth="none", host="0.0.0.0")  # fmt: skip
    with pytest.raises(SystemExit):
        create_app(settings, migrate_on_start=False)


# --- generated queries: same ids as calibredb, or an error where calibredb errs too -----------------


_FIELDS = ["title", "authors", "tags", "series", "publisher", "comments", "languages", "formats", "identifiers"]
_WORDS = ["storm", "night", "hobbit", "classic", "fantasy", "middle", "eng", "txt", "isbn", "tolkien", "the", "a"]
_term = st.one_of(
    st.builds(
        lambda f, p, w: f"{f}:{p}{w}",
        st.sampled_from(_FIELDS),
        st.sampled_from(["", "=", "~"]),
        st.sampled_from(_WORDS),
    ),  # fmt: skip
    st.builds(
        lambda f, b: f"{f}:{b}",
        st.sampled_from(_FIELDS + ["cover", "rating", "pubdate"]),
        st.sampled_from(["true", "false"]),
    ),  # fmt: skip
    st.builds(
        lambda f, o, n: f"{f}:{o}{n}",
        st.sampled_from(["id", "rating", "size", "series_index"]),
        st.sampled_from(["", ">", "<", ">=", "<=", "!="]),
        st.integers(0, 12),
    ),  # fmt: skip
    st.sampled_from(_WORDS),
)
_query = st.recursive(
    _term,
    lambda inner: st.one_of(
        st.builds(lambda a, b: f"{a} and {b}", inner, inner),
        st.builds(lambda a, b: f"{a} or {b}", inner, inner),
        st.builds(lambda a: f"not {a}", inner),
        st.builds(lambda a: f"({a})", inner),
        st.builds(lambda a, b: f"{a} {b}", inner, inner),
    ),
    max_leaves=4,
)


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=_query)
def test_generated_queries_match_calibredb(calibre_library, query):
    library = Library(calibre_library)
    try:
        want = sorted(b["id"] for b in ref.listing(calibre_library, query))
    except RuntimeError:
        with pytest.raises(SearchError):
            search(library.records(), query, library.custom_types)
        return
    assert sorted(search(library.records(), query, library.custom_types)) == want, query


def test_second_listener_serves_the_calibre_api_at_its_root(calibre_library, tmp_path):
    """`LIBRARIUM_CALIBRE_LISTEN` makes `librarium serve` a drop-in replacement for calibre-rest."""
    import os
    import socket
    import subprocess
    import sys
    import time
    from pathlib import Path

    import httpx

    def free_port():
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    main_port, calibre_port = free_port(), free_port()
    env = os.environ | {
        "LIBRARIUM_DATA_DIR": str(tmp_path / "data"),
        "LIBRARIUM_ARGON2_MEMORY_KIB": "1024",
        "LIBRARIUM_CALIBRE_LIBRARY": str(calibre_library),
        "LIBRARIUM_CALIBRE_AUTH": "none",
        "LIBRARIUM_CALIBRE_LISTEN": f"127.0.0.1:{calibre_port}",
        "LIBRARIUM_LOG_LEVEL": "warning",
    }
    env.pop("LIBRARIUM_DATABASE_URL", None)
    binary = Path(sys.executable).with_name("librarium")
    log = open(tmp_path / "server.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen([str(binary), "serve", "--port", str(main_port)], env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 60
        # both listeners: the main one opens after its start-up (migrations, the job worker)
        waiting = [f"http://127.0.0.1:{calibre_port}/health", f"http://127.0.0.1:{main_port}/health"]
        while waiting and time.monotonic() < deadline and proc.poll() is None:
            try:
                if httpx.get(waiting[0], timeout=1).status_code == 200:
                    waiting.pop(0)
            except httpx.TransportError:
                time.sleep(0.2)
        output = (tmp_path / "server.log").read_text(errors="replace")
        assert proc.poll() is None, output
        r = httpx.get(f"http://127.0.0.1:{calibre_port}/books/1", timeout=10)
        assert r.status_code == 200 and r.json()["books"]["id"] == 1, output
        r = httpx.get(f"http://127.0.0.1:{calibre_port}/books?limit=1", timeout=10)
        assert r.json()["metadata"]["next"] == "/books?start=2&limit=1"
        assert httpx.get(f"http://127.0.0.1:{main_port}/calibre/books/1", timeout=10).status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        log.close()
