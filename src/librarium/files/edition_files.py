"""Files of an edition: uploads (written by us, under the upload roots), links to files that already exist
in a storage location, downloads with byte ranges, and deletes that never remove a file we did not write."""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.config import Settings
from librarium.db import unit
from librarium.errors import BadRequest, NotFound
from librarium.files import content, paths
from librarium.files import repository as repo
from librarium.files.kosync_digest import koreader_digest
from librarium.files.schemas import EditionFileRead
from librarium.files.upload import receive_file
from librarium.kit.validate import parse_uuid
from librarium.models import Book, BookEdition, Contributor, EditionFile, StorageLocation


async def book_of(session: AsyncSession, library_id: uuid.UUID, book_id: uuid.UUID) -> Book:
    return await repo.books.one(session, library_id, book_id, "book not found")


async def contributor_of(session: AsyncSession, contributor_id: uuid.UUID) -> Contributor:
    found = await repo.contributor(session, contributor_id)
    if found is None:
        raise NotFound("contributor not found")
    return found


async def edition_of(session: AsyncSession, book: Book, edition_id: uuid.UUID) -> BookEdition:
    edition = await repo.edition_of_book(session, book.id, edition_id)
    if edition is None:
        raise NotFound("edition not found")
    return edition


def upload_root(settings: Settings, edition: BookEdition) -> Path:
    return settings.audiobooks_dir if edition.format == "audiobook" else settings.ebooks_dir


def _template(settings: Settings, edition: BookEdition) -> str:
    return settings.audiobook_path_template if edition.format == "audiobook" else settings.ebook_path_template


async def _template_values(session: AsyncSession, book: Book, edition: BookEdition) -> dict[str, str]:
    people = await repo.people_of(session, book.id)
    author = next((n for n, r in people if r.lower() == "author"), people[0][0] if people else "")
    published = await repo.primary_publish_date(session, book.id) or edition.publish_date
    return {
        "title": book.title,
        "author": author,
        "year": str(published.year) if published else "",
        "isbn13": edition.isbn_13 or "",
        "isbn10": edition.isbn_10 or "",
        "edition": edition.edition_name or "",
    }


def shape(row: EditionFile, root: Path) -> EditionFileRead:
    return EditionFileRead(
        id=row.id,
        edition_id=row.edition_id,
        file_format=row.file_format,
        file_name=row.file_name,
        file_path=row.file_path,
        root_path=str(root),
        storage_location_id=row.storage_location_id,
        file_size=row.file_size,
        display_order=row.display_order,
        created_at=row.created_at,
    )


async def _root_of(session: AsyncSession, settings: Settings, row: EditionFile, edition: BookEdition) -> Path:
    if row.storage_location_id is not None:
        location = await session.get(StorageLocation, row.storage_location_id)
        if location is not None:
            return Path(location.root_path)
    return upload_root(settings, edition)


async def for_editions(
    session: AsyncSession, settings: Settings, editions: list[BookEdition]
) -> dict[uuid.UUID, list[EditionFileRead]]:
    """Files of these editions (ordered), as the edition list shows them."""
    by_id = {e.id: e for e in editions}
    if not by_id:
        return {}
    out: dict[uuid.UUID, list[EditionFileRead]] = {}
    for row, location_root in await repo.files_with_roots(session, list(by_id)):
        root = Path(location_root) if location_root else upload_root(settings, by_id[row.edition_id])
        out.setdefault(row.edition_id, []).append(shape(row, root))
    return out


async def upload(
    session: AsyncSession, settings: Settings, request: Request, book: Book, edition: BookEdition
) -> EditionFileRead:
    root = upload_root(settings, edition)
    directory = root / paths.render_template(
        _template(settings, edition), await _template_values(session, book, edition)
    )
    directory.mkdir(parents=True, exist_ok=True)
    edition_id = edition.id
    # the body may take minutes to arrive: no transaction (nor SQLite's write turn) is held meanwhile
    async with unit.outside(session):
        received = await receive_file(
            request, "file", lambda: paths.temp_path(directory), int(settings.max_upload_mb * 1024 * 1024)
        )
    temp = received.path
    assert temp is not None
    try:
        ext = paths.check_extension(received.filename)
        if not content.matches(temp, ext):
            raise BadRequest(f"file content does not match its .{ext} extension")
        if await session.get(BookEdition, edition_id) is None:  # deleted while the file arrived
            raise NotFound("edition not found")
        stem = paths.sanitise(os.path.splitext(os.path.basename(received.filename.replace("\\", "/")))[0])
        final = _claim(directory, stem, ext)
        os.replace(temp, final)
    finally:
        temp.unlink(missing_ok=True)
    unit.on_rollback(session, lambda: final.unlink(missing_ok=True))  # nothing half-done left behind
    row = EditionFile(
        edition_id=edition_id,
        file_format=ext,
        file_name=os.path.basename(received.filename.replace("\\", "/")) or final.name,
        file_path=paths.relative_to(root, final),
        storage_location_id=None,
        file_size=received.size,
        display_order=await repo.next_file_order(session, edition_id),
        owned=True,
        koreader_digest=koreader_digest(final),
    )
    session.add(row)
    await session.flush()
    return shape(row, root)


