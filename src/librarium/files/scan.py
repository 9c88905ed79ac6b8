"""Scanning a storage location: files whose names carry an ISBN are linked to the editions (of digital
formats, still without a file) that have that ISBN.

Differences from upstream, on purpose: the ISBN-10 and ISBN-13 of a book match each other, check digits are
verified (a 13-digit order number is not an ISBN) and an ISBN-10 may end in X; `book_title` is the book's
title (upstream sends the edition name there); an empty category is `[]`, not `null`; a file that is already
linked is not reported as unlinked; symlinks are not followed; the walk is bounded and runs off the event
loop.
"""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

import anyio
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.files import paths
from librarium.files import repository as repo
from librarium.files.kosync_digest import koreader_digest
from librarium.files.schemas import ScanLinked, ScanMissing, ScanReport, ScanUnlinked
from librarium.kit import isbn as isbn_kit
from librarium.models import BookEdition, EditionFile, StorageLocation

DIGITAL = ("ebook", "digital", "audiobook")
MAX_FILES = 100_000  # a scan looks at this many files at most
_CANDIDATE = re.compile(r"(?<![0-9])(?:[0-9]{13}|[0-9]{9}[0-9Xx])(?![0-9])")


@dataclass
class Found:
    path: str  # relative to the root, with /
    size: int
    ext: str


def isbns_in(name: str) -> list[str]:
    """ISBN-13 keys of the valid ISBNs in a file name, left to right."""
    stem = os.path.splitext(name)[0]
    keys = (isbn_kit.key(match.group(0)) for match in _CANDIDATE.finditer(stem))
    return [k for k in keys if k]


def walk(root: Path, limit: int = MAX_FILES) -> list[Found]:
    """Files with an allowed extension under `root` (no symlinks), sorted by path."""
    found: list[Found] = []
    if not root.is_dir():
        return found
    for directory, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not os.path.islink(os.path.join(directory, d)))
        for name in sorted(files):
            full = os.path.join(directory, name)
            ext = paths.extension(name)
            if os.path.islink(full) or ext not in paths.MEDIA_TYPES:
                continue
            try:
                size = os.stat(full).st_size
            except OSError:
                continue
            found.append(Found(os.path.relpath(full, root).replace(os.sep, "/"), size, ext))
            if len(found) >= limit:
                return found
    return found


async def scan(session: AsyncSession, library_id: uuid.UUID, location: StorageLocation) -> ScanReport:
    root = Path(location.root_path)
    files = await anyio.to_thread.run_sync(walk, root)
    waiting = await repo.editions_without_files(session, library_id, DIGITAL)
    by_key: dict[str, tuple[BookEdition, str]] = {}
    for edition, title in waiting:
        for raw in (edition.isbn_13, edition.isbn_10):
            key = isbn_kit.key(raw or "")
            if key:
                by_key.setdefault(key, (edition, title))
    already = await repo.linked_paths(session, location.id)
    linked: list[ScanLinked] = []
    unlinked: list[ScanUnlinked] = []
    done: set[uuid.UUID] = set()
    for item in files:
        if item.path in already:
            continue
        match = next(((k, by_key[k]) for k in isbns_in(os.path.basename(item.path)) if k in by_key), None)
        if match is None or match[1][0].id in done:
            unlinked.append(ScanUnlinked(file_path=item.path, file_size=item.size))
            continue
        key, (edition, title) = match
        done.add(edition.id)
        order = await repo.next_file_order(session, edition.id)
        session.add(
            EditionFile(
                edition_id=edition.id,
                file_format=item.ext,
                file_name=os.path.basename(item.path),
                file_path=item.path,
                storage_location_id=location.id,
                file_size=item.size,
                display_order=order,
                owned=False,
                koreader_digest=koreader_digest(Path(location.root_path) / item.path),
            )
        )
        linked.append(
            ScanLinked(
                file_path=item.path,
                file_size=item.size,
                file_ext=item.ext,
                edition_id=edition.id,
                book_title=title,
                isbn=key,
            )
        )
    await session.flush()
    missing = [
        ScanMissing(
            edition_id=edition.id,
            book_title=title,
            format=edition.format,
            isbn_13=edition.isbn_13,
            isbn_10=edition.isbn_10,
        )
        for edition, title in waiting
        if edition.id not in done
    ]
    return ScanReport(linked=linked, unlinked=unlinked, missing_files=missing)
