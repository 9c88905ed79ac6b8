"""Job kinds: what a job of each kind runs, how long it may take and how often it is retried.

A domain declares its kinds in its `tasks.py` with `@job_kind(...)`; the worker imports those modules
(`TASK_MODULES`, plus `LIBRARIUM_JOB_MODULES` for extra ones) before it claims anything.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from librarium.jobs.context import JobContext

Handler = Callable[["JobContext"], Awaitable[None]]

# the modules holding the project's own job kinds
TASK_MODULES: tuple[str, ...] = (
    "librarium.jobs.maintenance",
    "librarium.enrichment.tasks",
    "librarium.series.tasks",
    "librarium.imports.tasks",
    "librarium.ai.tasks",
)


@dataclass(frozen=True)
class JobKind:
    name: str
    handler: Handler
    # a whole attempt may run this long; a longer one is stopped and retried from its checkpoint
    time_limit: timedelta = timedelta(hours=1)
    max_attempts: int = 5
    # the wait before retry n is backoff * 2**(n-1), at most max_backoff
    backoff: timedelta = timedelta(seconds=5)
    max_backoff: timedelta = timedelta(hours=1)


@dataclass(frozen=True)
class Schedule:
    """Enqueue `kind` every `interval` (once across all workers); the first run is `first_after` from the
    first start."""

    name: str
    kind: str
    interval: timedelta
    first_after: timedelta = timedelta(seconds=30)
    interval_setting: str | None = None  # a Settings field (seconds) that overrides `interval`


KINDS: dict[str, JobKind] = {}
SCHEDULES: dict[str, Schedule] = {}


def job_kind(
    name: str,
    *,
    time_limit: timedelta = timedelta(hours=1),
    max_attempts: int = 5,
    backoff: timedelta = timedelta(seconds=5),
) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        if name in KINDS and KINDS[name].handler is not handler:
            raise ValueError(f"job kind {name!r} is registered twice")
        KINDS[name] = JobKind(name, handler, time_limit, max_attempts, backoff)
        return handler

    return register


def schedule(entry: Schedule) -> None:
    SCHEDULES[entry.name] = entry


def load(job_modules: str = "") -> None:
    """Registers every job kind: ours, and those of `job_modules` (LIBRARIUM_JOB_MODULES, comma-separated)."""
    for module in (*TASK_MODULES, *(m for m in job_modules.split(",") if m.strip())):
        importlib.import_module(module)


def get(name: str) -> JobKind | None:
    return KINDS.get(name)
