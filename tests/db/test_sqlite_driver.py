"""The SQLite driver that runs a statement, reads its rows and closes its cursor in one trip to the connection's
thread (librarium.db.sqlite_driver), through SQLAlchemy as the app uses it: results shorter and longer than
what is read with the statement, streamed results left half-read, row counts, executemany, errors."""

from __future__ import annotations

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
