"""Request and response shapes for libraries and members."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import field_validator

from librarium.kit.schema import Body, Omitting, Read, Str
from librarium.tags.schemas import TagRef


class LibraryCreate(Body):
    name: Str = ""
    description: Str = ""
    slug: Str = ""
    is_public: bool = False


class LibraryUpdate(Body):
    name: Str = ""
    description: Str = ""
    is_public: bool = False


class LibraryRead(Read):
    id: uuid.UUID
    name: str
    description: str
    slug: str
    owner_id: uuid.UUID
    is_public: bool
    created_at: datetime
    updated_at: datetime

    @field_validator("description", mode="before")
    @classmethod
    def _null_as_empty(cls, value: Any) -> Any:
        return "" if value is None else value


class MemberAdd(Body):
    user_id: Str = ""
    role: Str = ""


class MemberUpdate(Body):
    role: Str = ""


class MemberRead(Omitting):
    OMIT_EMPTY = ("invited_by",)

    user_id: uuid.UUID
    username: str
    display_name: str
    email: str
    role_id: uuid.UUID
    role: str
    joined_at: datetime
    tags: list[TagRef]
    invited_by: uuid.UUID | None = None
