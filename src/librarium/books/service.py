"""Books of a library: list and search, create, read, replace, delete, find by ISBN."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.books import counts, filters
from librarium.books import repository as repo
from librarium.books.filters import search_document
from librarium.books.query import Condition, Group, parse
from librarium.books.schemas import BookWrite, Fingerprint
from librarium.db.base import new_id, utcnow
from librarium.editions import service as editions
from librarium.editions.schemas import EditionWrite
from librarium.errors import BadRequest, NotFound
from librarium.kit import isbn as isbn_kit
from librarium.kit import jsonin
from librarium.kit.schema import page_params
from librarium.kit.search import words
from librarium.kit.sorting import natural_sort_key, sort_title
from librarium.kit.validate import parse_uuid
from librarium.models import Book, BookEdition, Contributor, Genre, MediaType, Tag

MAX_QUERY_BYTES = 500
REGEX_TIME_LIMIT_MS = 5000


@dataclass
class ListParams:
    q: str = ""
    page: int = 1
    per_page: int = 25
    sort: str = ""
    sort_dir: str = ""
    letter: str = ""
    tag: str = ""
    type_filter: str = ""
    regex: bool = False
    filter: str = ""
    with_files: bool = False  # only books with at least one edition file (the OPDS catalogue)


def _legacy_filter(text: str) -> list[Group]:
    """The pre-query-language `filter` JSON: {"groups":[{"mode","conditions":[{field,op,value}]}]}
    or the flat {"mode","conditions"}. Anything unreadable is ignored, as upstream does; a filter nested past
    kit.jsonin's bound (upstream: a RecursionError, 500) or holding a NUL is refused."""
    try:
        data = jsonin.parse(text)
    except jsonin.JsonInputError as exc:
        if exc.kind == jsonin.INVALID:
            return []
        raise BadRequest(f"invalid filter: {exc.message}") from exc
    if not isinstance(data, dict):
        return []
    raw_groups: list[Any] = data["groups"] if isinstance(data.get("groups"), list) else [data]
    groups = []
    for raw in raw_groups:
        if not isinstance(raw, dict) or not isinstance(raw.get("conditions"), list):
            continue
        conds = [
            Condition(str(c.get("field", "")), str(c.get("op", "")), str(c.get("value", "")))
            for c in raw["conditions"]
            if isinstance(c, dict)
        ]
        if conds:
            groups.append(Group("OR" if raw.get("mode") == "OR" else "AND", conds))
    return groups


def _where(session: AsyncSession, library_id: uuid.UUID, p: ListParams) -> Any:
    if len(p.q.encode()) > MAX_QUERY_BYTES:
        raise BadRequest("query too long")
    letter = p.letter
    q = p.q.strip()
    groups: list[Group] = []
    regex, words = "", ""
    if p.filter.strip():
        groups = _legacy_filter(p.filter)
        regex, words = (q, "") if q and p.regex else ("", q)
    elif q and p.regex:
        regex = q
    else:
        groups, extracted = parse(q)
        letter = letter or extracted
    condition = filters.list_condition(
        repo.dialect(session),
        library_id,
        groups,
        regex=regex,
        words=words,
        letter=_first_letter(letter),
        tag=p.tag,
        media_type=p.type_filter,
    )
    return condition & repo.has_files() if p.with_files else condition


async def list_books(session: AsyncSession, library_id: uuid.UUID, reader: uuid.UUID, p: ListParams) -> dict[str, Any]:
    ids, total, page, per_page = await page_of_ids(session, library_id, p)
    items = await repo.load(session, ids, reader)
    return {"items": items, "total": total, "page": page, "per_page": per_page}


