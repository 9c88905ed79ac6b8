"""Loans: which book is lent to whom, since when, until when."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from librarium.books import service as books
from librarium.db.base import utcnow
from librarium.errors import BadRequest, Conflict
from librarium.kit import dates
from librarium.kit.validate import parse_uuid, required_text
from librarium.loans import repository as repo
from librarium.loans.schemas import LoanCreate, LoanRead, LoanUpdate
from librarium.models import Loan, LoanTag
from librarium.tags import service as tags


def _date(value: str, name: str) -> date | None:
    # Upstream silently drops an unreadable date (or uses today); we say so instead.
    if not value.strip():
        return None
    parsed = dates.strict(value)
    if parsed is None:
        raise BadRequest(f"{name} must be YYYY-MM-DD")
    return parsed


def _loaned_to(value: str) -> str:
    return required_text(value, "loaned_to", 256)


async def _shape(session: AsyncSession, rows: list[tuple[Loan, str]]) -> list[LoanRead]:
    tag_refs = await tags.refs(session, LoanTag, "loan_id", [loan.id for loan, _ in rows])
    return [
        LoanRead(
            id=loan.id,
            library_id=loan.library_id,
            book_id=loan.book_id,
            book_title=title,
            loaned_to=loan.loaned_to,
            loaned_at=loan.loaned_at,
            due_date=loan.due_date,
            returned_at=loan.returned_at,
            notes=loan.notes or "",
            tags=tag_refs.get(loan.id, []),
            created_at=loan.created_at,
            updated_at=loan.updated_at,
        )
        for loan, title in rows
    ]


async def list_loans(
    session: AsyncSession, library_id: uuid.UUID, include_returned: bool, search: str, tag: str
) -> list[LoanRead]:
    tagged = tags.has_tag_named(LoanTag, "loan_id", Loan.id, tag) if tag else None
    rows = await repo.with_titles(session, library_id, open_only=not include_returned, search=search, tagged=tagged)
    return await _shape(session, rows)


def _already_lent(loan: Loan) -> Conflict:
    return Conflict(f"this book is already on loan to {loan.loaned_to} (since {loan.loaned_at.isoformat()})")


async def create(session: AsyncSession, library_id: uuid.UUID, user_id: uuid.UUID, body: LoanCreate) -> LoanRead:
    book_id = parse_uuid(body.book_id, "invalid book_id")
    loaned_to = _loaned_to(body.loaned_to)
    loaned_at = _date(body.loaned_at, "loaned_at") or datetime.now(UTC).date()
    due = _date(body.due_date, "due_date")
    if due is not None and due < loaned_at:
        raise BadRequest("due_date must not be before loaned_at")
    tag_ids = await tags.resolve_ids(session, library_id, body.tag_ids or [])
    book = await books.get(session, library_id, book_id)  # only a book of this library can be lent from it
    if (current := await repo.open_loan(session, book.id)) is not None:
        raise _already_lent(current)
    loan = Loan(
        library_id=library_id,
        book_id=book.id,
        loaned_to=loaned_to,
        loaned_at=loaned_at,
        due_date=due,
        notes=body.notes or None,
        created_by=user_id,
    )
    session.add(loan)
    await session.flush()
    await tags.replace_links(session, LoanTag, "loan_id", loan.id, tag_ids)
    return (await _shape(session, [(loan, book.title)]))[0]


async def _get(session: AsyncSession, library_id: uuid.UUID, loan_id: uuid.UUID) -> Loan:
    return await repo.loans.one(session, library_id, loan_id, "loan not found")


async def update(session: AsyncSession, library_id: uuid.UUID, loan_id: uuid.UUID, body: LoanUpdate) -> LoanRead:
    """Upstream's PATCH replaces the dates and notes (absent = cleared); tags are kept when absent."""
    loaned_to = _loaned_to(body.loaned_to)
    due = _date(body.due_date, "due_date")
    returned = _date(body.returned_at, "returned_at")
    loan = await _get(session, library_id, loan_id)
    if due is not None and due < loan.loaned_at:
        raise BadRequest("due_date must not be before loaned_at")
    if returned is not None and returned < loan.loaned_at:
        raise BadRequest("returned_at must not be before loaned_at")
    if (
        returned is None
        and loan.returned_at is not None
        and (other := await repo.open_loan(session, loan.book_id, loan.id))
    ):
        raise _already_lent(other)
    if body.tag_ids is not None:
        ids = await tags.resolve_ids(session, library_id, body.tag_ids)
        await tags.replace_links(session, LoanTag, "loan_id", loan.id, ids)
    loan.loaned_to = loaned_to
    loan.due_date = due
    loan.returned_at = returned
    loan.notes = body.notes or None
    loan.updated_at = utcnow()
    await session.flush()
    title = await repo.book_title(session, loan.book_id)
    return (await _shape(session, [(loan, title)]))[0]


async def delete(session: AsyncSession, library_id: uuid.UUID, loan_id: uuid.UUID) -> None:
    await session.delete(await _get(session, library_id, loan_id))
    await session.flush()
