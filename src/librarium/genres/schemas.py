from __future__ import annotations

import uuid
from datetime import datetime

from librarium.kit.schema import Body, Read, Str


class GenreWrite(Body):
    name: Str = ""


class GenreRead(Read):
    id: uuid.UUID
    name: str
    created_at: datetime