async def page_of_ids(
    session: AsyncSession, library_id: uuid.UUID, p: ListParams, count: bool = True
) -> tuple[list[uuid.UUID], int | None, int, int]:
    """(the ids of one page of the list, the total, the page, books per page). Without `count`, the total is
    known only on a page that ends the list (repository.page_ids), else None."""
    page, per_page = page_params(p.page, p.per_page, default=25, limit=200)
    offset = (page - 1) * per_page
    uses_regex = p.regex or "/" in p.q
    if uses_regex and repo.dialect(session) == "postgresql":
        # RE2 accepted the pattern (no backreferences); PostgreSQL's own engine still gets a time limit
        await repo.limit_statement_time(session, REGEX_TIME_LIMIT_MS)
    unfiltered = not (p.q.strip() or p.filter.strip() or p.letter or p.tag or p.type_filter or p.with_files)
    if count and unfiltered:  # the library's own count, kept by the database, instead of counting it
        ids = await repo.library_page(session, library_id, p.sort, p.sort_dir == "desc", offset, per_page)
        return ids, await repo.book_count(session, library_id), page, per_page
    order = repo.order_by(p.sort, p.sort_dir == "desc")
    kept = None
    if _counted(p, count):
        kept = counts.key(library_id, await repo.text_version(session, library_id), p.q, p.letter)
    total, hits = counts.get(kept), counts.hits(kept)
    if total is not None and hits is not None:
        # the search's total and matching rows are kept: the page comes from those rows, and the search's own
        # condition (which they stand for) is not even built — that took a tenth of a narrow search's time
        letter = _first_letter(p.letter)
        among = repo.among_hits(library_id, hits, filters.starts_with(letter) if letter else None)
        ids, _ = await repo.page_ids(session, among, order, offset, per_page, False)
        return ids, total, page, per_page
    where = _where(session, library_id, p)
    walk = False
    if hits is None:
        walk, hits = await _plan(session, library_id, p, page * per_page, total)
        if total is not None and hits is not None:  # the probe found them: kept with the total from now on
            counts.put(kept, total, hits)
    if hits is not None:
        where = repo.with_hits(where, hits)
    if total is not None:  # the total of these words, counted since the library's text last changed
        ids, _ = await repo.page_ids(session, where, order, offset, per_page, False, walk)
        return ids, total, page, per_page
    if count and walk and _only_words(p.q) and not p.with_files and await repo.holds_every_book(session, library_id):
        # every full-text hit is a book of this library: the index alone counts them (2 ms instead of reading
        # each of 21,000 hits' rows to check its library, 21 ms in a 100,000-book library)
        ids, _ = await repo.page_ids(session, where, order, offset, per_page, False, walk)
        total = await repo.fts_count(session, p.q)
    else:
        try:  # the planner compiles a regex while it plans (_reads_every_match asks it for one)
            once = hits is not None or (count and await _reads_every_match(session, p, where, order, offset, per_page))
            ids, total = await repo.page_ids(session, where, order, offset, per_page, count, walk, once)
        except DBAPIError as exc:
            # PostgreSQL's regex dialect differs from RE2's: a pattern RE2 accepts can still fail there.
            message = str(exc.orig).lower()
            if "regular expression" in message:
                raise BadRequest("invalid regular expression") from exc
            if uses_regex and "statement timeout" in message:
                raise BadRequest("regular expression took too long") from exc
            raise
    counts.put(kept, total, hits)
    return ids, total, page, per_page


def _first_letter(letter: str) -> str:
    """The `letter` a list filters by: "" (no filter) when the parameter is longer than a letter could be."""
    return letter if len(letter.encode()) <= 5 else ""


def _counted(p: ListParams, count: bool) -> bool:
    """Whether the list is a search of words alone, a letter's books or both: the totals books/counts.py keeps."""
    filtered = p.filter.strip() or p.tag or p.type_filter or p.with_files or p.regex
    return count and not filtered and (_only_words(p.q) or bool(p.letter and not p.q.strip()))


async def _reads_every_match(
    session: AsyncSession, p: ListParams, where: Any, order: list[Any], offset: int, limit: int
) -> bool:
    """Whether the list's page is found by reading every match and sorting them: then one reading of them serves
    the page and the count (repository._read_once; a tag of 2,818 books in a 100,000-book library: 30 → 20 ms of
    SQL on SQLite). A tag's books always are, on both databases. For a search on PostgreSQL the planner's choice
    for the page tells (repository.looks_up_matches); SQLite's searches have a plan of their own (_plan)."""
    searched = p.q.strip() or p.filter.strip()
    if p.tag and not searched:
        return True
    if repo.dialect(session) != "postgresql" or not searched:
        return False
    return await repo.looks_up_matches(session, where, order, offset, limit)


PLAIN_WORDS = re.compile(r"[^\W_]+(?:\s+[^\W_]+)*")
OPERATORS = {"AND", "OR", "NOT"}


def _only_words(q: str) -> bool:
    """Whether the query is words that must all match, and nothing else (no operator, field or phrase)."""
    return bool(PLAIN_WORDS.fullmatch(q.strip())) and not any(w.upper() in OPERATORS for w in q.split())


WALK_AT_MOST = 20_000  # index entries a walk may expect to read (about 5 ms on SQLite)


