"""Request and response shapes for contributors."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from librarium.books.schemas import BookRead
from librarium.kit.schema import Body, Read, Str


class ContributorCreate(Body):
    name: Str = ""


class ContributorPatch(Body):
    """Every field optional: absent = keep (see the service for the sort-name rules)."""

    name: str | None = None
    sort_name: str | None = None
    is_corporate: bool | None = None
    bio: str | None = None
    born_date: str | None = None
    died_date: str | None = None
    nationality: str | None = None


class ContributorRef(Read):
    id: uuid.UUID
    name: str


class ContributorListItem(Read):
    id: uuid.UUID
    name: str
    sort_name: str
    is_corporate: bool
    photo_url: str | None
    book_count: int
    nationality: str
    born_date: str | None
    updated_at: datetime


class ContributorPage(Read):
    items: list[ContributorListItem]
    total: int
    page: int
    per_page: int


class ContributorDetail(Read):
    id: uuid.UUID
    name: str
    sort_name: str
    is_corporate: bool
    bio: str
    born_date: str | None
    died_date: str | None
    nationality: str
    external_ids: dict[str, Any]
    photo_url: str | None
    book_count: int
    created_at: datetime
    updated_at: datetime


class ContributorWorkRead(Read):
    id: uuid.UUID
    contributor_id: uuid.UUID
    title: str
    isbn_13: str
    isbn_10: str
    publish_year: int | None
    cover_url: str
    source: str
    created_at: datetime
    in_library: bool
    library_book_id: uuid.UUID | None


class ContributorLibraryDetail(ContributorDetail):
    works: list[ContributorWorkRead]
    books: list[BookRead]
