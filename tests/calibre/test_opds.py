"""The Calibre library's catalogue at /opds/calibre (a library calibredb wrote): the feeds read by an Atom parser
and, under /opds/v2/calibre, by an OPDS 2 parser; calibre's search language; downloads of Calibre's own files,
covers and thumbnails; the Calibre API's access rule (an instance admin's app password)."""

from __future__ import annotations

import base64
from pathlib import Path

import feedparser
import pytest

from tests.fixtures import calibre as ref
from tests.fixtures.opds import crawl, opds2_links

pytestmark = pytest.mark.skipif(ref.CALIBREDB is None, reason="calibredb is not installed")


@pytest.fixture(scope="module")
def calibre_library(tmp_path_factory):
    return ref.build(tmp_path_factory.mktemp("calibre"))


@pytest.fixture
def settings_overrides(calibre_library):
    return {"calibre_library": calibre_library}


def basic(username, secret):
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{secret}".encode()).decode()}


async def reader(api, user, name):
    secret = (await api.post("/auth/me/app-passwords", user, json={"name": "r"})).json()["data"]["password"]
    return basic(name, secret), secret


async def atom(api, path, auth):
    r = await api.client.get(path, headers=auth)
    assert r.status_code == 200, (path, r.text)
    parsed = feedparser.parse(r.content)
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


def content_of(path: str) -> bytes:
    return Path(path).read_bytes()


def titles(parsed):
    return [e.title for e in parsed.entries]


async def test_the_calibre_catalogue(api, calibre_library):
    admin = await api.admin()
    auth, _ = await reader(api, admin, "admin")
    home = await atom(api, "/opds/calibre", auth)
    assert titles(home) == ["Newest", "All books", "Authors", "Series", "Tags"]
    # only books with a file: the Hobbit, War and Peace and Stormy Night (the others are metadata only)
    everything = await atom(api, "/opds/calibre/all", auth)
    assert titles(everything) == ["The Hobbit, or There and Back Again", "Stormy Night", "Война и мир"]
    hobbit = everything.entries[0]
    assert hobbit.author == "J. R. R. Tolkien" and hobbit.summary.startswith("Series: Middle-earth #1")
    assert {t.term for t in hobbit.tags} == {"Fantasy", "Classic"} and hobbit.get("dcterms_language") == "eng"
    newest = await atom(api, "/opds/calibre/newest", auth)
    assert titles(newest)[0] == "Stormy Night"
    authors = await atom(api, "/opds/calibre/authors", auth)
    assert titles(authors) == ["Edward Bulwer-Lytton", "J. R. R. Tolkien", "Лев Толстой"]  # by author sort
    by_tolkien = await atom(api, authors.entries[1].links[0].href, auth)
    assert titles(by_tolkien) == ["The Hobbit, or There and Back Again"]
    series = await atom(api, "/opds/calibre/series", auth)
    assert [(e.title, e.summary) for e in series.entries] == [("Middle-earth", "1 book")]
    tags = await atom(api, "/opds/calibre/tags", auth)
    assert titles(tags) == ["Classic", "Fantasy"]
    found = await atom(api, "/opds/calibre/search?q=title:night or authors:tolkien", auth)
    assert sorted(titles(found)) == ["Stormy Night", "The Hobbit, or There and Back Again"]
    r = await api.client.get("/opds/calibre/search", params={"q": "title:(unbalanced"}, headers=auth)
    assert r.status_code == 400 and r.json()["error"].startswith("invalid search")

    storm = next(e for e in everything.entries if e.title == "Stormy Night")
    acquire = {link.type: link.href for link in storm.links if link.rel == "http://opds-spec.org/acquisition"}
    r = await api.client.get(acquire["application/epub+zip"], headers=auth)
    record = next(b for b in ref.listing(calibre_library) if b["title"] == "Stormy Night")
    epub = next(f for f in record["formats"] if f.endswith(".epub"))
    assert r.status_code == 200 and r.content == content_of(epub)
    assert 'filename="Stormy Night - Edward Bulwer-Lytton.epub"' in r.headers["content-disposition"]
    images = {link.rel: link.href for link in storm.links if "image" in link.rel}
    thumb = await api.client.get(images["http://opds-spec.org/image/thumbnail"], headers=auth)
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    assert (await api.client.get(images["http://opds-spec.org/image"], headers=auth)).status_code == 200
    assert (await api.client.get("/opds/calibre/books/999/epub", headers=auth)).status_code == 404


async def test_every_link_resolves_in_both_formats(api):
    admin = await api.admin()
    auth, secret = await reader(api, admin, "admin")
    for start, headers in (("/opds/calibre", auth), (f"/opds/t/{secret}/calibre", {})):
        assert len(await crawl(api, start, headers)) > 10
    assert len(await crawl(api, "/opds/v2/calibre", auth, opds2_links)) > 10  # every feed validated on the way


async def test_access_follows_the_calibre_apis_rule(api):
    user = await api.user("reader")
    auth, _ = await reader(api, user, "reader")
    r = await api.client.get("/opds/calibre", headers=auth)
    assert (r.status_code, r.json()) == (403, {"error": "instance admin access required"})
    r = await api.client.get("/opds/calibre")
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Basic")
    assert (await api.client.get("/opds/calibre", headers=basic("admin", "wrong"))).status_code == 401
