"""Request and response shapes for series."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from librarium.kit.schema import Body, Int32, Position, Read, Str
from librarium.tags.schemas import TagRef


class SeriesWrite(Body):
    name: Str = ""
    description: Str = ""
    total_count: Int32 | None = None
    status: Str = ""
    is_complete: bool = False
    original_language: Str = ""
    publication_year: Int32 | None = None
    demographic: Str = ""
    genres: list[str] | None = None
    url: Str = ""
    external_id: Str = ""
    external_source: Str = ""
    tag_ids: list[Str] | None = None


class SeriesRead(Read):
    id: uuid.UUID
    library_id: uuid.UUID
    name: str
    description: Str
    status: str
    is_complete: bool
    original_language: Str
    demographic: Str
    genres: list[str]
    url: Str
    external_id: Str
    external_source: Str
    total_count: int | None
    publication_year: int | None
    last_release_date: date | None
    next_release_date: date | None
    book_count: int
    tags: list[TagRef]
    created_at: datetime
    updated_at: datetime


class SeriesBookWrite(Body):
    book_id: Str = ""
    position: Position = 0


class Match(Body):
    book_id: Str = ""
    position: Position = 0


class MatchApply(Body):
    matches: list[Match] = []


class BulkSeries(Body):
    name: Str = ""
    books: list[Match] = []


class BulkCreate(Body):
    series: list[BulkSeries] = []


class ContributorRef(Read):
    contributor_id: uuid.UUID
    name: str
    role: str
    display_order: int


class SeriesEntry(Read):
    position: float
    book_id: uuid.UUID
    title: str
    subtitle: Str
    media_type: str
    contributors: list[ContributorRef]


class BookSeriesRef(Read):
    series_id: uuid.UUID
    series_name: str
    position: float


class MatchCandidate(Read):
    book_id: uuid.UUID
    title: str
    subtitle: Str
    position: float
    other_series: list[BookSeriesRef]


class SuggestedBook(Read):
    book_id: uuid.UUID
    title: str
    subtitle: str
    position: float
    cover_url: str | None


class SuggestionRead(Read):
    proposed_name: str
    books: list[SuggestedBook]


class VolumeRead(Read):
    id: uuid.UUID
    series_id: uuid.UUID
    position: float
    title: Str
    release_date: date | None
    cover_url: Str
    external_id: Str
    created_at: datetime
    updated_at: datetime


class Applied(Read):
    applied: int


class BulkCreated(Read):
    created: int
    series: list[SeriesRead]
