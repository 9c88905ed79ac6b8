"""Writing a Calibre library natively: add, update and remove books the way calibre lays them out
(folders, file names, cover.jpg, metadata.opf), so Calibre desktop keeps reading the library.

Every change runs in one IMMEDIATE transaction on metadata.db (calibre's own 10 s busy timeout
applies when calibre holds the lock); files are written before the commit and cleaned up on failure.
"""

from __future__ import annotations

import io
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from PIL import Image

from librarium.calibre import naming
from librarium.calibre.library import Library, connect
from librarium.calibre.search import canonical_language


class WriteError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f+00:00")


def to_db_date(value: str) -> str:
    """An ISO date or datetime as calibre stores it (UTC)."""
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise WriteError(400, f"invalid date: {value!r}") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S+00:00")


@contextmanager
def transaction(library: Library, changed: list[int] | None = None) -> Iterator[sqlite3.Connection]:
    """One write transaction. Afterwards the in-memory library reloads the books listed in `changed`
    (filled in by the caller inside the block), or everything when no list is given."""
    con = connect(library.path, readonly=False)
    try:
        con.execute("BEGIN IMMEDIATE")
        yield con
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.close()
        if changed is None:
            library.invalidate()
        else:
            library.refresh(changed)


# --- items ----------------------------------------------------------------------------------------


def _item(con: sqlite3.Connection, table: str, column: str, value: Any, extra: dict[str, Any] | None = None) -> int:
    row = con.execute(f"SELECT id FROM {table} WHERE {column} = ?", (value,)).fetchone()
    if row:
        return int(row[0])
    fields = {column: value, **(extra or {})}
    cols = ", ".join(fields)
    marks = ", ".join("?" for _ in fields)
    cur = con.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", tuple(fields.values()))
    return int(cur.lastrowid or 0)


def _set_authors(con: sqlite3.Connection, book_id: int, authors: list[str]) -> None:
    con.execute("DELETE FROM books_authors_link WHERE book = ?", (book_id,))
    for name in authors or ["Unknown"]:
        stored = name.replace(",", "|")
        author = _item(con, "authors", "name", stored, {"sort": naming.author_sort(name), "link": ""})
        con.execute("INSERT OR IGNORE INTO books_authors_link (book, author) VALUES (?, ?)", (book_id, author))
    con.execute(
        "UPDATE books SET author_sort = ? WHERE id = ?", (naming.books_author_sort(authors or ["Unknown"]), book_id)
    )


def _set_many(con: sqlite3.Connection, book_id: int, link: str, table: str, column: str, values: list[str]) -> None:
    con.execute(f"DELETE FROM {link} WHERE book = ?", (book_id,))
    key = {"tags": "tag", "languages": "lang_code"}[table]
    for order, value in enumerate(dict.fromkeys(v for v in values if v)):
        item = _item(con, table, column, value)
        if table == "languages":
            con.execute(
                f"INSERT OR IGNORE INTO {link} (book, {key}, item_order) VALUES (?, ?, ?)", (book_id, item, order)
            )
        else:
            con.execute(f"INSERT OR IGNORE INTO {link} (book, {key}) VALUES (?, ?)", (book_id, item))


def _set_one(con: sqlite3.Connection, book_id: int, link: str, table: str, column: str, value: Any) -> None:
    key = {"series": "series", "publishers": "publisher", "ratings": "rating"}[table]
    con.execute(f"DELETE FROM {link} WHERE book = ?", (book_id,))
    if value:
        con.execute(f"INSERT INTO {link} (book, {key}) VALUES (?, ?)", (book_id, _item(con, table, column, value)))


def _set_identifiers(con: sqlite3.Connection, book_id: int, identifiers: dict[str, str]) -> None:
    con.execute("DELETE FROM identifiers WHERE book = ?", (book_id,))
    for kind, value in identifiers.items():
        kind = kind.lower().replace(":", "").replace(",", "").strip()
        value = str(value).strip().replace(",", "|")
        if kind and value:
            con.execute("INSERT OR REPLACE INTO identifiers (book, type, val) VALUES (?, ?, ?)", (book_id, kind, value))


def remove_orphans(con: sqlite3.Connection) -> None:
    """Items no book uses any more (calibre does this in Python, not SQL)."""
    for table, link, column in (
        ("authors", "books_authors_link", "author"),
        ("tags", "books_tags_link", "tag"),
        ("series", "books_series_link", "series"),
        ("publishers", "books_publishers_link", "publisher"),
        ("languages", "books_languages_link", "lang_code"),
    ):
        con.execute(f"DELETE FROM {table} WHERE id NOT IN (SELECT {column} FROM {link})")


