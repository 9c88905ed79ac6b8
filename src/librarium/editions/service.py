"""Editions of a book (exactly one primary per book) and each user's reading record of an edition."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from librarium.db.base import new_id, utcnow
from librarium.editions import repository as repo
from librarium.editions.schemas import EditionRead, EditionWrite, InteractionRead, InteractionWrite
from librarium.errors import BadRequest, NotFound
from librarium.files.schemas import EditionFileRead
from librarium.kit import dates
from librarium.kit import isbn as isbn_kit
from librarium.kit.validate import parse_uuid
from librarium.models import Book, BookContributor, BookEdition, Contributor, UserBookInteraction

READ_STATUSES = ("unread", "reading", "read", "did_not_finish")


def _narrator_id(body: EditionWrite) -> uuid.UUID | None:
    if not body.narrator_contributor_id:
        return None
    return parse_uuid(body.narrator_contributor_id, "invalid narrator_contributor_id")


def _isbn(raw: str, kind: str) -> str | None:
    if not raw.strip():
        return None
    try:
        return isbn_kit.normalize(raw, kind)
    except isbn_kit.InvalidIsbn as exc:
        raise BadRequest(f"isbn_{kind}: {exc}") from exc


def check(body: EditionWrite) -> None:
    """Validate without touching the database (book create validates before it writes)."""
    if not body.format.strip():
        raise BadRequest("format is required")
    if len(body.format) > 32:
        raise BadRequest("format must be at most 32 characters")
    _narrator_id(body)
    _isbn(body.isbn_10, "10")
    _isbn(body.isbn_13, "13")
    for name in ("duration_seconds", "page_count"):
        value = getattr(body, name)
        if value is not None and value < 0:
            raise BadRequest(f"{name} must not be negative")


async def _apply(session: AsyncSession, edition: BookEdition, body: EditionWrite) -> None:
    check(body)
    narrator_id = _narrator_id(body)
    if narrator_id is not None and await session.get(Contributor, narrator_id) is None:
        raise NotFound("contributor not found")
    for name, value in _values(body, narrator_id).items():
        setattr(edition, name, value)


def _values(body: EditionWrite, narrator_id: uuid.UUID | None) -> dict[str, Any]:
    """The edition's columns from the request (shared by the single and the bulk insert)."""
    isbn_10, isbn_13 = _isbn(body.isbn_10, "10"), _isbn(body.isbn_13, "13")
    return {
        "format": body.format.strip(),
        "language": body.language or None,
        "edition_name": body.edition_name or None,
        "narrator": body.narrator or None,
        "narrator_contributor_id": narrator_id,
        "publisher": body.publisher or None,
        "publish_date": dates.flexible(body.publish_date) if body.publish_date else None,
        "isbn_10": isbn_10,
        "isbn_13": isbn_13,
        "isbn_key": isbn_13 or (isbn_kit.to_isbn13(isbn_10) if isbn_10 else None),
        "description": body.description or None,
        "duration_seconds": body.duration_seconds,
        "page_count": body.page_count,
        "acquired_at": dates.strict(body.acquired_at) if body.acquired_at else None,
    }


async def _link_narrator(session: AsyncSession, edition: BookEdition) -> None:
    """An edition's narrator is also listed among the book's contributors (role `narrator`)."""
    if edition.narrator_contributor_id is None:
        return
    link = await session.get(BookContributor, (edition.book_id, edition.narrator_contributor_id, "narrator"))
    if link is None:
        top = await repo.last_contributor_order(session, edition.book_id)
        session.add(
            BookContributor(
                book_id=edition.book_id,
                contributor_id=edition.narrator_contributor_id,
                role="narrator",
                display_order=(top if top is not None else -1) + 1,
            )
        )
        await session.flush()


async def _settle_primary(session: AsyncSession, book_id: uuid.UUID, primary: BookEdition | None) -> None:
    """Exactly one primary edition per book (upstream allows any number): `primary` wins when given;
    otherwise the oldest edition is promoted if none is primary."""
    if primary is not None:
        await repo.demote_primaries(session, book_id, except_id=primary.id)
        primary.is_primary = True
        await session.flush()
        return
    rows = await repo.editions_oldest_first(session, book_id)
    if rows and not any(e.is_primary for e in rows):
        rows[0].is_primary = True
        await session.flush()


async def add(session: AsyncSession, book: Book, body: EditionWrite) -> BookEdition:
    edition = BookEdition(book_id=book.id, copy_count=1, is_primary=False)
    await _apply(session, edition, body)
    session.add(edition)
    await session.flush()
    await _settle_primary(session, book.id, edition if body.is_primary else None)
    await _link_narrator(session, edition)
    return edition


