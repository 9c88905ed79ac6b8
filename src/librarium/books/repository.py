"""All SQL about books: the paged list, the full book shape (loaded in batches), links and lookups."""

from __future__ import annotations

import functools
import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    DateTime,
    Float,
    String,
    Text,
    Uuid,
    and_,
    bindparam,
    case,
    cast,
    delete,
    exists,
    func,
    insert,
    literal,
    literal_column,
    null,
    select,
    text,
    true,
    type_coerce,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import BinaryExpression, ColumnClause, UnaryExpression

from librarium.books.filters import search_document
from librarium.db import bulk, explain
from librarium.db.base import ReadUuid, new_id, table_of, uuid_of_hex
from librarium.kit import search
from librarium.kit.repository import LibraryScoped
from librarium.kit.sorting import derive_sort_name
from librarium.models import (
    Book,
    BookContributor,
    BookEdition,
    BookGenre,
    BookSeries,
    BookShelf,
    BookTag,
    Contributor,
    CoverImage,
    Genre,
    Library,
    MediaType,
    Series,
    Shelf,
    Tag,
    UserBookInteraction,
)

READ_PRIORITY = {"read": 1, "reading": 2, "did_not_finish": 3}


def dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def limit_statement_time(session: AsyncSession, milliseconds: int) -> None:
    """PostgreSQL: cancel any statement of this transaction that runs longer (SET LOCAL ends with it)."""
    await session.execute(text(f"SET LOCAL statement_timeout = {int(milliseconds)}"))


books = LibraryScoped(Book)


async def media_type_counts(session: AsyncSession) -> dict[uuid.UUID, int]:
    """Books per media type, across all libraries."""
    stmt = select(Book.media_type_id, func.count()).group_by(Book.media_type_id)
    return {mt: int(n) for mt, n in (await session.execute(stmt)).all()}


# --- listing --------------------------------------------------------------------------------------


def has_files() -> Any:
    """The book has an edition with at least one file (the kept-up flag: no lookup per book)."""
    return Book.has_files == true()


_SORTS = ("created_at", "media_type", "publish_date")  # and the default, by sort title


def order_by(sort: str, descending: bool) -> list[Any]:
    def direction(col: Any) -> Any:
        return col.desc() if descending else col.asc()

    if sort == "created_at":
        return [direction(Book.created_at), direction(Book.id)]
    if sort == "media_type":
        name = select(func.lower(MediaType.display_name)).where(MediaType.id == Book.media_type_id)
        return [direction(name.scalar_subquery()), Book.sort_key, Book.id]
    if sort == "publish_date":
        published = (
            select(func.min(BookEdition.publish_date))
            .where(BookEdition.book_id == Book.id, BookEdition.is_primary.is_(True))
            .scalar_subquery()
        )
        return [direction(published).nulls_last(), Book.sort_key, Book.id]
    return [direction(Book.sort_key), direction(Book.id)]


@functools.cache
def _library_page(sort: str, descending: bool) -> Any:
    return (
        select(Book.id)
        .where(Book.library_id == bindparam("library_id"))
        .order_by(*order_by(sort, descending))
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )


async def library_page(
    session: AsyncSession, library_id: uuid.UUID, sort: str, descending: bool, offset: int, limit: int
) -> list[uuid.UUID]:
    """The ids of a page of the whole library, sorted as asked: a statement built once per sort, as the list's
    most asked page (building it and its cache key on every call took longer than running it)."""
    values = {"library_id": library_id, "offset": offset, "limit": limit}
    known = sort if sort in _SORTS else ""  # (any other is the default order: one statement, however it is spelt)
    return list((await session.execute(_library_page(known, descending), values)).scalars())


def _counting(where: ColumnElement[bool]) -> Any:
    """The number of books matching `where`."""
    return select(func.count()).select_from(Book).where(where)


def _page(where: ColumnElement[bool], order: list[Any], offset: int, limit: int) -> Any:
    """The ids of a page of the books matching `where`, in order."""
    return select(Book.id).where(where).order_by(*order).offset(offset).limit(limit)


