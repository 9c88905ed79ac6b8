from __future__ import annotations

import uuid

from librarium.kit.schema import Body, Omitting, Str


class MediaTypeCreate(Body):
    name: Str = ""
    display_name: Str = ""
    description: Str = ""


class MediaTypeUpdate(Body):
    display_name: Str = ""
    description: Str = ""


class MediaTypeRead(Omitting):
    OMIT_EMPTY = ("description",)

    id: uuid.UUID
    name: str
    display_name: str
    description: str = ""
    book_count: int = 0
