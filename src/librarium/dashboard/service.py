"""The home page: what the caller is reading, what is new, picks, finished books, series to continue
and reading statistics, over the libraries the caller is a member of."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from librarium.books import service as books
from librarium.dashboard import repository as repo
from librarium.dashboard.schemas import (
    ContinueSeriesItem,
    DashboardBook,
    DashboardStats,
    FinishedBook,
    MonthlyReads,
    ReadingBook,
)

DEFAULT_PICK_TYPES = ["novel", "light_novel", "non_fiction"]
_PRIORITY = {"read": 1, "reading": 2, "did_not_finish": 3}


def _stamp(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


async def _authors(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Contributor names of each book joined by ", " in display order."""
    links = await books.contributors_of(session, ids)
    return {book_id: ", ".join(dict.fromkeys(c["name"] for c in people)) for book_id, people in links.items()}


async def _cards(
    session: AsyncSession, ids: list[uuid.UUID], version: str = "updated"
) -> dict[uuid.UUID, dict[str, Any]]:
    """book_id -> the fields of its BookCard (each answer adds its own to make its model)."""
    if not ids:
        return {}
    rows = await repo.books_with_library_names(session, ids)
    covered = await books.covered(session, ids)
    authors = await _authors(session, ids)
    out = {}
    for book, library_name in rows:
        stamp = book.updated_at if version == "updated" else book.created_at
        cover = f"/api/v1/libraries/{book.library_id}/books/{book.id}/cover?v={int(stamp.timestamp())}"
        out[book.id] = {
            "book_id": book.id,
            "library_id": book.library_id,
            "library_name": library_name,
            "title": book.title,
            "cover_url": cover if book.id in covered else None,
            "authors": authors.get(book.id, ""),
        }
    return out


async def _interactions(session: AsyncSession, user_id: uuid.UUID) -> list[Any]:
    """The caller's reading records on books of libraries they belong to."""
    return await repo.interactions(session, user_id)


def _statuses(rows: list[Any]) -> dict[uuid.UUID, str]:
    best: dict[uuid.UUID, str] = {}
    for row in rows:
        current = best.get(row.book_id)
        if current is None or _PRIORITY.get(row.read_status, 4) < _PRIORITY.get(current, 4):
            best[row.book_id] = row.read_status
    return best


async def currently_reading(session: AsyncSession, user_id: uuid.UUID) -> list[ReadingBook]:
    latest: dict[uuid.UUID, datetime] = {}
    for row in await _interactions(session, user_id):
        if row.read_status == "reading" and (row.book_id not in latest or row.updated_at > latest[row.book_id]):
            latest[row.book_id] = row.updated_at
    ids = sorted(latest, key=lambda b: latest[b], reverse=True)[:24]
    cards = await _cards(session, ids)
    return [ReadingBook(**cards[b], read_status="reading", updated_at=_stamp(latest[b])) for b in ids if b in cards]


async def recently_added(session: AsyncSession, user_id: uuid.UUID) -> list[DashboardBook]:
    ids = await repo.newest_book_ids(session, user_id, 24)
    cards = await _cards(session, ids, version="created")
    statuses = _statuses(await _interactions(session, user_id))
    return [DashboardBook(**cards[b], read_status=statuses.get(b, "")) for b in ids if b in cards]


async def picks_of_the_day(
    session: AsyncSession, user_id: uuid.UUID, media_types: list[str] | None
) -> list[DashboardBook]:
    names = media_types or DEFAULT_PICK_TYPES
    seen = [b for b, s in _statuses(await _interactions(session, user_id)).items() if s in _PRIORITY]
    today = datetime.now(UTC).date().isoformat()
    ids = await repo.daily_picks(session, user_id, names, seen, today, 24)  # a new, stable order every day
    cards = await _cards(session, ids)
    return [DashboardBook(**cards[b], read_status="") for b in ids if b in cards]


def _finished_at(row: Any) -> datetime:
    if row.date_finished is not None:
        return datetime(row.date_finished.year, row.date_finished.month, row.date_finished.day, tzinfo=UTC)
    return row.updated_at  # type: ignore[no-any-return]


async def recently_finished(session: AsyncSession, user_id: uuid.UUID) -> list[FinishedBook]:
    latest: dict[uuid.UUID, Any] = {}
    for row in await _interactions(session, user_id):
        if row.read_status == "read" and (
            row.book_id not in latest or _finished_at(row) > _finished_at(latest[row.book_id])
        ):
            latest[row.book_id] = row
    ids = sorted(latest, key=lambda b: _finished_at(latest[b]), reverse=True)[:12]
    cards = await _cards(session, ids)
    out = []
    for b in ids:
        if b not in cards:
            continue
        row, finished = latest[b], _finished_at(latest[b])
        card = cards[b]
        card["cover_url"] = card["cover_url"] and card["cover_url"].split("?v=")[0] + f"?v={int(finished.timestamp())}"
        out.append(FinishedBook(**card, finished_at=_stamp(finished), rating=row.rating, is_favorite=row.is_favorite))
    return out


async def continue_series(session: AsyncSession, user_id: uuid.UUID) -> list[ContinueSeriesItem]:
    statuses = _statuses(await _interactions(session, user_id))
    read = {b for b, s in statuses.items() if s == "read"}
    if not read:
        return []
    rows = await repo.series_entries_with(session, user_id, read)
    by_series: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for row in rows:
        by_series[row.id].append(row)
    picks = []
    for entries in by_series.values():
        last_read = max(float(e.position) for e in entries if e.book_id in read)
        nxt = next((e for e in entries if float(e.position) > last_read and e.book_id not in read), None)
        if nxt is not None:
            picks.append((nxt, last_read))
    picks.sort(key=lambda p: (float(p[0].position), p[0].name))
    picks = picks[:12]
    cards = await _cards(session, [p[0].book_id for p in picks])
    return [
        ContinueSeriesItem(
            **cards[e.book_id],
            series_id=e.id,
            series_name=e.name,
            position=float(e.position),
            last_read_position=last_read,
            read_status=statuses.get(e.book_id, ""),
        )
        for e, last_read in picks
        if e.book_id in cards
    ]


async def stats(session: AsyncSession, user_id: uuid.UUID) -> DashboardStats:
    now = datetime.now(UTC)
    start_of_year = datetime(now.year, 1, 1, tzinfo=UTC)
    total = await repo.book_count(session, user_id)
    added = await repo.book_count(session, user_id, since=start_of_year)
    rows = await _interactions(session, user_id)
    statuses = _statuses(rows)
    finished: dict[uuid.UUID, datetime] = {}
    for row in rows:
        if row.read_status == "read":
            at = _finished_at(row)
            finished[row.book_id] = max(at, finished.get(row.book_id, at))
    months = []
    year, month = now.year, now.month
    for _ in range(12):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    months.reverse()
    per_month = {m: 0 for m in months}
    for at in finished.values():
        key = at.strftime("%Y-%m")
        if key in per_month:
            per_month[key] += 1
    return DashboardStats(
        total_books=int(total),
        books_read=sum(1 for s in statuses.values() if s == "read"),
        books_reading=sum(1 for s in statuses.values() if s == "reading"),
        books_added_this_year=int(added),
        books_read_this_year=sum(1 for at in finished.values() if at.year == now.year),
        favorites_count=len({row.book_id for row in rows if row.is_favorite}),
        monthly_reads=[MonthlyReads(month=m, count=per_month[m]) for m in months],
    )
