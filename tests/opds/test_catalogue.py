"""The OPDS 1.2 catalogue as a reading app sees it: app passwords over HTTP Basic, every feed read by an Atom
parser (feedparser) and checked against the OPDS catalogue rules, a crawler following every link, paging,
search, downloads with byte ranges and names, covers and thumbnails, and libraries a reader may not see."""

from __future__ import annotations

import base64
import logging
import uuid

import feedparser
import pytest

from librarium.logs import RedactSecrets
from tests.fixtures import factories
from tests.fixtures.media import epub, png
from tests.fixtures.opds import crawl


def basic(username: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{secret}".encode()).decode()}


async def app_password(api, user, name="KOReader"):
    r = await api.post("/auth/me/app-passwords", user, json={"name": name})
    assert r.status_code == 201, r.text
    return r.json()["data"]


@pytest.fixture
async def shelf(api):
    owner = await api.user("owner")
    library = await api.library(owner, "Home")
    weir = await api.contributor(owner, "Andy Weir")
    lib = f"/libraries/{library['id']}"
    hail = await api.book(library, owner, "Project Hail Mary", description="A lone astronaut.",
                          contributors=[{"contributor_id": weir, "role": "author"}],
                          edition={"format": "ebook", "language": "en", "publisher": "Ballantine"})  # fmt: skip
    editions = (await api.get(f"{lib}/books/{hail['id']}/editions", owner)).json()["data"]
    files = f"{lib}/books/{hail['id']}/editions/{editions[0]['id']}/files"
    r = await api.post(files, owner, files={"file": ("phm.epub", epub(), "application/epub+zip")})
    assert r.status_code == 201, r.text
    r = await api.put(f"{lib}/books/{hail['id']}/cover", owner, files={"cover": ("c.png", png((60, 90)), "image/png")})
    assert r.status_code == 204, r.text
    shelf = (await api.post(f"{lib}/shelves", owner, json={"name": "To read"})).json()["data"]
    await api.post(f"{lib}/shelves/{shelf['id']}/books", owner, json={"book_id": hail["id"]})
    tag = await api.tag(library, owner, "sci-fi")
    r = await api.put(f"{lib}/books/{hail['id']}", owner, json={
        "title": "Project Hail Mary", "media_type_id": hail["media_type_id"], "description": "A lone astronaut.",
        "contributors": [{"contributor_id": weir, "role": "author"}], "tag_ids": [tag]})  # fmt: skip
    assert r.status_code == 200, r.text
    series = (await api.post(f"{lib}/series", owner, json={"name": "Standalones"})).json()["data"]
    await api.post(f"{lib}/series/{series['id']}/books", owner, json={"book_id": hail["id"], "position": 1})
    # 60 more ebooks (made in bulk: this fixture serves two dozen tests); one stays without a file, so it is
    # not in the catalogue
    titles = [f"Paper Book {n:02d}" for n in range(60)]
    state = api.app.state
    await factories.ebooks(state.db, state.settings, uuid.UUID(library["id"]), uuid.UUID(owner.id), titles, epub(),
                           bare=1)  # fmt: skip
    secret = (await app_password(api, owner))["password"]
    return api, owner, library, hail, basic("owner", secret)


async def feed(api, path, auth):
    r = await api.client.get(path, headers=auth)
    assert r.status_code == 200, (path, r.text)
    assert r.headers["content-type"].startswith("application/atom+xml;profile=opds-catalog")
    parsed = feedparser.parse(r.content)
    assert not parsed.bozo, (path, parsed.bozo_exception)
    return r, parsed


def links(parsed, rel=None):
    return [link for link in parsed.feed.links if rel is None or link.rel == rel]


async def test_a_reader_browses_searches_and_downloads(shelf):
    api, owner, library, hail, auth = shelf
    r, root = await feed(api, "/opds", auth)
    assert "kind=navigation" in r.headers["content-type"]
    assert [e.title for e in root.entries] == ["Home"]
    home_path = root.entries[0].links[0].href
    _, home = await feed(api, home_path, auth)
    assert [e.title for e in home.entries] == [
        "Recently added", "All books", "Authors", "Series", "Shelves", "Tags", "Currently reading",
        "Want to read"]  # fmt: skip
    assert links(home, "search")[0].type == "application/opensearchdescription+xml"

    _, everything = await feed(api, f"/opds/libraries/{library['id']}/all", auth)
    assert len(everything.entries) == 50  # no count of the whole library: the next link says there is more
    assert {link.rel for link in links(everything)} >= {"self", "first", "next", "start", "up"}
    _, second = await feed(api, links(everything, "next")[0].href, auth)
    assert len(second.entries) == 10 and links(second, "previous") and not links(second, "next")
    assert "Paper Book 59" not in [e.title for e in [*everything.entries, *second.entries]]
    book = next(e for e in [*everything.entries, *second.entries] if e.title == "Project Hail Mary")
    assert book.author == "Andy Weir" and book.summary.startswith("Series: Standalones #1")
    assert book.get("dcterms_language") == "en" and book.get("dcterms_publisher") == "Ballantine"
    acquire = [link for link in book.links if link.rel == "http://opds-spec.org/acquisition"]
    assert [(a.type, int(a.length)) for a in acquire] == [("application/epub+zip", len(epub()))]
    for entry in [*everything.entries, *second.entries]:  # every entry offers a file (OPDS 1.2)
        assert [link for link in entry.links if link.rel == "http://opds-spec.org/acquisition"], entry.title

    r = await api.client.get(acquire[0].href, headers=auth)
    assert r.status_code == 200 and r.content == epub(), (acquire[0].href, r.text)
    assert 'filename="Project Hail Mary - Andy Weir.epub"' in r.headers["content-disposition"]
    r = await api.client.get(acquire[0].href, headers=auth | {"Range": "bytes=0-9"})
    assert r.status_code == 206 and r.content == epub()[:10]

    images = {link.rel: link.href for link in book.links if "image" in link.rel}
    thumb = await api.client.get(images["http://opds-spec.org/image/thumbnail"], headers=auth)
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    again = await api.client.get(images["http://opds-spec.org/image/thumbnail"], headers=auth)
    assert again.content == thumb.content  # made once, served from disk
    assert (await api.client.get(images["http://opds-spec.org/image"], headers=auth)).status_code == 200

    description = await api.client.get(links(home, "search")[0].href, headers=auth)
    assert "{searchTerms}" in description.text
    _, found = await feed(api, f"/opds/libraries/{library['id']}/search?q=hail", auth)
    assert [e.title for e in found.entries] == ["Project Hail Mary"] and found.feed.opensearch_totalresults == "1"
    _, found = await feed(api, f"/opds/libraries/{library['id']}/search?q=paper", auth)
    assert "opensearch_totalresults" not in found.feed and len(found.entries) == 50 and links(found, "next")
    _, rest = await feed(api, f"/opds/libraries/{library['id']}/search?q=paper&page=2", auth)
    assert rest.feed.opensearch_totalresults == "59" and len(rest.entries) == 9 and not links(rest, "next")
    _, found = await feed(api, f"/opds/libraries/{library['id']}/search?q=contributor:%22Andy%20Weir%22", auth)
    assert [e.title for e in found.entries] == ["Project Hail Mary"]

    _, people = await feed(api, f"/opds/libraries/{library['id']}/authors", auth)
    assert [(e.title, e.summary) for e in people.entries] == [("Andy Weir", "1 book")]
    _, by_weir = await feed(api, people.entries[0].links[0].href, auth)
    assert [e.title for e in by_weir.entries] == ["Project Hail Mary"]
    _, all_series = await feed(api, f"/opds/libraries/{library['id']}/series", auth)
    _, in_series = await feed(api, all_series.entries[0].links[0].href, auth)
    assert [e.title for e in in_series.entries] == ["Project Hail Mary"]
    _, shelves = await feed(api, f"/opds/libraries/{library['id']}/shelves", auth)
    assert [(e.title, e.summary) for e in shelves.entries] == [("To read", "1 book")]  # "Favourites" is empty
    _, on_shelf = await feed(api, shelves.entries[0].links[0].href, auth)
    assert [e.title for e in on_shelf.entries] == ["Project Hail Mary"]
    _, tagged = await feed(api, f"/opds/libraries/{library['id']}/tags", auth)
    _, sci_fi = await feed(api, tagged.entries[0].links[0].href, auth)
    assert tagged.entries[0].title == "sci-fi" and [e.title for e in sci_fi.entries] == ["Project Hail Mary"]


async def test_reading_and_want_to_read_follow_the_readers_own_records(shelf):
    api, owner, library, _, auth = shelf
    lib = f"/libraries/{library['id']}"
    books = (await api.get(f"{lib}/books?q=paper&per_page=5&sort=title", owner)).json()["data"]["items"]

    async def mark(book, user, status):
        edition = (await api.get(f"{lib}/books/{book['id']}/editions", owner)).json()["data"][0]
        path = f"{lib}/books/{book['id']}/editions/{edition['id']}/my-interaction"
        assert (await api.put(path, user, json={"read_status": status})).status_code == 200

    await mark(books[0], owner, "unread")  # on the to-read list
    await mark(books[1], owner, "reading")
    await mark(books[2], owner, "read")
    member = await api.user("member")
    await api.add_member(library, owner, member, "library_viewer")
    await mark(books[3], member, "unread")  # someone else's list
    _, wanted = await feed(api, f"/opds/libraries/{library['id']}/wanted", auth)
    assert [e.title for e in wanted.entries] == [books[0]["title"]]
    _, reading = await feed(api, f"/opds/libraries/{library['id']}/reading", auth)
    assert [e.title for e in reading.entries] == [books[1]["title"]]
    theirs = basic("member", (await app_password(api, member))["password"])
    _, wanted = await feed(api, f"/opds/libraries/{library['id']}/wanted", theirs)
    assert [e.title for e in wanted.entries] == [books[3]["title"]]


async def test_next_links_continue_after_the_last_book_of_the_page(shelf):
    """`next` names the page's last book (`after`): the next page starts after it even when books were added
    or removed in front of it meanwhile; an `after` that is no longer a book of the library falls back to the
    page number, and one that is not an id is a 400."""
    api, owner, library, _, auth = shelf
    lib = f"/opds/libraries/{library['id']}"
    for kind in ("all", "recent"):
        _, first = await feed(api, f"{lib}/{kind}", auth)
        nxt = links(first, "next")[0].href
        assert f"after={first.entries[-1].id.removeprefix('urn:uuid:')}" in nxt and "page=2" in nxt
        _, by_number = await feed(api, f"{lib}/{kind}?page=2", auth)
        _, by_link = await feed(api, nxt, auth)
        assert [e.title for e in by_link.entries] == [e.title for e in by_number.entries], kind
    _, first = await feed(api, f"{lib}/all", auth)
    gone = first.entries[0].id.removeprefix("urn:uuid:")  # removed while the reader reads the first page
    assert (await api.delete(f"/libraries/{library['id']}/books/{gone}", owner)).status_code == 204
    _, second = await feed(api, links(first, "next")[0].href, auth)
    titles = [e.title for e in [*first.entries, *second.entries]]
    assert len(titles) == 60 and len(set(titles)) == 60  # nothing skipped (a page number would skip one)
    _, fallback = await feed(api, f"{lib}/all?page=2&after={gone}", auth)
    _, by_number = await feed(api, f"{lib}/all?page=2", auth)
    assert [e.title for e in fallback.entries] == [e.title for e in by_number.entries]
    other = await api.library(owner, "Other")
    stranger = await api.book(other, owner, "Aaa Stranger")  # another library's book is no anchor here
    _, fallback = await feed(api, f"{lib}/all?page=1&after={stranger['id']}", auth)
    _, by_number = await feed(api, f"{lib}/all?page=1", auth)
    assert [e.title for e in fallback.entries] == [e.title for e in by_number.entries]
    r = await api.client.get(f"{lib}/all?after=not-an-id", headers=auth)
    assert r.status_code == 400 and "error" in r.json()


async def test_every_link_resolves(shelf):
    """A crawler: every navigation, acquisition and image link of the catalogue answers 200 with its type."""
    api, _, _, _, auth = shelf
    assert len(await crawl(api, "/opds", auth)) > 10


async def test_the_app_password_in_the_path_for_readers_without_credentials(shelf):
    api, owner, library, _, auth = shelf
    secret = (await app_password(api, owner, "Old reader"))["password"]
    base = f"/opds/t/{secret}"
    assert len(await crawl(api, base, {})) > 10  # no Authorization header anywhere: every link keeps the token
    description = await api.client.get(f"{base}/libraries/{library['id']}/opensearch.xml")
    assert f'template="{base}/libraries/{library["id"]}/search?q={{searchTerms}}"' in description.text
    r = await api.client.get("/opds/t/lib_not-a-password")
    assert r.status_code == 401
    other = await api.user("other")
    theirs = (await app_password(api, other))["password"]
    r = await api.client.get(f"/opds/t/{theirs}/libraries/{library['id']}/all")
    assert (r.status_code, r.json()) == (404, {"error": "library not found"})
    assert (await api.get("/auth/me", headers={"Authorization": f"Bearer {secret}"})).status_code == 401
    [old] = [p for p in (await api.get("/auth/me/app-passwords", owner)).json()["data"] if p["name"] == "Old reader"]
    assert (await api.delete(f"/auth/me/app-passwords/{old['id']}", owner)).status_code == 204
    assert (await api.client.get(base)).status_code == 401


async def test_credentials(shelf):
    api, owner, library, _, auth = shelf
    r = await api.client.get("/opds")
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Basic realm=")
    r = await api.client.get("/opds", headers=basic("owner", "user-password"))  # the account password: no
    assert r.status_code == 401 and "www-authenticate" in r.headers
    other = await api.user("other")
    theirs = (await app_password(api, other))["password"]
    assert (await api.client.get("/opds", headers=basic("owner", theirs))).status_code == 401
    # an app password never opens the management API
    assert (await api.get("/auth/me", headers={"Authorization": auth["Authorization"]})).status_code == 401
    assert (await api.client.get("/opds", headers={"Authorization": "Basic !!!"})).status_code == 401


async def test_a_library_the_reader_cannot_read_is_neither_listed_nor_reachable(shelf):
    api, owner, library, hail, _ = shelf
    other = await api.user("other")
    await api.library(other, "Theirs")
    theirs = basic("other", (await app_password(api, other))["password"])
    _, root = await feed(api, "/opds", theirs)
    assert [e.title for e in root.entries] == ["Theirs"]
    lib = f"/opds/libraries/{library['id']}"
    for path in (lib, f"{lib}/all", f"{lib}/search?q=hail", f"{lib}/authors", f"{lib}/books/{hail['id']}/cover",
                 f"{lib}/opensearch.xml"):  # fmt: skip
        r = await api.client.get(path, headers=theirs)
        assert (r.status_code, r.json()) == (404, {"error": "library not found"}), path


async def test_app_passwords_are_listed_revoked_and_die_with_the_account(shelf):
    api, owner, library, _, auth = shelf
    listed = (await api.get("/auth/me/app-passwords", owner)).json()["data"]
    assert [(p["name"], p["hint"][:4]) for p in listed] == [("KOReader", "lib_")] and "password" not in listed[0]
    assert listed[0]["last_used_at"] is None
    await api.client.get("/opds", headers=auth)
    assert (await api.get("/auth/me/app-passwords", owner)).json()["data"][0]["last_used_at"]
    r = await api.post("/auth/me/app-passwords", owner, json={"name": " "})
    assert (r.status_code, r.json()) == (400, {"error": "name is required"})
    other = await api.user("other")
    r = await api.delete(f"/auth/me/app-passwords/{listed[0]['id']}", other)
    assert (r.status_code, r.json()) == (404, {"error": "app password not found"})
    assert (await api.delete(f"/auth/me/app-passwords/{listed[0]['id']}", owner)).status_code == 204
    assert (await api.client.get("/opds", headers=auth)).status_code == 401
    fresh = basic("owner", (await app_password(api, owner))["password"])
    assert (await api.client.get("/opds", headers=fresh)).status_code == 200
    admin = await api.admin()
    assert (await api.patch(f"/admin/users/{owner.id}", admin, json={"is_active": False})).status_code == 200
    assert (await api.client.get("/opds", headers=fresh)).status_code == 401
    assert (await api.get("/auth/me/app-passwords")).status_code == 401


def test_an_app_password_in_a_path_never_reaches_the_logs():
    path = "/opds/t/lib_s3cret-Value_x/libraries/1/all?page=2"
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d', ("10.0.0.1:5", "GET", path, "1.1", 200), None
    )
    RedactSecrets().filter(record)
    assert record.getMessage() == '10.0.0.1:5 - "GET /opds/t/…/libraries/1/all?page=2 HTTP/1.1" 200'
