"""SQLite through aiosqlite's thread with one hand-off per statement — and reads without one.

aiosqlite runs each call on the connection's own thread, and SQLAlchemy's adapter makes four calls per
statement (make a cursor, execute, fetch, close): four round trips between the event loop and the thread,
about 0.1 ms each on this machine, for statements that themselves often take less. Here a cursor runs the
statement, reads its rows (up to PREFETCH of them) and closes itself in one call; longer results are read
on as asked. Everything else (connecting, commits, functions) is aiosqlite's own.

Reads (`SELECT`, and the deferred `BEGIN` that takes no lock) run on the event loop's own thread instead, as
long as they take less than INLINE_BUDGET: a read never waits for a lock in WAL mode, and most take a fraction
of a millisecond — less than the hand-off itself. Under concurrent requests the hand-offs were far worse than
their cost alone: with a thread per connection contending for the GIL, a server process answering 8 clients
spent 8 ms of CPU per book-list page instead of 5 and served 130 pages/s instead of 216 (wrk, as
bench/throughput.py runs it). A read that runs past the budget is interrupted (a SELECT has nothing to undo)
and run again on the connection's thread, so a slow one cannot hold up the event loop for longer than that.
The rollback that ends a transaction which only read (every GET's) runs there too: it only lets go of the
snapshot, and it was the one hand-off left in a read request."""

from __future__ import annotations

import collections
import sqlite3
import time
from collections.abc import Callable
from typing import Any

import aiosqlite

PREFETCH = 1000  # rows read with the statement; a longer result keeps its cursor open and is read on
INLINE_BUDGET = 0.02  # seconds a read may run on the event loop's thread before it moves to the connection's
CHECK_EVERY = 20_000  # SQLite VM instructions between two looks at the clock (about 0.1 ms)


def _reads_only(sql: str) -> bool:
    """A SELECT, or a deferred BEGIN (`BEGIN IMMEDIATE`, which waits for the write lock, is not)."""
    head = sql.lstrip()[:7].upper()
    return head.startswith("SELECT") or head == "BEGIN"


class _Cursor:
    """The DB-API cursor calls SQLAlchemy's adapter makes, each `execute` one trip to the thread."""

    arraysize = 1

    def __init__(self, connection: OneHopConnection):
        self._connection = connection
        self._open: sqlite3.Cursor | None = None  # a result with rows still unread
        self._rows: collections.deque[Any] = collections.deque()
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    async def __aenter__(self) -> _Cursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Any = None) -> _Cursor:
        await self._run(lambda cursor: cursor.execute(sql, () if parameters is None else parameters), _reads_only(sql))
        return self

    async def executemany(self, sql: str, rows: Any) -> _Cursor:
        await self._run(lambda cursor: cursor.executemany(sql, rows))
        return self

    async def _run(self, statement: Callable[[sqlite3.Cursor], Any], read: bool = False) -> None:
        await self.close()
        if not read:
            self._connection.wrote = True

        def in_thread() -> tuple[Any, int, int | None, list[Any], sqlite3.Cursor | None]:
            cursor = self._connection.raw.cursor()
            statement(cursor)
            rows = cursor.fetchmany(PREFETCH) if cursor.description else []
            state = (cursor.description, cursor.rowcount, cursor.lastrowid, rows)
            if len(rows) < PREFETCH:
                cursor.close()
                return (*state, None)
            return (*state, cursor)

        state = self._inline(in_thread) if read else None
        if state is None:
            state = await self._connection.call(in_thread)
        self.description, self.rowcount, self.lastrowid, rows, self._open = state
        self._rows = collections.deque(rows)

    def _inline(self, run: Callable[[], Any]) -> Any:
        """`run` here, on the event loop's thread; None when it ran past INLINE_BUDGET and was interrupted."""
        raw = self._connection.raw
        deadline = time.perf_counter() + INLINE_BUDGET
        raw.set_progress_handler(lambda: time.perf_counter() > deadline, CHECK_EVERY)
        try:
            return run()
        except sqlite3.OperationalError as exc:
            if str(exc) != "interrupted":
                raise
            return None
        finally:
            raw.set_progress_handler(None, 0)

    async def _read_on(self, size: int) -> None:
        """Reads `size` more rows (0: all the rest) from the open result."""
        cursor = self._open
        assert cursor is not None

        def in_thread() -> tuple[list[Any], bool]:
            rows = cursor.fetchmany(size) if size else cursor.fetchall()
            done = not size or len(rows) < size
            if done:
                cursor.close()
            return rows, done

        rows, done = await self._connection.call(in_thread)
        self._rows.extend(rows)
        if done:
            self._open = None

    async def fetchall(self) -> list[Any]:
        if self._open is not None:
            await self._read_on(0)
        rows = list(self._rows)
        self._rows.clear()
        return rows

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        size = size or self.arraysize
        if len(self._rows) < size and self._open is not None:
            await self._read_on(max(size, PREFETCH))
        return [self._rows.popleft() for _ in range(min(size, len(self._rows)))]

    async def fetchone(self) -> Any:
        if not self._rows and self._open is not None:
            await self._read_on(PREFETCH)
        return self._rows.popleft() if self._rows else None

    async def close(self) -> None:
        self._rows.clear()
        if self._open is not None:
            cursor, self._open = self._open, None
            await self._connection.call(cursor.close)


class _Opening:
    """What `cursor()` returns: SQLAlchemy enters it (`await cursor.__aenter__()`) to get the cursor."""

    def __init__(self, connection: OneHopConnection):
        self._cursor = _Cursor(connection)

    async def __aenter__(self) -> _Cursor:
        return self._cursor

    async def __aexit__(self, *exc: object) -> None:
        await self._cursor.close()

    def __await__(self) -> Any:
        return self.__aenter__().__await__()


class OneHopConnection(aiosqlite.Connection):
    wrote = False  # whether a statement other than a read ran since the last commit or rollback

    def cursor(self) -> Any:  # (aiosqlite's is a coroutine: one trip to the thread to make a cursor)
        return _Opening(self)

    @property
    def raw(self) -> sqlite3.Connection:
        """The sqlite3 connection (only to be used on the connection's thread)."""
        return self._conn

    async def call(self, function: Callable[[], Any]) -> Any:
        return await self._execute(function)  # type: ignore[no-untyped-call]

    async def commit(self) -> None:
        await super().commit()
        self.wrote = False

    async def rollback(self) -> None:
        if self.wrote:
            await super().rollback()
            self.wrote = False
        else:  # a transaction that only read: nothing to undo
            self._conn.rollback()


def connect(*args: Any, **kwargs: Any) -> OneHopConnection:
    """Like aiosqlite.connect, with sqlite3.connect's arguments."""
    connection = OneHopConnection(lambda: sqlite3.connect(*args, **kwargs), 64)
    connection._thread.daemon = True  # (as SQLAlchemy does for aiosqlite's thread)
    return connection
