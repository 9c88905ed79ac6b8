"""Units of work: one session, one commit, and the side effects that belong to it.

The same rules hold for a request, a job attempt and a CLI command:

* Services `flush()`, never `commit()`; the unit commits once at its end, or rolls back on error.
* **Side effects after commit.** A service registers file work on the session: `after_commit(session, fn)`
  runs only once the commit has succeeded (deleting a replaced cover, say), `on_rollback(session, fn)` runs
  when the unit does not commit (removing a file written for it). The database never points at a file that
  is gone, and a failed unit leaves no orphan on disk.
* **SQLite writes take their turn.** SQLite has one writer at a time. A write unit waits for this process's
  write gate (FIFO, without holding a connection, so reads are never queued behind writes), then starts its
  transaction with `BEGIN IMMEDIATE`, which takes SQLite's write lock at once (other processes wait on the
  busy timeout). A deferred transaction that read first and then tried to write would fail with "database
  is locked" whenever another writer committed in between. PostgreSQL needs neither.
* Work that waits on something else (an upload stream, another server) runs `outside(session)`: the
  transaction ends and the gate is released until it is done; rows read before must be read again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from librarium.db.engine import WRITE_OPTION

log = logging.getLogger("librarium.db")

_UNIT = "librarium_unit"


class Database:
    """The engine, its session factories and, on SQLite, this process's write gate."""

    def __init__(self, engine: AsyncEngine):
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        self.reads = async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
        if self.is_sqlite:  # db/engine.py turns this option into BEGIN IMMEDIATE
            writer = engine.execution_options(**{WRITE_OPTION: True})
            self.writes = async_sessionmaker(writer, expire_on_commit=False, autoflush=False)
        else:
            self.writes = self.reads
        self._gate: asyncio.Lock | None = None

    @property
    def gate(self) -> asyncio.Lock | None:
        if self.is_sqlite and self._gate is None:
            self._gate = asyncio.Lock()  # created in the running loop
        return self._gate

    async def open(self, *, write: bool) -> Unit:
        """A new unit; the caller must `finish` it."""
        unit = Unit(self, write)
        await unit.start()
        return unit

    @asynccontextmanager
    async def unit_of_work(self, *, write: bool = True) -> AsyncIterator[AsyncSession]:
        """`async with db.unit_of_work() as session:` commits on success (write units), rolls back on error."""
        unit = await self.open(write=write)
        try:
            yield unit.session
        except BaseException:
            await unit.finish(commit=False)
            raise
        await unit.finish(commit=write)


class Unit:
    def __init__(self, db: Database, write: bool):
        self.db = db
        self.write = write
        self.session: AsyncSession = (db.writes if write else db.reads)()
        self.session.info[_UNIT] = self
        self._after_commit: list[Callable[[], Any]] = []
        self._on_rollback: list[Callable[[], Any]] = []
        self._holds_gate = False

    async def start(self) -> None:
        gate = self.db.gate
        if self.write and gate is not None and not self._holds_gate:
            await gate.acquire()
            self._holds_gate = True

    def _release(self) -> None:
        if self._holds_gate and self.db.gate is not None:
            self._holds_gate = False
            self.db.gate.release()

    async def finish(self, *, commit: bool) -> None:
        committed = False
        try:
            if commit:
                await self.session.commit()
                committed = True
            elif self.write:
                await self.session.rollback()
            # a read unit is just closed: its rows stay readable (detached, not expired)
        finally:
            try:
                await self.session.close()
            finally:
                self._release()
                _run(self._after_commit if committed else self._on_rollback)
                self._after_commit.clear()
                self._on_rollback.clear()

    @asynccontextmanager
    async def outside(self) -> AsyncIterator[None]:
        await self.session.rollback()
        self._release()
        try:
            yield
        finally:
            await self.start()


def _run(effects: list[Callable[[], Any]]) -> None:
    for effect in effects:
        try:
            effect()
        except Exception:  # one failed clean-up must not hide the others, nor the request's answer
            log.exception("side effect %r failed", effect)


def unit_of(session: AsyncSession) -> Unit | None:
    unit = session.info.get(_UNIT)
    return unit if isinstance(unit, Unit) else None


def _required(session: AsyncSession) -> Unit:
    unit = unit_of(session)
    if unit is None:
        raise RuntimeError("side effects need a session opened by a unit of work")
    return unit


def after_commit(session: AsyncSession, effect: Callable[[], Any]) -> None:
    """Run `effect` once the session's unit has committed (immediately after, never before)."""
    _required(session)._after_commit.append(effect)


def on_rollback(session: AsyncSession, effect: Callable[[], Any]) -> None:
    """Run `effect` if the session's unit ends without committing."""
    _required(session)._on_rollback.append(effect)


@asynccontextmanager
async def outside(session: AsyncSession) -> AsyncIterator[None]:
    """End the session's transaction (and release the write gate) while waiting on something else."""
    unit = unit_of(session)
    if unit is None:
        await session.rollback()
        yield
        return
    async with unit.outside():
        yield
