"""Editions of a book and each user's reading record of an edition."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from librarium.db.base import Base, IdMixin, JSONType, TimestampMixin


class BookEdition(IdMixin, TimestampMixin, Base):
    __tablename__ = "book_editions"

    book_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"), index=True)
    format: Mapped[str] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(16))
    edition_name: Mapped[str | None] = mapped_column(String(255))
    narrator: Mapped[str | None] = mapped_column(String(255))
    narrator_contributor_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contributors.id", ondelete="SET NULL"), index=True
    )
    publisher: Mapped[str | None] = mapped_column(String(255))
    publish_date: Mapped[date | None]
    isbn_10: Mapped[str | None] = mapped_column(String(10))
    isbn_13: Mapped[str | None] = mapped_column(String(13))
    # The ISBN-13 form of whichever ISBN the edition has: matches ISBN-10 and ISBN-13 of one book.
    isbn_key: Mapped[str | None] = mapped_column(String(13), index=True)
    copy_count: Mapped[int] = mapped_column(default=1)
    description: Mapped[str | None] = mapped_column(Text)
    duration_seconds: Mapped[int | None]
    page_count: Mapped[int | None]
    is_primary: Mapped[bool] = mapped_column(default=False)
    acquired_at: Mapped[date | None]


class UserBookInteraction(IdMixin, TimestampMixin, Base):
    __tablename__ = "user_book_interactions"
    __table_args__ = (UniqueConstraint("user_id", "book_edition_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    book_edition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("book_editions.id", ondelete="CASCADE"), index=True)
    read_status: Mapped[str] = mapped_column(String(32), default="unread")
    rating: Mapped[int | None]
    notes: Mapped[str | None] = mapped_column(Text)
    review: Mapped[str | None] = mapped_column(Text)
    date_started: Mapped[date | None]
    date_finished: Mapped[date | None]
    progress: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    is_favorite: Mapped[bool] = mapped_column(default=False)
    reread_count: Mapped[int] = mapped_column(default=0)


class ReadingProgress(Base):
    """A reading app's position in a document (KOReader progress sync), per user and document id; linked to
    the edition file the document id matched, when one did."""

    __tablename__ = "reading_progress"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    document: Mapped[str] = mapped_column(String(64), primary_key=True)
    progress: Mapped[str] = mapped_column(Text, default="")
    percentage: Mapped[float] = mapped_column(default=0.0)
    device: Mapped[str] = mapped_column(String(128), default="")
    device_id: Mapped[str] = mapped_column(String(128), default="")
    timestamp: Mapped[int] = mapped_column(default=0)
    edition_file_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("edition_files.id", ondelete="SET NULL"))
