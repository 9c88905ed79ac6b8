"""Request and response shapes for books."""

from __future__ import annotations

import uuid
from datetime import datetime

from librarium.editions.schemas import EditionWrite
from librarium.kit.schema import Body, Int32, Omitting, Read, Str


class ContributorLink(Body):
    contributor_id: Str = ""
    role: Str = ""
    display_order: Int32 = 0


class BookWrite(Body):
    title: Str = ""
    subtitle: Str = ""
    media_type_id: Str = ""
    description: Str = ""
    contributors: list[ContributorLink] | None = None
    tag_ids: list[Str] | None = None
    genre_ids: list[Str] | None = None
    edition: EditionWrite | None = None


class BookContributorRead(Read):
    contributor_id: uuid.UUID
    name: str
    role: str
    display_order: int


class BookTagRead(Read):
    id: uuid.UUID
    library_id: uuid.UUID
    name: str
    color: str
    created_at: datetime


class BookGenreRead(Read):
    id: uuid.UUID
    name: str
    created_at: datetime


class BookSeriesRef(Read):
    series_id: uuid.UUID
    series_name: str
    position: float


class BookShelfRef(Read):
    id: uuid.UUID
    name: str


class BookRead(Omitting):
    OMIT_EMPTY = ("added_by",)

    id: uuid.UUID
    library_id: uuid.UUID
    title: str
    subtitle: str
    media_type_id: uuid.UUID
    media_type: str
    description: str
    contributors: list[BookContributorRead]
    tags: list[BookTagRead]
    genres: list[BookGenreRead]
    cover_url: str | None
    series: list[BookSeriesRef]
    shelves: list[BookShelfRef]
    publisher: str
    publish_year: int | None
    language: str
    user_read_status: str
    created_at: datetime
    updated_at: datetime
    added_by: uuid.UUID | None = None


class BookPage(Read):
    items: list[BookRead]
    total: int
    page: int
    per_page: int


class Fingerprint(Read):
    total: int
    max_updated_at: str | None
