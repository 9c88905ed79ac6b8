"""Wire shapes of CSV imports (upstream's field names)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from librarium.kit.schema import Body, Read, Str


class ImportItemRead(Read):
    id: uuid.UUID
    import_job_id: uuid.UUID
    row_number: int
    raw_data: dict[str, Any]
    status: str
    title: str
    isbn: str
    message: str
    book_id: uuid.UUID | None = None
    created_at: datetime
    updated_at: datetime


class ImportJobRead(Read):
    id: uuid.UUID
    library_id: uuid.UUID
    library_name: str | None = None
    created_by: uuid.UUID
    status: str
    total_rows: int
    processed_rows: int
    failed_rows: int
    skipped_rows: int
    options: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    items: list[ImportItemRead] | None = None


class CalibreImport(Body):
    path: Str = ""  # a Calibre library folder inside LIBRARIUM_STORAGE_ROOTS; empty: LIBRARIUM_CALIBRE_LIBRARY
