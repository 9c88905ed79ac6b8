"""Series, shelves and cover images: the parts of a book's shape that organise it."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from librarium.db.base import Base, CreatedMixin, IdMixin, JSONType, TimestampMixin, utcnow


class Series(IdMixin, TimestampMixin, Base):
    __tablename__ = "series"

    library_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("libraries.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(256))
    description: Mapped[str | None] = mapped_column(Text)
    total_count: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(32), default="ongoing")
    original_language: Mapped[str | None] = mapped_column(String(16))
    publication_year: Mapped[int | None]
    demographic: Mapped[str | None] = mapped_column(String(32))
    genres: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    url: Mapped[str | None] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(Text)
    external_source: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # when the volumes were last synced from the linked source (by hand or by the release checker)
    volumes_checked_at: Mapped[datetime | None]


class SeriesVolume(IdMixin, TimestampMixin, Base):
    __tablename__ = "series_volumes"

    series_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"), index=True)
    position: Mapped[float]
    title: Mapped[str | None] = mapped_column(Text)
    release_date: Mapped[date | None]
    cover_url: Mapped[str | None] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(Text)


class BookSeries(Base):
    __tablename__ = "book_series"
    # covering index for "books with this series": no table lookups
    __table_args__ = (Index("ix_book_series_series_id", "series_id", "book_id"),)

    book_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"), primary_key=True)
    series_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[Decimal] = mapped_column(Numeric(6, 1), default=Decimal(1))


class Shelf(IdMixin, TimestampMixin, Base):
    __tablename__ = "shelves"

    library_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("libraries.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    description: Mapped[str | None] = mapped_column(Text)
    color: Mapped[str | None] = mapped_column(String(16))
    icon: Mapped[str | None] = mapped_column(String(64))
    display_order: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class BookShelf(Base):
    __tablename__ = "book_shelves"
    # covering index for "books with this shelf": no table lookups
    __table_args__ = (Index("ix_book_shelves_shelf_id", "shelf_id", "book_id"),)

    book_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"), primary_key=True)
    shelf_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shelves.id", ondelete="CASCADE"), primary_key=True)
    added_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class CoverImage(IdMixin, CreatedMixin, Base):
    """A stored image of a book (cover) or contributor (photo)."""

    __tablename__ = "cover_images"
    __table_args__ = (Index("ix_cover_images_entity", "entity_type", "entity_id"),)

    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[uuid.UUID]
    filename: Mapped[str] = mapped_column(String(512))
    mime_type: Mapped[str] = mapped_column(String(64))
    file_size: Mapped[int | None]
    is_primary: Mapped[bool] = mapped_column(default=True)
    source_url: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
