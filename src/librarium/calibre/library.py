"""Reading a Calibre library folder (metadata.db + book folders) natively, without calibre.

The whole library's metadata is loaded in a handful of queries and kept in memory; it is reloaded when
metadata.db changes on disk (calibre writes it in place, journal mode "delete"). Connections register
the SQL functions calibre's triggers call, so the same connection could write.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

UNDEFINED_DATE = "0101-01-01T00:00:00+00:00"
_ARTICLES = re.compile(r"^(A|The|An)\s+", re.IGNORECASE)
_QUOTES = "'\"\u2018\u2019\u201a\u201b\u201c\u201d\u2032\u2033"


def title_sort(title: str | None) -> str:
    """Calibre's default title sort (English articles moved to the end: "The Hobbit" -> "Hobbit, The")."""
    text = (title or "").strip()
    if text[:1] in _QUOTES:
        text = text[1:]
    match = _ARTICLES.match(text)
    if match:
        text = text[match.end() :] + ", " + match.group(1)
        if text[:1] in _QUOTES:
            text = text[1:]
    return text.strip()


def connect(path: Path, *, readonly: bool = True) -> sqlite3.Connection:
    db = path / "metadata.db"
    uri = f"file:{db}?mode=ro" if readonly else f"file:{db}"
    con = sqlite3.connect(uri, uri=True, timeout=10, check_same_thread=False)
    con.create_function("title_sort", 1, title_sort, deterministic=True)
    con.create_function("uuid4", 0, lambda: str(uuid.uuid4()))
    con.create_function("books_list_filter", 1, lambda _: 1)
    return con


def iso(stamp: str | None) -> str:
    """calibre's stored "YYYY-MM-DD HH:MM:SS[.ffffff]+00:00" -> "YYYY-MM-DDTHH:MM:SS+00:00"."""
    if not stamp:
        return UNDEFINED_DATE
    date_part, _, rest = stamp.partition(" ")
    time_part = rest[:8] if rest else "00:00:00"
    return f"{date_part}T{time_part}+00:00"


@dataclass
class Record:
    """One book as stored, with its linked items, ready for search and for the API shape."""

    id: int
    title: str
    sort: str
    timestamp: str
    pubdate: str
    series_index: float
    author_sort: str
    path: str
    uuid: str
    has_cover: bool
    last_modified: str
    authors: list[str] = field(default_factory=list)
    author_sorts: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    series: str = ""
    publisher: str = ""
    rating: int = 0
    languages: list[str] = field(default_factory=list)
    identifiers: dict[str, str] = field(default_factory=dict)
    comments: str = ""
    formats: list[tuple[str, str, int]] = field(default_factory=list)  # (FORMAT, name, size)
    custom: dict[str, Any] = field(default_factory=dict)


class Library:
    def __init__(self, path: Path):
        self.path = path.resolve()
        if not (self.path / "metadata.db").is_file():
            raise FileNotFoundError(f"not a calibre library (no metadata.db): {self.path}")
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._records: dict[int, Record] = {}
        self.version = 0  # bumped whenever the in-memory books change (search results are cached per version)
        self.custom_types: dict[str, str] = {}

    def _disk_stamp(self) -> tuple[int, int]:
        st = (self.path / "metadata.db").stat()
        return st.st_mtime_ns, st.st_size

    def records(self) -> dict[int, Record]:
        """All books by id, reloaded only when metadata.db changed."""
        with self._lock:
            stamp = self._disk_stamp()
            if stamp != self._stamp:
                self.custom_types = custom_types(self.path)
                self._records = load(self.path)
                self._stamp = stamp
                self.version += 1
            return self._records

    def invalidate(self) -> None:
        with self._lock:
            self._stamp = None

    def refresh(self, ids: list[int]) -> None:
        """After our own write: reload just these books (a full reload of a big library takes a while)."""
        with self._lock:
            if self._stamp is None:
                return
            fresh = load(self.path, ids)
            for book_id in ids:
                if book_id in fresh:
                    self._records[book_id] = fresh[book_id]
                else:
                    self._records.pop(book_id, None)
            self._stamp = self._disk_stamp()
            self.version += 1

    # --- the calibre-rest book object ----------------------------------------------------------

    def book_json(self, rec: Record) -> dict[str, Any]:
        folder = self.path / rec.path
        formats = [str(folder / f"{name}.{fmt.lower()}") for fmt, name, _ in rec.formats]
        return {
            "author_sort": rec.author_sort or "",
            "authors": " & ".join(rec.authors) or "Unknown",
            "comments": rec.comments,
            "cover": str(folder / "cover.jpg") if rec.has_cover else "",
            "formats": formats,
            "id": rec.id,
            "identifiers": dict(rec.identifiers),
            "isbn": rec.identifiers.get("isbn", ""),
            "languages": list(rec.languages),
            "last_modified": rec.last_modified,
            "pubdate": rec.pubdate,
            "publisher": rec.publisher,
            "rating": rec.rating,
            "series": rec.series,
            "series_index": rec.series_index,
            "size": max((size for _, _, size in rec.formats), default=0),
            "tags": list(rec.tags),
            "template": "TEMPLATE ERROR 'NoneType' object has no attribute 'startswith'",
            "timestamp": rec.timestamp,
            "title": rec.title or "Unknown",
            "uuid": rec.uuid or "",
        }


