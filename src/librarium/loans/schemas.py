"""Request and response shapes for loans."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from librarium.kit.schema import Body, Read, Str
from librarium.tags.schemas import TagRef


class LoanCreate(Body):
    book_id: Str = ""
    loaned_to: Str = ""
    loaned_at: Str = ""
    due_date: Str = ""
    notes: Str = ""
    tag_ids: list[Str] | None = None


class LoanUpdate(Body):
    loaned_to: Str = ""
    due_date: Str = ""
    returned_at: Str = ""
    notes: Str = ""
    tag_ids: list[Str] | None = None


class LoanRead(Read):
    id: uuid.UUID
    library_id: uuid.UUID
    book_id: uuid.UUID
    book_title: str
    loaned_to: str
    loaned_at: date
    due_date: date | None
    returned_at: date | None
    notes: str
    tags: list[TagRef]
    created_at: datetime
    updated_at: datetime
