"""CSV import jobs and one item per data row."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from librarium.db.base import Base, IdMixin, JSONType, TimestampMixin


class ImportJob(IdMixin, TimestampMixin, Base):
    """`status`: pending → processing → done | cancelled. `processed_rows` counts done rows only (upstream)."""

    __tablename__ = "import_jobs"

    library_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("libraries.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    total_rows: Mapped[int] = mapped_column(default=0)
    processed_rows: Mapped[int] = mapped_column(default=0)
    failed_rows: Mapped[int] = mapped_column(default=0)
    skipped_rows: Mapped[int] = mapped_column(default=0)
    options: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    job_id: Mapped[uuid.UUID | None]


class ImportItem(IdMixin, TimestampMixin, Base):
    """`status`: pending → done | skipped | failed. `row_number` is 1-based over the data rows."""

    __tablename__ = "import_job_items"
    __table_args__ = (Index("ix_import_job_items_job_row", "import_job_id", "row_number"),)

    import_job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("import_jobs.id", ondelete="CASCADE"))
    row_number: Mapped[int]
    raw_data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    title: Mapped[str] = mapped_column(Text, default="")
    isbn: Mapped[str] = mapped_column(String(32), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    book_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("books.id", ondelete="SET NULL"))