def _walked(where: ColumnElement[bool]) -> Any:
    """The same condition with its full-text match kept from driving the plan (SQLite: a unary + on the rowid),
    so that the planner walks the library's sorted index and stops at the page."""

    def swap(element: Any, **_: Any) -> Any:
        if isinstance(element, ColumnClause) and element.is_literal and element.name == "books.rowid":
            return literal_column("+books.rowid")
        return None

    return visitors.replacement_traverse(where, {}, swap)


_DIRECTIONS = {
    operators.asc_op: lambda e: e.asc(),
    operators.desc_op: lambda e: e.desc(),
    operators.nulls_first_op: lambda e: e.nulls_first(),
    operators.nulls_last_op: lambda e: e.nulls_last(),
}


def _unordered(item: Any) -> tuple[Any, list[Any]]:
    """An ORDER BY item as (its expression, the directions around it, innermost first)."""
    modifiers: list[Any] = []
    while isinstance(item, UnaryExpression) and item.modifier in _DIRECTIONS:
        modifiers.insert(0, item.modifier)
        item = item.element
    return item, modifiers


def _read_once(where: ColumnElement[bool], order: list[Any], offset: int, limit: int) -> Any:
    """A page of the books matching `where` and their number, from one reading of the matches: (id, total) rows.
    On PostgreSQL, counting and paging in two statements look every match up twice, and a word search's GIN
    lookup (for word prefixes, the merge of every word they start) is most of its time: 13 ms each for one
    author's full name in a 100,000-book library. The matches are MATERIALIZED: inline, the planner would walk
    the sorted index for the page and test every book of the library for the count. On SQLite, a tag's books
    are read once instead of twice, and a narrow search whose hits are known (service._plan) saves a statement."""
    keys = [_unordered(item) for item in order]
    hits = (
        select(Book.id, *(expr.label(f"k{i}") for i, (expr, _) in enumerate(keys)))
        .where(where)
        .cte("hits")
        .prefix_with("MATERIALIZED")
    )
    ordered = []
    for i, (_, modifiers) in enumerate(keys):
        item = hits.c[f"k{i}"]
        for modifier in modifiers:
            item = _DIRECTIONS[modifier](item)
        ordered.append(item)
    total = select(func.count()).select_from(hits).scalar_subquery()
    return select(hits.c.id, total).order_by(*ordered).offset(offset).limit(limit)


async def looks_up_matches(
    session: AsyncSession, where: ColumnElement[bool], order: list[Any], offset: int, limit: int
) -> bool:
    """PostgreSQL: whether the planner finds the page by reading every match and sorting them (after a lookup in
    the full-text index, or a scan) rather than by walking the sorted index until the page is full, as it does
    when matches are dense. A reading of every match is best shared with the count (_read_once); a walk is
    cheaper than one (2.5 ms against 30 ms for a word in a quarter of a 100,000-book library), and the count
    then reads the matches alone. Asking costs a planning of the page statement, not its run."""
    found = await explain.plan(session, _page(where, order, offset, limit))  # the very page that will be read
    return any(node["Node Type"] == "Sort" for node in explain.nodes(found))


async def page_ids(
    session: AsyncSession, where: ColumnElement[bool], order: list[Any], offset: int, limit: int, count: bool = True,
    walk: bool = False, once: bool = False,
) -> tuple[list[uuid.UUID], int | None]:  # fmt: skip
    """A page's ids and the number of matches. Without `count` the matches are not counted (a broad search
    spends most of its time there): the total is then known only on a page that ends the list, else None.
    With `walk` (SQLite), the page is found by walking the sorted index rather than from the full-text hits;
    with `once`, the page and the count come from one reading of the matches (_read_once)."""
    if count and once:
        rows = (await session.execute(_read_once(where, order, offset, limit))).all()
        if rows:
            return [row[0] for row in rows], int(rows[0][1])
        # a page past the end: the count alone
    ids = _page(_walked(where) if walk else where, order, offset, limit if count else limit + 1)
    if count:
        # a count reads every hit whichever plan the page takes: from the hits, never by a walk
        total = (await session.execute(_counting(where))).scalar_one()
        return list((await session.execute(ids)).scalars()), int(total)
    found = list((await session.execute(ids)).scalars())
    if len(found) > limit:
        return found[:limit], None
    return found, (offset + len(found) if found or not offset else None)


