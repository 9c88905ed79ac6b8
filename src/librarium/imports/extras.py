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
from librarium.series.schemas import SeriesWrite
from librarium.shelves import service as shelves
from librarium.shelves.schemas import ShelfWrite


class Names:
    """Shelves and series of the library by lower-cased name, read on first use and kept for the step."""

    def __init__(self) -> None:
        self.shelves: dict[str, uuid.UUID] | None = None
        self.series: dict[str, uuid.UUID] | None = None

    async def shelf(self, session: AsyncSession, job: ImportJob, name: str) -> uuid.UUID:
        if self.shelves is None:
            found = await shelves.list_shelves(session, job.library_id, "", "")
            self.shelves = {str(s["name"]).lower(): uuid.UUID(str(s["id"])) for s in found}
        if name.lower() not in self.shelves:
            created = await shelves.create(session, job.library_id, job.created_by, ShelfWrite(name=name))
            self.shelves[name.lower()] = uuid.UUID(str(created["id"]))
        return self.shelves[name.lower()]

    async def a_series(self, session: AsyncSession, job: ImportJob, name: str) -> uuid.UUID:
        if self.series is None:
            found = await series.list_series(session, job.library_id, "", "")
            self.series = {str(s["name"]).lower(): uuid.UUID(str(s["id"])) for s in found}
        if name.lower() not in self.series:
            created = await series.create(session, job.library_id, job.created_by, SeriesWrite(name=name))
            self.series[name.lower()] = uuid.UUID(str(created["id"]))
        return self.series[name.lower()]


async def apply(session: AsyncSession, job: ImportJob, book_id: uuid.UUID, row: Row, names: Names) -> None:
    for name in row.shelves:
        await shelves.add_book(session, job.library_id, await names.shelf(session, job, name), str(book_id),
                               job.created_by)  # fmt: skip
    if row.series:
        await series.set_book(session, job.library_id, await names.a_series(session, job, row.series), str(book_id),
                              row.series_position)  # fmt: skip
    if not row.has_reading and row.copies <= 1:
        return
    book = await editions.book_in_library(session, job.library_id, book_id)
    edition = next(e for e in await editions.editions_of(session, book) if e.is_primary)
    if row.copies > 1:  # owned copies (the book create always starts at one, as upstream)
        await editions.set_copies(session, edition, row.copies)
    if not row.has_reading:
        return
    record = InteractionWrite(
        read_status=row.read_status, rating=row.rating, review=row.review, date_started=row.date_started,
        date_finished=row.date_finished,
    )  # fmt: skip
    await editions.put_interaction(session, book, edition.id, job.created_by, record)
    if row.reread_count:
        await editions.set_reread_count(session, edition.id, job.created_by, row.reread_count)
