"""Storage locations: folders on the server that a library's files may be linked from."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from librarium.config import Settings
from librarium.db.base import utcnow
from librarium.errors import BadRequest
from librarium.files import paths
from librarium.files import repository as repo
from librarium.files.schemas import BrowseEntry, LocationRead, LocationWrite, UploadListing
from librarium.models import StorageLocation


async def list_locations(session: AsyncSession, library_id: uuid.UUID) -> list[LocationRead]:
    return [LocationRead.model_validate(r) for r in await repo.locations_of(session, library_id)]


def allowed_folder(settings: Settings, raw: str, field: str) -> Path:
    """`raw` resolved, when it is an absolute path inside an allowed storage root (else a 400 naming `field`).
    Upstream lets any editor point a location at "/" and then read every file on the server."""
    if "\x00" in raw:  # the OS refuses such a path ("embedded null byte"; upstream: a 500)
        raise BadRequest(f"{field} must not contain NUL characters")
    path = Path(raw.strip())
    if not path.is_absolute():
        raise BadRequest(f"{field} must be an absolute path")
    resolved = path.resolve()
    if not any(resolved == allowed or allowed in resolved.parents for allowed in settings.allowed_storage_roots):
        raise BadRequest(f"{field} must be inside an allowed storage root (LIBRARIUM_STORAGE_ROOTS)")
    return resolved


def _check(settings: Settings, body: LocationWrite) -> str:
    if not body.name.strip() or not body.root_path.strip() or not body.media_format.strip():
        raise BadRequest("name, root_path, and media_format are required")
    if len(body.name) > 128 or len(body.media_format) > 32 or len(body.path_template) > 512:
        raise BadRequest("name, media_format or path_template is too long")
    resolved = allowed_folder(settings, body.root_path, "root_path")
    if not resolved.is_dir():
        raise BadRequest(f"directory not found: {body.root_path.strip()}")
    return str(resolved)


async def create(session: AsyncSession, settings: Settings, library_id: uuid.UUID, body: LocationWrite) -> LocationRead:
    root = _check(settings, body)
    row = StorageLocation(
        library_id=library_id,
        name=body.name.strip(),
        root_path=root,
        media_format=body.media_format.strip(),
        path_template=body.path_template or "{title}",
    )
    session.add(row)
    await session.flush()
    return LocationRead.model_validate(row)


async def ensure(session: AsyncSession, library_id: uuid.UUID, root: Path, name: str, media_format: str) -> uuid.UUID:
    """The library's storage location of this folder, created when there is none (importers, which checked the
    folder themselves: a configured Calibre library need not lie inside LIBRARIUM_STORAGE_ROOTS). `root` is
    resolved already."""
    resolved = str(root)
    for row in await repo.locations_of(session, library_id):
        if row.root_path == resolved:
            return row.id
    row = StorageLocation(library_id=library_id, name=name[:128], root_path=resolved, media_format=media_format)
    session.add(row)
    await session.flush()
    return row.id


async def get(session: AsyncSession, library_id: uuid.UUID, location_id: uuid.UUID) -> StorageLocation:
    return await repo.locations.one(session, library_id, location_id, "storage location not found")


async def update(
    session: AsyncSession, settings: Settings, library_id: uuid.UUID, location_id: uuid.UUID, body: LocationWrite
) -> LocationRead:
    root = _check(settings, body)
    row = await get(session, library_id, location_id)
    row.name, row.root_path = body.name.strip(), root
    row.media_format, row.path_template = body.media_format.strip(), body.path_template
    row.updated_at = utcnow()
    await session.flush()
    return LocationRead.model_validate(row)


async def delete(session: AsyncSession, library_id: uuid.UUID, location_id: uuid.UUID) -> None:
    await session.delete(await get(session, library_id, location_id))
    await session.flush()


async def browse(session: AsyncSession, library_id: uuid.UUID, location_id: uuid.UUID, path: str) -> list[BrowseEntry]:
    row = await get(session, library_id, location_id)
    try:
        return paths.listing(Path(row.root_path), path.strip().strip("/"))
    except BadRequest as exc:
        raise BadRequest("path outside storage location") from exc
    except FileNotFoundError as exc:
        raise BadRequest(f"directory not found: {path.strip() or '/'}") from exc
    except OSError as exc:
        raise BadRequest(f"reading directory: {exc.strerror}") from exc


def browse_uploads(settings: Settings, fmt: str, path: str) -> UploadListing:
    if fmt not in ("ebook", "audiobook", "digital"):
        raise BadRequest("format must be ebook or audiobook")
    root = settings.audiobooks_dir if fmt == "audiobook" else settings.ebooks_dir
    try:
        entries = paths.listing(root, path.strip().strip("/"))
    except BadRequest as exc:
        raise BadRequest("path outside upload directory") from exc
    except OSError:
        entries = []
    return UploadListing(root_path=str(root), entries=entries)
