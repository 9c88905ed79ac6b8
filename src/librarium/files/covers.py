"""Book covers and contributor photos: one current image per entity, stored under the covers folder."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from librarium.config import Settings
from librarium.db import unit
from librarium.errors import NotFound
from librarium.files import fetch as fetcher
from librarium.files import repository as repo
from librarium.files.images import check_image
from librarium.files.paths import temp_path
from librarium.models import CoverImage

KINDS = {"book": "books", "contributor": "contributors"}


def folder(settings: Settings, entity_type: str, entity_id: uuid.UUID) -> Path:
    return settings.covers_dir / KINDS[entity_type] / str(entity_id)


async def current(session: AsyncSession, entity_type: str, entity_id: uuid.UUID) -> CoverImage | None:
    return await repo.primary_image(session, entity_type, entity_id)


async def path_of(
    session: AsyncSession, settings: Settings, entity_type: str, entity_id: uuid.UUID
) -> tuple[Path, CoverImage]:
    row = await current(session, entity_type, entity_id)
    if row is None:
        raise NotFound("no image")
    path = folder(settings, entity_type, entity_id) / row.filename
    if not path.is_file():
        raise NotFound("no image")
    return path, row


async def store(
    session: AsyncSession,
    settings: Settings,
    entity_type: str,
    entity_id: uuid.UUID,
    data: bytes,
    user_id: uuid.UUID,
    source_url: str | None = None,
    keep_previous: bool = False,
) -> CoverImage:
    """Validate `data` as an image, write it atomically, and make it the entity's only image — or, with
    `keep_previous`, its primary one, the others kept (not shown) so that an enrichment can be undone."""
    mime, ext = check_image(data)
    directory = folder(settings, entity_type, entity_id)
    directory.mkdir(parents=True, exist_ok=True)
    image_id = uuid.uuid4()
    final = directory / f"{image_id}{ext}"
    temp = temp_path(directory)
    try:
        temp.write_bytes(data)
        os.replace(temp, final)
    finally:
        temp.unlink(missing_ok=True)
    unit.on_rollback(session, lambda: final.unlink(missing_ok=True))
    old = await _all(session, entity_type, entity_id)
    row = CoverImage(
        id=image_id,
        entity_type=entity_type,
        entity_id=entity_id,
        filename=final.name,
        mime_type=mime,
        file_size=len(data),
        is_primary=True,
        source_url=source_url,
        created_by=user_id,
    )
    session.add(row)
    if keep_previous:
        for previous in old:
            previous.is_primary = False
        await session.flush()
        return row
    for previous in old:
        await session.delete(previous)
    await session.flush()
    _delete_after_commit(session, [directory / previous.filename for previous in old])
    return row


async def restore(
    session: AsyncSession, settings: Settings, entity_type: str, entity_id: uuid.UUID, current_id: str, kept: list[str]
) -> bool:
    """Undo a `keep_previous` store: when `current_id` is still the primary image and the kept ones still
    exist, the kept ones come back and the current one goes. False (nothing changed) otherwise."""
    rows = {str(row.id): row for row in await _all(session, entity_type, entity_id)}
    current = rows.get(current_id)
    if current is None or not current.is_primary or not all(k in rows for k in kept):
        return False
    for k in kept:
        rows[k].is_primary = True
    await session.delete(current)
    await session.flush()
    _delete_after_commit(session, [folder(settings, entity_type, entity_id) / current.filename])
    return True


async def discard(
    session: AsyncSession, settings: Settings, entity_type: str, entity_id: uuid.UUID, image_ids: list[str]
) -> None:
    """Removes kept (not primary) images among `image_ids`."""
    rows = [r for r in await _all(session, entity_type, entity_id) if str(r.id) in image_ids and not r.is_primary]
    for row in rows:
        await session.delete(row)
    await session.flush()
    _delete_after_commit(session, [folder(settings, entity_type, entity_id) / row.filename for row in rows])


def _delete_after_commit(session: AsyncSession, files: list[Path]) -> None:
    """The replaced or removed images go once the database no longer points at them."""
    for path in files:
        unit.after_commit(session, lambda path=path: path.unlink(missing_ok=True))  # type: ignore[misc]


async def _all(session: AsyncSession, entity_type: str, entity_id: uuid.UUID) -> list[CoverImage]:
    return await repo.images(session, entity_type, entity_id)


async def remove(session: AsyncSession, settings: Settings, entity_type: str, entity_id: uuid.UUID) -> None:
    rows = await _all(session, entity_type, entity_id)
    for row in rows:
        await session.delete(row)
    await session.flush()
    _delete_after_commit(session, [folder(settings, entity_type, entity_id) / row.filename for row in rows])


async def download(url: str, settings: Settings) -> bytes:
    """Fetch an image (SSRF-checked); raises before any database write happens."""
    data, _ = await fetcher.fetch(url, int(settings.max_cover_mb * 1024 * 1024), settings.allow_private_fetch)
    check_image(data)
    return data