def _grouped(con: sqlite3.Connection, sql: str, where: str = "") -> dict[int, list[Any]]:
    if where:
        sql = sql.replace(" ORDER BY", f" {where} ORDER BY") if " ORDER BY" in sql else f"{sql} {where}"
    out: dict[int, list[Any]] = defaultdict(list)
    for row in con.execute(sql):
        out[row[0]].append(row[1] if len(row) == 2 else row[1:])
    return out


def custom_types(path: Path) -> dict[str, str]:
    """{label: calibre datatype} of the library's custom columns."""
    con = connect(path)
    try:
        return {label: kind for label, kind in con.execute("SELECT label, datatype FROM custom_columns")}
    finally:
        con.close()


def _custom_columns(con: sqlite3.Connection, book_where: str) -> dict[str, dict[int, list[Any]]]:
    """Values of every custom column: {label: {book: [values]}} (calibre-rest 500s on these)."""
    out: dict[str, dict[int, list[Any]]] = {}
    for col_id, label, datatype, normalized in con.execute(
        "SELECT id, label, datatype, normalized FROM custom_columns WHERE mark_for_delete = 0"
    ).fetchall():
        if datatype == "composite":
            continue
        if normalized:
            where = book_where.replace("book", "l.book") if book_where else ""
            sql = (
                f"SELECT l.book, v.value FROM books_custom_column_{int(col_id)}_link l "
                f"JOIN custom_column_{int(col_id)} v ON v.id = l.value {where} ORDER BY l.id"
            )
        else:
            sql = f"SELECT book, value FROM custom_column_{int(col_id)} {book_where}"
        values: dict[int, list[Any]] = defaultdict(list)
        for book, value in con.execute(sql):
            values[book].append(value)
        out[label] = dict(values)
    return out


def load(path: Path, only: list[int] | None = None) -> dict[int, Record]:
    """Every book (or only the books `only` names)."""
    con = connect(path)
    ids = ",".join(str(int(i)) for i in only) if only is not None else ""
    link_where = f"WHERE l.book IN ({ids})" if only is not None else ""
    book_where = f"WHERE book IN ({ids})" if only is not None else ""
    try:
        authors = _grouped(
            con,
            "SELECT l.book, a.name, a.sort FROM books_authors_link l JOIN authors a ON a.id = l.author ORDER BY l.id",
            link_where,
        )
        tags = _grouped(
            con, "SELECT l.book, t.name FROM books_tags_link l JOIN tags t ON t.id = l.tag ORDER BY l.id", link_where
        )
        series = _grouped(
            con, "SELECT l.book, s.name FROM books_series_link l JOIN series s ON s.id = l.series", link_where
        )
        publishers = _grouped(
            con,
            "SELECT l.book, p.name FROM books_publishers_link l JOIN publishers p ON p.id = l.publisher",
            link_where,
        )
        ratings = _grouped(
            con, "SELECT l.book, r.rating FROM books_ratings_link l JOIN ratings r ON r.id = l.rating", link_where
        )
        languages = _grouped(
            con,
            "SELECT l.book, g.lang_code FROM books_languages_link l JOIN languages g ON g.id = l.lang_code "
            "ORDER BY l.item_order, l.id",
            link_where,
        )
        identifiers = _grouped(con, "SELECT book, type, val FROM identifiers ORDER BY id", book_where)
        comments = _grouped(con, "SELECT book, text FROM comments", book_where)
        formats = _grouped(con, "SELECT book, format, name, uncompressed_size FROM data ORDER BY format", book_where)
        custom = _custom_columns(con, book_where)
        records: dict[int, Record] = {}
        for row in con.execute(
            "SELECT id, title, sort, timestamp, pubdate, series_index, author_sort, path, uuid, has_cover, "
            "last_modified FROM books " + (f"WHERE id IN ({ids}) " if only is not None else "") + "ORDER BY id"
        ):
            book_id = row[0]
            people = authors.get(book_id, [])
            records[book_id] = Record(
                id=book_id,
                title=row[1] or "",
                sort=row[2] or title_sort(row[1]),
                timestamp=iso(row[3]),
                pubdate=iso(row[4]),
                series_index=float(row[5] if row[5] is not None else 1.0),
                author_sort=row[6] or "",
                path=row[7] or "",
                uuid=row[8] or "",
                has_cover=bool(row[9]),
                last_modified=iso(row[10]),
                authors=[name.replace("|", ",") for name, _ in people],
                author_sorts=[s or "" for _, s in people],
                tags=list(tags.get(book_id, [])),
                series=(series.get(book_id) or [""])[0],
                publisher=(publishers.get(book_id) or [""])[0],
                rating=int((ratings.get(book_id) or [0])[0] or 0),
                languages=list(languages.get(book_id, [])),
                identifiers={t: v for t, v in identifiers.get(book_id, [])},
                comments=(comments.get(book_id) or [""])[0] or "",
                formats=[(f, n, int(s or 0)) for f, n, s in formats.get(book_id, [])],
                custom={label: values[book_id] for label, values in custom.items() if book_id in values},
            )
        return records
    finally:
        con.close()
