"""Wire shapes of enrichment batches (upstream's field names) and of the change record (ours)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import Field

from librarium.kit.schema import Body, Read

MAX_BOOKS = 10_000


class BulkEnrich(Body):
    book_ids: list[uuid.UUID] | None = Field(None, max_length=MAX_BOOKS)
    force: bool = False


class BulkCover(Body):
    book_ids: list[uuid.UUID] | None = Field(None, max_length=MAX_BOOKS)


class EnrichOne(Body):
    force: bool = False


class ChangeRead(Read):
    field: str
    old_value: Any
    new_value: Any
    source: str
    reverted_at: datetime | None


class ItemRead(Read):
    id: uuid.UUID
    batch_id: uuid.UUID
    book_id: uuid.UUID | None
    book_title: str
    status: str
    message: str | None = None
    changes: list[ChangeRead] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime


class BatchRead(Read):
    id: uuid.UUID
    library_id: uuid.UUID
    library_name: str | None = None
    created_by: uuid.UUID
    type: str
    force: bool
    status: str
    book_ids: list[uuid.UUID] | None = None
    total_books: int
    processed_books: int
    failed_books: int
    skipped_books: int
    items: list[ItemRead] | None = None
    created_at: datetime
    updated_at: datetime


class RevertReport(Read):
    """What a revert restored, and what it left because the user changed it since."""

    restored: list[dict[str, Any]]
    kept: list[dict[str, Any]]
