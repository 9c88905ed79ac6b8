"""Request and response shapes for contributors."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import Field

from librarium.books.schemas import BookRead
from librarium.kit.schema import Body, Count, Read, Str


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
    nationality: Str
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
    bio: Str
    born_date: str | None
    died_date: str | None
    nationality: Str
    external_ids: dict[str, Any]
    photo_url: str | None
    book_count: int
    created_at: datetime
    updated_at: datetime


class ContributorWorkRead(Read):
    id: uuid.UUID
    contributor_id: uuid.UUID
    title: str
    isbn_13: Str
    isbn_10: Str
    publish_year: int | None
    cover_url: Str
    source: str
    created_at: datetime
    in_library: bool
    library_book_id: uuid.UUID | None


class ContributorLibraryDetail(ContributorDetail):
    works: list[ContributorWorkRead]
    books: list[BookRead]


class WorkIn(Body):
    title: Str = ""
    isbn_13: Str = ""
    isbn_10: Str = ""
    publish_year: Count | None = None
    cover_url: Str = ""


class ContributorMetadataApply(Body):
    """What the user picked from a provider's record; empty or missing fields keep the current value."""

    provider: Str = Field("", max_length=64)
    external_id: Str = Field("", max_length=255)
    bio: Str = ""
    born_date: datetime | None = None
    died_date: datetime | None = None
    nationality: Str = Field("", max_length=64)
    photo_url: Str = Field("", max_length=2048)
    works: list[WorkIn] = Field(default_factory=list, max_length=2000)
