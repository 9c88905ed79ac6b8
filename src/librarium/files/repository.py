"""SQL of the files domain, scoped to a library by construction (kit/repository.py)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.kit.repository import LibraryScoped
from librarium.models import (
    Book,
    BookContributor,
    BookEdition,
    Contributor,
    CoverImage,
    EditionFile,
    StorageLocation,
)

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


async def locations_of(session: AsyncSession, library_id: uuid.UUID) -> list[StorageLocation]:
    stmt = select(StorageLocation).where(StorageLocation.library_id == library_id).order_by(StorageLocation.name)
    return list((await session.execute(stmt)).scalars())


async def primary_image(session: AsyncSession, entity_type: str, entity_id: uuid.UUID) -> CoverImage | None:
    stmt = (
        select(CoverImage)
        .where(
            CoverImage.entity_type == entity_type, CoverImage.entity_id == entity_id, CoverImage.is_primary.is_(True)
        )
        .order_by(CoverImage.created_at.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def images(session: AsyncSession, entity_type: str, entity_id: uuid.UUID) -> list[CoverImage]:
    stmt = select(CoverImage).where(CoverImage.entity_type == entity_type, CoverImage.entity_id == entity_id)
    return list((await session.execute(stmt)).scalars())


async def people_of(session: AsyncSession, book_id: uuid.UUID) -> list[tuple[str, str]]:
    """(name, role) of the book's contributors, in display order."""
    stmt = (
        select(Contributor.name, BookContributor.role)
        .join(Contributor, Contributor.id == BookContributor.contributor_id)
        .where(BookContributor.book_id == book_id)
        .order_by(BookContributor.display_order, Contributor.name)
    )
    return [(name, role) for name, role in (await session.execute(stmt)).all()]


async def primary_publish_date(session: AsyncSession, book_id: uuid.UUID) -> date | None:
    stmt = select(BookEdition.publish_date).where(BookEdition.book_id == book_id, BookEdition.is_primary.is_(True))
    found: date | None = (await session.execute(stmt)).scalar()
    return found


async def files_with_roots(session: AsyncSession, edition_ids: list[uuid.UUID]) -> list[tuple[EditionFile, str | None]]:
    """The editions' files (in display order) with their storage location's root, if any."""
    stmt = (
        select(EditionFile, StorageLocation.root_path)
        .outerjoin(StorageLocation, StorageLocation.id == EditionFile.storage_location_id)
        .where(EditionFile.edition_id.in_(edition_ids))
        .order_by(EditionFile.display_order, EditionFile.created_at)
    )
    return [(row, root) for row, root in (await session.execute(stmt)).all()]
