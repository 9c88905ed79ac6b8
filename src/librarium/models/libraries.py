"""Libraries, memberships and library-scoped tags."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from librarium.db.base import Base, CreatedMixin, IdMixin, JSONType, TimestampMixin, utcnow


class Library(IdMixin, TimestampMixin, Base):
    __tablename__ = "libraries"

    name: Mapped[str] = mapped_column(String(128))
    description: Mapped[str | None] = mapped_column(Text)
    slug: Mapped[str] = mapped_column(String(128), unique=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    is_public: Mapped[bool] = mapped_column(default=False)
    settings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # kept by the database (migration 0017): never written by the app, as text_version below
    book_count: Mapped[int] = mapped_column(server_default=text("0"))
    # kept by the database (migration 0018): grows with every change to the text searches of the library
    text_version: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))


class LibraryMembership(IdMixin, Base):
    __tablename__ = "library_memberships"
    __table_args__ = (UniqueConstraint("library_id", "user_id"),)

    library_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("libraries.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("roles.id"))
    invited_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)


class Tag(IdMixin, CreatedMixin, Base):
    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("library_id", "name"),)

    library_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("libraries.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    color: Mapped[str | None] = mapped_column(String(16))
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class MemberTag(Base):
    __tablename__ = "member_tags"

    library_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("libraries.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
