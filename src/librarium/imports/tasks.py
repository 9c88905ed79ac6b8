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
from librarium.config import Settings
from librarium.editions.schemas import EditionWrite
from librarium.enrichment import service as enrichment
from librarium.enrichment.rules import FIELDS, match_genres
from librarium.errors import AppError
from librarium.genres import service as genres
from librarium.imports import attach, extras, rows
from librarium.imports import repository as repo
from librarium.imports.service import KIND
from librarium.jobs.context import JobContext
from librarium.jobs.registry import job_kind
from librarium.kit import isbn as isbns
from librarium.media_types import service as media_types
from librarium.media_types.schemas import MediaTypeRead
from librarium.models import ImportJob
from librarium.tags import service as tags

log = logging.getLogger("librarium.imports")
STEP_ROWS = 500


class Lookups:
    """Reference data read once per step."""

    def __init__(self, settings: Settings, media: list[MediaTypeRead], known_genres: dict[uuid.UUID, str]):
        self.settings = settings
        self.media = media
        self.genres = known_genres
        self.names = extras.Names()
        self.tags: dict[str, uuid.UUID] | None = None
        self._media_choice: dict[tuple[str, tuple[str, ...]], uuid.UUID] = {}

    def reset(self) -> None:
        """Forget what was created in a rolled-back savepoint."""
        self.tags, self.names = None, extras.Names()

    async def tag_ids(self, session: AsyncSession, job: ImportJob, names: list[str]) -> list[uuid.UUID]:
        """Tag ids by name (case-insensitive), created when new; the library's tags read once per step."""
        if not names:
            return []
        if self.tags is None:
            self.tags = {t.name.lower(): t.id for t in await tags.list_tags(session, job.library_id)}
        for name in names:
            if name.lower() not in self.tags:
                self.tags[name.lower()] = (await tags.create(session, job.library_id, job.created_by, name, "")).id
        return [self.tags[name.lower()] for name in names]

    def _names(self, m: MediaTypeRead) -> tuple[str, str]:
        return m.name.lower(), m.display_name.lower()

    def media_type(self, wanted: str, tag_names: list[str]) -> uuid.UUID:
        """Upstream's choice: the named type (exact, then partial match), else the first tag naming a type,
        else novel (remembered: most rows of a file ask the same)."""
        key = (wanted, tuple(tag_names))
        if key not in self._media_choice:
            self._media_choice[key] = self._choose_media(wanted, tag_names)
        return self._media_choice[key]

    def _choose_media(self, wanted: str, tag_names: list[str]) -> uuid.UUID:
        exact = [m for m in self.media if wanted in self._names(m)] if wanted else []
        partial = [m for m in self.media if any(wanted in n for n in self._names(m))] if wanted else []
        tagged = [m for tag in tag_names for m in self.media if tag.lower() in self._names(m)]
        novel = [m for m in self.media if m.name == "novel"]
        found = (exact or partial or tagged or novel or self.media)[0]
        return found.id


Outcome = tuple[str, str, Any]  # (status, message, book id)
Parsed = tuple[rows.Row | None, Outcome | None]


def unusable(raw: dict[str, Any]) -> Parsed:
    """(the parsed row, None), or (None, why it is skipped): not a book, or no title (also `librarium import
    csv --dry-run`)."""
    kind = str(raw.get("item_type", "")).strip().lower()
    if kind not in ("", "book", "books"):  # Libib exports mix in films, music and games
        return None, ("skipped", f"not a book ({kind})", None)
    row = rows.parse(raw)
    if not row.title:
        return None, ("skipped", "no title", None)
    return row, None


def _imported(row: rows.Row) -> str:
    return " ".join([f'imported "{row.title}"', *(f"({note})" for note in row.notes)])


async def _book(
    session: AsyncSession, job: ImportJob, row: rows.Row, people: list[uuid.UUID], ref: Lookups
) -> books.NewBook:
    return books.NewBook(
        title=row.title,
        subtitle=row.subtitle,
        description=row.description,
        media_type_id=ref.media_type(row.media_type, row.tags),
        contributors=[(pid, role, n) for n, (pid, (_, role)) in enumerate(zip(people, row.people, strict=True))],
        tag_ids=await ref.tag_ids(session, job, row.tags),
        genre_ids=[uuid.UUID(g) for g in match_genres(row.tags + row.shelves, ref.genres)],
        edition=EditionWrite.model_construct(
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
        ),  # values rows.parse has already checked and cleaned
    )


def _body(book: books.NewBook) -> BookWrite:
    """The same book as a request body (the one-row path goes through `books.create`)."""
    return BookWrite(
        title=book.title,
        subtitle=book.subtitle,
        media_type_id=str(book.media_type_id),
        description=book.description,
        contributors=[
            ContributorLink(contributor_id=str(pid), role=role, display_order=n) for pid, role, n in book.contributors
        ],
        tag_ids=[str(t) for t in book.tag_ids],
        genre_ids=[str(g) for g in book.genre_ids],
        edition=book.edition,
    )


