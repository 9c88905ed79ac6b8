"""`librarium import csv` and `librarium import calibre`: the same import as `POST /libraries/{id}/imports`
(and `…/imports/calibre`), run from a shell — the rows are read and checked, the import job created, and a
worker in this process runs it while the progress is shown. `--dry-run` only reports what would be imported,
skipped or noted, without writing anything."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from librarium.auth import service as auth
from librarium.config import Settings
from librarium.db.unit import Database
from librarium.imports import rows as row_rules
from librarium.imports import service
from librarium.imports.tasks import DuplicateKey, duplicate_key, known_books, unusable
from librarium.jobs.runner import Worker
from librarium.libraries import service as libraries
from librarium.models import ImportJob

Echo = Callable[[str], None]


Reader = Callable[[], tuple[Iterable[dict[str, Any]], dict[str, Any]]]  # blocking: (rows, options)


def csv_reader(path: Path, fields: dict[str, str]) -> tuple[str, Reader]:
    return path.name, lambda: service.read_upload(path, fields)


async def run(
    db: Database, settings: Settings, source: tuple[str, Reader], slug: str, username: str | None,
    *, dry_run: bool, echo: Echo,
) -> dict[str, int]:  # fmt: skip
    """The import's counters (processed, skipped, failed), or for a dry run what would happen. `source`:
    (its name, the function reading its rows — a CSV, a Calibre library)."""
    async with db.unit_of_work(write=False) as session:
        library = await libraries.by_slug(session, slug)
        user = (
            await auth.user_by_username(session, username)
            if username
            else await auth.get_user(session, library.owner_id)
        )
        if user is None:
            raise SystemExit(f'no user "{username}"')
        library_id, user_id = library.id, user.id
    name, read = source
    rows, chosen = await asyncio.to_thread(read)
    if dry_run:
        listed = await asyncio.to_thread(list, rows)
        echo(f"{len(listed)} rows read from {name} (columns: {chosen['preset']})")
        return await _dry_run(db, library_id, listed, chosen, echo)
    async with db.unit_of_work() as session:
        created = await service.create(session, library_id, user_id, rows, chosen)
        job_id = created.id
        echo(f"{created.total_rows} rows read from {name} (columns: {chosen['preset']})")
    worker = Worker(db, settings)
    watching = asyncio.create_task(_progress(db, job_id, echo))
    try:
        await worker.run_until_idle()
    finally:
        watching.cancel()
    async with db.unit_of_work(write=False) as session:
        job = await session.get(ImportJob, job_id)
        assert job is not None
        return {"imported": job.processed_rows, "skipped": job.skipped_rows, "failed": job.failed_rows}


async def _progress(db: Database, job_id: uuid.UUID, echo: Echo) -> None:
    started = time.monotonic()
    while True:
        await asyncio.sleep(1.0)
        async with db.unit_of_work(write=False) as session:
            job = await session.get(ImportJob, job_id)
        if job is None:
            return
        done = job.processed_rows + job.skipped_rows + job.failed_rows
        echo(progress_line(done, job.total_rows, time.monotonic() - started))


def progress_line(done: int, total: int, elapsed: float, width: int = 24) -> str:
    """`[##########··············]  42%  4,200/10,000 rows  1,050 rows/s  about 6 s left`"""
    share = done / total if total else 1.0
    filled = round(share * width)
    rate = done / elapsed if elapsed > 0 else 0.0
    left = f"about {(total - done) / rate:,.0f} s left" if rate and done < total else "finishing"
    bar = "#" * filled + "·" * (width - filled)
    return f"  [{bar}] {share:4.0%}  {done:,}/{total:,} rows  {rate:,.0f} rows/s  {left}"


async def _dry_run(
    db: Database, library_id: uuid.UUID, rows: list[dict[str, Any]], chosen: dict[str, Any], echo: Echo
) -> dict[str, int]:
    checked = [unusable(raw) for raw in rows]
    parsed = [row for row, _ in checked if row is not None]
    async with db.unit_of_work(write=False) as session:
        known = await known_books(session, library_id, parsed)
    skip_duplicates = chosen.get("skip_duplicates", True)
    outcome: Counter[str] = Counter()
    seen: set[DuplicateKey] = set()
    for n, (raw, (row, skipped)) in enumerate(zip(rows, checked, strict=True), start=1):
        key = duplicate_key(row) if row else None
        duplicate = key is not None and (key in known or key in seen) and skip_duplicates
        outcome["skipped" if skipped or duplicate else "imported"] += 1
        seen.update([key] if key else [])
        for note in (row or row_rules.parse(raw)).notes:  # notes of skipped rows too, as before
            echo(f"  row {n}: {note}")
    return dict(outcome)
