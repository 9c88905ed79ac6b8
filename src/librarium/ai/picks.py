"""Turning parsed picks into suggestions: buy picks are checked against the user's libraries and verified
through the metadata providers; read-next picks are matched to books the user can reach. Every decision is
reported (as an event) so the run log shows why a pick was kept or dropped."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from librarium.ai.match import authors_match, normal_title, titles_match
from librarium.ai.parse import Pick
from librarium.ai.repository import Title
from librarium.errors import AppError
from librarium.kit import isbn as isbns
from librarium.providers import service as providers
from librarium.providers.lookup import Lookup

Report = Callable[[str, dict[str, Any]], Awaitable[None]]


@dataclass
class Accepted:
    type: str
    title: str
    reasoning: str
    author: str = ""
    isbn: str = ""
    cover_url: str = ""
    book_id: uuid.UUID | None = None


@dataclass
class Library:
    """The user's books, indexed for the checks below."""

    titles: list[Title]
    by_isbn: dict[str, Title] = field(default_factory=dict)
    by_lower_title: dict[str, Title] = field(default_factory=dict)
    by_normal_title: dict[str, Title] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for t in self.titles:
            for code in t.isbns:
                self.by_isbn[isbns.key(code) or code] = t
            self.by_lower_title.setdefault(t.title.strip().lower(), t)
            self.by_normal_title[normal_title(t.title)] = t

    def owns(self, isbn: str, title: str) -> bool:
        return (bool(isbn) and isbn in self.by_isbn) or title.strip().lower() in self.by_lower_title

    def find(self, title: str) -> tuple[Title | None, str]:
        key = normal_title(title)
        if not key:
            return None, ""
        if key in self.by_normal_title:
            return self.by_normal_title[key], "exact"
        for other, found in self.by_normal_title.items():
            if other and (key in other or other in key):
                return found, "partial"
        return None, ""


@dataclass
class Blocks:
    """What the user blocked: a book (by title or ISBN) or everything by an author. Upstream only told the model;
    a pick that names a blocked book or author anyway is dropped here too."""

    titles: set[str] = field(default_factory=set)
    isbns: set[str] = field(default_factory=set)
    authors: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, items: list[Any]) -> Blocks:
        found = cls()
        for item in items:
            if item.scope == "book":
                found.titles.add(normal_title(item.title))
                if item.isbn:
                    found.isbns.add(isbns.key(item.isbn) or item.isbn)
            elif item.scope == "author" and item.author:
                found.authors.append(item.author)
        return found

    def hit(self, title: str, author: str = "", isbn: str = "") -> bool:
        return (
            normal_title(title) in self.titles
            or (bool(isbn) and isbn in self.isbns)
            or (bool(author) and any(authors_match(author, blocked) for blocked in self.authors))
        )


def first_author(authors: str) -> str:
    return authors.split(",", 1)[0].strip()


