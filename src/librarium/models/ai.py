"""AI suggestions: each user's opt-in and taste profile, the runs with their event log, the suggestions and
the user's blocks."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from librarium.db.base import Base, IdMixin, JSONType, utcnow


class UserAISettings(Base):
    __tablename__ = "user_ai_settings"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    opt_in: Mapped[bool] = mapped_column(default=False)
    taste_profile: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SuggestionRun(IdMixin, Base):
    """`status`: running → completed | failed | cancelled. `job_id` is the job that runs it: a run whose job is
    no longer alive is stale and never blocks its user."""

    __tablename__ = "ai_suggestion_runs"
    __table_args__ = (Index("ix_ai_suggestion_runs_user_started", "user_id", "started_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    triggered_by: Mapped[str] = mapped_column(String(16))
    provider_type: Mapped[str] = mapped_column(String(32))
    model_id: Mapped[str] = mapped_column(String(128), default="")
    status: Mapped[str] = mapped_column(String(16), default="running", index=True)
    error: Mapped[str] = mapped_column(Text, default="")
    tokens_in: Mapped[int] = mapped_column(default=0)
    tokens_out: Mapped[int] = mapped_column(default=0)
    estimated_cost_usd: Mapped[float] = mapped_column(default=0.0)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    job_id: Mapped[uuid.UUID | None] = mapped_column(index=True)


class RunEvent(Base):
    __tablename__ = "ai_run_events"

    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ai_suggestion_runs.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(32))
    content: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Suggestion(IdMixin, Base):
    """`title_key` is the normalised title (ai/match.py): one `new` suggestion per (user, type, title_key)."""

    __tablename__ = "ai_suggestions"
    __table_args__ = (
        Index(
            "uq_ai_suggestions_new_title",
            "user_id",
            "type",
            "title_key",
            unique=True,
            sqlite_where=text("status = 'new'"),
            postgresql_where=text("status = 'new'"),
        ),
        Index("ix_ai_suggestions_user_status", "user_id", "status", "created_at"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    run_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ai_suggestion_runs.id", ondelete="SET NULL"))
    type: Mapped[str] = mapped_column(String(16))
    book_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("books.id", ondelete="SET NULL"))
    book_edition_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("book_editions.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(512))
    title_key: Mapped[str] = mapped_column(String(512))
    author: Mapped[str] = mapped_column(String(512), default="")
    isbn: Mapped[str] = mapped_column(String(20), default="")
    cover_url: Mapped[str] = mapped_column(Text, default="")
    reasoning: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(24), default="new")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BlockedItem(IdMixin, Base):
    __tablename__ = "ai_blocked_items"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(512), default="")
    author: Mapped[str] = mapped_column(String(512), default="")
    isbn: Mapped[str] = mapped_column(String(20), default="")
    series_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("series.id", ondelete="SET NULL"))
    series_name: Mapped[str] = mapped_column(String(256), default="")
    blocked_at: Mapped[datetime] = mapped_column(default=utcnow)
