from __future__ import annotations

import uuid
from typing import Any

from pydantic import SerializerFunctionWrapHandler, model_serializer

from librarium.kit.schema import Body, Read, Str


class MediaTypeCreate(Body):
    name: Str = ""
    display_name: Str = ""
    description: Str = ""


class MediaTypeUpdate(Body):
    display_name: Str = ""
    description: Str = ""


class MediaTypeRead(Read):
    id: uuid.UUID
    name: str
    display_name: str
    description: str = ""
    book_count: int = 0

    @model_serializer(mode="wrap")
    def _omit_empty_description(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if not data.get("description"):
            data.pop("description", None)
        return data
