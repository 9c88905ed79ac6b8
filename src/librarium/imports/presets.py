"""Exports people bring, recognised by their header: Goodreads, StoryGraph, LibraryThing (tab-separated),
Libib — and any file whose headers name the fields plainly ("Title", "Author", "ISBN"…). A preset turns a
record into the importer's fields by header name (never by position: export layouts change), cleaning each
export's value quirks. The client's `mapping`, when sent, always wins."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from librarium.errors import BadRequest

Clean = Callable[[str], str]


def plain(value: str) -> str:
    return value.strip()


def unwrapped(value: str) -> str:
    """Goodreads writes ISBNs as Excel formulas (`="0441172717"`); LibraryThing brackets values (`[2007-04-16]`)."""
    value = value.strip()
    if value.startswith('="') and value.endswith('"'):
        value = value[2:-1]
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    return value.strip()


_SLASHED = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})")


def slashed_date(value: str) -> str:
    """2021/07/21 → 2021-07-21 (Goodreads and StoryGraph dates)."""
    value = unwrapped(value)
    return _SLASHED.sub(r"\1-\2-\3", value) if "/" in value else value


def people_list(value: str) -> str:
    """A comma-separated list of full names ("Neil Gaiman, Terry Pratchett") as the importer's `;` list."""
    return "; ".join(p.strip() for p in value.split(",") if p.strip())


@dataclass(frozen=True)
class Preset:
    name: str
    signature: frozenset[str]  # lower-cased headers that identify the export
    fields: dict[str, list[tuple[str, Clean]]]  # field → (header, cleaner), values joined with "; "


GOODREADS = Preset(
    "goodreads",
    frozenset({"book id", "author l-f", "exclusive shelf"}),
    {
        "title": [("title", plain)],
        "author": [("author", plain), ("additional authors", people_list)],
        "isbn_10": [("isbn", unwrapped)],
        "isbn_13": [("isbn13", unwrapped)],
        "publisher": [("publisher", plain)],
        "page_count": [("number of pages", plain)],
        "publish_date": [("year published", plain)],
        "acquired_date": [("date added", slashed_date)],
        "shelves": [("bookshelves", plain)],
        "read_status": [("exclusive shelf", plain)],
        "rating": [("my rating", plain)],
        "date_finished": [("date read", slashed_date)],
        "review": [("my review", plain)],
        "read_count": [("read count", plain)],
        "copies": [("owned copies", plain)],
    },
)
STORYGRAPH = Preset(
    "storygraph",
    frozenset({"isbn/uid", "moods", "pace"}),
    {
        "title": [("title", plain)],
        "author": [("authors", people_list)],
        "isbn": [("isbn/uid", plain)],
        "tags": [("tags", plain)],
        "acquired_date": [("date added", slashed_date)],
        "read_status": [("read status", plain)],
        "rating": [("star rating", plain)],
        "date_finished": [("last date read", slashed_date)],
        "dates_read": [("dates read", plain)],
        "review": [("review", plain)],
        "read_count": [("read count", plain)],
    },
)
LIBRARYTHING = Preset(
    "librarything",
    frozenset({"primary author", "sort character", "work id"}),
    {
        "title": [("title", plain)],
        "author": [("primary author", plain)],
        "isbn": [("isbn", unwrapped)],
        "publish_date": [("date", unwrapped)],
        "page_count": [("page count", plain)],
        "description": [("summary", plain)],
        "tags": [("tags", plain)],
        "language": [("languages", plain)],
        "acquired_date": [("acquired", unwrapped)],
        "rating": [("rating", plain)],
        "review": [("review", plain)],
        "date_started": [("date started", unwrapped)],
        "date_finished": [("date read", unwrapped)],
        "shelves": [("collections", plain)],
        "copies": [("copies", plain)],
    },
)
LIBIB = Preset(
    "libib",
    frozenset({"item_type", "ean_isbn13", "upc_isbn10", "creators"}),
    {
        "title": [("title", plain)],
        "author": [("creators", people_list)],
        "isbn_13": [("ean_isbn13", plain)],
        "isbn_10": [("upc_isbn10", plain)],
        "description": [("description", plain)],
        "publisher": [("publisher", plain)],
        "publish_date": [("publish_date", plain)],
        "tags": [("tags", plain)],
        "acquired_date": [("added", plain)],
        "item_type": [("item_type", plain)],
        "read_status": [("status", plain)],
        "rating": [("rating", plain)],
        "review": [("review", plain)],
        "date_started": [("began", plain)],
        "date_finished": [("completed", plain)],
        "copies": [("copies", plain)],
    },
)
# plain headers, for files made by hand or by other tools
GENERIC = Preset(
    "generic",
    frozenset(),
    {
        "title": [("title", plain)],
        "subtitle": [("subtitle", plain)],
        "author": [("author", plain), ("authors", plain)],
        "isbn_13": [("isbn13", unwrapped), ("isbn_13", unwrapped), ("isbn-13", unwrapped)],
        "isbn_10": [("isbn10", unwrapped), ("isbn_10", unwrapped), ("isbn-10", unwrapped)],
        "isbn": [("isbn", unwrapped)],
        "publisher": [("publisher", plain)],
        "publish_date": [("publish_date", plain), ("published", plain), ("year", plain)],
        "page_count": [("pages", plain), ("page_count", plain), ("page count", plain)],
        "description": [("description", plain)],
        "language": [("language", plain)],
        "tags": [("tags", plain)],
        "series": [("series", plain)],
        "series_position": [("series_position", plain), ("series index", plain), ("volume", plain)],
    },
)
PRESETS = (GOODREADS, STORYGRAPH, LIBRARYTHING, LIBIB)


NAMES = [p.name for p in (*PRESETS, GENERIC)]


def detect(header: list[str], wanted: str = "") -> tuple[Preset, dict[str, list[tuple[int, Clean]]]] | None:
    """The preset named `wanted`, or the one whose signature the header carries (else the plain-headers one),
    and its columns: field → [(index, cleaner)]; None when it finds no title column."""
    names = {h.strip().lower().lstrip("\ufeff"): i for i, h in enumerate(header)}
    if wanted and wanted not in NAMES:
        raise BadRequest(f"unknown preset {wanted!r} (one of {', '.join(NAMES)})")
    chosen = [p for p in (*PRESETS, GENERIC) if p.name == wanted]
    preset = chosen[0] if chosen else next((p for p in PRESETS if p.signature <= set(names)), GENERIC)
    columns = {
        field: [(names[h], clean) for h, clean in sources if h in names] for field, sources in preset.fields.items()
    }
    columns = {f: c for f, c in columns.items() if c}
    return (preset, columns) if "title" in columns else None


def apply(columns: dict[str, list[tuple[int, Clean]]], record: list[str]) -> dict[str, str]:
    raw: dict[str, str] = {}
    size = len(record)
    for field, sources in columns.items():
        if len(sources) == 1:  # most fields come from one column: no list to join (a tenth of an upload's time)
            i, clean = sources[0]
            joined = clean(record[i]) if i < size else ""
        else:
            joined = "; ".join(v for v in (clean(record[i]) for i, clean in sources if i < size) if v)
        if joined:
            raw[field] = joined
    code = raw.pop("isbn", "")
    digits = code.replace(" ", "").replace("-", "") if code.isprintable() else re.sub(r"[\s-]", "", code)
    if digits and len(digits) == 13 and "isbn_13" not in raw:
        raw["isbn_13"] = digits
    elif digits and len(digits) == 10 and "isbn_10" not in raw:
        raw["isbn_10"] = digits
    return raw