# Built once, the library a parameter: building the 26 probes on every call (and the cache key of the whole) took
# twenty times as long as running them (7 ms against 0.3 ms for a 100,000-book library).
_LETTERS = union_all(
    *(
        select(literal(c)).where(
            exists().where(
                Book.library_id == bindparam("library_id"), Book.sort_key >= c, Book.sort_key < chr(ord(c) + 1)
            )
        )
        for c in "abcdefghijklmnopqrstuvwxyz"
    )
)


async def letters(session: AsyncSession, library_id: uuid.UUID) -> list[str]:
    """A-Z letters that start some sort title: one index probe per letter instead of a full scan."""
    return [c.upper() for c in (await session.execute(_LETTERS, {"library_id": library_id})).scalars()]


_BOOK_COUNT = select(Library.book_count).where(Library.id == bindparam("library_id"))


_ELSEWHERE = select(func.coalesce(func.sum(Library.book_count), 0)).where(Library.id != bindparam("library_id"))


_TEXT_VERSION = select(Library.text_version).where(Library.id == bindparam("library_id"))


async def text_version(session: AsyncSession, library_id: uuid.UUID) -> int:
    """The library's text version, kept by the database (migration 0018; books/counts.py)."""
    return int((await session.execute(_TEXT_VERSION, {"library_id": library_id})).scalar_one_or_none() or 0)


async def holds_every_book(session: AsyncSession, library_id: uuid.UUID) -> bool:
    """Whether the library holds every book of the instance (no other library has any): from the kept counts."""
    return int((await session.execute(_ELSEWHERE, {"library_id": library_id})).scalar_one()) == 0


async def fts_count(session: AsyncSession, words: str) -> int:
    """SQLite: the number of books of any library whose text matches these plain words (as word prefixes)."""
    hits = search.fts5_hits(words).subquery()
    return int((await session.execute(select(func.count()).select_from(hits))).scalar() or 0)


async def book_count(session: AsyncSession, library_id: uuid.UUID) -> int:
    """The library's number of books, kept by the database (migration 0017): no count over its books."""
    return int((await session.execute(_BOOK_COUNT, {"library_id": library_id})).scalar_one_or_none() or 0)


async def hits_below(session: AsyncSession, words: str, n: int) -> list[int] | None:
    """SQLite: the rows (rowids, any library) of the books that match these plain words as word prefixes, when
    there are fewer than `n` of them; None when there are `n` or more. The whole words are asked first: when they
    alone reach `n`, the prefixes do too, and finding them is cheaper."""
    whole = search.fts5_hits(words, n, whole_words=True).subquery()
    if int((await session.execute(select(func.count()).select_from(whole))).scalar() or 0) >= n:
        return None
    found = [int(rowid) for rowid in (await session.execute(search.fts5_hits(words, n))).scalars()]
    return None if len(found) >= n else found


def with_hits(where: ColumnElement[bool], rowids: list[int]) -> Any:
    """The same condition with its full-text match replaced by the rows that match (found already)."""

    def swap(element: Any, **_: Any) -> Any:
        if (
            isinstance(element, BinaryExpression)
            and element.operator is operators.in_op
            and isinstance(element.left, ColumnClause)
            and element.left.is_literal
            and element.left.name == "books.rowid"
        ):
            return literal_column("books.rowid").in_(rowids)
        return None

    return visitors.replacement_traverse(where, {}, swap)


