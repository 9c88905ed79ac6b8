"""SQL of the AI domain: its instance settings, each user's AI settings, runs and events, suggestions, blocks,
and the reading picture of a user's libraries that the prompt is built from."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.db import instance_settings
from librarium.db.base import utcnow
from librarium.models import (
    BlockedItem,
    Book,
    BookContributor,
    BookEdition,
    BookGenre,
    BookSeries,
    Contributor,
    CoverImage,
    Genre,
    InstanceSetting,
    Job,
    LibraryMembership,
    MediaType,
    RunEvent,
    Series,
    Suggestion,
    SuggestionRun,
    User,
    UserAISettings,
    UserBookInteraction,
)

PROVIDER_PREFIX = "ai:provider:"
ACTIVE_KEY = "ai:active_provider"
PERMISSIONS_KEY = "ai:permissions"
JOB_KEY = "job:ai-suggestions"
LIVE_JOB_STATES = ("queued", "running")

# --- instance settings ------------------------------------------------------------------------------


async def settings(session: AsyncSession) -> dict[str, Any]:
    """Every AI setting, decoded, in one query ({key: value}; undecodable values are left out)."""
    stmt = select(InstanceSetting.key, InstanceSetting.value).where(
        InstanceSetting.key.startswith("ai:") | (InstanceSetting.key == JOB_KEY)
    )
    out: dict[str, Any] = {}
    for key, value in (await session.execute(stmt)).all():
        try:
            out[key] = json.loads(value)
        except ValueError:
            continue
    return out


put_setting = instance_settings.put_setting


# --- user settings ----------------------------------------------------------------------------------


async def user_settings(session: AsyncSession, user_id: uuid.UUID) -> UserAISettings | None:
    return await session.get(UserAISettings, user_id)


async def user_settings_for_update(session: AsyncSession, user_id: uuid.UUID) -> UserAISettings:
    row = await session.get(UserAISettings, user_id)
    if row is None:
        row = UserAISettings(user_id=user_id, opt_in=False, taste_profile={})
        session.add(row)
    return row


async def opted_in_users(session: AsyncSession) -> list[uuid.UUID]:
    """Active users who opted in and belong to at least one library."""
    member = select(LibraryMembership.id).where(LibraryMembership.user_id == User.id).exists()
    stmt = (
        select(User.id)
        .join(UserAISettings, UserAISettings.user_id == User.id)
        .where(UserAISettings.opt_in.is_(True), User.is_active.is_(True), member)
        .order_by(User.username)
    )
    return list((await session.execute(stmt)).scalars())


async def user_state(session: AsyncSession, user_id: uuid.UUID) -> tuple[bool, bool, dict[str, Any], list[uuid.UUID]]:
    """(opted in, active, taste profile, library ids by join date)."""
    user = await session.get(User, user_id)
    prefs = await session.get(UserAISettings, user_id)
    stmt = (
        select(LibraryMembership.library_id)
        .where(LibraryMembership.user_id == user_id)
        .order_by(LibraryMembership.joined_at)
    )
    libraries = list((await session.execute(stmt)).scalars())
    taste = prefs.taste_profile if prefs is not None and isinstance(prefs.taste_profile, dict) else {}
    return bool(prefs and prefs.opt_in), bool(user and user.is_active), taste, libraries


# --- runs and events --------------------------------------------------------------------------------


def add_run(session: AsyncSession, **values: Any) -> SuggestionRun:
    run = SuggestionRun(**values)
    session.add(run)
    return run


async def run(session: AsyncSession, run_id: uuid.UUID, user_id: uuid.UUID | None = None) -> SuggestionRun | None:
    found = await session.get(SuggestionRun, run_id, populate_existing=True)
    if found is None or (user_id is not None and found.user_id != user_id):
        return None
    return found


async def run_status(session: AsyncSession, run_id: uuid.UUID) -> str | None:
    stmt = select(SuggestionRun.status).where(SuggestionRun.id == run_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def runs(session: AsyncSession, user_id: uuid.UUID | None, limit: int) -> list[SuggestionRun]:
    stmt = select(SuggestionRun).order_by(SuggestionRun.started_at.desc(), SuggestionRun.id).limit(limit)
    if user_id is not None:
        stmt = stmt.where(SuggestionRun.user_id == user_id)
    return list((await session.execute(stmt)).scalars())


async def events(session: AsyncSession, run_id: uuid.UUID) -> list[RunEvent]:
    stmt = select(RunEvent).where(RunEvent.run_id == run_id).order_by(RunEvent.seq)
    return list((await session.execute(stmt)).scalars())


async def add_event(session: AsyncSession, run_id: uuid.UUID, kind: str, content: dict[str, Any]) -> None:
    seq = await session.execute(select(func.coalesce(func.max(RunEvent.seq), 0)).where(RunEvent.run_id == run_id))
    session.add(RunEvent(run_id=run_id, seq=int(seq.scalar_one()) + 1, type=kind, content=content))
    await session.flush()


def _live_job() -> Any:
    """The run's job is still queued or running (a run whose job ended, or whose worker died and whose job was
    given up, is stale: it no longer blocks its user)."""
    return select(Job.id).where(Job.id == SuggestionRun.job_id, Job.state.in_(LIVE_JOB_STATES)).exists()


async def running_run(session: AsyncSession, user_id: uuid.UUID) -> SuggestionRun | None:
    stmt = (
        select(SuggestionRun)
        .where(SuggestionRun.user_id == user_id, SuggestionRun.status == "running", _live_job())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def close_stale_runs(session: AsyncSession, user_id: uuid.UUID | None = None) -> int:
    """Runs left `running` by a job that is over: failed, so that nothing stays running for ever."""
    stmt = (
        update(SuggestionRun)
        .where(SuggestionRun.status == "running", ~_live_job())
        .values(status="failed", error="the worker stopped during the run", finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if user_id is not None:
        stmt = stmt.where(SuggestionRun.user_id == user_id)
    return int(getattr(await session.execute(stmt), "rowcount", 0) or 0)


async def runs_of_job(session: AsyncSession, job_id: uuid.UUID, status: str) -> list[SuggestionRun]:
    stmt = select(SuggestionRun).where(SuggestionRun.job_id == job_id, SuggestionRun.status == status)
    return list((await session.execute(stmt)).scalars())


async def user_runs_since(session: AsyncSession, user_id: uuid.UUID, since: datetime) -> tuple[int, datetime | None]:
    """(count, earliest start) of the user's own (user-triggered) runs started since `since`."""
    stmt = select(func.count(), func.min(SuggestionRun.started_at)).where(
        SuggestionRun.user_id == user_id, SuggestionRun.triggered_by == "user", SuggestionRun.started_at >= since
    )
    count, earliest = (await session.execute(stmt)).one()
    return int(count), earliest


