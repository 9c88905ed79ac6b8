"""Request and response shapes for tags (and the short tag reference other objects carry)."""

from __future__ import annotations

import uuid
from datetime import datetime

from librarium.kit.schema import Body, Read, Str


class TagCreate(Body):
    """Create and update take the same fields."""

    name: Str = ""
    color: Str = ""


class TagRead(Read):
    """Built from the Tag row itself (one source of truth); a missing colour is "" on the wire."""

    id: uuid.UUID
    library_id: uuid.UUID
    name: str
    color: Str
    created_at: datetime


class TagRef(Read):
    """A tag as series, shelves, loans and members list it."""

    id: uuid.UUID
    name: str
    color: Str