def among_hits(library_id: uuid.UUID, rowids: Iterable[int], letter: ColumnElement[bool] | None) -> Any:
    """What `with_hits` makes of a search of words alone (and a first letter), built directly: the library's books
    among the rows that match, and those that start with the letter."""
    clauses = [Book.library_id == library_id, literal_column("books.rowid").in_(rowids)]
    return and_(*clauses, letter) if letter is not None else and_(*clauses)


async def fingerprint(session: AsyncSession, library_id: uuid.UUID) -> tuple[int, Any]:
    total = await book_count(session, library_id)
    latest = (
        await session.execute(
            select(Book.updated_at).where(Book.library_id == library_id).order_by(Book.updated_at.desc()).limit(1)
        )
    ).scalar()
    return int(total), latest


# --- the book shape -----------------------------------------------------------------------------


# The statements of the book shape are built once, with their ids as an expanding parameter: building them per
# call (and computing their cache keys) cost more than running them.
_IDS: Any = bindparam("ids", expanding=True)


def _read(column: Any) -> Any:
    return type_coerce(column, ReadUuid()).label(column.key)


_BOOKS = (
    select(_read(Book.id), _read(Book.library_id), Book.title, Book.subtitle, _read(Book.media_type_id),
           MediaType.display_name, Book.description, _read(Book.added_by), Book.created_at, Book.updated_at)
    .join(MediaType, MediaType.id == Book.media_type_id)
    .where(Book.id.in_(_IDS))
)  # fmt: skip


async def load(
    session: AsyncSession, ids: list[uuid.UUID], reader: uuid.UUID | None = None, kinds: frozenset[str] | None = None
) -> list[dict[str, Any]]:
    """Books in the order of `ids`, each with contributors, tags, genres, series, shelves, cover,
    primary-edition facts and (when `reader` is given) that user's read status: two queries in all. With
    `kinds` (of "contributor", "tag", "genre", "series", "shelf", "cover", "edition"), only those are read
    and the others are left empty."""
    if not ids:
        return []
    books = {row.id: row for row in (await session.execute(_BOOKS, {"ids": ids})).all()}
    parts: dict[str, dict[Any, list[Any]]] = defaultdict(lambda: defaultdict(list))
    values = {"ids": ids} if reader is None else {"ids": ids, "reader": reader}
    engine = dialect(session)
    stmt = _parts_query(reader is not None, engine, kinds)
    for row in await session.execute(stmt, values):
        parts[row[0]][row[1]].append(row)
    # the related rows come as the driver gives them (see _parts_query): ids as SQLite's stored hex, or asyncpg's
    # UUIDs, times as SQLite's stored text or asyncpg's UTC datetimes; `ref` makes an id a UUID, `when` a time
    # a UTC datetime, `keys` finds a book's rows
    sqlite = engine == "sqlite"
    ref, when = (uuid_of_hex, _utc_of_text) if sqlite else (_same, _same)
    keys = {book_id: book_id.hex if sqlite else book_id for book_id in ids}
    out = []
    for book_id in ids:
        if book_id not in books:
            continue
        book, key = books[book_id], keys[book_id]
        covered = key in parts["cover"]
        primary = parts["edition"].get(key)
        publisher, language, published = (primary[0][3], primary[0][4], primary[0][7]) if primary else ("", "", None)
        out.append(
            {
                "id": book.id,
                "library_id": book.library_id,
                "title": book.title,
                "subtitle": book.subtitle or "",
                "media_type_id": book.media_type_id,
                "media_type": book.display_name,
                "description": book.description or "",
                "contributors": [
                    {"contributor_id": ref(id_), "name": name, "role": role, "display_order": int(num)}
                    for _, _, id_, name, role, num, _, _ in sorted(parts["contributor"][key], key=_by_number_name)
                ],
                "tags": [
                    {
                        "id": ref(id_),
                        "library_id": book.library_id,
                        "name": name,
                        "color": color or "",
                        "created_at": when(stamp),
                    }
                    for _, _, id_, name, color, _, stamp, _ in sorted(parts["tag"][key], key=_by_name)
                ],
                "genres": [
                    {"id": ref(id_), "name": name, "created_at": when(stamp)}
                    for _, _, id_, name, _, _, stamp, _ in sorted(parts["genre"][key], key=_by_name)
                ],
                "cover_url": cover_url(book.library_id, book_id, book.updated_at) if covered else None,
                "series": [
                    {"series_id": ref(id_), "series_name": name, "position": float(num)}
                    for _, _, id_, name, _, num, _, _ in sorted(parts["series"][key], key=_by_number_name)
                ],
                "shelves": [
                    {"id": ref(id_), "name": name}
                    for _, _, id_, name, _, _, _, _ in sorted(parts["shelf"][key], key=_by_number_name)
                ],
                "publisher": publisher or "",
                "publish_year": _year(published),
                "language": language or "",
                "user_read_status": _best_status(v[3] for v in parts["status"].get(key, [])),
                "created_at": book.created_at,
                "updated_at": book.updated_at,
            }
        )
        if book.added_by is not None:  # upstream omits the key when unset
            out[-1]["added_by"] = book.added_by
    return out