async def _plan(
    session: AsyncSession, library_id: uuid.UUID, p: ListParams, needed: int, known: int | None = None
) -> tuple[bool, list[int] | None]:
    """How to find the page of a word search (the book list's, in title order, or the catalogue's) on SQLite:
    (walk, hits). SQLite looks up every full-text match and sorts them all (13 ms for 4,000 matches in a
    100,000-book library, 22 ms for 21,000); walking the sorted index instead stops at the page (5 ms), but reads
    the whole library for a narrow search. Walked when the matches are dense enough for the page to come within
    WALK_AT_MOST entries, as a probe of the full-text index (capped) tells. A narrow search's probe has found
    every match: `hits` are their rows, and the page and its count read those instead of the full-text index
    again (each reading of it merges the lists of every word the query's prefixes start). A `known` total of
    the library's matches (books/counts.py) that reaches the density already says "walk", without the probe."""
    if repo.dialect(session) != "sqlite" or p.sort or p.regex or p.filter.strip():
        return False, None
    if p.letter or p.tag or p.type_filter or not PLAIN_WORDS.fullmatch(p.q.strip()):
        return False, None
    books = await repo.book_count(session, library_id)
    dense = needed * books // WALK_AT_MOST + 1  # matches that bring `needed` of them within the walk
    if dense > 5_000:
        return False, None
    if known is not None and known >= dense:  # the probe would find `dense` matches in this library alone
        return True, None
    hits = await repo.hits_below(session, p.q, dense)
    if hits is None:
        return True, None
    return False, hits if _only_words(p.q) else None


async def letters(session: AsyncSession, library_id: uuid.UUID) -> list[str]:
    return await repo.letters(session, library_id)


async def fingerprint(session: AsyncSession, library_id: uuid.UUID) -> Fingerprint:
    total, latest = await repo.fingerprint(session, library_id)
    stamp = None
    if latest is not None:
        stamp = latest.strftime("%Y-%m-%dT%H:%M:%S.") + f"{latest.microsecond // 1000:03d}Z"
    return Fingerprint(total=total, max_updated_at=stamp)


async def get(session: AsyncSession, library_id: uuid.UUID, book_id: uuid.UUID) -> Book:
    return await repo.books.one(session, library_id, book_id, "book not found")


async def read(session: AsyncSession, library_id: uuid.UUID, book_id: uuid.UUID) -> dict[str, Any]:
    await get(session, library_id, book_id)
    return (await repo.load(session, [book_id]))[0]


@dataclass
class _Links:
    media_type_id: uuid.UUID
    contributors: list[tuple[uuid.UUID, str, int]]
    tag_ids: list[uuid.UUID]
    genre_ids: list[uuid.UUID]


async def _validate(session: AsyncSession, library_id: uuid.UUID, body: BookWrite) -> _Links:
    """Upstream's validation order and messages; ids that do not exist (or, for tags, belong to another
    library) answer 404 instead of upstream's 500."""
    links = _parse(body)
    await _check_exist(session, library_id, [links])
    return links


def _check_title(title: str, subtitle: str) -> None:
    if not title.strip():
        raise BadRequest("title is required")
    if len(title) > 512 or len(subtitle) > 512:
        raise BadRequest("title and subtitle must be at most 512 characters")


def _parse(body: BookWrite) -> _Links:
    _check_title(body.title, body.subtitle)
    media_type_id = parse_uuid(body.media_type_id, "invalid media_type_id")
    contributors = _distinct(
        (parse_uuid(link.contributor_id, "invalid contributor_id"), link.role, link.display_order)
        for link in body.contributors or []
    )
    tag_ids = [parse_uuid(t, f"invalid tag_id: {t}") for t in body.tag_ids or []]
    genre_ids = [parse_uuid(g, f"invalid genre_id: {g}") for g in body.genre_ids or []]
    if body.edition is not None:
        editions.check(body.edition)
    return _Links(media_type_id, contributors, tag_ids, genre_ids)


def _distinct(links: Iterable[tuple[uuid.UUID, str, int]]) -> list[tuple[uuid.UUID, str, int]]:
    """(contributor, role, order) links with the role trimmed (empty: author), each (contributor, role) once."""
    found: dict[tuple[uuid.UUID, str], int] = {}
    for cid, role, order in links:
        found.setdefault((cid, (role.strip() or "author")[:64]), order)
    return [(cid, role, order) for (cid, role), order in found.items()]