def _first_author(row: rows.Row) -> str:
    authors = [name for name, role in row.people if role == "author"] or [name for name, _ in row.people]
    return authors[0] if authors else ""


DuplicateKey = tuple[str, ...]


def duplicate_key(row: rows.Row) -> DuplicateKey:
    """The ISBN (either form), or — without one — the normalised title and first author."""
    key = isbns.key(row.isbn) if row.isbn else None
    return ("isbn", key) if key else ("title", *books.title_key(row.title, _first_author(row)))


def _duplicate(row: rows.Row, action: str) -> str:
    if row.isbn:
        return f"duplicate ISBN {row.isbn} — {action}"
    author = _first_author(row)
    return f'duplicate of "{row.title}"' + (f" by {author}" if author else "") + f" — {action}"


async def known_books(
    session: AsyncSession, library_id: uuid.UUID, parsed: list[rows.Row]
) -> dict[DuplicateKey, uuid.UUID]:
    """The duplicate keys of these rows that the library already has, with the book of each (also `librarium
    import csv --dry-run`)."""
    keys = [duplicate_key(row) for row in parsed]
    by_isbn = await books.ids_by_isbn(session, library_id, list({k[1] for k in keys if k[0] == "isbn"}))
    wanted = [(row.title, _first_author(row)) for row, key in zip(parsed, keys, strict=True) if key[0] == "title"]
    by_title = await books.ids_by_title(session, library_id, wanted)
    return {("isbn", k): v for k, v in by_isbn.items()} | {("title", *k): v for k, v in by_title.items()}


async def import_row(session: AsyncSession, job: ImportJob, item: repo.Pending, ref: Lookups) -> Outcome:
    """One row on its own (the fallback when a bulk step fails, and for another copy of a known book)."""
    row, outcome = unusable(item.raw_data)
    if row is None:
        assert outcome is not None
        return outcome
    existing = (await known_books(session, job.library_id, [row])).get(duplicate_key(row))
    if existing is not None and job.options.get("skip_duplicates", True):
        # upstream ignored skip_duplicates and always counted another copy
        return "skipped", _duplicate(row, "already in the library"), existing
    if existing is not None and not row.isbn:  # `create` counts the copy of a known ISBN; a title match here
        await books.add_copy(session, job.library_id, existing)
        await extras.apply(session, job, existing, row, ref.names)
        return "done", _duplicate(row, "copy count incremented"), existing
    people = await books.people_named(session, [name for name, _ in row.people], row.sort_names)
    book = await _book(session, job, row, people, ref)
    created = await books.create(session, job.library_id, job.created_by, _body(book), shaped=False)
    await extras.apply(session, job, uuid.UUID(str(created["id"])), row, ref.names)
    if existing is None and attach.wanted(item.raw_data):
        row.notes += await attach.attach(session, ref.settings, job, created["id"], row, item.raw_data)
    if existing is not None:
        return "done", _duplicate(row, "copy count incremented"), created["id"]
    return "done", _imported(row), created["id"]


async def import_rows(
    session: AsyncSession, job: ImportJob, chunk: list[repo.Pending], ref: Lookups
) -> dict[uuid.UUID, Outcome]:
    """A step's rows in bulk: unusable rows and duplicates sorted out first, then every new book — with its
    people, tags, edition, reading record, shelves and series — in a few statements. Should the bulk insert
    fail, each row is imported on its own instead, so one bad row fails alone."""
    outcomes: dict[uuid.UUID, Outcome] = {}
    usable: list[tuple[repo.Pending, rows.Row]] = []
    for item in chunk:
        row, outcome = unusable(item.raw_data)
        if row is None:
            outcomes[item.id] = outcome  # type: ignore[assignment]
        else:
            usable.append((item, row))
    known = await known_books(session, job.library_id, [row for _, row in usable])
    skip = job.options.get("skip_duplicates", True)
    new: list[tuple[repo.Pending, rows.Row]] = []
    one_by_one: list[repo.Pending] = []
    in_step: set[DuplicateKey] = set()
    for item, row in usable:
        key = duplicate_key(row)
        if key in known and skip:
            # upstream ignored skip_duplicates and always counted another copy
            outcomes[item.id] = ("skipped", _duplicate(row, "already in the library"), known[key])
        elif key in known or key in in_step:
            one_by_one.append(item)  # another copy (or a duplicate of a row above): after the new books
        else:
            new.append((item, row))
            in_step.add(key)
    try:
        async with session.begin_nested():
            outcomes.update(await _bulk(session, job, new, ref))
    except Exception as exc:  # noqa: BLE001 (any failure: retry row by row, each in its own savepoint)
        log.info("bulk import step of %s fell back to one row at a time: %s", job.id, exc)
        ref.reset()
        one_by_one = [item for item, _ in new] + one_by_one
    for item in one_by_one:
        outcomes[item.id] = await _one(session, job, item, ref)
    return outcomes