# --- applying metadata ----------------------------------------------------------------------------


def apply(con: sqlite3.Connection, book_id: int, data: dict[str, Any]) -> None:
    """Set the given fields (calibre-rest's names) on a book. Unlike calibre-rest, every field is applied,
    also after `identifiers`."""
    if "title" in data:
        con.execute("UPDATE books SET title = ? WHERE id = ?", (data["title"] or "Unknown", book_id))
    if "authors" in data:
        _set_authors(con, book_id, [a.strip() for a in data["authors"] if a.strip()])
    if data.get("author_sort"):
        con.execute("UPDATE books SET author_sort = ? WHERE id = ?", (data["author_sort"], book_id))
    if "tags" in data:
        _set_many(con, book_id, "books_tags_link", "tags", "name", [t.strip() for t in data["tags"]])
    if "languages" in data:
        codes = [canonical_language(lang.strip()) for lang in data["languages"]]
        _set_many(con, book_id, "books_languages_link", "languages", "lang_code", codes)
    if "series" in data:
        _set_one(con, book_id, "books_series_link", "series", "name", data["series"].strip())
    if "series_index" in data:
        con.execute("UPDATE books SET series_index = ? WHERE id = ?", (float(data["series_index"]), book_id))
    if "publisher" in data:
        _set_one(con, book_id, "books_publishers_link", "publishers", "name", data["publisher"].strip())
    if "rating" in data:
        # calibre-rest's rating is in stars; calibre stores half-stars (0-10)
        stored = max(0, min(10, round(float(data["rating"]) * 2)))
        _set_one(con, book_id, "books_ratings_link", "ratings", "rating", stored)
    if "comments" in data:
        con.execute("DELETE FROM comments WHERE book = ?", (book_id,))
        if data["comments"]:
            con.execute("INSERT INTO comments (book, text) VALUES (?, ?)", (book_id, data["comments"]))
    identifiers = dict(data.get("identifiers") or {}) if "identifiers" in data else None
    if data.get("isbn"):
        if identifiers is None:
            identifiers = {t: v for t, v in con.execute("SELECT type, val FROM identifiers WHERE book = ?", (book_id,))}
        identifiers["isbn"] = data["isbn"]
    if identifiers is not None:
        _set_identifiers(con, book_id, identifiers)
    for field in ("pubdate", "timestamp"):
        if data.get(field):
            con.execute(f"UPDATE books SET {field} = ? WHERE id = ?", (to_db_date(data[field]), book_id))
    con.execute("UPDATE books SET last_modified = ? WHERE id = ?", (now(), book_id))


AUTHORS_OF = (
    "SELECT a.name, a.sort FROM books_authors_link l JOIN authors a ON a.id = l.author WHERE l.book = ? ORDER BY l.id"
)


def authors_of(con: sqlite3.Connection, book_id: int) -> list[tuple[str, str]]:
    """(display name, sort) of each author, in order; calibre stores "," in names as "|"."""
    return [(str(n).replace("|", ","), s or "") for n, s in con.execute(AUTHORS_OF, (book_id,)).fetchall()]


def _first_author(con: sqlite3.Connection, book_id: int) -> str:
    people = authors_of(con, book_id)
    return people[0][0] if people else "Unknown"


def relocate(con: sqlite3.Connection, library: Library, book_id: int) -> Path:
    """Move the book's folder and format files to where calibre would put them now (title or first
    author may have changed), keeping books.path and data.name in step."""
    title, old_path = con.execute("SELECT title, path FROM books WHERE id = ?", (book_id,)).fetchone()
    author = _first_author(con, book_id)
    new_path = naming.folder(author, title, book_id)
    new_dir = library.path / new_path
    old_dir = library.path / old_path if old_path else None
    new_dir.mkdir(parents=True, exist_ok=True)
    name = naming.file_name(title, author)
    for fmt, old_name in con.execute("SELECT format, name FROM data WHERE book = ?", (book_id,)).fetchall():
        source = (old_dir or new_dir) / f"{old_name}.{fmt.lower()}"
        target = new_dir / f"{name}.{fmt.lower()}"
        if source != target and source.exists():
            shutil.move(str(source), str(target))
        con.execute("UPDATE data SET name = ? WHERE book = ? AND format = ?", (name, book_id, fmt))
    if old_dir is not None and old_dir != new_dir and old_dir.exists():
        for leftover in ("cover.jpg", "metadata.opf"):
            if (old_dir / leftover).exists():
                shutil.move(str(old_dir / leftover), str(new_dir / leftover))
        _remove_dir(old_dir, library.path)
    con.execute("UPDATE books SET path = ? WHERE id = ?", (new_path, book_id))
    return new_dir