async def add_many(session: AsyncSession, items: list[tuple[uuid.UUID, EditionWrite]]) -> None:
    """The one (primary) edition of each of these new books, in one statement (importers; no narrator link)."""
    now = utcnow()
    rows = []
    for book_id, body in items:
        check(body)
        if body.narrator_contributor_id:
            raise BadRequest("a narrator cannot be linked in bulk")
        rows.append({"id": new_id(), "book_id": book_id, "copy_count": 1, "is_primary": True,
                     "created_at": now, "updated_at": now, **_values(body, None)})  # fmt: skip
    await repo.insert_many(session, rows)


def shape(edition: BookEdition, narrator_name: str = "", files: list[EditionFileRead] | None = None) -> EditionRead:
    return EditionRead(
        id=edition.id,
        book_id=edition.book_id,
        format=edition.format,
        language=edition.language,
        edition_name=edition.edition_name,
        narrator=edition.narrator,
        narrator_contributor_id=edition.narrator_contributor_id,
        narrator_contributor_name=narrator_name,
        publisher=edition.publisher,
        publish_date=edition.publish_date,
        isbn_10=edition.isbn_10,
        isbn_13=edition.isbn_13,
        copy_count=edition.copy_count,
        description=edition.description,
        duration_seconds=edition.duration_seconds,
        page_count=edition.page_count,
        is_primary=edition.is_primary,
        acquired_at=edition.acquired_at,
        created_at=edition.created_at,
        updated_at=edition.updated_at,
        files=files or [],
    )


async def _narrator_name(session: AsyncSession, edition: BookEdition) -> str:
    if edition.narrator_contributor_id is None:
        return ""
    contributor = await session.get(Contributor, edition.narrator_contributor_id)
    return contributor.name if contributor else ""


async def list_for_book(
    session: AsyncSession, book: Book, files: dict[uuid.UUID, list[EditionFileRead]]
) -> list[EditionRead]:
    """The book's editions, each with its files (`files`: by edition id)."""
    return [shape(e, name or "", files.get(e.id, [])) for e, name in await repo.with_narrators(session, book.id)]


async def editions_of(session: AsyncSession, book: Book) -> list[BookEdition]:
    return await repo.editions_oldest_first(session, book.id)


async def create(session: AsyncSession, book: Book, body: EditionWrite) -> EditionRead:
    edition = await add(session, book, body)
    return shape(edition, await _narrator_name(session, edition))


async def book_in_library(session: AsyncSession, library_id: uuid.UUID, book_id: uuid.UUID) -> Book:
    """The book an edition route names, in the path's library (editions cannot ask the books domain: it
    builds on this one)."""
    return await repo.books.one(session, library_id, book_id, "book not found")


async def get(session: AsyncSession, book: Book, edition_id: uuid.UUID) -> BookEdition:
    edition = await session.get(BookEdition, edition_id)
    if edition is None or edition.book_id != book.id:
        raise NotFound("edition not found")
    return edition


async def update_edition(session: AsyncSession, book: Book, edition_id: uuid.UUID, body: EditionWrite) -> EditionRead:
    edition = await get(session, book, edition_id)
    await _apply(session, edition, body)
    edition.copy_count = body.copy_count if body.copy_count and body.copy_count > 0 else 1
    was_primary = edition.is_primary
    edition.is_primary = body.is_primary
    edition.updated_at = utcnow()
    await session.flush()
    if body.is_primary:
        await _settle_primary(session, book.id, edition)
    elif was_primary:
        await _promote_other(session, book.id, edition)
    await _link_narrator(session, edition)
    await session.refresh(edition)
    return shape(edition, await _narrator_name(session, edition))


async def _promote_other(session: AsyncSession, book_id: uuid.UUID, demoted: BookEdition) -> None:
    """The primary was switched off: the oldest other edition takes over (a lone edition stays primary)."""
    other = next((e for e in await repo.editions_oldest_first(session, book_id) if e.id != demoted.id), None)
    await _settle_primary(session, book_id, other or demoted)


async def delete(session: AsyncSession, book: Book, edition_id: uuid.UUID) -> None:
    edition = await get(session, book, edition_id)
    await session.delete(edition)
    await session.flush()
    await _settle_primary(session, book.id, None)


# --- reading interactions -------------------------------------------------------------------------


def interaction_shape(row: UserBookInteraction) -> InteractionRead:
    return InteractionRead.model_validate(row)


async def _interaction(session: AsyncSession, user_id: uuid.UUID, edition_id: uuid.UUID) -> UserBookInteraction | None:
    return await repo.interaction(session, user_id, edition_id)


