"""Instance-wide reference data: genres and media types."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from librarium.db.base import Base, CreatedMixin, IdMixin


class Genre(IdMixin, CreatedMixin, Base):
    __tablename__ = "genres"

    name: Mapped[str] = mapped_column(Text)
    # lower(name), kept by the service; unique so "fantasy" and "Fantasy" cannot both exist.
    name_lower: Mapped[str] = mapped_column(Text, unique=True)


class MediaType(IdMixin, CreatedMixin, Base):
    __tablename__ = "media_types"

    name: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    description: Mapped[str | None] = mapped_column(Text)
