"""Files that an import links in place (a Calibre library): one ebook edition per format — the first format on
the edition the import created, the others as editions of their own — each with its file linked from the
import's storage location (never copied or moved), and the cover. What cannot be linked becomes a note on
the row; the book stays imported."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from librarium.config import Settings
from librarium.editions import service as editions
from librarium.editions.schemas import EditionWrite
from librarium.errors import AppError
from librarium.files import covers, edition_files, locations, paths
from librarium.files.paths import AUDIO_FORMATS, MEDIA_TYPES
from librarium.imports.rows import Row
from librarium.models import BookEdition, ImportJob


def wanted(raw: dict[str, Any]) -> bool:
    return bool(raw.get("files") or raw.get("cover"))


async def attach(
    session: AsyncSession, settings: Settings, job: ImportJob, book_id: uuid.UUID, row: Row, raw: dict[str, Any]
) -> list[str]:
    """Links the row's files and stores its cover; the notes of what could not be done."""
    location_id = str(job.options.get("location_id") or "")
    if not location_id:
        return []
    location = await locations.get(session, job.library_id, uuid.UUID(location_id))
    book = await editions.book_in_library(session, job.library_id, book_id)
    first: BookEdition | None = next(iter(await editions.editions_of(session, book)), None)
    notes: list[str] = []
    for entry in raw.get("files") or []:
        kind, path = str(entry.get("format", "")).lower(), str(entry.get("path", ""))
        if kind not in MEDIA_TYPES:
            notes.append(f"{kind.upper()} not linked: unsupported file type")
            continue
        try:
            async with session.begin_nested():
                edition = first or await editions.add(session, book, _edition(row, kind))
                if first is not None and kind in AUDIO_FORMATS:
                    first.format = "audiobook"
                first = None  # the next format gets an edition of its own
                await edition_files.link(session, job.library_id, edition, location_id, path)
        except AppError as exc:
            notes.append(f"{kind.upper()} not linked: {exc.message}")
    cover = str(raw.get("cover") or "")
    if cover:
        try:
            data = paths.inside(Path(location.root_path), cover).read_bytes()  # refuses a path that escapes it
            async with session.begin_nested():
                await covers.store(session, settings, "book", book_id, data, job.created_by)
        except (OSError, AppError):
            notes.append("cover not imported")
    return notes


def _edition(row: Row, kind: str) -> EditionWrite:
    return EditionWrite(
        format="audiobook" if kind in AUDIO_FORMATS else "ebook", edition_name=kind.upper(), language=row.language,
        publisher=row.publisher, publish_date=row.publish_date,
    )  # fmt: skip
