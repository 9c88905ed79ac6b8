"""The OPDS 2.0 (JSON) catalogue under /opds/v2: every feed validated by a Readium/OPDS 2 parser
(palace-webpub-manifest-parser: the JSON schema and the semantic rules), the same feeds and books as the Atom
catalogue, paging, templated search, a crawler following every link, and the app password in the path."""

from __future__ import annotations

import json

from webpub_manifest_parser.opds2 import OPDS2FeedParserFactory

from tests.fixtures.media import epub
from tests.fixtures.opds import crawl, opds2_links
from tests.opds.test_catalogue import shelf  # noqa: F401 (the fixture)

FEED = "application/opds+json"


async def read(api, path, auth):
    r = await api.client.get(path, headers=auth)
    assert r.status_code == 200, (path, r.text)
    assert r.headers["content-type"].startswith(FEED)
    document = r.json()
    result = OPDS2FeedParserFactory().create().parse_json(document)
    assert result.errors == [], (path, [str(e) for e in result.errors])
    return document


def link(document, rel):
    return [entry for entry in document["links"] if rel in ([entry["rel"]] if isinstance(entry["rel"], str)
                                                          else entry["rel"])]  # fmt: skip


async def test_a_reader_browses_searches_and_downloads_in_opds2(shelf):  # noqa: F811
    api, owner, library, hail, auth = shelf
    root = await read(api, "/opds/v2", auth)
    assert [n["title"] for n in root["navigation"]] == ["Home"]
    home = await read(api, root["navigation"][0]["href"], auth)
    assert [n["title"] for n in home["navigation"]][:2] == ["Recently added", "All books"]
    [search] = link(home, "search")
    assert search["templated"] is True and search["href"].endswith("/search{?q}")

    everything = await read(api, f"/opds/v2/libraries/{library['id']}/all", auth)
    assert len(everything["publications"]) == 50 and link(everything, "next")
    second = await read(api, link(everything, "next")[0]["href"], auth)
    books = [*everything["publications"], *second["publications"]]
    assert len(books) == 60  # 59 paper books with a file and Hail Mary: the one without a file is left out
    book = next(p for p in books if p["metadata"]["title"] == "Project Hail Mary")
    meta = book["metadata"]
    assert meta["author"] == [{"name": "Andy Weir"}] and meta["description"] == "A lone astronaut."
    assert meta["belongsTo"] == {"series": [{"name": "Standalones", "position": 1.0}]}
    assert (meta["language"], meta["publisher"]) == ("en", "Ballantine")
    [acquire] = [x for x in book["links"] if x["rel"] == "http://opds-spec.org/acquisition"]
    assert acquire["type"] == "application/epub+zip" and acquire["href"].startswith("http://testserver/opds/v2/")
    r = await api.client.get(acquire["href"], headers=auth)
    assert r.status_code == 200 and r.content == epub()
    assert {image["type"] for image in book["images"]} == {"image/jpeg"} and len(book["images"]) == 2

    found = await read(api, search["href"].replace("{?q}", "?q=hail"), auth)
    assert [p["metadata"]["title"] for p in found["publications"]] == ["Project Hail Mary"]
    assert found["metadata"]["numberOfItems"] == 1
    authors = await read(api, f"/opds/v2/libraries/{library['id']}/authors", auth)
    assert [n["title"] for n in authors["navigation"]] == ["Andy Weir"]
    by_weir = await read(api, authors["navigation"][0]["href"], auth)
    assert [p["metadata"]["title"] for p in by_weir["publications"]] == ["Project Hail Mary"]
    empty = await read(api, f"/opds/v2/libraries/{library['id']}/reading", auth)
    assert empty["publications"] == []


async def test_every_opds2_link_resolves_also_with_the_password_in_the_path(shelf):  # noqa: F811
    api, owner, library, _, auth = shelf
    secret = (await api.post("/auth/me/app-passwords", owner, json={"name": "json"})).json()["data"]["password"]
    for start, headers in (("/opds/v2", auth), (f"/opds/t/{secret}/v2", {})):
        assert len(await crawl(api, start, headers, opds2_links)) > 10


async def test_opds2_keeps_other_libraries_out(shelf):  # noqa: F811
    api, owner, library, _, _ = shelf
    other = await api.user("other")
    secret = (await api.post("/auth/me/app-passwords", other, json={"name": "x"})).json()["data"]["password"]
    r = await api.client.get(f"/opds/t/{secret}/v2/libraries/{library['id']}/all")
    assert (r.status_code, r.json()) == (404, {"error": "library not found"})
    assert (await api.client.get("/opds/v2")).status_code == 401
    assert json.loads((await api.client.get(f"/opds/t/{secret}/v2")).content)["navigation"] == []
