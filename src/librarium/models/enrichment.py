"""Metadata enrichment batches, one item per book, and the record of every field a batch changed."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from librarium.db.base import Base, CreatedMixin, IdMixin, JSONType, TimestampMixin


class EnrichmentBatch(IdMixin, TimestampMixin, Base):
    """`type`: metadata | cover. `status`: pending → processing → done | failed | cancelled."""

    __tablename__ = "enrichment_batches"

    library_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("libraries.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(16))
    force: Mapped[bool] = mapped_column(default=False)
    # fields whose provider value replaces the book's own even without `force` (an import's `prefer_csv`)
    force_fields: Mapped[list[Any]] = mapped_column(JSONType, default=list, server_default="[]")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    book_ids: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    total_books: Mapped[int] = mapped_column(default=0)
    processed_books: Mapped[int] = mapped_column(default=0)
    failed_books: Mapped[int] = mapped_column(default=0)
    skipped_books: Mapped[int] = mapped_column(default=0)
    job_id: Mapped[uuid.UUID | None]


class EnrichmentItem(IdMixin, TimestampMixin, Base):
    """`status`: pending → done | failed | skipped; `position` keeps the request's order."""

    __tablename__ = "enrichment_batch_items"
    __table_args__ = (Index("ix_enrichment_batch_items_batch_position", "batch_id", "position"),)

    batch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("enrichment_batches.id", ondelete="CASCADE"))
    book_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("books.id", ondelete="SET NULL"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    book_title: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    message: Mapped[str] = mapped_column(Text, default="")


class EnrichmentChange(IdMixin, CreatedMixin, Base):
    """One field of one book as a batch changed it: the values before and after (JSON), and where the new
    value came from. `cover` changes name cover image ids; the replaced image is kept until the batch goes."""

    __tablename__ = "enrichment_changes"

    batch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("enrichment_batches.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("enrichment_batch_items.id", ondelete="CASCADE"), index=True)
    book_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[Any] = mapped_column(JSONType, nullable=True)
    new_value: Mapped[Any] = mapped_column(JSONType, nullable=True)
    source: Mapped[str] = mapped_column(String(64), default="")
    reverted_at: Mapped[datetime | None]
