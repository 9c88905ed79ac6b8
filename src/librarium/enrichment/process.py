"""Enriching one book: look it up (no transaction open), then apply the plan and record every change in one
step. The lookup goes through the shared provider cache, so a batch never asks a provider twice."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from librarium.books import enrichable
from librarium.config import Settings
from librarium.db.unit import Database
from librarium.enrichment import rules
from librarium.errors import AppError
from librarium.files import covers
from librarium.genres import service as genres
from librarium.models import EnrichmentChange, EnrichmentItem
from librarium.providers import merge
from librarium.providers.lookup import ISBN, Lookup
from librarium.providers.schemas import BookResult, MergedBookResult

log = logging.getLogger("librarium.enrichment")


@dataclass
class Prepared:
    """What was learnt outside the transaction; `outcome` set means there is nothing to apply."""

    outcome: tuple[str, str] | None = None
    results: list[BookResult] = field(default_factory=list)
    merged: MergedBookResult | None = None
    cover: tuple[bytes, str, str] | None = None  # (image, url, source)


def choose_isbn(editions: list[Any]) -> str:
    """Upstream's pick: the first ISBN-13 of the book's editions, else the last ISBN-10."""
    isbn10 = ""
    for edition in editions:
        if edition.isbn_13:
            return str(edition.isbn_13)
        if edition.isbn_10:
            isbn10 = str(edition.isbn_10)
    return isbn10


async def prepare(
    db: Database,
    settings: Settings,
    library_id: uuid.UUID,
    book_id: uuid.UUID | None,
    *,
    force: rules.Force,
    cover_only: bool,
) -> Prepared:
    if book_id is None:
        return Prepared(outcome=("skipped", "the book was deleted"))
    async with db.unit_of_work(write=False) as session:
        loaded = await enrichable.load(session, library_id, book_id)
        if loaded is None:
            return Prepared(outcome=("skipped", "the book was deleted"))
        book, editions = loaded
        has_cover = bool(await covers.current(session, "book", book.id))
    isbn = choose_isbn(editions)
    if not isbn:
        return Prepared(outcome=("skipped", "no ISBN to look up"))
    answers = await Lookup(db, settings).ask(ISBN, isbn)
    results = [found for _, found in answers if found is not None]
    if not results:
        return Prepared(outcome=("skipped", f"no provider knows ISBN {isbn}"))
    merged = merge.merged(results)
    prepared = Prepared(results=results, merged=merged)
    if merged.covers and (cover_only or rules.forced(force, "cover") or not has_cover):
        for option in merged.covers:
            try:
                prepared.cover = (await covers.download(option.cover_url, settings), option.cover_url, option.source)
                break
            except AppError as exc:
                log.info("cover %s not fetched: %s", option.source, exc.message)
    if cover_only and prepared.cover is None:
        prepared.outcome = ("skipped", "no cover could be fetched")
    return prepared


async def apply(
    session: AsyncSession,
    settings: Settings,
    item: EnrichmentItem,
    library_id: uuid.UUID,
    user_id: uuid.UUID,
    prepared: Prepared,
    *,
    force: rules.Force,
    cover_only: bool,
) -> tuple[str, str]:
    """Writes the plan for one book and records it; (item status, message)."""
    if prepared.outcome is not None:
        return prepared.outcome
    loaded = await enrichable.load(session, library_id, item.book_id) if item.book_id else None
    if loaded is None:
        return "skipped", "the book was deleted"
    book, editions = loaded
    assert prepared.merged is not None
    changes: list[rules.Change] = []
    if not cover_only:
        current = await enrichable.read(session, book, editions)
        known = {g.id: g.name for g in await genres.list_all(session)}
        changes = rules.plan(current, prepared.merged, prepared.results, known, force=force, has_edition=bool(editions))
        if changes:
            await enrichable.write(session, book, editions, {c.field: c.new for c in changes})
    if prepared.cover is not None:
        data, url, source = prepared.cover
        before = [str(row.id) for row in [await covers.current(session, "book", book.id)] if row is not None]
        row = await covers.store(
            session, settings, "book", book.id, data, user_id, source_url=url[:512], keep_previous=True
        )
        enrichable.touch(book)
        changes.append(rules.Change("cover", before, str(row.id), source))
    for change in changes:
        session.add(
            EnrichmentChange(
                batch_id=item.batch_id, item_id=item.id, book_id=book.id, field=change.field,
                old_value=change.old, new_value=change.new, source=change.source,
            )
        )  # fmt: skip
    await session.flush()
    if not changes:
        return "done", "already up to date"
    return "done", "updated " + ", ".join(c.field for c in changes)
