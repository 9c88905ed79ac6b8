"""The raw-driver baseline of bench/imports.py: an import run in this process on SQLite with every statement
recorded, then the same statements (with the same parameters, in the same order and transactions) replayed
on a copy of the starting database through the plain sqlite3 module. The ratio is what our Python costs on
top of the SQL itself."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event

from librarium.config import Settings
from librarium.db import migrate
from librarium.db.engine import make_engine
from librarium.db.unit import Database
from librarium.imports import service
from librarium.jobs.runner import Worker
from librarium.models import Library, User

Recorded = list[tuple[str, Any, bool]]


async def _import(folder: Path, url: str, csv_text: str, recorded: Recorded) -> float:
    db = Database(make_engine(url))
    async with db.unit_of_work() as session:
        user = User(username="bench", display_name="Bench", email="bench@example.org", password_hash="x")
        session.add(user)
        await session.flush()
        library = Library(name="Bench", slug="bench", owner_id=user.id)
        session.add(library)
        await session.flush()
        upload = folder / "export.csv"
        upload.write_text(csv_text)
        rows, chosen = service.read_upload(upload, {})
        await service.create(session, library.id, user.id, rows, chosen)
    await db.engine.dispose()
    shutil.copy(folder / "db.sqlite", folder / "start.sqlite")  # the state the import starts from
    db = Database(make_engine(url))

    @event.listens_for(db.engine.sync_engine, "before_cursor_execute")
    def record(_c: Any, _cur: Any, statement: str, params: Any, _ctx: Any, many: bool) -> None:
        recorded.append((statement, params, many))

    @event.listens_for(db.engine.sync_engine, "commit")
    def committed(_c: Any) -> None:
        recorded.append(("COMMIT", (), False))

    @event.listens_for(db.engine.sync_engine, "rollback")
    def rolled_back(_c: Any) -> None:
        recorded.append(("ROLLBACK", (), False))

    settings = Settings(data_dir=folder, database_url=url, jwt_secret="bench-" + "x" * 40)  # type: ignore[call-arg]
    started = time.perf_counter()
    await Worker(db, settings).run_until_idle()
    elapsed = time.perf_counter() - started
    await db.engine.dispose()
    return elapsed


def _replay(path: Path, recorded: Recorded) -> float:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA foreign_keys=ON")
    started = time.perf_counter()
    for statement, params, many in recorded:
        if statement in ("COMMIT", "ROLLBACK"):
            if connection.in_transaction:
                connection.execute(statement)
        elif many:
            connection.executemany(statement, params)
        else:
            verb = statement.lstrip()[:7].upper()
            if verb.startswith("BEGIN") and connection.in_transaction:
                connection.execute("COMMIT")
            elif verb.startswith(("INSERT", "UPDATE", "DELETE")) and not connection.in_transaction:
                connection.execute("BEGIN")  # as the driver does before a write
            connection.execute(statement, params)
    if connection.in_transaction:
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def measure(folder: Path, csv_text: str) -> tuple[float, float]:
    """(seconds our import took, seconds the same statements took on sqlite3)."""
    url = f"sqlite:///{folder / 'db.sqlite'}"
    migrate.upgrade(url)
    recorded: Recorded = []
    ours = asyncio.run(_import(folder, url, csv_text, recorded))
    return ours, _replay(folder / "start.sqlite", recorded)
