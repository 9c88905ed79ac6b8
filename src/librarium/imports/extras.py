"""What an export carries beyond the book itself — the importing user's reading record (status, rating 1–10,
dates, review, re-reads), the library's shelves and the book's series — applied to a book the import just
created. Shelves and series are found by name (case-insensitive) or created, once per import step."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from librarium.editions import service as editions
from librarium.editions.schemas import InteractionWrite
from librarium.imports.rows import Row
from librarium.models import ImportJob
from librarium.series import service as series
from librarium.shelves import service as shelves


class Names:
    """Shelves and series of the library by lower-cased name, created when new; kept for the step."""

    def __init__(self) -> None:
        self.shelves: dict[str, uuid.UUID] = {}
        self.series: dict[str, uuid.UUID] = {}

    async def resolve(
        self, session: AsyncSession, job: ImportJob, shelf_names: list[str], series_names: list[str]
    ) -> None:
        wanted = [n for n in shelf_names if n.lower() not in self.shelves]
        if wanted:
            self.shelves |= await shelves.ids_named(session, job.library_id, job.created_by, wanted)
        wanted = [n for n in series_names if n.lower() not in self.series]
        if wanted:
            self.series |= await series.ids_named(session, job.library_id, job.created_by, wanted)


async def apply(session: AsyncSession, job: ImportJob, book_id: uuid.UUID, row: Row, names: Names) -> None:
    await names.resolve(session, job, row.shelves, [row.series] if row.series else [])
    await shelves.add_many(session, [(names.shelves[n.lower()], book_id) for n in row.shelves], job.created_by)
    if row.series:
        await series.add_many(session, [(names.series[row.series.lower()], book_id, row.series_position)])
    if not row.has_reading and row.copies <= 1:
        return
    book = await editions.book_in_library(session, job.library_id, book_id)
    edition = next(e for e in await editions.editions_of(session, book) if e.is_primary)
    if row.copies > 1:  # owned copies (the book create always starts at one, as upstream)
        await editions.set_copies(session, edition, row.copies)
    if not row.has_reading:
        return
    await editions.put_interaction(session, book, edition.id, job.created_by, _record(row))
    if row.reread_count:
        await editions.set_reread_count(session, edition.id, job.created_by, row.reread_count)


async def apply_many(session: AsyncSession, job: ImportJob, made: list[tuple[uuid.UUID, Row]], names: Names) -> None:
    """The same for many new books at once: one statement per kind instead of a few per book."""
    await names.resolve(
        session, job, [n for _, row in made for n in row.shelves], [row.series for _, row in made if row.series]
    )
    shelved = [(names.shelves[n.lower()], book_id) for book_id, row in made for n in row.shelves]
    await shelves.add_many(session, shelved, job.created_by)
    in_series = [
        (names.series[row.series.lower()], book_id, row.series_position) for book_id, row in made if row.series
    ]
    await series.add_many(session, in_series)
    records = [
        (book_id, _record(row), row.copies, row.reread_count)
        for book_id, row in made
        if row.has_reading or row.copies > 1
    ]
    await editions.record_many(session, job.created_by, records)


def _record(row: Row) -> InteractionWrite:
    return InteractionWrite(
        read_status=row.read_status, rating=row.rating, review=row.review, date_started=row.date_started,
        date_finished=row.date_finished,
    )  # fmt: skip
