"""A word search's total is kept under the library's text version (books/counts.py, migration 0018): asked again
or paged through, it is not counted again — and it is exact after every change that can move it, whatever path
the change takes (the API, a bulk insert, a contributor's new name, a book moved to another library), on both
databases."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import insert, select, update

from librarium.books import counts, service
from librarium.db.base import utcnow
from librarium.models import Book, Library


async def version(api, library_id: str) -> int:
    async with api.app.state.db.unit_of_work(write=False) as session:
        return int(await session.scalar(select(Library.text_version).where(Library.id == uuid.UUID(library_id))))


@pytest.mark.parametrize("narrow", [False, True])
async def test_a_kept_total_is_exact_after_every_change_of_the_librarys_text(api, database_url, monkeypatch, narrow):
    """Twice: as searches whose pages walk the sorted books, and (`narrow`) as searches narrow enough for SQLite to
    keep their matching rows with the total (books.service._plan), whose every page must then still be right."""
    if narrow:
        monkeypatch.setattr(service, "WALK_AT_MOST", 1)  # every search of this small library counts as narrow
    owner = await api.user()
    library, other = await api.library(owner, "Mine"), await api.library(owner, "Other")
    base = f"/libraries/{library['id']}/books"
    made = [await api.book(library, owner, f"Dragon {n}") for n in range(3)]
    await api.book(library, owner, "Unicorn")

    async def total(q: str = "dragon") -> int:
        r = await api.get(base, owner, params={"q": q, "per_page": 2})
        assert r.status_code == 200
        found = int(r.json()["data"]["total"])
        seen = [b["id"] for b in r.json()["data"]["items"]]
        for page in range(2, found // 2 + 2):
            r = await api.get(base, owner, params={"q": q, "per_page": 2, "page": page})
            seen += [b["id"] for b in r.json()["data"]["items"]]
        assert len(seen) == len(set(seen)) == found  # the pages hold the total's books, each once
        return found

    assert await total() == 3
    kept = counts.key(uuid.UUID(library["id"]), await version(api, library["id"]), "dragon")
    assert counts.get(kept) == 3  # counted once, kept under the version read
    assert (counts.hits(kept) is not None) == (narrow and database_url.startswith("sqlite"))
    assert await total("  DRAGON ") == 3 and counts.key(*kept[:2], "  DRAGON ") == kept  # the same words
    r = await api.get(base, owner, params={"q": "dragon", "page": 2, "per_page": 2})
    assert [b["title"] for b in r.json()["data"]["items"]] == ["Dragon 2"] and r.json()["data"]["total"] == 3

    before = await version(api, library["id"])
    await api.book(library, owner, "Dragon 3")  # added through the API
    assert await version(api, library["id"]) > before
    assert await total() == 4

    now, media = utcnow(), uuid.UUID(made[0]["media_type_id"])
    rows = [{"id": uuid.uuid4(), "library_id": uuid.UUID(library["id"]), "title": f"Bulk dragon {n}",
             "media_type_id": media, "sort_title": f"bulk dragon {n}", "sort_key": f"bulk dragon {n:05d}",
             "search_text": f"bulk dragon {n}", "created_at": now, "updated_at": now} for n in range(5)]  # fmt: skip
    async with api.app.state.db.unit_of_work() as session:
        await session.execute(insert(Book), rows)  # many rows in one statement, as imports write them
    assert await total() == 9

    r = await api.put(f"{base}/{made[0]['id']}", owner, json={"title": "Griffin", "media_type_id": str(media)})
    assert r.status_code == 200, r.text
    assert await total() == 8  # its title no longer has the word
    assert (await api.delete(f"{base}/{made[1]['id']}", owner)).status_code == 204
    assert await total() == 7

    async with api.app.state.db.unit_of_work() as session:  # moved to another library
        await session.execute(update(Book).where(Book.id == rows[0]["id"]).values(library_id=uuid.UUID(other["id"])))
    assert await total() == 6
    r = await api.get(f"/libraries/{other['id']}/books", owner, params={"q": "dragon"})
    assert r.json()["data"]["total"] == 1

    person = await api.contributor(owner, "Wyvern Smith")
    assert await total("wyvern") == 0
    link = [{"contributor_id": person, "role": "author"}]
    r = await api.put(f"{base}/{made[2]['id']}", owner, json={"title": "Dragon 2", "media_type_id": str(media),
                                                               "contributors": link})  # fmt: skip
    assert r.status_code == 200, r.text
    assert await total("wyvern") == 1
    assert (await api.patch(f"/contributors/{person}", owner, json={"name": "Basilisk Smith"})).status_code == 200
    assert await total("wyvern") == 0 and await total("basilisk") == 1  # the books of a renamed contributor


async def test_rows_found_after_the_total_are_kept_with_it(api, database_url, monkeypatch):
    """A search first asked in another order keeps its total alone; asked in title order, SQLite's probe finds its
    rows, and from then on they are kept with the total."""
    monkeypatch.setattr(service, "WALK_AT_MOST", 1)
    owner = await api.user()
    library = await api.library(owner)
    base = f"/libraries/{library['id']}/books"
    for title in ("Dragon One", "Dragon Two", "Wyvern"):
        await api.book(library, owner, title)
    r = await api.get(base, owner, params={"q": "dragon", "sort": "created_at", "sort_dir": "desc"})
    assert [b["title"] for b in r.json()["data"]["items"]] == ["Dragon Two", "Dragon One"]
    kept = counts.key(uuid.UUID(library["id"]), await version(api, library["id"]), "dragon")
    assert counts.get(kept) == 2 and counts.hits(kept) is None
    r = await api.get(base, owner, params={"q": "dragon"})
    assert [b["title"] for b in r.json()["data"]["items"]] == ["Dragon One", "Dragon Two"]
    assert r.json()["data"]["total"] == 2
    assert (counts.hits(kept) is not None) == database_url.startswith("sqlite")
    r = await api.get(base, owner, params={"q": "dragon", "sort": "created_at", "sort_dir": "desc"})
    assert [b["title"] for b in r.json()["data"]["items"]] == ["Dragon Two", "Dragon One"]  # read from the rows


async def test_a_letters_kept_total_is_exact_after_every_change_of_the_titles(api):
    owner = await api.user()
    library = await api.library(owner)
    base = f"/libraries/{library['id']}/books"
    apple, _, banana = [await api.book(library, owner, title) for title in ("Apple", "Avocado", "Banana")]
    media = banana["media_type_id"]

    async def total(letter: str = "A", q: str = "") -> int:
        r = await api.get(base, owner, params={"letter": letter, "q": q, "per_page": 1})
        assert r.status_code == 200
        return int(r.json()["data"]["total"])

    assert await total() == 2 and await total("b") == 1
    kept = counts.key(uuid.UUID(library["id"]), await version(api, library["id"]), "", "a")
    assert counts.get(kept) == 2 and counts.key(*kept[:2], "", "A") == kept
    r = await api.put(f"{base}/{banana['id']}", owner, json={"title": "Apricot", "media_type_id": media})
    assert r.status_code == 200, r.text
    assert await total() == 3 and await total("B") == 0
    assert await total(q="apricot") == 1  # words and a letter together: a total of their own
    async with api.app.state.db.unit_of_work() as session:  # the sort keys alone, the search text untouched
        await session.execute(
            update(Book).where(Book.id == uuid.UUID(apple["id"])).values(sort_key="zapple", sort_title="zapple")
        )
    assert await total() == 2 and await total("Z") == 1
    assert (await api.delete(f"{base}/{apple['id']}", owner)).status_code == 204
    assert await total("Z") == 0
    await api.book(library, owner, "1984")
    assert await total("#") == 1


async def test_the_kept_totals_are_bounded(monkeypatch):
    monkeypatch.setattr(counts, "KEPT_AT_MOST", 3)
    monkeypatch.setattr(counts, "_kept", type(counts._kept)())
    library = uuid.uuid4()
    keys = [counts.key(library, 1, f"word{n}") for n in range(5)]
    for n, found in enumerate(keys):
        counts.put(found, n)
        counts.get(keys[0])  # the first stays: it is used
    assert [counts.get(found) for found in keys] == [0, None, None, 3, 4]
    counts.put(None, 5)
    counts.put(keys[1], None)
    assert counts.get(None) is None and counts.get(keys[1]) is None


def test_the_rows_kept_with_the_totals_are_bounded(monkeypatch):
    monkeypatch.setattr(counts, "HITS_AT_MOST", 5)
    monkeypatch.setattr(counts, "_kept", type(counts._kept)())
    monkeypatch.setattr(counts, "_rows", 0)
    library = uuid.uuid4()
    keys = [counts.key(library, 1, f"word{n}") for n in range(4)]
    counts.put(keys[0], 2, [10, 11])
    counts.put(keys[1], 6, [1, 2, 3, 4, 5, 6])  # more rows than may be kept at all: the total alone
    assert counts.hits(keys[0]) == [10, 11] and (counts.get(keys[1]), counts.hits(keys[1])) == (6, None)
    counts.put(keys[1], 6)  # asked again, sorted otherwise: nothing to add
    counts.put(keys[2], 3, [7, 8, 9])
    counts.put(keys[0], 2)  # a page without rows keeps those found before
    assert counts.hits(keys[0]) == [10, 11] and counts.hits(keys[2]) == [7, 8, 9]
    counts.put(keys[3], 1, [42])  # past five rows in all: the least recently used go until it fits, rows and all
    assert counts.get(keys[1]) is None and counts.get(keys[2]) is None and counts.hits(keys[2]) is None
    assert counts.hits(keys[0]) == [10, 11] and counts.hits(keys[3]) == [42] and counts._rows == 3


async def test_two_edits_of_one_librarys_books_in_opposite_orders_both_commit(api, database_url):
    """PostgreSQL grows the text version at commit: an edit does not hold the library's row while it goes on, so
    a second edit that changed another book first and commits first is not caught in a deadlock with it."""
    owner = await api.user()
    library = await api.library(owner)
    a, b = [uuid.UUID((await api.book(library, owner, title))["id"]) for title in ("Alpha", "Beta")]
    start = await version(api, library["id"])
    if not database_url.startswith("postgresql"):  # one writer at a time: each change grows it once
        async with api.app.state.db.unit_of_work() as session:
            await session.execute(update(Book).where(Book.id.in_([a, b])).values(search_text="gamma"))
        assert await version(api, library["id"]) == start + 2
        return
    engine = api.app.state.engine
    async with engine.connect() as first, engine.connect() as second:
        await first.execute(update(Book).where(Book.id == a).values(search_text="alpha one"))
        # with the library's row taken at each change, this would wait for the first for ever
        await asyncio.wait_for(second.execute(update(Book).where(Book.id == b).values(search_text="beta one")), 10)
        waiting = asyncio.ensure_future(first.execute(update(Book).where(Book.id == b).values(search_text="beta two")))
        await asyncio.sleep(0.2)
        assert not waiting.done()  # on the row the second holds
        await asyncio.wait_for(second.commit(), 10)
        await asyncio.wait_for(waiting, 10)
        await first.commit()
    assert await version(api, library["id"]) == start + 3
