"""The catalogue of a 10,000-book library: a reader pages through every feed with the `next` links and finds
each book with a file exactly once, in order, and never one without; search pages the same way."""

from __future__ import annotations

import base64
import uuid

import feedparser

from tests.fixtures import factories

WORDS = ("amber", "birch", "cedar", "dune", "elm", "fir", "gale", "heath", "iris", "juniper")


async def walk(api, path, auth):
    """Every entry title of a paged feed, following `next` links; and the first page's totalResults."""
    titles, total, pages = [], None, 0
    while path:
        r = await api.client.get(path, headers=auth)
        assert r.status_code == 200, (path, r.text)
        parsed = feedparser.parse(r.content)
        assert not parsed.bozo and len(parsed.entries) <= 50
        total = parsed.feed.get("opensearch_totalresults", total) if total is None else total
        titles += [e.title for e in parsed.entries]
        nxt = [link.href for link in parsed.feed.links if link.rel == "next"]
        path, pages = (nxt[0] if nxt else None), pages + 1
    return titles, total, pages


async def test_paging_and_search_over_ten_thousand_books(api):
    owner = await api.user("owner")
    built = await factories.library_of_ebooks(
        api.app.state.db, uuid.UUID(str(owner.id)), 10_000, "Volume {n:05d} " + "{n}", every_nth_bare=10
    )
    secret = (await api.post("/auth/me/app-passwords", owner, json={"name": "r"})).json()["data"]["password"]
    auth = {"Authorization": "Basic " + base64.b64encode(f"owner:{secret}".encode()).decode()}
    lib = f"/opds/libraries/{built.library_id}"
    expected = [f"Volume {n:05d} {n}" for n in range(1, 10_001) if n % 10]
    titles, _, pages = await walk(api, f"{lib}/all", auth)
    assert (len(titles), pages) == (9_000, 180)
    assert titles == expected  # every book with a file once, by title; none without
    recent, _, _ = await walk(api, f"{lib}/recent?page=175", auth)  # a deep page, then to the end
    assert len(recent) == 9_000 - 174 * 50 and len(set(recent)) == len(recent)
    # a broad search is not counted (a reader pages with `next`); a page that ends it knows its total
    first = feedparser.parse((await api.client.get(f"{lib}/search?q=volume", headers=auth)).content)
    assert ("opensearch_totalresults" not in first.feed, len(first.entries)) == (True, 50)
    last = feedparser.parse((await api.client.get(f"{lib}/search?q=volume&page=180", headers=auth)).content)
    assert (last.feed.opensearch_totalresults, len(last.entries)) == ("9000", 50)
    found, _, pages = await walk(api, f"{lib}/search?q=volume&page=178", auth)  # the last pages of a broad one
    assert (found, pages) == (expected[-150:], 3)
    found, total, _ = await walk(api, f"{lib}/search?q=%22Volume%2000123%22", auth)
    assert (found, total) == (["Volume 00123 123"], "1")
