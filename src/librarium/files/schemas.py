"""Request and response shapes for covers, edition files and storage locations."""

from __future__ import annotations

import uuid
from datetime import datetime

from librarium.kit.schema import Body, Read, Str


class FetchBody(Body):
    url: Str = ""


class LinkBody(Body):
    storage_location_id: Str = ""
    file_path: Str = ""


class EditionFileRead(Read):
    id: uuid.UUID
    edition_id: uuid.UUID
    file_format: str
    file_name: str
    file_path: str
    root_path: str
    storage_location_id: uuid.UUID | None
    file_size: int | None
    display_order: int
    created_at: datetime


class LocationWrite(Body):
    name: Str = ""
    root_path: Str = ""
    media_format: Str = ""
    path_template: Str = ""
