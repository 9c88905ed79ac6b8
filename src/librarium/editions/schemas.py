"""Request and response shapes for editions and reading interactions."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from librarium.files.schemas import EditionFileRead
from librarium.kit.schema import Body, Int32, Read, Str


class EditionWrite(Body):
    format: Str = ""
    language: Str = ""
    edition_name: Str = ""
    narrator: Str = ""
    publisher: Str = ""
    publish_date: Str = ""
    isbn_10: Str = ""
    isbn_13: Str = ""
    description: Str = ""
    duration_seconds: Int32 | None = None
    page_count: Int32 | None = None
    copy_count: Int32 | None = None
    is_primary: bool = False
    acquired_at: Str = ""
    narrator_contributor_id: Str = ""


class EditionRead(Read):
    id: uuid.UUID
    book_id: uuid.UUID
    format: str
    language: Str
    edition_name: Str
    narrator: Str
    narrator_contributor_id: uuid.UUID | None
    narrator_contributor_name: str
    publisher: Str
    publish_date: date | None
    isbn_10: Str
    isbn_13: Str
    copy_count: int
    description: Str
    duration_seconds: int | None
    page_count: int | None
    is_primary: bool
    acquired_at: date | None
    created_at: datetime
    updated_at: datetime
    files: list[EditionFileRead]


class InteractionWrite(Body):
    read_status: Str = ""
    rating: Int32 | None = None
    notes: Str = ""
    review: Str = ""
    date_started: Str = ""
    date_finished: Str = ""
    is_favorite: bool = False


class InteractionRead(Read):
    id: uuid.UUID
    user_id: uuid.UUID
    book_edition_id: uuid.UUID
    read_status: str
    rating: int | None
    notes: Str
    review: Str
    date_started: date | None
    date_finished: date | None
    is_favorite: bool
    reread_count: int
    # our addition: where a reading app (KOReader progress sync) last was — {percentage 0–1, device,
    # updated_at (Unix seconds), source}; null until one reports
    progress: dict[str, Any] | None = None
    created_at: datetime
    updated_at: datetime
