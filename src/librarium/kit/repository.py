"""The generic, typed base of every library-scoped repository: the library is part of each query, so a row of
another library cannot be fetched by construction (never "fetch by id, then compare library_id in Python").

    shelves = LibraryScoped(Shelf)
    shelf = await shelves.get(session, library_id, shelf_id)   # None when absent *or* in another library
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, Generic, TypeVar

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.db.base import new_id, table_of, utcnow
from librarium.errors import NotFound

M = TypeVar("M")  # an ORM class with `id` and `library_id` columns


class LibraryScoped(Generic[M]):
    def __init__(self, model: type[M]):
        self.model = model
        self._table: Any = model

    async def get(self, session: AsyncSession, library_id: uuid.UUID, row_id: uuid.UUID) -> M | None:
        stmt = select(self._table).where(self._table.id == row_id, self._table.library_id == library_id)
        row: M | None = (await session.execute(stmt)).scalar_one_or_none()
        return row

    async def one(self, session: AsyncSession, library_id: uuid.UUID, row_id: uuid.UUID, missing: str) -> M:
        """The row, or NotFound(`missing`) when it does not exist or belongs to another library."""
        row = await self.get(session, library_id, row_id)
        if row is None:
            raise NotFound(missing)
        return row

    async def existing_ids(
        self, session: AsyncSession, library_id: uuid.UUID, ids: Iterable[uuid.UUID]
    ) -> set[uuid.UUID]:
        """The subset of `ids` that are rows of this library."""
        wanted = set(ids)
        if not wanted:
            return set()
        stmt = select(self._table.id).where(self._table.library_id == library_id, self._table.id.in_(wanted))
        return set((await session.execute(stmt)).scalars())

    async def count(self, session: AsyncSession, library_id: uuid.UUID) -> int:
        stmt = select(func.count()).select_from(self._table).where(self._table.library_id == library_id)
        return int((await session.execute(stmt)).scalar_one())

    async def ids_named(
        self, session: AsyncSession, library_id: uuid.UUID, user_id: uuid.UUID, names: list[str], **defaults: Any
    ) -> dict[str, uuid.UUID]:
        """{lower-cased name: id} for these names among the library's rows (the oldest of equal names), the
        missing ones created in one statement with `defaults` (importers: shelves, series)."""
        stmt = (
            select(self._table.name, self._table.id)
            .where(self._table.library_id == library_id)
            .order_by(self._table.created_at)
        )
        found: dict[str, uuid.UUID] = {}
        for name, row_id in (await session.execute(stmt)).all():
            found.setdefault(name.lower(), row_id)
        missing = {n.lower(): n for n in names if n.lower() not in found}
        now = utcnow()
        rows = [
            {"id": new_id(), "library_id": library_id, "name": name, "created_by": user_id, "created_at": now,
             "updated_at": now, **defaults}
            for name in missing.values()
        ]  # fmt: skip
        if rows:
            await session.execute(insert(table_of(self.model)), rows)  # type: ignore[arg-type]
        return found | {str(row["name"]).lower(): row["id"] for row in rows}