async def _bulk(
    session: AsyncSession, job: ImportJob, new: list[tuple[repo.Pending, rows.Row]], ref: Lookups
) -> dict[uuid.UUID, Outcome]:
    if not new:
        return {}
    names = [name for _, row in new for name, _ in row.people]
    sort_names = {lower: sort for _, row in new for lower, sort in row.sort_names.items()}
    people = dict(zip(names, await books.people_named(session, names, sort_names), strict=True))
    new_books = [await _book(session, job, row, [people[n] for n, _ in row.people], ref) for _, row in new]
    ids = await books.create_many(session, job.library_id, job.created_by, new_books)
    made = [(book_id, row) for book_id, (_, row) in zip(ids, new, strict=True)]
    await extras.apply_many(session, job, made, ref.names)
    for book_id, (item, row) in zip(ids, new, strict=True):
        if attach.wanted(item.raw_data):
            row.notes += await attach.attach(session, ref.settings, job, book_id, row, item.raw_data)
    return {item.id: ("done", _imported(row), book_id) for book_id, (item, row) in zip(ids, new, strict=True)}


async def _one(session: AsyncSession, job: ImportJob, item: repo.Pending, ref: Lookups) -> Outcome:
    try:
        async with session.begin_nested():
            return await import_row(session, job, item, ref)
    except AppError as exc:
        return "failed", f"creating book: {exc.message}", None
    except Exception as exc:  # one bad row fails alone; the import goes on
        log.exception("import row %s failed", item.row_number)
        return "failed", f"creating book: {type(exc).__name__}", None


@job_kind(KIND, time_limit=timedelta(hours=12), max_attempts=5, backoff=timedelta(seconds=30))
async def run_import(ctx: JobContext) -> None:
    job_id = uuid.UUID(ctx.args["import_job_id"])
    while True:
        async with ctx.step() as session:
            job = await session.get(ImportJob, job_id)
            if job is None or job.status == "cancelled":
                return
            job.status = "processing"
            chunk = await repo.pending(session, job_id, STEP_ROWS)
            if not chunk:
                await _follow_up(session, job)
                job.status = "done"
                return
            known_genres = {g.id: g.name for g in await genres.list_all(session)}
            ref = Lookups(ctx.settings, await media_types.list_all(session, counted=False), known_genres)
            outcomes = await import_rows(session, job, chunk, ref)
            await repo.finish(session, [(item.id, *outcomes[item.id]) for item in chunk])
            for status, _, _ in outcomes.values():
                job.processed_rows += status == "done"
                job.failed_rows += status == "failed"
                job.skipped_rows += status == "skipped"
            done = job.processed_rows + job.failed_rows + job.skipped_rows
            await repo.refresh_statistics(session)
            ctx.progress(done, job.total_rows)


# the import's field names that differ from the enrichment's
ENRICHED_AS = {"author": "authors", "tags": "genres", "genre": "genres"}


def provider_wins(prefer_csv: dict[str, Any]) -> list[str]:
    """The fields whose enrichment value replaces the file's (upstream stored `prefer_csv` and ignored it).
    No `prefer_csv`: the file's values win everywhere, enrichment only fills what the file left empty. With
    one, as the web client sends it (`{"title": true, …}` for the fields ticked), the fields marked true keep
    the file's value and every other field takes the providers' value when they have one."""
    if not prefer_csv:
        return []
    kept = {ENRICHED_AS.get(name, name) for name, value in prefer_csv.items() if value is True}
    return sorted(FIELDS - kept - {"cover"})


async def _follow_up(session: AsyncSession, job: ImportJob) -> None:
    """Enrichment batches for the imported books (duplicates included), as upstream — in the step that ends
    the import, so they are created exactly once."""
    book_ids = await repo.imported_book_ids(session, job.id)
    if not book_ids:
        return
    replace = provider_wins(job.options.get("prefer_csv") or {})
    for wanted, kind in (("enrich_metadata", "metadata"), ("enrich_covers", "cover")):
        if job.options.get(wanted):
            try:
                async with session.begin_nested():
                    await enrichment.create(
                        session, job.library_id, job.created_by, book_ids, kind=kind, force=False,
                        force_fields=replace if kind == "metadata" else [],
                    )  # fmt: skip
            except AppError as exc:
                log.warning("follow-up %s enrichment of import %s not created: %s", kind, job.id, exc.message)
