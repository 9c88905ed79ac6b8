"""Files of editions (ebooks, comics, audiobooks) and the storage locations they may live in."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from librarium.db.base import Base, CreatedMixin, IdMixin, TimestampMixin


class StorageLocation(IdMixin, TimestampMixin, Base):
    __tablename__ = "storage_locations"

    library_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("libraries.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    root_path: Mapped[str] = mapped_column(String(1024))
    media_format: Mapped[str] = mapped_column(String(32))
    path_template: Mapped[str] = mapped_column(String(512), default="{title}")


def name_digest(file_name: str) -> str:
    """KOReader's other document id (its "file name" matching): the MD5 of the file's name."""
    return hashlib.md5(file_name.encode(), usedforsecurity=False).hexdigest()


def _name_digest_default(context: Any) -> str:
    return name_digest(str(context.get_current_parameters().get("file_name") or ""))


class EditionFile(IdMixin, CreatedMixin, Base):
    __tablename__ = "edition_files"

    edition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("book_editions.id", ondelete="CASCADE"), index=True)
    file_format: Mapped[str] = mapped_column(String(16))
    file_name: Mapped[str] = mapped_column(Text)
    file_path: Mapped[str] = mapped_column(Text)
    storage_location_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("storage_locations.id", ondelete="SET NULL"), index=True
    )
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    display_order: Mapped[int] = mapped_column(default=0)
    # True when the server wrote the file (an upload); only such files are ever deleted from disk.
    owned: Mapped[bool] = mapped_column(default=False)
    # KOReader's document id of the file (files/kosync_digest.py), to match reading progress to the file
    koreader_digest: Mapped[str | None] = mapped_column(String(32), index=True)
    # and the MD5 of its name, KOReader's id in "file name" mode (a copy of the file keeps its name on the device)
    koreader_name_digest: Mapped[str | None] = mapped_column(String(32), index=True, default=_name_digest_default)
