"""Request and response shapes for covers, edition files and storage locations."""

from __future__ import annotations

import uuid
from datetime import datetime

from librarium.kit.schema import Body, Omitting, Read, Str


class FetchBody(Body):
    url: Str = ""


class LinkBody(Body):
    storage_location_id: Str = ""
    file_path: Str = ""


class LinkUploadBody(Body):
    file_path: Str = ""


class ScanLinked(Read):
    file_path: str
    file_size: int
    file_ext: str
    edition_id: uuid.UUID
    book_title: str
    isbn: str


class ScanUnlinked(Read):
    file_path: str
    file_size: int


class ScanMissing(Read):
    edition_id: uuid.UUID
    book_title: str
    format: str
    isbn_13: Str
    isbn_10: Str


class ScanReport(Read):
    linked: list[ScanLinked]
    unlinked: list[ScanUnlinked]
    missing_files: list[ScanMissing]


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


class LocationRead(Read):
    id: uuid.UUID
    library_id: uuid.UUID
    name: str
    root_path: str
    media_format: str
    path_template: str
    created_at: datetime
    updated_at: datetime


class BrowseEntry(Omitting):
    """A directory entry; a file's size (when not 0) and extension (when it has one) are shown, as upstream."""

    OMIT_EMPTY = ("size", "ext")
    name: str
    path: str
    is_dir: bool
    is_bookable: bool
    size: int | None = None
    ext: str | None = None


class UploadListing(Read):
    root_path: str
    entries: list[BrowseEntry]


class LocationWrite(Body):
    name: Str = ""
    root_path: Str = ""
    media_format: Str = ""
    path_template: Str = ""