async def _check_exist(session: AsyncSession, library_id: uuid.UUID, all_links: list[_Links]) -> None:
    """Every referenced id exists (one query per kind, however many books)."""
    media = {links.media_type_id for links in all_links}
    if media - await repo.existing_ids(session, MediaType, media):
        raise NotFound("media type not found")
    people = {c for links in all_links for c, _, _ in links.contributors}
    missing = people - await repo.existing_ids(session, Contributor, people)
    if missing:
        raise NotFound(f"contributor not found: {sorted(missing)[0]}")
    tag_ids = {t for links in all_links for t in links.tag_ids}
    missing = tag_ids - await repo.existing_ids(session, Tag, tag_ids, library_id=library_id)
    if missing:
        raise NotFound(f"tag not found: {sorted(missing)[0]}")
    genre_ids = {g for links in all_links for g in links.genre_ids}
    missing = genre_ids - await repo.existing_ids(session, Genre, genre_ids)
    if missing:
        raise NotFound(f"genre not found: {sorted(missing)[0]}")


def _apply(book: Book, body: BookWrite, media_type_id: uuid.UUID) -> None:
    book.title = body.title.strip()
    book.subtitle = body.subtitle or None
    book.description = body.description or None
    book.media_type_id = media_type_id
    book.sort_title = sort_title(book.title).lower()
    book.sort_key = natural_sort_key(book.title)


async def create(
    session: AsyncSession, library_id: uuid.UUID, user_id: uuid.UUID, body: BookWrite, *, shaped: bool = True
) -> dict[str, Any]:
    """The new book (or, for an ISBN already in the library, that book with one more copy) — its full shape,
    or just `{"id": …}` when not `shaped` (importers need no more)."""
    links = await _validate(session, library_id, body)
    if body.edition is not None:
        key = isbn_kit.key(body.edition.isbn_13 or body.edition.isbn_10)
        if key:
            # Upstream: a book whose ISBN is already in this library is another copy of it. We match
            # the ISBN-10 and ISBN-13 forms of the same book, ignoring hyphens and spaces.
            existing = await repo.edition_by_isbn_key(session, library_id, key)
            if existing is not None:
                await _one_more_copy(session, existing)
                return (await repo.load(session, [existing.book_id]))[0] if shaped else {"id": existing.book_id}
    book = Book(library_id=library_id, added_by=user_id)
    _apply(book, body, links.media_type_id)
    session.add(book)
    await session.flush()
    await repo.set_links(session, book.id, links.contributors, links.tag_ids, links.genre_ids)
    if body.edition is not None:
        await editions.add(session, book, body.edition)
    await repo.refresh_search_text(session, [book.id])
    return (await repo.load(session, [book.id]))[0] if shaped else {"id": book.id}


@dataclass
class NewBook:
    """A book for `create_many`, as an importer has already parsed it: ids as UUIDs, no request body to validate
    (through BookWrite an import spent a fifth of its time turning ids into text and back)."""

    title: str
    subtitle: str
    description: str
    media_type_id: uuid.UUID
    contributors: list[tuple[uuid.UUID, str, int]]  # (contributor, role, display order)
    tag_ids: list[uuid.UUID]
    genre_ids: list[uuid.UUID]
    edition: EditionWrite | None


async def create_many(
    session: AsyncSession, library_id: uuid.UUID, user_id: uuid.UUID, new: list[NewBook]
) -> list[uuid.UUID]:
    """New books in bulk (importers): the checks of `create` that the parsed values can still fail, then a few
    statements for the whole list instead of some thirty per book. No ISBN check: the caller has sorted out
    books already in the library. All or nothing — one invalid book fails the call."""
    all_links = []
    for book in new:
        _check_title(book.title, book.subtitle)
        if book.edition is not None:
            editions.check(book.edition)
        all_links.append(_Links(book.media_type_id, _distinct(book.contributors), book.tag_ids, book.genre_ids))
    await _check_exist(session, library_id, all_links)
    names = await repo.contributor_names(session, {c for links in all_links for c, _, _ in links.contributors})
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for book, links in zip(new, all_links, strict=True):
        title = book.title.strip()
        people = [names[c] for c, _, _ in sorted(links.contributors, key=lambda link: link[2])]
        rows.append({
            "id": new_id(), "library_id": library_id, "added_by": user_id, "title": title,
            "subtitle": book.subtitle or None, "description": book.description or None,
            "media_type_id": links.media_type_id, "sort_title": sort_title(title).lower(),
            "sort_key": natural_sort_key(title), "created_at": now, "updated_at": now,
            "search_text": search_document(title, book.subtitle, book.description, people),
        })  # fmt: skip
    await repo.insert_many(session, rows)
    ids: list[uuid.UUID] = [row["id"] for row in rows]
    await repo.add_links_many(session, list(zip(ids, all_links, strict=True)))
    await editions.add_many(session, [(i, book.edition) for i, book in zip(ids, new, strict=True) if book.edition])
    return ids