def _claim(directory: Path, stem: str, ext: str) -> Path:
    """Reserve a free `stem.ext` (or `stem (n).ext`) atomically, so concurrent uploads never collide."""
    for _ in range(1000):
        candidate = paths.free_name(directory, stem, ext)
        try:
            os.close(os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            return candidate
        except FileExistsError:
            continue
    raise BadRequest("could not find a free file name")


async def link(
    session: AsyncSession, library_id: uuid.UUID, edition: BookEdition, location_id: str, file_path: str
) -> EditionFileRead:
    loc_id = parse_uuid(location_id, "invalid storage_location_id")
    if not file_path.strip():
        raise BadRequest("file_path is required")
    location = await repo.locations.one(session, library_id, loc_id, "storage location not found")
    return await _link(session, edition, Path(location.root_path), file_path, location.id, "storage location")


async def link_upload(
    session: AsyncSession, settings: Settings, edition: BookEdition, file_path: str
) -> EditionFileRead:
    """Link a file that already lies under the edition's upload root, in place (never moved, and never deleted
    with the row: upstream deletes such linked files from disk)."""
    if not file_path.strip():
        raise BadRequest("file_path is required")
    return await _link(session, edition, upload_root(settings, edition), file_path, None, "upload directory")


async def _link(
    session: AsyncSession, edition: BookEdition, root: Path, file_path: str, location_id: uuid.UUID | None, where: str
) -> EditionFileRead:
    try:
        target = paths.inside(root, file_path.strip().lstrip("/"))
    except BadRequest as exc:
        raise BadRequest(f"path outside {where}") from exc
    if target.is_dir():
        raise BadRequest("path is a directory, not a file")
    if not target.is_file():
        raise BadRequest(f"file not found: {file_path}")
    ext = paths.check_extension(target.name)
    row = EditionFile(
        edition_id=edition.id,
        file_format=ext,
        file_name=target.name,
        file_path=paths.relative_to(root, target),
        storage_location_id=location_id,
        file_size=target.stat().st_size,
        display_order=await repo.next_file_order(session, edition.id),
        owned=False,
        koreader_digest=koreader_digest(target),
    )
    session.add(row)
    await session.flush()
    return shape(row, root)


async def get(session: AsyncSession, edition: BookEdition, file_id: uuid.UUID) -> EditionFile:
    row = await session.get(EditionFile, file_id)
    if row is None or row.edition_id != edition.id:  # upstream does not check the edition
        raise NotFound("file not found")
    return row


async def locate(
    session: AsyncSession, settings: Settings, edition: BookEdition, file_id: uuid.UUID
) -> tuple[Path, EditionFile]:
    row = await get(session, edition, file_id)
    root = await _root_of(session, settings, row, edition)
    try:
        path = paths.inside(root, row.file_path)
    except BadRequest as exc:
        raise NotFound("file not found") from exc
    if not path.is_file():
        raise NotFound("file not found")
    return path, row


async def delete(session: AsyncSession, settings: Settings, edition: BookEdition, file_id: uuid.UUID) -> None:
    row = await get(session, edition, file_id)
    root = await _root_of(session, settings, row, edition)
    owned = row.owned and row.storage_location_id is None
    await session.delete(row)
    await session.flush()
    # Upstream deletes any file under the upload root, including ones that were only linked: data loss.
    # We delete only what we wrote ourselves.
    if owned:
        with contextlib.suppress(BadRequest):
            target = paths.inside(root, row.file_path)
            unit.after_commit(session, lambda: target.unlink(missing_ok=True))


async def remember_digest(session: AsyncSession, file_id: uuid.UUID, path: Path) -> None:
    """Stores KOReader's document id of a file stored before ids were kept (computed on its first download)."""
    row = await session.get(EditionFile, file_id)
    if row is not None and row.koreader_digest is None:
        row.koreader_digest = koreader_digest(path)
        await session.flush()
