"""The books' kept-up "has a file" flag (database triggers, migration 0016) follows every way a file comes and
goes: an upload, a file deleted, an edition deleted with its file, a bulk insert that bypasses the ORM."""

from __future__ import annotations

import uuid

from sqlalchemy import insert, select

from librarium.models import Book, EditionFile
from tests.fixtures.media import epub


async def flag(api, book_id: str) -> bool:
    async with api.app.state.db.unit_of_work(write=False) as session:
        return bool((await session.execute(select(Book.has_files).where(Book.id == uuid.UUID(book_id)))).scalar_one())


async def test_the_flag_follows_files_and_editions(api):
    owner = await api.user("owner")
    library = await api.library(owner)
    book = await api.book(library, owner, "Two Editions", edition={"format": "ebook"})
    lib = f"/libraries/{library['id']}/books/{book['id']}"
    first = (await api.get(f"{lib}/editions", owner)).json()["data"][0]
    second = (await api.post(f"{lib}/editions", owner, json={"format": "ebook"})).json()["data"]
    assert await flag(api, book["id"]) is False

    one = await api.post(f"{lib}/editions/{first['id']}/files", owner, files={"file": ("a.epub", epub(), "x")})
    two = await api.post(f"{lib}/editions/{second['id']}/files", owner, files={"file": ("b.epub", epub(), "x")})
    assert one.status_code == two.status_code == 201 and await flag(api, book["id"]) is True
    assert (
        await api.delete(f"{lib}/editions/{first['id']}/files/{one.json()['data']['id']}", owner)
    ).status_code == 204
    assert await flag(api, book["id"]) is True  # the other edition still has one
    assert (await api.delete(f"{lib}/editions/{second['id']}", owner)).status_code == 204  # its file goes with it
    assert await flag(api, book["id"]) is False

    async with api.app.state.db.unit_of_work() as session:  # a bulk insert, no ORM events
        await session.execute(insert(EditionFile), [{
            "id": uuid.uuid4(), "edition_id": uuid.UUID(first["id"]), "file_format": "epub", "file_name": "c.epub",
            "file_path": "c.epub", "display_order": 0, "owned": False,
        }])  # fmt: skip
    assert await flag(api, book["id"]) is True
    other = await api.book(library, owner, "No File", edition={"format": "ebook"})
    assert await flag(api, other["id"]) is False
