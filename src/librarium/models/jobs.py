"""Durable background jobs and the periodic schedules that enqueue them (jobs/)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from librarium.db.base import Base, IdMixin, JSONType, TimestampMixin, utcnow


class Job(IdMixin, TimestampMixin, Base):
    """One unit of background work. `state`: queued → running → succeeded | failed | cancelled; a failed
    attempt goes back to queued with a later `run_after` until `max_attempts` is reached. `checkpoint` is
    what the job has finished so far (written in the same transaction as the work), so a retry resumes.
    `claimed_by` + `attempts` fence a worker: a worker that lost its claim can no longer write."""

    __tablename__ = "jobs"

    kind: Mapped[str] = mapped_column(String(64))
    args: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    state: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=5)
    run_after: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    heartbeat_at: Mapped[datetime | None]
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    checkpoint: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_jobs_state_run_after", "state", "run_after"),)


class JobSchedule(Base):
    """A periodic job: the worker that moves `next_run_at` forward (compare-and-set) enqueues it, so it runs
    once per interval across all workers."""

    __tablename__ = "job_schedules"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_run_at: Mapped[datetime]
    last_run_at: Mapped[datetime | None]
