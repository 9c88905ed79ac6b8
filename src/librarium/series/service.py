"""Series of a library: CRUD, their books (fractional positions), volumes, suggestions and matching."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from librarium.books import service as books
from librarium.db.base import utcnow
from librarium.errors import BadRequest, NotFound
from librarium.kit.validate import parse_uuid, required_text
from librarium.models import BookSeries, Series, SeriesTag
from librarium.providers import service as providers
from librarium.providers.lookup import Lookup
from librarium.series import matching
from librarium.series import repository as repo
from librarium.series.schemas import (
    BookSeriesRef,
    BulkCreate,
    BulkCreated,
    Match,
    MatchCandidate,
    SeriesEntry,
    SeriesRead,
    SeriesWrite,
    SuggestedBook,
    SuggestionRead,
    VolumeRead,
)
from librarium.tags import service as tags

DEFAULT_SUGGEST_TYPES = ["manga", "manhwa", "manhua", "comic", "graphic_novel", "light_novel"]


async def _shape(session: AsyncSession, rows: list[Series]) -> list[SeriesRead]:
    ids = [s.id for s in rows]
    if not ids:
        return []
    counts = await repo.book_counts(session, ids)
    today = datetime.now(UTC).date()
    releases: dict[uuid.UUID, list[Any]] = {}
    for sid, released in await repo.release_dates(session, ids):
        releases.setdefault(sid, []).append(released)
    tag_refs = await tags.refs(session, SeriesTag, "series_id", ids)
    out = []
    for s in rows:
        dates = releases.get(s.id, [])
        out.append(
            SeriesRead(
                id=s.id,
                library_id=s.library_id,
                name=s.name,
                description=s.description,
                status=s.status,
                is_complete=s.status == "completed",
                original_language=s.original_language,
                demographic=s.demographic,
                genres=list(s.genres or []),
                url=s.url,
                external_id=s.external_id,
                external_source=s.external_source,
                total_count=s.total_count,
                publication_year=s.publication_year,
                last_release_date=max((d for d in dates if d <= today), default=None),
                next_release_date=min((d for d in dates if d > today), default=None),
                book_count=int(counts.get(s.id, 0)),
                tags=tag_refs.get(s.id, []),
                created_at=s.created_at,
                updated_at=s.updated_at,
            )
        )
    return out


async def list_series(session: AsyncSession, library_id: uuid.UUID, search: str, tag: str) -> list[SeriesRead]:
    tagged = tags.has_tag_named(SeriesTag, "series_id", Series.id, tag) if tag else None
    return await _shape(session, await repo.in_library(session, library_id, search, tagged))


async def get(session: AsyncSession, library_id: uuid.UUID, series_id: uuid.UUID) -> Series:
    return await repo.series.one(session, library_id, series_id, "series not found")


async def read(session: AsyncSession, library_id: uuid.UUID, series_id: uuid.UUID) -> SeriesRead:
    return (await _shape(session, [await get(session, library_id, series_id)]))[0]


def _apply(series: Series, body: SeriesWrite) -> None:
    name = required_text(body.name, "name", 256)
    for field, limit in (("status", 32), ("original_language", 16), ("demographic", 32)):
        if len(getattr(body, field)) > limit:
            raise BadRequest(f"{field} must be at most {limit} characters")
    if body.total_count is not None and body.total_count < 0:
        raise BadRequest("total_count must not be negative")
    series.name = name
    series.description = body.description or None
    series.total_count = body.total_count
    series.status = body.status or ("completed" if body.is_complete else "ongoing")
    series.original_language = body.original_language or None
    series.publication_year = body.publication_year
    series.demographic = body.demographic or None
    series.genres = [g for g in (body.genres or []) if isinstance(g, str)]
    series.url = body.url or None
    series.external_id = body.external_id or None
    series.external_source = body.external_source or None


async def create(session: AsyncSession, library_id: uuid.UUID, user_id: uuid.UUID, body: SeriesWrite) -> SeriesRead:
    series = Series(library_id=library_id, created_by=user_id)
    _apply(series, body)
    tag_ids = await tags.resolve_ids(session, library_id, body.tag_ids or [])
    session.add(series)
    await session.flush()
    await tags.replace_links(session, SeriesTag, "series_id", series.id, tag_ids)
    return (await _shape(session, [series]))[0]


async def update(session: AsyncSession, library_id: uuid.UUID, series_id: uuid.UUID, body: SeriesWrite) -> SeriesRead:
    series = await get(session, library_id, series_id)
    _apply(series, body)
    series.updated_at = utcnow()
    if body.tag_ids is not None:  # present (even empty) = replace; absent = keep
        ids = await tags.resolve_ids(session, library_id, body.tag_ids)
        await tags.replace_links(session, SeriesTag, "series_id", series.id, ids)
    await session.flush()
    return (await _shape(session, [series]))[0]


async def delete_series(session: AsyncSession, library_id: uuid.UUID, series_id: uuid.UUID) -> None:
    await session.delete(await get(session, library_id, series_id))
    await session.flush()


# --- books in a series ----------------------------------------------------------------------------


def _position(value: float) -> Decimal:
    try:
        return matching.round_position(value)
    except ValueError as exc:
        raise BadRequest(str(exc)) from exc


async def _upsert(session: AsyncSession, series_id: uuid.UUID, book_id: uuid.UUID, position: Decimal) -> None:
    link = await repo.link(session, book_id, series_id)
    if link is None:
        session.add(BookSeries(book_id=book_id, series_id=series_id, position=position))
    else:
        link.position = position
    await session.flush()


async def set_book(
    session: AsyncSession, library_id: uuid.UUID, series_id: uuid.UUID, raw_book_id: str, position: float
) -> None:
    book_id = parse_uuid(raw_book_id, "invalid book_id")
    pos = _position(position)
    await get(session, library_id, series_id)
    await books.get(session, library_id, book_id)  # a book of another library is "not found"
    await _upsert(session, series_id, book_id, pos)


async def ids_named(
    session: AsyncSession, library_id: uuid.UUID, user_id: uuid.UUID, names: list[str]
) -> dict[str, uuid.UUID]:
    """{lower-cased name: id} for these names in the library, the missing ones created at once (importers)."""
    return await repo.series.ids_named(session, library_id, user_id, names, status="ongoing", genres=[])


async def add_many(session: AsyncSession, links: list[tuple[uuid.UUID, uuid.UUID, float]]) -> None:
    """(series, book, position) for books an importer just created in series of their library."""
    unique = {(series_id, book_id): position for series_id, book_id, position in links}
    rows = [{"series_id": s, "book_id": b, "position": _position(p)} for (s, b), p in unique.items()]
    await repo.insert_links(session, rows)


async def remove_book(session: AsyncSession, library_id: uuid.UUID, series_id: uuid.UUID, book_id: uuid.UUID) -> None:
    await get(session, library_id, series_id)
    link = await repo.link(session, book_id, series_id)
    if link is None:
        raise NotFound("book not in series")
    await session.delete(link)
    await session.flush()


async def entries(session: AsyncSession, library_id: uuid.UUID, series_id: uuid.UUID) -> list[SeriesEntry]:
    await get(session, library_id, series_id)
    rows = await repo.entries(session, series_id)
    people = await books.contributors_of(session, [r[1] for r in rows])
    return [
        SeriesEntry(
            position=float(position),
            book_id=book_id,
            title=title,
            subtitle=subtitle,
            media_type=media,
            contributors=people.get(book_id, []),
        )
        for position, book_id, title, subtitle, media in rows
    ]


async def of_book(session: AsyncSession, library_id: uuid.UUID, book_id: uuid.UUID) -> list[BookSeriesRef]:
    await books.get(session, library_id, book_id)
    rows = await repo.of_book(session, library_id, book_id)
    return [BookSeriesRef(series_id=i, series_name=n, position=float(p)) for i, n, p in rows]


async def volumes(session: AsyncSession, library_id: uuid.UUID, series_id: uuid.UUID) -> list[VolumeRead]:
    await get(session, library_id, series_id)
    rows = await repo.volumes(session, series_id)
    return [VolumeRead.model_validate(v) for v in rows]


async def sync_volumes(
    session: AsyncSession, lookup: Lookup, library_id: uuid.UUID, series_id: uuid.UUID
) -> list[VolumeRead]:
    """Volumes from the series' linked source, merged in (never deleted, titles never erased); the session's
    transaction is ended while the provider answers."""
    series = await get(session, library_id, series_id)
    external_id = (series.external_id or "").strip()
    if not external_id:
        raise BadRequest("series has no external id linked")
    source = series.external_source
    found = await providers.series_volumes(lookup, source, external_id)
    series = await get(session, library_id, series_id)  # read again: the transaction ended meanwhile
    await repo.upsert_volumes(session, series.id, found)
    series.volumes_checked_at = utcnow()
    await session.flush()
    return await volumes(session, library_id, series_id)


async def linked_series(session: AsyncSession) -> list[tuple[uuid.UUID, uuid.UUID]]:
    return await repo.linked(session)


# --- suggestions and matching ---------------------------------------------------------------------


async def suggest(session: AsyncSession, library_id: uuid.UUID, media_types: list[str] | None) -> list[SuggestionRead]:
    names = DEFAULT_SUGGEST_TYPES if media_types is None else media_types
    rows = await repo.unseried_of_types(session, library_id, names)
    covered = await books.covered(session, [r[0] for r in rows])
    found = matching.suggest(
        [
            (
                book_id,
                title,
                subtitle or "",
                {"cover_url": _cover(library_id, book_id, created) if book_id in covered else None},
            )
            for book_id, title, subtitle, created in rows
        ]
    )
    return [
        SuggestionRead(
            proposed_name=s.proposed_name,
            books=[
                SuggestedBook(book_id=c.book_id, title=c.title, subtitle=c.subtitle, position=c.position, **c.extra)
                for c in s.books
            ],
        )
        for s in found
    ]


def _cover(library_id: uuid.UUID, book_id: uuid.UUID, stamp: datetime) -> str:
    return f"/api/v1/libraries/{library_id}/books/{book_id}/cover?v={int(stamp.timestamp())}"


async def match_candidates(session: AsyncSession, library_id: uuid.UUID, series_id: uuid.UUID) -> list[MatchCandidate]:
    series = await get(session, library_id, series_id)
    rows = await repo.books_outside(session, library_id, series.id)
    matched = [
        (position, book_id, title, subtitle)
        for book_id, title, subtitle in rows
        if (position := matching.match_title_to_series(title, series.name)) is not None
    ]
    matched.sort(key=lambda m: m[0])
    others = await _other_series(session, [m[1] for m in matched], series.id)
    return [
        MatchCandidate(
            book_id=book_id, title=title, subtitle=subtitle, position=position, other_series=others.get(book_id, [])
        )
        for position, book_id, title, subtitle in matched
    ]


async def _other_series(
    session: AsyncSession, book_ids: list[uuid.UUID], exclude: uuid.UUID
) -> dict[uuid.UUID, list[BookSeriesRef]]:
    if not book_ids:
        return {}
    out: dict[uuid.UUID, list[BookSeriesRef]] = {}
    for book_id, sid, name, position in await repo.other_series(session, book_ids, exclude):
        out.setdefault(book_id, []).append(BookSeriesRef(series_id=sid, series_name=name, position=float(position)))
    return out


async def _checked_matches(
    session: AsyncSession, library_id: uuid.UUID, matches: list[Match]
) -> list[tuple[uuid.UUID, Decimal]]:
    """Validate every (book, position) before writing any: upstream applies rows until one fails."""
    parsed = [(parse_uuid(m.book_id, f"invalid book_id: {m.book_id}"), _position(m.position)) for m in matches]
    wanted = {b for b, _ in parsed}
    found = await repo.books.existing_ids(session, library_id, wanted)
    missing = [b for b in wanted if b not in found]
    if missing:
        raise NotFound(f"book not found: {missing[0]}")
    return parsed


async def match_apply(session: AsyncSession, library_id: uuid.UUID, series_id: uuid.UUID, matches: list[Match]) -> int:
    await get(session, library_id, series_id)
    parsed = await _checked_matches(session, library_id, matches)
    for book_id, position in parsed:
        await _upsert(session, series_id, book_id, position)
    return len(parsed)


async def bulk_create(
    session: AsyncSession, library_id: uuid.UUID, user_id: uuid.UUID, body: BulkCreate
) -> BulkCreated:
    plan = []
    for item in body.series:
        if not item.name.strip() or not item.books:
            continue
        if len(item.name.strip()) > 256:
            raise BadRequest("name must be at most 256 characters")
        plan.append((item.name.strip(), await _checked_matches(session, library_id, item.books)))
    created = []
    for name, members in plan:
        series = Series(library_id=library_id, created_by=user_id, name=name, status="ongoing", genres=[])
        session.add(series)
        await session.flush()
        for book_id, position in members:
            await _upsert(session, series.id, book_id, position)
        created.append(series)
    return BulkCreated(created=len(created), series=await _shape(session, created))
