"""What a job handler gets: its arguments, its checkpoint, and steps that commit work and progress together.

    @job_kind("imports.run")
    async def run_import(ctx: JobContext) -> None:
        done = ctx.checkpoint.get("rows", 0)
        for chunk in chunks_from(done):
            async with ctx.step() as session:    # one transaction: the chunk's rows + the checkpoint
                ...
                ctx.checkpoint["rows"] = done = done + len(chunk)
                ctx.progress(done, total)

A step is all or nothing: its writes and the new checkpoint commit together, so a retry after a crash
resumes after the last committed step and no step's work is ever done twice. Entering a step checks for
cancellation (JobCancelled) and whether this worker still holds the job (ClaimLost).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from librarium.config import Settings
from librarium.db.unit import Database
from librarium.jobs import repository as repo


class JobCancelled(Exception):
    """Raised at a step boundary once cancellation was requested."""


class ClaimLost(Exception):
    """This worker was presumed dead and another one took the job over."""


class JobContext:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        job_id: uuid.UUID,
        args: dict[str, Any],
        checkpoint: dict[str, Any],
        attempt: int,
        worker: str,
    ):
        self.db = db
        self.settings = settings
        self.job_id = job_id
        self.args = args
        self.checkpoint = dict(checkpoint)
        self.attempt = attempt
        self.worker = worker
        self._done = 0
        self._total = 0

    def progress(self, done: int, total: int) -> None:
        """Shown with the job; saved with the next step."""
        self._done, self._total = done, total

    @asynccontextmanager
    async def step(self) -> AsyncIterator[AsyncSession]:
        saved = dict(self.checkpoint)
        async with self.db.unit_of_work() as session:
            if await repo.cancel_requested(session, self.job_id):
                raise JobCancelled()
            try:
                yield session
            except BaseException:
                self.checkpoint = saved
                raise
            owned = await repo.save_progress(
                session, self.job_id, self.worker, self.attempt, self.checkpoint, self._done, self._total
            )
            if not owned:
                self.checkpoint = saved
                raise ClaimLost()

    async def check_cancelled(self) -> None:
        """For long waits outside steps (a slow provider call, say)."""
        async with self.db.unit_of_work(write=False) as session:
            if await repo.cancel_requested(session, self.job_id):
                raise JobCancelled()