async def last_started(session: AsyncSession, user_ids: list[uuid.UUID]) -> dict[uuid.UUID, datetime]:
    if not user_ids:
        return {}
    stmt = (
        select(SuggestionRun.user_id, func.max(SuggestionRun.started_at))
        .where(SuggestionRun.user_id.in_(user_ids))
        .group_by(SuggestionRun.user_id)
    )
    return {user_id: when for user_id, when in (await session.execute(stmt)).all()}


async def end_run(session: AsyncSession, run_id: uuid.UUID, **values: Any) -> bool:
    """Ends a run that is still running (False when it already ended: a cancel is never overwritten). On
    PostgreSQL the row stays locked until the caller commits, so a cancel waits for the outcome."""
    stmt = (
        update(SuggestionRun)
        .where(SuggestionRun.id == run_id, SuggestionRun.status == "running")
        .values(finished_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(await session.execute(stmt), "rowcount", 0) or 0) == 1


async def cancel_run(session: AsyncSession, run_id: uuid.UUID) -> bool:
    stmt = (
        update(SuggestionRun)
        .where(SuggestionRun.id == run_id, SuggestionRun.status == "running")
        .values(status="cancelled", error="cancelled", finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(await session.execute(stmt), "rowcount", 0) or 0) == 1


async def delete_finished_runs(session: AsyncSession) -> int:
    finished = SuggestionRun.status.in_(("completed", "failed", "cancelled"))
    ids = list((await session.execute(select(SuggestionRun.id).where(finished))).scalars())
    if not ids:
        return 0
    await session.execute(
        update(Suggestion)
        .where(Suggestion.run_id.in_(ids))
        .values(run_id=None)
        .execution_options(synchronize_session=False)
    )
    await session.execute(delete(RunEvent).where(RunEvent.run_id.in_(ids)))
    await session.execute(delete(SuggestionRun).where(SuggestionRun.id.in_(ids)))
    return len(ids)


# --- suggestions and blocks -------------------------------------------------------------------------


async def suggestions(
    session: AsyncSession, user_id: uuid.UUID, status: str, kind: str | None
) -> list[tuple[Suggestion, uuid.UUID | None]]:
    """(suggestion, library id of its book) newest first."""
    stmt = (
        select(Suggestion, Book.library_id)
        .outerjoin(Book, Book.id == Suggestion.book_id)
        .where(Suggestion.user_id == user_id, Suggestion.status == status)
        .order_by(Suggestion.created_at.desc(), Suggestion.id)
    )
    if kind:
        stmt = stmt.where(Suggestion.type == kind)
    return [(s, lib) for s, lib in (await session.execute(stmt)).all()]


async def suggestion(session: AsyncSession, user_id: uuid.UUID, suggestion_id: uuid.UUID) -> Suggestion | None:
    found = await session.get(Suggestion, suggestion_id)
    return found if found is not None and found.user_id == user_id else None


async def new_title_taken(session: AsyncSession, item: Suggestion) -> bool:
    stmt = select(Suggestion.id).where(
        Suggestion.user_id == item.user_id, Suggestion.type == item.type, Suggestion.title_key == item.title_key,
        Suggestion.status == "new", Suggestion.id != item.id,
    )  # fmt: skip
    return (await session.execute(stmt.limit(1))).first() is not None


async def new_suggestions(session: AsyncSession, user_id: uuid.UUID) -> list[Suggestion]:
    stmt = (
        select(Suggestion)
        .where(Suggestion.user_id == user_id, Suggestion.status == "new")
        .order_by(Suggestion.created_at.desc())
    )
    return list((await session.execute(stmt)).scalars())


async def keep_newest(session: AsyncSession, user_id: uuid.UUID, kind: str, cap: int) -> None:
    """Deletes the user's `new` suggestions of this type beyond the `cap` newest."""
    stmt = (
        select(Suggestion.id)
        .where(Suggestion.user_id == user_id, Suggestion.type == kind, Suggestion.status == "new")
        .order_by(Suggestion.created_at.desc(), Suggestion.id)
        .offset(cap)
    )
    extra = list((await session.execute(stmt)).scalars())
    if extra:
        await session.execute(delete(Suggestion).where(Suggestion.id.in_(extra)))


def add_suggestions(session: AsyncSession, rows: Iterable[Suggestion]) -> None:
    session.add_all(rows)


async def blocks(session: AsyncSession, user_id: uuid.UUID) -> list[BlockedItem]:
    stmt = select(BlockedItem).where(BlockedItem.user_id == user_id).order_by(BlockedItem.blocked_at)
    return list((await session.execute(stmt)).scalars())


def add_block(session: AsyncSession, block: BlockedItem) -> None:
    session.add(block)


# --- the reading picture ----------------------------------------------------------------------------

STATUS_RANK = {"read": 4, "reading": 3, "did_not_finish": 2, "want_to_read": 1, "unread": 0}


@dataclass
class Title:
    """One book of the user's libraries with the user's own reading record (the best over its editions)."""

    book_id: uuid.UUID
    library_id: uuid.UUID
    title: str
    updated_at: datetime
    media_type: str = ""
    authors: list[str] = field(default_factory=list)
    genres: list[str] = field(default_factory=list)
    series: str = ""
    read_status: str = "unread"
    rating: int | None = None
    favourite: bool = False
    has_cover: bool = False
    isbns: set[str] = field(default_factory=set)


async def titles(session: AsyncSession, user_id: uuid.UUID, library_ids: list[uuid.UUID]) -> list[Title]:
    """Every book of these libraries in title order, with authors, genres, series, ISBNs, cover and the user's
    reading record: one query per part, whatever the library size."""
    if not library_ids:
        return []
    rows = await session.execute(
        select(Book.id, Book.library_id, Book.title, Book.updated_at, MediaType.display_name)
        .join(MediaType, MediaType.id == Book.media_type_id)
        .where(Book.library_id.in_(library_ids))
        .order_by(Book.sort_title, Book.id)
    )
    by_id = {r[0]: Title(r[0], r[1], r[2], r[3], r[4] or "") for r in rows.all()}
    in_libraries = select(Book.id).where(Book.library_id.in_(library_ids))
    authors = await session.execute(
        select(BookContributor.book_id, Contributor.name)
        .join(Contributor, Contributor.id == BookContributor.contributor_id)
        .where(BookContributor.book_id.in_(in_libraries), BookContributor.role == "author")
        .order_by(BookContributor.book_id, BookContributor.display_order)
    )
    for book_id, name in authors.all():
        by_id[book_id].authors.append(name)
    genres = await session.execute(
        select(BookGenre.book_id, Genre.name)
        .join(Genre, Genre.id == BookGenre.genre_id)
        .where(BookGenre.book_id.in_(in_libraries))
    )
    for book_id, name in genres.all():
        by_id[book_id].genres.append(name)
    series = await session.execute(
        select(BookSeries.book_id, Series.name)
        .join(Series, Series.id == BookSeries.series_id)
        .where(BookSeries.book_id.in_(in_libraries))
    )
    for book_id, name in series.all():
        by_id[book_id].series = by_id[book_id].series or name
    covers = await session.execute(
        select(CoverImage.entity_id).where(
            CoverImage.entity_type == "book", CoverImage.is_primary.is_(True), CoverImage.entity_id.in_(in_libraries)
        )
    )
    for (book_id,) in covers.all():
        by_id[book_id].has_cover = True
    editions = await session.execute(
        select(BookEdition.book_id, BookEdition.isbn_13, BookEdition.isbn_10, BookEdition.isbn_key).where(
            BookEdition.book_id.in_(in_libraries)
        )
    )
    for book_id, *codes in editions.all():
        by_id[book_id].isbns.update(c for c in codes if c)
    records = await session.execute(
        select(
            BookEdition.book_id,
            UserBookInteraction.read_status,
            UserBookInteraction.rating,
            UserBookInteraction.is_favorite,
        )  # fmt: skip
        .join(BookEdition, BookEdition.id == UserBookInteraction.book_edition_id)
        .where(UserBookInteraction.user_id == user_id, BookEdition.book_id.in_(in_libraries))
    )
    for book_id, status, rating, favourite in records.all():
        entry = by_id[book_id]
        if STATUS_RANK.get(status, 0) > STATUS_RANK.get(entry.read_status, 0):
            entry.read_status = status
        if rating is not None and (entry.rating is None or rating > entry.rating):
            entry.rating = rating
        entry.favourite = entry.favourite or bool(favourite)
    return list(by_id.values())


def window_start(hours: int = 24) -> datetime:
    return utcnow() - timedelta(hours=hours)
