"""SQL of the files domain, scoped to a library by construction (kit/repository.py)."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.kit.repository import LibraryScoped
from librarium.models import Book, BookEdition, Contributor, EditionFile, StorageLocation

locations = LibraryScoped(StorageLocation)
# files sit below the catalog (books, editions and contributors list their files), so they look up
# their owners themselves instead of asking those domains
books = LibraryScoped(Book)


async def contributor(session: AsyncSession, contributor_id: uuid.UUID) -> Contributor | None:
    return await session.get(Contributor, contributor_id)


async def edition_of_book(session: AsyncSession, book_id: uuid.UUID, edition_id: uuid.UUID) -> BookEdition | None:
    stmt = select(BookEdition).where(BookEdition.id == edition_id, BookEdition.book_id == book_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def next_file_order(session: AsyncSession, edition_id: uuid.UUID) -> int:
    """The display_order a new file of the edition gets: after the last one, 0 for the first."""
    stmt = select(func.max(EditionFile.display_order)).where(EditionFile.edition_id == edition_id)
    top = (await session.execute(stmt)).scalar()
    return 0 if top is None else int(top) + 1


async def linked_paths(session: AsyncSession, location_id: uuid.UUID) -> set[str]:
    stmt = select(EditionFile.file_path).where(EditionFile.storage_location_id == location_id)
    return set((await session.execute(stmt)).scalars())


async def editions_without_files(
    session: AsyncSession, library_id: uuid.UUID, formats: tuple[str, ...]
) -> list[tuple[BookEdition, str]]:
    """(edition, book title) of the library's editions in `formats` that have no file yet."""
    has_file = select(EditionFile.id).where(EditionFile.edition_id == BookEdition.id).exists()
    stmt = (
        select(BookEdition, Book.title)
        .join(Book, Book.id == BookEdition.book_id)
        .where(Book.library_id == library_id, BookEdition.format.in_(formats), ~has_file)
        .order_by(Book.title, BookEdition.id)
    )
    return [(edition, title) for edition, title in (await session.execute(stmt)).all()]
