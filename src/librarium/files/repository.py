"""SQL of the files domain, scoped to a library by construction (kit/repository.py)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.kit.repository import LibraryScoped
from librarium.models import Book, BookEdition, Contributor, StorageLocation

locations = LibraryScoped(StorageLocation)
# files sit below the catalog (books, editions and contributors list their files), so they look up
# their owners themselves instead of asking those domains
books = LibraryScoped(Book)


async def contributor(session: AsyncSession, contributor_id: uuid.UUID) -> Contributor | None:
    return await session.get(Contributor, contributor_id)


async def edition_of_book(session: AsyncSession, book_id: uuid.UUID, edition_id: uuid.UUID) -> BookEdition | None:
    stmt = select(BookEdition).where(BookEdition.id == edition_id, BookEdition.book_id == book_id)
    return (await session.execute(stmt)).scalar_one_or_none()