def _same(value: Any) -> Any:
    return value


def _utc_of_text(value: str | None) -> datetime | None:
    return None if value is None else _utc_of_stored(value)


@functools.lru_cache(maxsize=1 << 14)
def _utc_of_stored(value: str) -> datetime:
    """SQLite's stored text of a UTC time (a tag's or genre's creation, the same on every page they appear on)."""
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _by_name(row: Any) -> Any:
    return row[3]


def _by_number_name(row: Any) -> Any:
    return (row[5], row[3])


def _year(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite hands back the stored text inside a UNION
        return int(value[:4])
    return int(value.year)


def _best_status(statuses: Iterable[str]) -> str:
    best = ""
    for status in statuses:
        if not best or READ_PRIORITY.get(status, 4) < READ_PRIORITY.get(best, 4):
            best = status
    return best


@functools.cache
def _parts_query(with_reader: bool, dialect: str, kinds: frozenset[str] | None = None) -> Any:
    """Everything hanging off a page of books (or only these `kinds` of it), as one UNION ALL of uniform rows:
    (kind, book_id, ref_id, name, text, number, stamp, published); parameters `ids` and `reader`."""
    ids = _IDS

    def typed(expr: Any, type_: Any) -> Any:
        # PostgreSQL needs every UNION branch typed; SQLite's CAST AS DATETIME would yield a number.
        return type_coerce(expr, type_) if dialect == "sqlite" else cast(expr, type_)

    def row(kind: str, book_col: Any, ref: Any, name: Any, txt: Any, num: Any, stamp: Any) -> Any:
        # the ids as the driver hands them over (typed as plain text: SQLAlchemy leaves them alone), made UUIDs
        # by load() only where the answer shows them: with each of a page's few hundred rows going through
        # SQLAlchemy's type processing twice, then grouped under UUIDs (whose hash is Python code), the shape
        # took a tenth longer
        return select(
            literal(kind).label("kind"),
            type_coerce(book_col, String()).label("book_id"),
            type_coerce(cast(ref, Uuid), String()).label("ref_id"),
            cast(name, Text).label("name"),
            cast(txt, Text).label("txt"),
            cast(num, Float).label("num"),
            # a tag's or genre's creation time, as the driver gives it too (SQLite: the stored text)
            (type_coerce(stamp, String()) if dialect == "sqlite" else cast(stamp, DateTime(timezone=True))).label(
                "stamp"
            ),
        )

    none = null()
    queries = {
        "contributor": row("contributor", BookContributor.book_id, Contributor.id, Contributor.name,
            BookContributor.role, BookContributor.display_order, none)
        .join(Contributor, Contributor.id == BookContributor.contributor_id)
        .where(BookContributor.book_id.in_(ids)),
        "tag": row("tag", BookTag.book_id, Tag.id, Tag.name, Tag.color, none, Tag.created_at)
        .join(Tag, Tag.id == BookTag.tag_id)
        .where(BookTag.book_id.in_(ids)),
        "genre": row("genre", BookGenre.book_id, Genre.id, Genre.name, none, none, Genre.created_at)
        .join(Genre, Genre.id == BookGenre.genre_id)
        .where(BookGenre.book_id.in_(ids)),
        "series": row("series", BookSeries.book_id, Series.id, Series.name, none, BookSeries.position, none)
        .join(Series, Series.id == BookSeries.series_id)
        .where(BookSeries.book_id.in_(ids)),
        "shelf": row("shelf", BookShelf.book_id, Shelf.id, Shelf.name, none, Shelf.display_order, none)
        .join(Shelf, Shelf.id == BookShelf.shelf_id)
        .where(BookShelf.book_id.in_(ids)),
        "cover": row("cover", CoverImage.entity_id, none, none, none, none, none).where(
            CoverImage.entity_type == "book", CoverImage.entity_id.in_(ids), CoverImage.is_primary.is_(True)
        ),
        "edition": row("edition", BookEdition.book_id, BookEdition.id, BookEdition.publisher, BookEdition.language,
            none, none).add_columns(BookEdition.publish_date.label("published"))
        .where(BookEdition.book_id.in_(ids), BookEdition.is_primary.is_(True)),
    }  # fmt: skip
    if with_reader:
        queries["status"] = (
            row("status", BookEdition.book_id, none, UserBookInteraction.read_status, none, none, none)
            .join(UserBookInteraction, UserBookInteraction.book_edition_id == BookEdition.id)
            .where(BookEdition.book_id.in_(ids), UserBookInteraction.user_id == bindparam("reader"))
        )
    chosen = [q for kind, q in queries.items() if kinds is None or kind in kinds]
    # every branch needs the same columns: the edition's publish date rides along as an extra column
    date_none = typed(none, Date())
    chosen = [q if q.selected_columns.keys()[-1] == "published" else q.add_columns(date_none) for q in chosen]
    return union_all(*chosen)


async def contributor_links(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[dict[str, Any]]]:
    """{book_id: [{contributor_id, name, role, display_order}]} in display order."""
    if not ids:
        return {}
    stmt = (
        select(
            BookContributor.book_id,
            Contributor.id,
            Contributor.name,
            BookContributor.role,
            BookContributor.display_order,
        )  # fmt: skip
        .join(Contributor, Contributor.id == BookContributor.contributor_id)
        .where(BookContributor.book_id.in_(ids))
        .order_by(BookContributor.display_order, Contributor.name)
    )
    out: dict[uuid.UUID, list[dict[str, Any]]] = defaultdict(list)
    for book_id, cid, name, role, order in (await session.execute(stmt)).all():
        out[book_id].append({"contributor_id": cid, "name": name, "role": role, "display_order": order})
    return out


async def covered_ids(session: AsyncSession, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these books have a cover."""
    if not ids:
        return set()
    stmt = select(CoverImage.entity_id).where(
        CoverImage.entity_type == "book", CoverImage.entity_id.in_(ids), CoverImage.is_primary.is_(True)
    )
    return set((await session.execute(stmt)).scalars())


def cover_url(library_id: uuid.UUID, book_id: uuid.UUID, updated_at: datetime) -> str:
    return f"/api/v1/libraries/{library_id}/books/{book_id}/cover?v={int(updated_at.timestamp())}"


# --- writes ---------------------------------------------------------------------------------------


async def set_links(
    session: AsyncSession,
    book_id: uuid.UUID,
    contributors: list[tuple[uuid.UUID, str, int]],
    tag_ids: Iterable[uuid.UUID],
    genre_ids: Iterable[uuid.UUID],
) -> None:
    """Replace the book's contributor, tag and genre links."""
    for model in (BookContributor, BookTag, BookGenre):
        await session.execute(delete(model).where(model.book_id == book_id))
    if contributors:
        await session.execute(
            insert(BookContributor),
            [{"book_id": book_id, "contributor_id": c, "role": r, "display_order": o} for c, r, o in contributors],
        )
    tag_rows = [{"book_id": book_id, "tag_id": t} for t in dict.fromkeys(tag_ids)]
    if tag_rows:
        await session.execute(insert(BookTag), tag_rows)
    genre_rows = [{"book_id": book_id, "genre_id": g} for g in dict.fromkeys(genre_ids)]
    if genre_rows:
        await session.execute(insert(BookGenre), genre_rows)


async def insert_many(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    await bulk.insert_rows(session, table_of(Book), rows)


async def add_links_many(session: AsyncSession, books: list[tuple[uuid.UUID, Any]]) -> None:
    """The contributor, tag and genre links of new books, one statement per kind for all of them."""
    people = [
        {"book_id": b, "contributor_id": c, "role": r, "display_order": o} for b, links in books
        for c, r, o in links.contributors
    ]  # fmt: skip
    tags = [{"book_id": b, "tag_id": t} for b, links in books for t in dict.fromkeys(links.tag_ids)]
    genres = [{"book_id": b, "genre_id": g} for b, links in books for g in dict.fromkeys(links.genre_ids)]
    for model, rows in ((BookContributor, people), (BookTag, tags), (BookGenre, genres)):
        await bulk.insert_rows(session, table_of(model), rows)


async def contributor_names(session: AsyncSession, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    wanted = list(ids)
    if not wanted:
        return {}
    stmt = select(Contributor.id, Contributor.name).where(Contributor.id.in_(wanted))
    return {cid: name for cid, name in (await session.execute(stmt)).all()}


async def book_ids_by_isbn_keys(session: AsyncSession, library_id: uuid.UUID, keys: list[str]) -> dict[str, uuid.UUID]:
    if not keys:
        return {}
    # SQLite, asked for hundreds of keys, would walk every book of the library instead of looking the keys up
    # (35 ms a step at 40,000 books, growing with the library): a unary + keeps the library from driving the plan
    in_library: Any = Book.library_id
    if dialect(session) == "sqlite":
        in_library = literal_column("+books.library_id", Book.library_id.type)
    stmt = (
        select(BookEdition.isbn_key, BookEdition.book_id)
        .join(Book, Book.id == BookEdition.book_id)
        .where(in_library == library_id, BookEdition.isbn_key.in_(keys))
    )
    return {key: book_id for key, book_id in (await session.execute(stmt)).all() if key}


async def titled(session: AsyncSession, library_id: uuid.UUID, sort_titles: list[str]) -> list[tuple[uuid.UUID, str]]:
    """(id, title) of the library's books with one of these sort titles (an indexed lookup)."""
    if not sort_titles:
        return []
    stmt = select(Book.id, Book.title).where(Book.library_id == library_id, Book.sort_title.in_(sort_titles))
    return [(book_id, title) for book_id, title in (await session.execute(stmt)).all()]


async def refresh_search_text(session: AsyncSession, book_ids: Iterable[uuid.UUID]) -> None:
    """Rebuild the search document of these books (after a title or contributor change)."""
    ids = list(book_ids)
    if not ids:
        return
    names: dict[uuid.UUID, list[str]] = defaultdict(list)
    stmt = (
        select(BookContributor.book_id, Contributor.name)
        .join(Contributor, Contributor.id == BookContributor.contributor_id)
        .where(BookContributor.book_id.in_(ids))
        .order_by(BookContributor.display_order)
    )
    for book_id, name in (await session.execute(stmt)).all():
        names[book_id].append(name)
    rows = (
        await session.execute(select(Book.id, Book.title, Book.subtitle, Book.description).where(Book.id.in_(ids)))
    ).all()
    for book_id, title, subtitle, description in rows:
        doc = search_document(title, subtitle or "", description or "", names.get(book_id, []))
        await session.execute(update(Book).where(Book.id == book_id).values(search_text=doc))


async def book_ids_for_contributor(session: AsyncSession, contributor_id: uuid.UUID) -> list[uuid.UUID]:
    stmt = select(BookContributor.book_id).where(BookContributor.contributor_id == contributor_id).distinct()
    return list((await session.execute(stmt)).scalars())


async def _first_edition(session: AsyncSession, library_id: uuid.UUID, where: Any) -> BookEdition | None:
    """The primary (else the oldest) edition matching `where` among the library's books."""
    stmt = (
        select(BookEdition)
        .join(Book, Book.id == BookEdition.book_id)
        .where(Book.library_id == library_id, where)
        .order_by(case((BookEdition.is_primary.is_(True), 0), else_=1), BookEdition.created_at)
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def edition_by_isbn_key(session: AsyncSession, library_id: uuid.UUID, key: str) -> BookEdition | None:
    return await _first_edition(session, library_id, BookEdition.isbn_key == key)


async def first_edition(session: AsyncSession, library_id: uuid.UUID, book_id: uuid.UUID) -> BookEdition | None:
    return await _first_edition(session, library_id, BookEdition.book_id == book_id)


async def existing_ids(session: AsyncSession, model: Any, ids: Iterable[uuid.UUID], **filters: Any) -> set[uuid.UUID]:
    wanted = list(ids)
    if not wanted:
        return set()
    stmt = select(model.id).where(model.id.in_(wanted), *(getattr(model, k) == v for k, v in filters.items()))
    return set((await session.execute(stmt)).scalars())


# --- enrichment (books/enrichable.py) --------------------------------------------------------------


async def editions_of(session: AsyncSession, book_id: uuid.UUID) -> list[BookEdition]:
    stmt = select(BookEdition).where(BookEdition.book_id == book_id).order_by(BookEdition.created_at, BookEdition.id)
    return list((await session.scalars(stmt)).all())


async def genre_ids(session: AsyncSession, book_id: uuid.UUID) -> list[uuid.UUID]:
    return list((await session.scalars(select(BookGenre.genre_id).where(BookGenre.book_id == book_id))).all())


async def people_named(
    session: AsyncSession, names: list[str], sort_names: dict[str, str] | None = None
) -> list[uuid.UUID]:
    """A contributor per name (the same name, case-insensitively, is the same person), created when new — with
    the sort name given for it (by lower-cased name), else one derived from the name."""
    wanted = {name.lower(): name for name in names}
    found: dict[str, uuid.UUID] = {}
    if wanted:
        stmt = select(Contributor.name_lower, Contributor.id).where(Contributor.name_lower.in_(list(wanted)))
        for lower, cid in (await session.execute(stmt.order_by(Contributor.created_at))).all():
            found.setdefault(lower, cid)
    new = [
        Contributor(
            id=new_id(),
            name=name,
            name_lower=lower,
            sort_name=(sort_names or {}).get(lower) or derive_sort_name(name),
        )  # fmt: skip
        for lower, name in wanted.items()
        if lower not in found
    ]
    if new:
        session.add_all(new)
        await session.flush()
        found.update((person.name_lower, person.id) for person in new)
    return [found[name.lower()] for name in names]


async def replace_authors(session: AsyncSession, book_id: uuid.UUID, people: list[uuid.UUID]) -> None:
    """The book's `author` links become `people`, in order; every other role stays."""
    await session.execute(
        delete(BookContributor).where(BookContributor.book_id == book_id, BookContributor.role == "author")
    )
    rows = [
        {"book_id": book_id, "contributor_id": c, "role": "author", "display_order": i}
        for i, c in enumerate(dict.fromkeys(people))
    ]
    if rows:
        await session.execute(insert(BookContributor), rows)


async def replace_genres(session: AsyncSession, book_id: uuid.UUID, genres: list[uuid.UUID]) -> None:
    await session.execute(delete(BookGenre).where(BookGenre.book_id == book_id))
    rows = [{"book_id": book_id, "genre_id": g} for g in dict.fromkeys(genres)]
    if rows:
        await session.execute(insert(BookGenre), rows)
