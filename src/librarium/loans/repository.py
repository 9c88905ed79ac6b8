"""SQL of the loans domain, scoped to a library by construction (kit/repository.py)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.kit.repository import LibraryScoped
from librarium.models import Book, Loan

loans = LibraryScoped(Loan)


async def with_titles(
    session: AsyncSession, library_id: uuid.UUID, *, open_only: bool, search: str, tagged: Any = None
) -> list[tuple[Loan, str]]:
    """(loan, book title) of the library, newest first; `search` in borrower or title; `tagged` a condition."""
    stmt = select(Loan, Book.title).join(Book, Book.id == Loan.book_id).where(Loan.library_id == library_id)
    if open_only:
        stmt = stmt.where(Loan.returned_at.is_(None))
    if search:
        haystack = func.lower(Loan.loaned_to + " " + Book.title)
        stmt = stmt.where(haystack.contains(search.lower(), autoescape=True))
    if tagged is not None:
        stmt = stmt.where(tagged)
    stmt = stmt.order_by(Loan.loaned_at.desc(), Loan.created_at.desc(), Loan.id)
    return [(loan, title) for loan, title in (await session.execute(stmt)).all()]


async def open_loan(session: AsyncSession, book_id: uuid.UUID, exclude: uuid.UUID | None = None) -> Loan | None:
    stmt = select(Loan).where(Loan.book_id == book_id, Loan.returned_at.is_(None))
    if exclude is not None:
        stmt = stmt.where(Loan.id != exclude)
    return (await session.execute(stmt.limit(1))).scalar_one_or_none()


async def book_title(session: AsyncSession, book_id: uuid.UUID) -> str:
    return str((await session.execute(select(Book.title).where(Book.id == book_id))).scalar_one())
