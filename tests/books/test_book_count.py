"""The count of a library's books that the database keeps (migration 0017), behind the unfiltered list's `total`
and the fingerprint: it follows books added and removed one at a time, many in one statement, and by a
library's deletion — on both databases."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, func, insert, select

from librarium.db.base import utcnow
from librarium.models import Book, Library


async def counts(api, library_id):
    """(the kept count, a real count) of one library."""
    async with api.app.state.db.unit_of_work(write=False) as session:
        kept = await session.scalar(select(Library.book_count).where(Library.id == library_id))
        real = await session.scalar(select(func.count()).select_from(Book).where(Book.library_id == library_id))
    return kept, real


async def test_the_kept_count_follows_books_however_they_come_and_go(api):
    owner = await api.user()
    library, other = await api.library(owner, "Mine"), await api.library(owner, "Other")
    lib = uuid.UUID(library["id"])
    made = [await api.book(library, owner, f"Book {n}") for n in range(3)]
    await api.book(other, owner, "Elsewhere")
    assert await counts(api, lib) == (3, 3)

    # many rows in one statement, as imports and bulk steps write them
    media = made[0]["media_type_id"]
    now = utcnow()
    rows = [{"id": uuid.uuid4(), "library_id": lib, "title": f"Bulk {n}", "media_type_id": uuid.UUID(media),
             "sort_title": f"bulk {n}", "sort_key": f"bulk {n:05d}", "search_text": f"bulk {n}", "created_at": now,
             "updated_at": now} for n in range(40)]  # fmt: skip
    async with api.app.state.db.unit_of_work() as session:
        await session.execute(insert(Book), rows)
    assert await counts(api, lib) == (43, 43)
    r = await api.get(f"/libraries/{library['id']}/books", owner)
    assert r.json()["data"]["total"] == 43
    r = await api.get(f"/libraries/{library['id']}/books/fingerprint", owner)
    assert r.json()["data"]["total"] == 43

    assert (await api.delete(f"/libraries/{library['id']}/books/{made[0]['id']}", owner)).status_code == 204
    async with api.app.state.db.unit_of_work() as session:
        await session.execute(delete(Book).where(Book.id.in_([row["id"] for row in rows[:10]])))
    assert await counts(api, lib) == (32, 32)
    assert (await api.get(f"/libraries/{library['id']}/books", owner)).json()["data"]["total"] == 32
    assert (await api.get(f"/libraries/{library['id']}/books?q=bulk", owner)).json()["data"]["total"] == 30

    assert (await api.delete(f"/libraries/{library['id']}", owner)).status_code == 204  # its books go with it
    assert await counts(api, uuid.UUID(other["id"])) == (1, 1)
