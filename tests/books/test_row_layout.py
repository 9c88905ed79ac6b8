"""Migration 0019: on PostgreSQL a book's long texts live outside its row, so that counting a word search's
matches reads few table pages; every value still reads back whole, and searching still finds the book."""

from __future__ import annotations

import uuid

from sqlalchemy import text

# 1.2 KB that compress poorly, as a real description: with its search text and vector the row is past the 2 KB
# where TOAST starts, and PostgreSQL's own target (2 KB) would keep both texts in it
LONG = " ".join(uuid.uuid4().hex[:10] for _ in range(110)) + " lantern"
BOOKS = 30


async def test_long_descriptions_are_kept_out_of_the_rows_and_read_back_whole(api, database_url):
    owner = await api.user("owner")
    library = await api.library(owner)
    titles = [" ".join(uuid.uuid4().hex for _ in range(2)) for _ in range(BOOKS)]  # 65 characters, no repeats
    ids = [(await api.book(library, owner, title, description=LONG))["id"] for title in titles]
    base = f"/libraries/{library['id']}/books"
    r = await api.get(f"{base}/{ids[0]}", owner)
    assert r.status_code == 200 and r.json()["data"]["description"] == LONG
    r = await api.get(base, owner, params={"q": f"lantern {titles[7].split()[0]}"})
    assert r.status_code == 200 and [b["id"] for b in r.json()["data"]["items"]] == [ids[7]]
    assert r.json()["data"]["items"][0]["description"] == LONG
    assert r.json()["data"]["items"][0]["title"] == titles[7]
    r = await api.get(base, owner, params={"q": "lantern", "per_page": "50"})
    assert r.json()["data"]["total"] == BOOKS and {b["title"] for b in r.json()["data"]["items"]} == set(titles)
    if not database_url.startswith("postgresql"):
        return  # SQLite: the full-text index is a table of its own; rows keep their layout
    async with api.app.state.db.unit_of_work(write=False) as session:
        toast = (
            await session.execute(text("SELECT reltoastrelid::regclass::text FROM pg_class WHERE relname = 'books'"))
        ).scalar_one()
        moved = (await session.execute(text(f"SELECT count(DISTINCT chunk_id) FROM {toast}"))).scalar_one()  # noqa: S608
        vacuumed = (
            await session.execute(
                text("SELECT last_vacuum IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'books'")
            )
        ).scalar_one()
        storage = dict(
            (
                await session.execute(
                    text("SELECT attname, attstorage::text FROM pg_attribute WHERE attrelid = 'books'::regclass")
                )
            ).all()
        )
    # each book's description, search text and vector are values of the table's TOAST storage; with PostgreSQL's
    # own target (2 KB) only two of them are (60 values here), and the rows are 2–3 to a page instead of 20
    assert moved >= 3 * BOOKS
    assert vacuumed  # the table written again has its visibility map from the migration's own vacuum
    assert [storage[c] for c in ("title", "sort_key", "description", "search_vector")] == ["m", "m", "x", "x"]