def _remove_dir(directory: Path, root: Path) -> None:
    """Remove a book folder, then its author folder if that is now empty."""
    if directory.exists() and root in directory.resolve().parents:
        shutil.rmtree(directory, ignore_errors=True)
    parent = directory.parent
    if parent != root and parent.exists() and not any(parent.iterdir()):
        parent.rmdir()


def set_cover(con: sqlite3.Connection, folder: Path, book_id: int, source: Path) -> None:
    try:
        with Image.open(source) as image:
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=90)
    except (OSError, ValueError) as exc:
        raise WriteError(400, f"cover is not a readable image: {source}") from exc
    (folder / "cover.jpg").write_bytes(out.getvalue())
    con.execute("UPDATE books SET has_cover = 1 WHERE id = ?", (book_id,))


def add_format(con: sqlite3.Connection, library: Library, book_id: int, source: Path, ext: str) -> None:
    path, title = con.execute("SELECT path, title FROM books WHERE id = ?", (book_id,)).fetchone()
    folder = library.path / path
    folder.mkdir(parents=True, exist_ok=True)
    name = naming.file_name(title, _first_author(con, book_id))
    shutil.copyfile(source, folder / f"{name}.{ext.lower()}")
    con.execute(
        "INSERT OR REPLACE INTO data (book, format, uncompressed_size, name) VALUES (?, ?, ?, ?)",
        (book_id, ext.upper(), source.stat().st_size, name),
    )


def create_book(con: sqlite3.Connection, library: Library, data: dict[str, Any]) -> int:
    stamp = now()
    cur = con.execute(
        "INSERT INTO books (title, timestamp, pubdate, series_index, author_sort, path, has_cover, last_modified) "
        "VALUES (?, ?, ?, 1.0, '', '', 0, ?)",
        ((data.get("title") or "Unknown").strip() or "Unknown", stamp, "0101-01-01 00:00:00+00:00", stamp),
    )
    book_id = int(cur.lastrowid or 0)
    fields = {k: v for k, v in data.items() if v not in (None, "", [], {}) and k != "cover"}
    fields.setdefault("authors", ["Unknown"])
    apply(con, book_id, fields)
    folder = relocate(con, library, book_id)
    if data.get("cover"):
        set_cover(con, folder, book_id, Path(data["cover"]))
    return book_id


def duplicates(con: sqlite3.Connection, title: str, authors: list[str]) -> list[int]:
    """Books calibre would call duplicates: same set of authors and the same title, fuzzily."""
    wanted_title = naming.fuzzy_title(title)
    wanted_authors = {a.casefold() for a in authors}
    found = []
    for book_id, book_title in con.execute("SELECT id, title FROM books ORDER BY id").fetchall():
        if naming.fuzzy_title(book_title) != wanted_title:
            continue
        names = {name.casefold() for name, _ in authors_of(con, book_id)}
        if names == wanted_authors:
            found.append(int(book_id))
    return found


def has_format(con: sqlite3.Connection, book_id: int, ext: str) -> bool:
    return (
        con.execute("SELECT 1 FROM data WHERE book = ? AND format = ?", (book_id, ext.upper())).fetchone() is not None
    )


# --- metadata.opf ---------------------------------------------------------------------------------


