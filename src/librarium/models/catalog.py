"""Books, contributors and their links."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from librarium.db.base import Base, CreatedMixin, IdMixin, JSONType, TimestampMixin


class Contributor(IdMixin, TimestampMixin, Base):
    """A person or organisation; instance-wide, shared by every library."""

    __tablename__ = "contributors"

    name: Mapped[str] = mapped_column(String(255))
    sort_name: Mapped[str] = mapped_column(Text, default="")
    is_corporate: Mapped[bool] = mapped_column(default=False)
    bio: Mapped[str | None] = mapped_column(Text)
    born_date: Mapped[date | None]
    died_date: Mapped[date | None]
    nationality: Mapped[str | None] = mapped_column(String(64))
    external_ids: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # lower(name), for case-insensitive search and the first-letter index
    name_lower: Mapped[str] = mapped_column(String(255), default="", index=True)


class ContributorWork(IdMixin, CreatedMixin, Base):
    __tablename__ = "contributor_works"

    contributor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contributors.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text)
    isbn_13: Mapped[str | None] = mapped_column(String(13))
    isbn_10: Mapped[str | None] = mapped_column(String(10))
    publish_year: Mapped[int | None]
    cover_url: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(64))
    deleted_at: Mapped[datetime | None]


class Book(IdMixin, TimestampMixin, Base):
    __tablename__ = "books"
    __table_args__ = (
        Index("ix_books_library_sort", "library_id", "sort_key", "id"),
        Index("ix_books_library_sort_title", "library_id", "sort_title"),
        Index("ix_books_library_created", "library_id", "created_at"),
        Index("ix_books_library_updated", "library_id", "updated_at"),
        Index("ix_books_library_files_sort", "library_id", "has_files", "sort_key", "id"),
        Index("ix_books_library_files_created", "library_id", "has_files", "created_at"),
    )

    library_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("libraries.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(512))
    subtitle: Mapped[str | None] = mapped_column(String(512))
    media_type_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("media_types.id"), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    added_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Derived from the title on every write (kit.sorting): lower-case title without its leading
    # article, and the same with digit runs zero-padded for natural order ("Vol 2" < "Vol 10").
    sort_title: Mapped[str] = mapped_column(String(512), default="")
    sort_key: Mapped[str] = mapped_column(String(1024), default="")
    # Lower-case text searched by `q`: title, subtitle, contributor names, description.
    search_text: Mapped[str] = mapped_column(Text, default="")
    # Whether an edition of the book has a file — kept by database triggers (migration 0016) on every file and
    # edition insert or delete, whatever makes it: the catalogue lists such books without a join per book.
    has_files: Mapped[bool] = mapped_column(default=False, server_default=false())


class BookContributor(Base):
    __tablename__ = "book_contributors"
    # covering index for "books with this contributor": no table lookups
    __table_args__ = (Index("ix_book_contributors_contributor_id", "contributor_id", "book_id"),)

    book_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"), primary_key=True)
    contributor_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contributors.id", ondelete="RESTRICT"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_order: Mapped[int] = mapped_column(default=0)


class BookGenre(Base):
    __tablename__ = "book_genres"
    # covering index for "books with this genre": no table lookups
    __table_args__ = (Index("ix_book_genres_genre_id", "genre_id", "book_id"),)

    book_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"), primary_key=True)
    genre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("genres.id", ondelete="CASCADE"), primary_key=True)


class BookTag(Base):
    __tablename__ = "book_tags"
    # covering index for "books with this tag": no table lookups
    __table_args__ = (Index("ix_book_tags_tag_id", "tag_id", "book_id"),)

    book_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
