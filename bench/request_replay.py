"""The raw-driver baseline of bench/catalog.py: the statements one request runs — recorded in this process through
the app itself (the same code as the server, the same token), with their parameters as the driver gets them —
replayed on the plain driver: the sqlite3 module, or asyncpg. Same SQL, same parameters, same order, same
transaction; nothing of HTTP, FastAPI, SQLAlchemy or our Python."""

from __future__ import annotations

import sqlite3
import time
from typing import Any

import httpx
from sqlalchemy import event

from librarium.app import create_app
from librarium.config import SQLITE_MMAP_MB, load_settings
from librarium.db.engine import POSTGRES_SETTINGS, sqlite_settings

Statements = list[tuple[str, Any]]


async def record(settings: dict[str, Any], path: str, params: dict[str, str], headers: dict[str, str]) -> Statements:
    """The statements of one GET of `path` (after one to warm the caches), as the driver received them."""
    app = create_app(load_settings(**settings, worker=False), migrate_on_start=False)
    found: Statements = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        found.append((statement, parameters))

    async with app.router.lifespan_context(app):
        engine = app.state.engine.sync_engine
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:
            (await http.get(path, params=params, headers=headers)).raise_for_status()
            event.listen(engine, "before_cursor_execute", keep)
            try:
                (await http.get(path, params=params, headers=headers)).raise_for_status()
            finally:
                event.remove(engine, "before_cursor_execute", keep)
    return found


class Replay:
    """One connection of the plain driver; `run` times one replay of the statements, in ms."""

    def __init__(self, url: str):
        self.url = url
        self.sqlite: sqlite3.Connection | None = None
        self.pg: Any = None

    async def open(self) -> None:
        if self.url.startswith("sqlite"):
            self.sqlite = sqlite3.connect(self.url.split("///", 1)[1], isolation_level=None)
            sqlite_settings(self.sqlite, SQLITE_MMAP_MB * 1024 * 1024)  # as the app's connections
        else:
            import asyncpg

            url = self.url.replace("postgresql+asyncpg://", "postgresql://")
            self.pg = await asyncpg.connect(url, server_settings=POSTGRES_SETTINGS)  # as the app's sessions

    async def run(self, statements: Statements) -> float:
        started = time.perf_counter()
        if self.sqlite is not None:
            for statement, parameters in statements:
                if statement.lstrip().upper().startswith("BEGIN"):
                    self.sqlite.execute(statement)
                else:
                    self.sqlite.execute(statement, parameters).fetchall()
            if self.sqlite.in_transaction:
                self.sqlite.execute("ROLLBACK")
        else:
            async with self.pg.transaction(readonly=True):
                for statement, parameters in statements:
                    await self.pg.fetch(statement, *parameters)
        return (time.perf_counter() - started) * 1000

    async def close(self) -> None:
        if self.sqlite is not None:
            self.sqlite.close()
        if self.pg is not None:
            await self.pg.close()