class BuyChecker:
    def __init__(self, lookup: Lookup, library: Library, seen: set[str], report: Report, blocks: Blocks):
        self.lookup = lookup
        self.library = library
        self.seen = seen
        self.report = report
        self.blocks = blocks
        self.rejected: list[str] = []

    async def check(self, picks: list[Pick], cap: int) -> list[Accepted]:
        accepted: list[Accepted] = []
        for pick in picks:
            if len(accepted) >= cap:
                break
            event: dict[str, Any] = {"title": pick.title, "isbn": pick.isbn, "ai_reason": pick.reason}
            key = normal_title(pick.title)
            if key in self.seen:
                await self.report("enrichment_decision", {**event, "outcome": "rejected", "reason": "duplicate"})
                continue
            if pick.author:
                event["author"] = pick.author
            item = await self._verify(pick, event)
            if item is not None and (self.blocks.hit(pick.title, pick.author, pick.isbn)
                                     or self.blocks.hit(item.title, item.author, item.isbn)):  # fmt: skip
                event["reason"], item = "blocked", None
            if item is None:
                self.rejected.append(pick.title)
                await self.report("enrichment_decision", {**event, "outcome": "rejected"})
                continue
            self.seen.add(normal_title(item.title))
            accepted.append(item)
            await self.report("enrichment_decision", {**event, "outcome": "accepted"})
        return accepted

    async def _verify(self, pick: Pick, event: dict[str, Any]) -> Accepted | None:
        """The pick as a suggestion, or None with event["reason"] saying why not."""
        if self.library.owns(pick.isbn, pick.title):
            event["reason"] = "already_owned"
            return None
        reason = "missing_isbn"
        if pick.isbn:
            reason, item = await self._by_isbn(pick, event)
            if item is not None:
                return item
        if not pick.author:
            event["reason"] = reason
            return None
        return await self._by_title_and_author(pick, event, reason)

    async def _by_isbn(self, pick: Pick, event: dict[str, Any]) -> tuple[str, Accepted | None]:
        try:
            merged = await providers.merged_by_isbn(self.lookup, pick.isbn)
        except AppError as exc:
            event["lookup_error"] = exc.message
            return "metadata_lookup_failed", None
        title = merged.title.value if merged.title else ""
        if not title:
            return "metadata_lookup_failed", None
        authors = merged.authors.value if merged.authors else ""
        cover = merged.covers[0].cover_url if merged.covers else ""
        found: dict[str, Any] = {"title": title}
        if authors:
            found["authors"] = authors
        if cover:
            found["cover_url"] = cover
        event["metadata_lookup"] = found
        if not titles_match(pick.title, title):
            return "title_mismatch", None
        return "", Accepted("buy", title, pick.reason, first_author(authors), pick.isbn, cover)

    @staticmethod
    def _same_book(pick: Pick, title: str, authors: list[str]) -> bool:
        return titles_match(pick.title, title) and authors_match(pick.author, " ".join(authors))

    async def _by_title_and_author(self, pick: Pick, event: dict[str, Any], primary: str) -> Accepted | None:
        """When the ISBN is missing, wrong or points elsewhere: search by title and author and take the first
        result with an ISBN-13 whose title and author both match."""
        event["primary_reject_reason"] = primary
        try:
            results = await providers.search_books(self.lookup, f"{pick.title} {pick.author}")
        except AppError as exc:
            event["lookup_error"] = exc.message
            results = []
        hit = next((r for r in results if r.isbn_13 and self._same_book(pick, r.title, r.authors or [])), None)
        if hit is None:
            event["reason"] = "title_author_search_failed"
            return None
        event["recovered_isbn"] = hit.isbn_13
        if self.library.owns(hit.isbn_13, hit.title):
            event["reason"] = "already_owned"
            return None
        authors = hit.authors or []
        event.update(
            recovered_via="title_author_search", recovered_title=hit.title, recovered_author=", ".join(authors)
        )
        first = authors[0].strip() if authors else ""
        return Accepted("buy", hit.title, pick.reason, first, hit.isbn_13, hit.cover_url)


async def read_next(
    picks: list[Pick], cap: int, library: Library, seen: set[str], report: Report, blocks: Blocks
) -> list[Accepted]:
    accepted: list[Accepted] = []
    for pick in picks:
        if len(accepted) >= cap:
            break
        event: dict[str, Any] = {"title": pick.title, "ai_reason": pick.reason}
        found, kind = library.find(pick.title)
        if found is None:
            await report("read_next_match", {**event, "outcome": "rejected", "reason": "not_in_library"})
            continue
        event.update(matched_title=found.title, match_kind=kind)
        if normal_title(found.title) in seen:
            await report("read_next_match", {**event, "outcome": "rejected", "reason": "duplicate"})
            continue
        if found.read_status == "read":
            await report("read_next_match", {**event, "outcome": "rejected", "reason": "already_read"})
            continue
        if blocks.hit(found.title, found.authors[0] if found.authors else ""):
            await report("read_next_match", {**event, "outcome": "rejected", "reason": "blocked"})
            continue
        cover = ""
        if found.has_cover:
            stamp = int(found.updated_at.timestamp())
            cover = f"/api/v1/libraries/{found.library_id}/books/{found.book_id}/cover?v={stamp}"
        seen.add(normal_title(found.title))
        accepted.append(
            Accepted(
                "read_next",
                found.title,
                pick.reason,
                found.authors[0] if found.authors else "",
                "",
                cover,
                found.book_id,
            )  # fmt: skip
        )
        await report("read_next_match", {**event, "outcome": "accepted", "book_id": str(found.book_id)})
    return accepted
