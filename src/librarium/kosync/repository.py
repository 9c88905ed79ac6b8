"""SQL of KOReader progress sync: the progress rows, and the edition file a document id names among the
libraries a user can read."""

from __future__ import annotations

import uuid

from sqlalchemy import case, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.models import Book, BookEdition, EditionFile, LibraryMembership, ReadingProgress


async def progress(session: AsyncSession, user_id: uuid.UUID, document: str) -> ReadingProgress | None:
    return await session.get(ReadingProgress, (user_id, document))


def add(session: AsyncSession, row: ReadingProgress) -> None:
    session.add(row)


async def file_for(
    session: AsyncSession, user_id: uuid.UUID, admin: bool, document: str
) -> tuple[uuid.UUID, uuid.UUID] | None:
    """(edition file id, edition id) of a file whose KOReader id is `document` — its content's partial MD5, or
    else (KOReader's "file name" matching) the MD5 of its name — in a library the user belongs to (any library
    for an instance admin)."""
    by_content = EditionFile.koreader_digest == document
    stmt = (
        select(EditionFile.id, BookEdition.id)
        .join(BookEdition, BookEdition.id == EditionFile.edition_id)
        .join(Book, Book.id == BookEdition.book_id)
        .where(or_(by_content, EditionFile.koreader_name_digest == document))
        .order_by(case((by_content, 0), else_=1), EditionFile.created_at)
        .limit(1)
    )
    if not admin:
        member = select(LibraryMembership.library_id).where(LibraryMembership.user_id == user_id)
        stmt = stmt.where(Book.library_id.in_(member))
    row = (await session.execute(stmt)).first()
    return (row[0], row[1]) if row else None
