"""PostgreSQL plans an import's statements on table statistics: once a table the import grows holds twice the
rows its statistics were taken of, they are taken again (a first import into a new instance outgrows the empty
tables' statistics long before autovacuum looks). SQLite has no such statistics: nothing happens there."""

from __future__ import annotations

import uuid

from sqlalchemy import text

from librarium.imports import repository
from tests.fixtures import factories


async def planned_rows(session, table: str) -> float:
    return float(
        (await session.execute(text("SELECT reltuples FROM pg_class WHERE relname = :t"), {"t": table})).scalar()
    )


async def test_statistics_follow_a_growing_table(api, database_url):
    db = api.app.state.db
    owner = await api.user("owner")
    await factories.library_of_ebooks(db, uuid.UUID(str(owner.id)), 1_500, "Book {n}", every_nth_bare=10)
    async with db.unit_of_work() as session:
        before = await planned_rows(session, "books") if database_url.startswith("postgresql") else None
        await repository.refresh_statistics(session)
    if before is None:
        return  # SQLite: nothing to refresh, and nothing fails
    async with db.unit_of_work() as session:
        assert before < 1_500 and await planned_rows(session, "books") >= 1_500
        await repository.refresh_statistics(session)  # fresh now: not analysed again
        assert await planned_rows(session, "books") >= 1_500
