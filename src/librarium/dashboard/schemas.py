"""Response shapes of the dashboard (the web client's home page; absent from upstream's OpenAPI document)."""

from __future__ import annotations

import uuid

from librarium.kit.schema import Read


class BookCard(Read):
    book_id: uuid.UUID
    library_id: uuid.UUID
    library_name: str
    title: str
    cover_url: str | None
    authors: str  # one display string: "A, B"


class DashboardBook(BookCard):
    read_status: str


class ReadingBook(DashboardBook):
    updated_at: str | None


class FinishedBook(BookCard):
    finished_at: str | None
    rating: int | None
    is_favorite: bool


class ContinueSeriesItem(DashboardBook):
    series_id: uuid.UUID
    series_name: str
    position: float
    last_read_position: float


class MonthlyReads(Read):
    month: str  # YYYY-MM
    count: int


class DashboardStats(Read):
    total_books: int
    books_read: int
    books_reading: int
    books_added_this_year: int
    books_read_this_year: int
    favorites_count: int
    monthly_reads: list[MonthlyReads]
