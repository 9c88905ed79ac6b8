"""Request and response shapes for shelves."""

from __future__ import annotations

import uuid
from datetime import datetime

from librarium.kit.schema import Body, Int32, Read, Str
from librarium.tags.schemas import TagRef


class ShelfWrite(Body):
    name: Str = ""
    description: Str = ""
    color: Str = ""
    icon: Str = ""
    display_order: Int32 = 0
    tag_ids: list[Str] | None = None


class ShelfRead(Read):
    id: uuid.UUID
    library_id: uuid.UUID
    name: str
    description: Str
    color: Str
    icon: Str
    display_order: int
    book_count: int
    tags: list[TagRef]
    created_at: datetime
    updated_at: datetime


class ShelfBookAdd(Body):
    book_id: Str = ""
