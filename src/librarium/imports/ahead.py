"""The next step's rows, parsed while this step waits for the database: an import step spends much of its time
waiting for its inserts and its commit (on PostgreSQL, in the server's own process); parsing the next 500 rows
meanwhile, a few at a time between those waits, takes that CPU work off the import's critical path."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

Parsed = TypeVar("Parsed")
ROWS_BETWEEN_YIELDS = 8  # about half a millisecond of parsing before the step may go on


class Ahead(Generic[Parsed]):
    """One batch of rows parsed in the background; `take` hands it over when it is the batch asked for."""

    def __init__(self, parse: Callable[[dict[str, Any]], Parsed]):
        self._parse = parse
        self._ids: list[uuid.UUID] = []
        self._task: asyncio.Task[list[Parsed]] | None = None

    def start(self, rows: Sequence[tuple[uuid.UUID, dict[str, Any]]]) -> None:
        """Begin parsing `rows` ((id, raw data) pairs) on the event loop, a few between each of its other tasks."""
        self.close()
        self._ids = [row_id for row_id, _ in rows]
        self._task = asyncio.ensure_future(self._run([raw for _, raw in rows]))

    async def _run(self, raws: list[dict[str, Any]]) -> list[Parsed]:
        done: list[Parsed] = []
        for raw in raws:
            done.append(self._parse(raw))
            if len(done) % ROWS_BETWEEN_YIELDS == 0:
                await asyncio.sleep(0)
        return done

    async def take(self, ids: list[uuid.UUID]) -> list[Parsed] | None:
        """The parsed rows when the batch started is exactly `ids` (in order), else None (the caller parses)."""
        task, self._task = self._task, None
        if task is None or ids != self._ids:
            if task is not None:
                task.cancel()
            return None
        return await task

    def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
