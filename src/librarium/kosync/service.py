"""KOReader progress sync (the protocol of KOReader's "Progress sync" plugin, as its own sync server speaks it):
sign-in check, position upload and download, per user and document. Accounts are Librarium's: KOReader signs
in with the username and an app password (it sends the password's MD5). A document whose id matches a file of
the user's libraries also moves the user's reading record of that edition: `reading` on first progress, and
the percentage and device in the record's `progress`."""

from __future__ import annotations

import math
import re
import time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from librarium.auth.app_passwords import Account
from librarium.editions import service as editions
from librarium.kosync import repository as repo
from librarium.models import ReadingProgress

DOCUMENT = re.compile(r"^[A-Za-z0-9_]{1,64}$")


class KosyncError(Exception):
    """An answer in the protocol's own error shape: {"code": …, "message": …}."""

    def __init__(self, status: int, code: int, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


UNAUTHORIZED = (401, 2001, "Unauthorized")
INVALID = (403, 2003, "Invalid request")
NO_DOCUMENT = (403, 2004, "Field 'document' not provided.")
REGISTRATION_OFF = (402, 2005, "User registration is disabled: create an app password in Librarium instead.")


def _text(value: Any, limit: int) -> str | None:
    return value[:limit] if isinstance(value, str) else None


async def put(session: AsyncSession, user: Account, body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise KosyncError(*INVALID)
    document = body.get("document")
    if not isinstance(document, str) or not document:
        raise KosyncError(*NO_DOCUMENT)
    if not DOCUMENT.match(document):
        raise KosyncError(*INVALID)
    percentage = body.get("percentage")
    progress, device = _text(body.get("progress"), 4000), _text(body.get("device"), 128)
    number = isinstance(percentage, int | float) and not isinstance(percentage, bool)
    if not number or not math.isfinite(percentage) or progress is None or device is None:  # type: ignore[arg-type]
        raise KosyncError(*INVALID)
    share = float(percentage)  # type: ignore[arg-type]
    stamp = int(time.time())
    row = await repo.progress(session, user.id, document)
    if row is None:
        row = ReadingProgress(user_id=user.id, document=document)
        repo.add(session, row)
    row.progress, row.percentage, row.device, row.timestamp = progress, share, device, stamp
    row.device_id = _text(body.get("device_id"), 128) or row.device_id or ""
    found = await repo.file_for(session, user.id, user.is_instance_admin, document)
    if found is not None:
        row.edition_file_id = found[0]
        await editions.follow_progress(session, user.id, found[1], share, device, stamp)
    await session.flush()
    return {"document": document, "timestamp": stamp}


async def get(session: AsyncSession, user: Account, document: str) -> dict[str, Any]:
    if not DOCUMENT.match(document):
        raise KosyncError(*NO_DOCUMENT)
    row = await repo.progress(session, user.id, document)
    if row is None:
        return {}
    return {"document": row.document, "percentage": row.percentage, "progress": row.progress,
            "device": row.device, "device_id": row.device_id, "timestamp": row.timestamp}  # fmt: skip
