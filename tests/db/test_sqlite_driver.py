"""The SQLite driver that runs a statement, reads its rows and closes its cursor in one trip to the connection's
thread (librarium.db.sqlite_driver), through SQLAlchemy as the app uses it: results shorter and longer than
what is read with the statement, streamed results left half-read, row counts, executemany, errors."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from librarium.db import sqlite_driver
from librarium.db.engine import make_engine

ROWS = sqlite_driver.PREFETCH * 2 + 500  # three reads: with the statement, then two more


@pytest.fixture
async def sqlite_engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'driver.db'}")
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE item (n INTEGER PRIMARY KEY, name TEXT UNIQUE)"))
        await conn.execute(text("INSERT INTO item (n, name) VALUES (:n, :name)"),
                           [{"n": n, "name": f"item {n}"} for n in range(ROWS)])  # fmt: skip
    yield engine
    await engine.dispose()


async def test_it_is_the_driver_in_use(sqlite_engine):
    async with sqlite_engine.connect() as conn:
        raw = await conn.get_raw_connection()
        assert isinstance(raw.driver_connection, sqlite_driver.OneHopConnection)


async def test_short_and_long_results_come_back_whole_and_in_order(sqlite_engine):
    async with sqlite_engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM item"))).scalar_one() == ROWS
        assert (await conn.execute(text("SELECT n FROM item WHERE n < 3 ORDER BY n"))).scalars().all() == [0, 1, 2]
        assert (await conn.execute(text("SELECT n FROM item WHERE n < 0"))).all() == []
        everything = (await conn.execute(text("SELECT n FROM item ORDER BY n"))).scalars().all()
        assert everything == list(range(ROWS))


async def test_a_streamed_result_is_read_in_parts_and_can_be_left_half_read(sqlite_engine):
    async with sqlite_engine.connect() as conn:
        streamed = await conn.stream(text("SELECT n FROM item ORDER BY n"))
        seen = [n async for n in streamed.scalars()]
        assert seen == list(range(ROWS))
        streamed = await conn.stream(text("SELECT n FROM item ORDER BY n"))
        first = await streamed.fetchmany(10)
        assert [row[0] for row in first] == list(range(10))
        await streamed.close()  # its cursor still held unread rows
        assert (await conn.execute(text("SELECT max(n) FROM item"))).scalar_one() == ROWS - 1


async def test_row_counts_many_rows_at_once_and_returning(sqlite_engine):
    async with sqlite_engine.begin() as conn:
        changed = await conn.execute(text("UPDATE item SET name = name || '!' WHERE n < 25"))
        assert changed.rowcount == 25
        many = [{"n": ROWS + k, "name": f"new {k}"} for k in range(3)]
        await conn.execute(text("INSERT INTO item (n, name) VALUES (:n, :name)"), many)
        back = await conn.execute(text("INSERT INTO item (n, name) VALUES (:n, 'returned') RETURNING n"), {"n": -1})
        assert back.scalar_one() == -1
        assert (await conn.execute(text("SELECT count(*) FROM item"))).scalar_one() == ROWS + 4


async def test_errors_are_the_usual_ones_and_the_connection_goes_on(sqlite_engine):
    async with sqlite_engine.connect() as conn:
        with pytest.raises(IntegrityError):
            await conn.execute(text("INSERT INTO item (n, name) VALUES (0, 'dup')"))
        await conn.rollback()
        with pytest.raises(OperationalError):
            await conn.execute(text("SELECT nothing FROM nowhere"))
        await conn.rollback()
        assert (await conn.execute(text("SELECT name FROM item WHERE n = 1"))).scalar_one() == "item 1"


async def _thread_of_reads(conn) -> str:
    raw = await conn.get_raw_connection()
    await raw.driver_connection.call(
        lambda: raw.driver_connection.raw.create_function("thread_name", 0, lambda: threading.current_thread().name)
    )
    return (await conn.execute(text("SELECT thread_name()"))).scalar_one()


async def test_reads_run_on_the_event_loops_thread_and_writes_on_the_connections(sqlite_engine):
    async with sqlite_engine.begin() as conn:
        assert await _thread_of_reads(conn) == threading.current_thread().name
        written = await conn.execute(text("UPDATE item SET name = thread_name() WHERE n = 0 RETURNING name"))
        assert written.scalar_one() != threading.current_thread().name
        # a long result read inline keeps its cursor open and is read on in the connection's thread
        assert (await conn.execute(text("SELECT n FROM item ORDER BY n"))).scalars().all() == list(range(ROWS))


async def test_a_read_past_its_budget_moves_to_the_connections_thread(sqlite_engine, monkeypatch):
    """Interrupted on the event loop's thread and run again on the connection's: the same answer, the
    transaction intact (a SELECT has nothing to undo)."""
    slow = "SELECT count(*), thread_name() FROM item AS a, item AS b WHERE a.n < 200"
    async with sqlite_engine.begin() as conn:
        await _thread_of_reads(conn)
        await conn.execute(text("UPDATE item SET name = 'mine' WHERE n = 1"))
        monkeypatch.setattr(sqlite_driver, "INLINE_BUDGET", 0.0)
        monkeypatch.setattr(sqlite_driver, "CHECK_EVERY", 100)
        count, where = (await conn.execute(text(slow))).one()
        assert count == 200 * ROWS and where != threading.current_thread().name
        monkeypatch.setattr(sqlite_driver, "INLINE_BUDGET", 10.0)
        count, where = (await conn.execute(text(slow))).one()
        assert count == 200 * ROWS and where == threading.current_thread().name
        assert (await conn.execute(text("SELECT name FROM item WHERE n = 1"))).scalar_one() == "mine"
    async with sqlite_engine.connect() as conn:
        assert (await conn.execute(text("SELECT name FROM item WHERE n = 1"))).scalar_one() == "mine"


MMAP_CAP = 2**31 - 2**16  # SQLite's own ceiling on Linux (SQLITE_MAX_MMAP_SIZE): the default asks for 2 GB


@pytest.mark.parametrize(("mmap_mb", "expected"), [(None, MMAP_CAP), (16, 16 * 1024 * 1024), (0, 0)])
async def test_connections_read_through_a_memory_map_of_the_configured_size(tmp_path, mmap_mb, expected):
    options = {} if mmap_mb is None else {"mmap_mb": mmap_mb}
    engine = make_engine(f"sqlite:///{tmp_path / 'mapped.db'}", **options)
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA mmap_size"))).scalar() == expected
    finally:
        await engine.dispose()


async def test_a_transaction_that_only_read_ends_without_a_trip_to_the_connections_thread(sqlite_engine, monkeypatch):
    trips = []
    original = sqlite_driver.OneHopConnection._execute

    async def counted(self, function, *args, **kwargs):
        trips.append(function)
        return await original(self, function, *args, **kwargs)

    async with sqlite_engine.connect() as reader, sqlite_engine.connect() as writer:
        raw = (await reader.get_raw_connection()).driver_connection
        monkeypatch.setattr(sqlite_driver.OneHopConnection, "_execute", counted)
        assert (await reader.execute(text("SELECT name FROM item WHERE n = 2"))).scalar_one() == "item 2"
        await writer.execute(text("UPDATE item SET name = 'changed' WHERE n = 2"))
        await writer.commit()
        # the reader's snapshot predates the change until its transaction ends
        assert (await reader.execute(text("SELECT name FROM item WHERE n = 2"))).scalar_one() == "item 2"
        trips_of_writer = len(trips)
        await reader.rollback()
        assert len(trips) == trips_of_writer and not raw.raw.in_transaction
        assert (await reader.execute(text("SELECT name FROM item WHERE n = 2"))).scalar_one() == "changed"
        await reader.rollback()


async def test_a_rollback_after_a_write_still_undoes_it(sqlite_engine):
    async with sqlite_engine.connect() as conn:
        await conn.execute(text("UPDATE item SET name = 'undone' WHERE n = 3"))
        await conn.rollback()
        assert (await conn.execute(text("SELECT name FROM item WHERE n = 3"))).scalar_one() == "item 3"
        await conn.execute(text("UPDATE item SET name = 'kept' WHERE n = 3"))
        await conn.commit()
        await conn.execute(text("SELECT 1"))
        await conn.rollback()  # the write was committed: this transaction only read
        assert (await conn.execute(text("SELECT name FROM item WHERE n = 3"))).scalar_one() == "kept"
