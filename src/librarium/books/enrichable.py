"""The fields of a book that metadata enrichment may fill, read and written as plain values.

`read` gives {field: value} (JSON-friendly: strings, ints, lists, ISO dates) for the book and its primary
edition; `write` sets some of them. Authors are names (role `author`, in order); writing them finds or
creates the people and keeps every other role (illustrators, narrators, translators). Genres are genre ids.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from librarium.books import repository as repo
from librarium.db.base import utcnow
from librarium.kit import isbn as isbn_kit
from librarium.kit.sorting import natural_sort_key, sort_title
from librarium.models import Book, BookEdition

BOOK_FIELDS = ("title", "subtitle", "description")
EDITION_FIELDS = ("publisher", "language", "isbn_10", "isbn_13", "publish_date", "page_count")
LIST_FIELDS = ("authors", "genres")
FIELDS = BOOK_FIELDS + LIST_FIELDS + EDITION_FIELDS


def primary_edition(editions: list[BookEdition]) -> BookEdition | None:
    return next((e for e in editions if e.is_primary), editions[0] if editions else None)


async def load(
    session: AsyncSession, library_id: uuid.UUID, book_id: uuid.UUID
) -> tuple[Book, list[BookEdition]] | None:
    book = await repo.books.get(session, library_id, book_id)
    if book is None:
        return None
    return book, await repo.editions_of(session, book.id)


async def read(session: AsyncSession, book: Book, editions: list[BookEdition]) -> dict[str, Any]:
    links = (await repo.contributor_links(session, [book.id])).get(book.id, [])
    values: dict[str, Any] = {
        "title": book.title,
        "subtitle": book.subtitle or "",
        "description": book.description or "",
        "authors": [link["name"] for link in links if link["role"] == "author"],
        "genres": sorted(str(g) for g in await repo.genre_ids(session, book.id)),
    }
    edition = primary_edition(editions)
    for name in EDITION_FIELDS:
        value = getattr(edition, name) if edition is not None else None
        values[name] = (
            value.isoformat() if isinstance(value, date) else (value if name == "page_count" else value or "")
        )
    return values


async def write(session: AsyncSession, book: Book, editions: list[BookEdition], values: dict[str, Any]) -> None:
    """Sets the given fields (names from FIELDS); edition fields go to the primary edition, if any."""
    if "title" in values:
        book.title = values["title"]
        book.sort_title = sort_title(book.title).lower()
        book.sort_key = natural_sort_key(book.title)
    if "subtitle" in values:
        book.subtitle = values["subtitle"] or None
    if "description" in values:
        book.description = values["description"] or None
    if "authors" in values:
        people = await repo.people_named(session, list(values["authors"]))
        await repo.replace_authors(session, book.id, people)
    if "genres" in values:
        await repo.replace_genres(session, book.id, [uuid.UUID(g) for g in values["genres"]])
    edition = primary_edition(editions)
    if edition is not None and any(name in values for name in EDITION_FIELDS):
        for name in ("publisher", "language", "isbn_10", "isbn_13"):
            if name in values:
                setattr(edition, name, values[name] or None)
        if "publish_date" in values:
            edition.publish_date = date.fromisoformat(values["publish_date"]) if values["publish_date"] else None
        if "page_count" in values:
            edition.page_count = values["page_count"]
        edition.isbn_key = edition.isbn_13 or (isbn_kit.to_isbn13(edition.isbn_10) if edition.isbn_10 else None)
        edition.updated_at = utcnow()
    book.updated_at = utcnow()
    await session.flush()
    await repo.refresh_search_text(session, [book.id])


def touch(book: Book) -> None:
    """The book changed in a way its fields do not show (a new cover): a new cover URL for the client."""
    book.updated_at = utcnow()