async def ids_by_isbn(session: AsyncSession, library_id: uuid.UUID, keys: list[str]) -> dict[str, uuid.UUID]:
    """{ISBN-13 key: book id} for the keys already in the library (importers' duplicate check, in bulk)."""
    return await repo.book_ids_by_isbn_keys(session, library_id, keys)


def title_key(title: str, author: str) -> tuple[str, str]:
    """The duplicate key of a book without an ISBN: its title without a leading article and its first author,
    ignoring case, accents, punctuation and the order of name parts ("Tolkien, J.R.R." = "J.R.R. Tolkien")."""
    return " ".join(words(sort_title(title))) or title.strip().lower(), " ".join(sorted(words(author)))


async def ids_by_title(
    session: AsyncSession, library_id: uuid.UUID, wanted: list[tuple[str, str]]
) -> dict[tuple[str, str], uuid.UUID]:
    """{title_key: book id} for the (title, first author) pairs already in the library (importers' duplicate
    check of rows without an ISBN, in bulk). A book's first author is its first `author` link, else its first
    contributor."""
    keys = {title_key(title, author) for title, author in wanted}
    found = await repo.titled(session, library_id, list({sort_title(title).lower() for title, _ in wanted}))
    links = await repo.contributor_links(session, [book_id for book_id, _ in found])
    out: dict[tuple[str, str], uuid.UUID] = {}
    for book_id, title in found:
        people = links.get(book_id, [])
        first = next((p for p in people if p["role"] == "author"), people[0] if people else None)
        key = title_key(title, first["name"] if first else "")
        if key in keys:
            out.setdefault(key, book_id)
    return out


async def add_copy(session: AsyncSession, library_id: uuid.UUID, book_id: uuid.UUID) -> None:
    """One more copy of a book (its primary edition's copy count), as `create` does for a known ISBN."""
    edition = await repo.first_edition(session, library_id, book_id)
    if edition is not None:
        await _one_more_copy(session, edition)


async def _one_more_copy(session: AsyncSession, edition: BookEdition) -> None:
    edition.copy_count += 1
    edition.updated_at = utcnow()
    await session.flush()


async def update(session: AsyncSession, library_id: uuid.UUID, book_id: uuid.UUID, body: BookWrite) -> dict[str, Any]:
    book = await get(session, library_id, book_id)
    links = await _validate(session, library_id, body)
    _apply(book, body, links.media_type_id)
    book.updated_at = utcnow()
    await session.flush()
    await repo.set_links(session, book.id, links.contributors, links.tag_ids, links.genre_ids)
    await repo.refresh_search_text(session, [book.id])
    await session.refresh(book)
    return (await repo.load(session, [book.id]))[0]


async def delete(session: AsyncSession, library_id: uuid.UUID, book_id: uuid.UUID) -> None:
    book = await get(session, library_id, book_id)
    await session.delete(book)
    await session.flush()


async def by_isbn(session: AsyncSession, library_id: uuid.UUID, raw: str) -> dict[str, Any]:
    key = isbn_kit.key(raw)
    edition = await repo.edition_by_isbn_key(session, library_id, key) if key else None
    if edition is None:
        raise NotFound("book not found")
    return (await repo.load(session, [edition.book_id]))[0]


async def books_of(
    session: AsyncSession, ids: list[uuid.UUID], reader: uuid.UUID | None, kinds: frozenset[str] | None = None
) -> list[dict[str, Any]]:
    """The full shape of these books (for other domains: contributor detail, shelves, series), or only the
    `kinds` of it named (repository.load)."""
    return await repo.load(session, ids, reader, kinds)


async def contributors_of(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[dict[str, Any]]]:
    return await repo.contributor_links(session, ids)


async def covered(session: AsyncSession, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    return await repo.covered_ids(session, ids)


async def refresh_search(session: AsyncSession, contributor_id: uuid.UUID) -> None:
    """A contributor's name changed: rebuild the search text of their books."""
    await repo.refresh_search_text(session, await repo.book_ids_for_contributor(session, contributor_id))


async def media_type_counts(session: AsyncSession) -> dict[uuid.UUID, int]:
    return await repo.media_type_counts(session)


async def people_named(
    session: AsyncSession, names: list[str], sort_names: dict[str, str] | None = None
) -> list[uuid.UUID]:
    """A contributor id per name (found case-insensitively, created when new — with the given sort name, by
    lower-cased name, else a derived one), for importers."""
    return await repo.people_named(session, names, sort_names)