async def my_interaction(
    session: AsyncSession, book: Book, edition_id: uuid.UUID, user_id: uuid.UUID
) -> InteractionRead | None:
    edition = await get(session, book, edition_id)
    row = await _interaction(session, user_id, edition.id)
    return interaction_shape(row) if row else None


def _date(text: str, name: str) -> Any:
    if not text:
        return None
    parsed = dates.strict(text)
    if parsed is None:
        raise BadRequest(f"{name} must be YYYY-MM-DD")
    return parsed


async def put_interaction(
    session: AsyncSession, book: Book, edition_id: uuid.UUID, user_id: uuid.UUID, body: InteractionWrite
) -> InteractionRead:
    status = body.read_status.strip() or "unread"
    if status not in READ_STATUSES:
        raise BadRequest("read_status must be one of " + ", ".join(READ_STATUSES))
    if body.rating is not None and not 1 <= body.rating <= 10:
        # upstream lets the CHECK constraint fail with a 500
        raise BadRequest("rating must be between 1 and 10")
    started = _date(body.date_started, "date_started")
    finished = _date(body.date_finished, "date_finished")
    edition = await get(session, book, edition_id)
    row = await _interaction(session, user_id, edition.id)
    if row is None:
        row = UserBookInteraction(user_id=user_id, book_edition_id=edition.id, reread_count=0)
        session.add(row)
    else:
        row.updated_at = utcnow()
    row.read_status = status
    row.rating = body.rating
    row.notes = body.notes or None
    row.review = body.review or None
    row.date_started = started
    row.date_finished = finished
    row.is_favorite = body.is_favorite
    await session.flush()
    return interaction_shape(row)


async def record_many(
    session: AsyncSession, user_id: uuid.UUID, records: list[tuple[uuid.UUID, InteractionWrite, int, int]]
) -> None:
    """Importers: the user's reading record (and copies, re-reads) of the primary edition of each new book —
    (book id, record, copies, re-reads) — in a few statements for all of them."""
    primary = await repo.primary_edition_ids(session, [book_id for book_id, *_ in records])
    now = utcnow()
    rows, copies = [], []
    for book_id, body, count, rereads in records:
        edition_id = primary[book_id]
        if count > 1:
            copies.append({"edition_id": edition_id, "count": count})
        if body.read_status == "unread" and not (body.rating or body.review or body.date_started or body.date_finished):
            continue
        if body.rating is not None and not 1 <= body.rating <= 10:
            raise BadRequest("rating must be between 1 and 10")
        rows.append({
            "id": new_id(), "user_id": user_id, "book_edition_id": edition_id, "read_status": body.read_status,
            "rating": body.rating, "notes": None, "review": body.review or None,
            "date_started": _date(body.date_started, "date_started"),
            "date_finished": _date(body.date_finished, "date_finished"), "progress": None, "is_favorite": False,
            "reread_count": rereads, "created_at": now, "updated_at": now,
        })  # fmt: skip
    await repo.set_copy_counts(session, copies)
    await repo.insert_interactions(session, rows)


async def follow_progress(
    session: AsyncSession, user_id: uuid.UUID, edition_id: uuid.UUID, percentage: float, device: str, stamp: int
) -> None:
    """A reading app reported progress in this edition: the user's record says `reading` (unless it says
    otherwise already) and carries the percentage, the device and when."""
    row = await _interaction(session, user_id, edition_id)
    if row is None:
        row = UserBookInteraction(user_id=user_id, book_edition_id=edition_id, reread_count=0, read_status="reading")
        session.add(row)
    elif row.read_status == "unread":
        row.read_status = "reading"
    row.progress = {"percentage": round(percentage, 4), "device": device, "updated_at": stamp, "source": "koreader"}
    row.updated_at = utcnow()
    await session.flush()


async def set_copies(session: AsyncSession, edition: BookEdition, count: int) -> None:
    edition.copy_count = count
    await session.flush()


async def set_reread_count(session: AsyncSession, edition_id: uuid.UUID, user_id: uuid.UUID, count: int) -> None:
    """Imports: how many times beyond the first the user read the book (the exports' read count)."""
    row = await _interaction(session, user_id, edition_id)
    if row is not None:
        row.reread_count = count
        await session.flush()


async def delete_interaction(session: AsyncSession, book: Book, edition_id: uuid.UUID, user_id: uuid.UUID) -> None:
    edition = await get(session, book, edition_id)
    row = await _interaction(session, user_id, edition.id)
    if row is None:
        raise NotFound("interaction not found")
    await session.delete(row)
    await session.flush()
