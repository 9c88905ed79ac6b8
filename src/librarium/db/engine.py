"""Engine and session factory for SQLite (aiosqlite) and PostgreSQL (asyncpg)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from librarium.config import SQLITE_MMAP_MB, Settings
from librarium.db import sqlite_driver
from librarium.kit import regex


def async_url(url: str) -> str:
    """Map the user-facing URL (`sqlite:///…`, `postgres://…`) to its async driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgresql+psycopg2", "postgresql+psycopg"):
        query = dict(parsed.query)
        sslmode = query.pop("sslmode", None)
        if sslmode and sslmode != "disable":
            query["ssl"] = sslmode
        parsed = parsed.set(drivername="postgresql+asyncpg", query=query)
    elif parsed.drivername == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    return parsed.render_as_string(hide_password=False)


def sync_url(url: str) -> str:
    return async_url(url)


def is_sqlite(url: str) -> bool:
    return make_url(async_url(url)).get_backend_name() == "sqlite"


def _md5(value: Any) -> str | None:
    return None if value is None else hashlib.md5(str(value).encode(), usedforsecurity=False).hexdigest()


def sqlite_settings(dbapi_connection: Any, mmap_bytes: int) -> None:
    """What every SQLite connection of the app gets on opening (and the benchmarks' raw-driver baseline too)."""
    # md5() exists on PostgreSQL; SQLite gets the same function (used for stable daily picks).
    dbapi_connection.create_function("md5", 1, _md5, deterministic=True)
    dbapi_connection.create_function("librarium_regexp", 2, regex.sqlite_regexp, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Reads through a memory map of the file instead of a read() into the connection's own 2 MB page cache:
    # a page of 25 books, or a tag's books, spread over more pages than that cache holds.
    cursor.execute(f"PRAGMA mmap_size={int(mmap_bytes)}")
    cursor.close()


# Execution option of the write sessions (db/unit.py): their transactions start with BEGIN IMMEDIATE.
WRITE_OPTION = "librarium_write"


def _no_driver_transactions(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite/aiosqlite would open transactions on their own, deferred; SQLAlchemy emits BEGIN instead
    dbapi_connection.isolation_level = None


def _begin(connection: Any) -> None:
    write = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


# Our PostgreSQL sessions' planner settings (measured on a 100,000-book library, PostgreSQL 15, bench/catalog.py):
# * no parallel workers: the page of a book list is a handful of small statements, and starting two workers for
#   the book shape's UNION cost 8 of its 10.5 ms (the list page's SQL: 10.5 → 2.7 ms); a web app's many small
#   queries gain nothing from them;
# * random page cost 1.1 (the usual value for SSDs, and for a database that fits in memory, as a book collection
#   does): with the default 4, the first five runs of a word search's count on each connection (custom plans,
#   before PostgreSQL settles on a generic one) read the whole table instead of the full-text index — 1.1 s instead
#   of 27 ms, as the descriptions' large full-text vectors had to be unpacked row by row.
POSTGRES_SETTINGS = {"max_parallel_workers_per_gather": "0", "random_page_cost": "1.1"}


def _to_json(value: Any) -> str:
    """JSON columns are written with orjson (an import's rows: 4× faster than the json module); the json module
    stays the fallback for what orjson refuses (integers past 64 bits)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return json.dumps(value)


def _from_json(text: str | bytes) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def engine_for(settings: Settings, *, pool: bool = True) -> AsyncEngine:
    """The engine of the configured database, with the configured SQLite settings."""
    return make_engine(
        settings.effective_database_url,
        pool=pool,
        busy_timeout_ms=settings.sqlite_busy_timeout_ms,
        mmap_mb=settings.sqlite_mmap_mb,
    )


def make_engine(
    url: str, *, pool: bool = True, busy_timeout_ms: int = 30_000, mmap_mb: int = SQLITE_MMAP_MB
) -> AsyncEngine:
    """`busy_timeout_ms` (SQLite): how long a write waits for another *process* holding the write lock;
    within one process writers queue on the write gate (db/unit.py) and never wait here. `mmap_mb` (SQLite):
    how much of the file is read through a memory map (SQLite caps it at 2 GB; 0: none)."""
    full = async_url(url)
    parsed = make_url(full)
    kwargs: dict[str, Any] = {"json_serializer": _to_json, "json_deserializer": _from_json}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # sqlite3.connect's arguments as SQLAlchemy derives them from the URL, with the busy timeout (seconds)
        args, options = parsed.get_dialect()().create_connect_args(parsed)
        options["timeout"] = busy_timeout_ms / 1000
        kwargs["async_creator"] = lambda: sqlite_driver.connect(*args, **options)  # one trip per statement
    else:
        kwargs["connect_args"] = {"server_settings": POSTGRES_SETTINGS}
        if not pool:
            kwargs["poolclass"] = NullPool
        else:
            kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
    engine = create_async_engine(full, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        mmap_bytes = mmap_mb * 1024 * 1024
        event.listen(engine.sync_engine, "connect", lambda conn, _record: sqlite_settings(conn, mmap_bytes))
        event.listen(engine.sync_engine, "connect", _no_driver_transactions)
        event.listen(engine.sync_engine, "begin", _begin)
    return engine


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """A plain session factory for scripts and benchmarks (the server uses db/unit.py)."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