def write_opf(con: sqlite3.Connection, library: Library, book_id: int) -> None:
    """The OPF 2.0 backup calibre keeps next to each book (it can rebuild a library from these)."""
    row = con.execute(
        "SELECT title, sort, timestamp, pubdate, series_index, path, uuid, has_cover FROM books WHERE id = ?",
        (book_id,),
    ).fetchone()
    title, sort, timestamp, pubdate, series_index, path, book_uuid, has_cover = row
    authors = authors_of(con, book_id)
    lines = [
        f'<dc:identifier opf:scheme="calibre" id="calibre_id">{book_id}</dc:identifier>',
        f'<dc:identifier opf:scheme="uuid" id="uuid_id">{escape(book_uuid or "")}</dc:identifier>',
        f"<dc:title>{escape(title)}</dc:title>",
    ]
    for name, sort_name in authors:
        file_as = quoteattr(sort_name)
        lines.append(f'<dc:creator opf:file-as={file_as} opf:role="aut">{escape(name)}</dc:creator>')
    lines.append('<dc:contributor opf:file-as="calibre" opf:role="bkp">librarium</dc:contributor>')
    lines.append(f"<dc:date>{escape((pubdate or '0101-01-01 00:00:00+00:00').replace(' ', 'T', 1))}</dc:date>")
    for (text,) in con.execute("SELECT text FROM comments WHERE book = ?", (book_id,)):
        lines.append(f"<dc:description>{escape(text)}</dc:description>")
    for (name,) in con.execute(
        "SELECT p.name FROM books_publishers_link l JOIN publishers p ON p.id = l.publisher WHERE l.book = ?",
        (book_id,),
    ):
        lines.append(f"<dc:publisher>{escape(name)}</dc:publisher>")
    for kind, value in con.execute("SELECT type, val FROM identifiers WHERE book = ?", (book_id,)):
        lines.append(f"<dc:identifier opf:scheme={quoteattr(kind.upper())}>{escape(value)}</dc:identifier>")
    for (code,) in con.execute(
        "SELECT g.lang_code FROM books_languages_link l JOIN languages g ON g.id = l.lang_code WHERE l.book = ? "
        "ORDER BY l.item_order",
        (book_id,),
    ):
        lines.append(f"<dc:language>{escape(code)}</dc:language>")
    for (name,) in con.execute(
        "SELECT t.name FROM books_tags_link l JOIN tags t ON t.id = l.tag WHERE l.book = ? ORDER BY l.id", (book_id,)
    ):
        lines.append(f"<dc:subject>{escape(name)}</dc:subject>")
    for (name,) in con.execute(
        "SELECT s.name FROM books_series_link l JOIN series s ON s.id = l.series WHERE l.book = ?", (book_id,)
    ):
        lines.append(f'<meta name="calibre:series" content={quoteattr(name)}/>')
        lines.append(f'<meta name="calibre:series_index" content="{series_index:g}"/>')
    for (rating,) in con.execute(
        "SELECT r.rating FROM books_ratings_link l JOIN ratings r ON r.id = l.rating WHERE l.book = ?", (book_id,)
    ):
        lines.append(f'<meta name="calibre:rating" content="{rating}"/>')
    lines.append(f'<meta name="calibre:timestamp" content={quoteattr((timestamp or "").replace(" ", "T", 1))}/>')
    lines.append(f'<meta name="calibre:title_sort" content={quoteattr(sort or "")}/>')
    guide = '<reference type="cover" title="Cover" href="cover.jpg"/>' if has_cover else ""
    opf = (
        "<?xml version='1.0' encoding='utf-8'?>\n"
        '<package xmlns="http://www.idpf.org/2007/opf" unique-identifier="uuid_id" version="2.0">\n'
        '    <metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf">\n'
        + "".join(f"        {line}\n" for line in lines)
        + "    </metadata>\n"
        + f"    <guide>{guide}</guide>\n</package>\n"
    )
    folder = library.path / path
    folder.mkdir(parents=True, exist_ok=True)
    temp = folder / f".metadata-{uuid.uuid4().hex}.tmp"
    temp.write_text(opf, encoding="utf-8")
    temp.replace(folder / "metadata.opf")


# --- removing -------------------------------------------------------------------------------------


def delete_books(library: Library, ids: list[int]) -> None:
    with transaction(library, list(ids)) as con:
        custom = [row[0] for row in con.execute("SELECT id FROM custom_columns")]
        folders = []
        for book_id in ids:
            row = con.execute("SELECT path FROM books WHERE id = ?", (book_id,)).fetchone()
            if row is None:
                continue
            folders.append(library.path / row[0] if row[0] else None)
            for col in custom:
                for table in (f"books_custom_column_{col}_link", f"custom_column_{col}"):
                    if con.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)).fetchone():
                        has_book = any(c[1] == "book" for c in con.execute(f"PRAGMA table_info({table})"))
                        if has_book:
                            con.execute(f"DELETE FROM {table} WHERE book = ?", (book_id,))
            con.execute("DELETE FROM metadata_dirtied WHERE book = ?", (book_id,))
            con.execute("DELETE FROM books WHERE id = ?", (book_id,))
        remove_orphans(con)
    for folder in folders:
        if folder is not None:
            _remove_dir(folder, library.path)
