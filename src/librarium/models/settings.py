"""Instance-wide settings kept in the database, and the shared cache of metadata-provider answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from librarium.db.base import Base, utcnow


class InstanceSetting(Base):
    """Upstream's `instance_settings`: `provider:<name>` holds a JSON object of strings, and
    `metadata_provider_order` a JSON array of provider names. Read on every use, so a change made through
    one process reaches every other process (and every worker) at once."""

    __tablename__ = "instance_settings"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class LookupCacheEntry(Base):
    """One provider's answer to one question (`<provider>:<operation>:<digest of the argument>`), shared by
    all processes until `expires_at`. `value` is the JSON answer (`null` records a miss); `base_url` is the
    address that gave it, so a mirror's answers are not taken for the service's."""

    __tablename__ = "lookup_cache"

    key: Mapped[str] = mapped_column(String(512), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    base_url: Mapped[str] = mapped_column(String(512), default="")
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_lookup_cache_expires_at", "expires_at"),)
