"""Declarative base, naming convention and portable column types."""

from __future__ import annotations

import functools
import os
import time
import uuid
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import JSON, DateTime, MetaData, String, Table, Uuid, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python, whatever the engine stores."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        # SQLite keeps the text as given; store it naive-UTC so string order is time order.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is UTC:  # (asyncpg's are UTC already)
            return value
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


@functools.lru_cache(maxsize=1 << 16)
def uuid_of_hex(value: str) -> uuid.UUID:
    return uuid.UUID(hex=value)


class ReadUuid(TypeDecorator[uuid.UUID]):
    """A UUID column read for a hot path (`type_coerce(column, ReadUuid())`): SQLite's stored hex is turned into
    a UUID through a cache (the same tags, people and books come back page after page; building each UUID anew
    took a sixth of a catalogue page), PostgreSQL's driver already hands back UUIDs. Read-only: not for binds."""

    impl = String
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Dialect) -> uuid.UUID | None:
        return value if value is None or isinstance(value, uuid.UUID) else uuid_of_hex(value)


JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    """A new row's id: a time-ordered UUID (version 7, RFC 9562) — 48 bits of Unix time in milliseconds, then 74
    random bits. Rows made one after another get ids that sort together, so an insert lands at the end of each
    index over ids instead of anywhere in it: with random (version 4) ids a 10,000-row import into a library of
    30,000 books spent twice as long in SQLite as into an empty one (index pages all over the file touched and
    written again at every commit); with these the time stays flat. Secrets never use it (uuid4 or `secrets`)."""
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")  # 80 random bits: 12 after the version, 62 after the variant
    return uuid.UUID(int=(millis & _MS) << 80 | 0x7 << 76 | (rand >> 62 & 0xFFF) << 64 | 0b10 << 62 | rand & _LOW62)


_MS, _LOW62 = (1 << 48) - 1, (1 << 62) - 1


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: dict[Any, Any] = {datetime: UTCDateTime(), uuid.UUID: Uuid()}


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)


class CreatedMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TimestampMixin(CreatedMixin):
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


@event.listens_for(TimestampMixin, "before_insert", propagate=True)
def _stamp_new_row(_mapper: Any, _connection: Any, target: Any) -> None:
    """A new row's created_at and updated_at are the same instant."""
    now = utcnow()
    if target.created_at is None:
        target.created_at = now
    if target.updated_at is None:
        target.updated_at = target.created_at


def table_of(model: type[Base]) -> Table:
    """A model's table, for Core inserts of many plain rows (one executemany; the ORM's bulk path sends some
    tables row by row)."""
    return cast(Table, model.__table__)
