"""The `imports.run` job: the pending rows of an import, a hundred per step (rows, counters and progress commit
together, so a crash or restart resumes after the last committed step and no row is imported twice), each row
in its own savepoint (one bad row fails alone). No 60-second limit. At the end, the follow-up enrichment."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from librarium.books import service as books
from librarium.books.schemas import BookWrite, ContributorLink
from librarium.editions.schemas import EditionWrite
from librarium.enrichment import service as enrichment
from librarium.enrichment.rules import match_genres
from librarium.errors import AppError, NotFound
from librarium.genres import service as genres
from librarium.imports import extras, rows
from librarium.imports import repository as repo
from librarium.imports.service import KIND
from librarium.jobs.context import JobContext
from librarium.jobs.registry import job_kind
from librarium.media_types import service as media_types
from librarium.models import ImportItem, ImportJob
from librarium.tags import service as tags

log = logging.getLogger("librarium.imports")
STEP_ROWS = 100


class Lookups:
    """Reference data read once per step."""

    def __init__(self, media: list[dict[str, Any]], known_genres: dict[uuid.UUID, str]):
        self.media = media
        self.genres = known_genres
        self.names = extras.Names()

    def _names(self, m: dict[str, Any]) -> tuple[str, str]:
        return str(m["name"]).lower(), str(m["display_name"]).lower()

    def media_type(self, wanted: str, tag_names: list[str]) -> uuid.UUID:
        """Upstream's choice: the named type (exact, then partial match), else the first tag naming a type,
        else novel."""
        exact = [m for m in self.media if wanted in self._names(m)] if wanted else []
        partial = [m for m in self.media if any(wanted in n for n in self._names(m))] if wanted else []
        tagged = [m for tag in tag_names for m in self.media if tag.lower() in self._names(m)]
        novel = [m for m in self.media if m["name"] == "novel"]
        found = (exact or partial or tagged or novel or self.media)[0]
        return uuid.UUID(str(found["id"]))


async def _tag_ids(session: AsyncSession, job: ImportJob, names: list[str]) -> list[str]:
    if not names:
        return []
    existing = {t.name.lower(): t.id for t in await tags.list_tags(session, job.library_id)}
    ids = []
    for name in names:
        tag_id = existing.get(name.lower())
        if tag_id is None:
            tag_id = (await tags.create(session, job.library_id, job.created_by, name, "")).id
            existing[name.lower()] = tag_id
        ids.append(str(tag_id))
    return ids


async def import_row(session: AsyncSession, job: ImportJob, item: ImportItem, ref: Lookups) -> tuple[str, str, Any]:
    kind = str(item.raw_data.get("item_type", "")).strip().lower()
    if kind not in ("", "book", "books"):  # Libib exports mix in films, music and games
        return "skipped", f"not a book ({kind})", None
    row = rows.parse(item.raw_data)
    if not row.title:
        return "skipped", "no title", None
    existing = None
    if row.isbn:
        try:
            existing = await books.by_isbn(session, job.library_id, row.isbn)
        except NotFound:
            existing = None
        if existing is not None and job.options.get("skip_duplicates", True):
            # upstream ignored skip_duplicates and always counted another copy
            return "skipped", f"duplicate ISBN {row.isbn} — already in the library", existing["id"]
    people = await books.people_named(session, [name for name, _ in row.people])
    body = BookWrite(
        title=row.title,
        subtitle=row.subtitle,
        media_type_id=str(ref.media_type(row.media_type, row.tags)),
        description=row.description,
        contributors=[
            ContributorLink(contributor_id=str(pid), role=role, display_order=n)
            for n, (pid, (_, role)) in enumerate(zip(people, row.people, strict=True))
        ],
        tag_ids=await _tag_ids(session, job, row.tags),
        genre_ids=match_genres(row.tags + row.shelves, ref.genres),
        edition=EditionWrite(
            format=str(job.options.get("default_format", "paperback")),
            language=row.language,
            publisher=row.publisher,
            publish_date=row.publish_date,
            isbn_10=row.isbn_10,
            isbn_13=row.isbn_13,
            description=row.description,
            page_count=row.page_count,
            is_primary=True,
            acquired_at=row.acquired_date,
        ),  # fmt: skip
    )
    created = await books.create(session, job.library_id, job.created_by, body, shaped=False)
    await extras.apply(session, job, uuid.UUID(str(created["id"])), row, ref.names)
    if existing is not None:
        return "done", f"duplicate ISBN {row.isbn} — copy count incremented", created["id"]
    return "done", " ".join([f'imported "{row.title}"', *(f"({note})" for note in row.notes)]), created["id"]


@job_kind(KIND, time_limit=timedelta(hours=12), max_attempts=5, backoff=timedelta(seconds=30))
async def run_import(ctx: JobContext) -> None:
    job_id = uuid.UUID(ctx.args["import_job_id"])
    while True:
        async with ctx.step() as session:
            job = await session.get(ImportJob, job_id)
            if job is None or job.status == "cancelled":
                return
            job.status = "processing"
            chunk = await repo.items(session, job_id, pending=True, limit=STEP_ROWS)
            if not chunk:
                await _follow_up(session, job)
                job.status = "done"
                return
            ref = Lookups(await media_types.list_all(session), {g.id: g.name for g in await genres.list_all(session)})
            for item in chunk:
                try:
                    async with session.begin_nested():
                        status, message, book_id = await import_row(session, job, item, ref)
                except AppError as exc:
                    status, message, book_id = "failed", f"creating book: {exc.message}", None
                except Exception as exc:  # one bad row fails alone; the import goes on
                    log.exception("import row %s failed", item.row_number)
                    status, message, book_id = "failed", f"creating book: {type(exc).__name__}", None
                item.status, item.message, item.book_id = status, message, book_id
                job.processed_rows += status == "done"
                job.failed_rows += status == "failed"
                job.skipped_rows += status == "skipped"
            done = job.processed_rows + job.failed_rows + job.skipped_rows
            ctx.progress(done, job.total_rows)


async def _follow_up(session: AsyncSession, job: ImportJob) -> None:
    """Enrichment batches for the imported books (duplicates included), as upstream — in the step that ends
    the import, so they are created exactly once."""
    book_ids = list(
        dict.fromkeys(
            i.book_id for i in await repo.items(session, job.id) if i.status == "done" and i.book_id and i.title
        )
    )
    if not book_ids:
        return
    for wanted, kind in (("enrich_metadata", "metadata"), ("enrich_covers", "cover")):
        if job.options.get(wanted):
            try:
                async with session.begin_nested():
                    await enrichment.create(session, job.library_id, job.created_by, book_ids, kind=kind, force=False)
            except AppError as exc:
                log.warning("follow-up %s enrichment of import %s not created: %s", kind, job.id, exc.message)
