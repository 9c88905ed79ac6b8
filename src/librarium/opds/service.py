"""The catalogue's feeds for one reader: a root navigation feed with the libraries they can read, and per
library a navigation feed and paged acquisition feeds (recently added, all by title, by author, by series,
currently reading, want to read, search). Acquisition feeds list the books that have a file (OPDS: every entry offers
one), each file with its media type and size; covers and thumbnails link to our own routes."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote, urlencode

from sqlalchemy.ext.asyncio import AsyncSession

from librarium.books import service as books
from librarium.books.service import ListParams
from librarium.errors import NotFound
from librarium.files import paths
from librarium.libraries import service as libraries
from librarium.opds import atom
from librarium.opds import repository as repo
from librarium.opds.atom import ACQUISITION, NAVIGATION, Entry, Feed, Link

ROOT = atom.HOME
PER_PAGE = 50
FEEDS = (  # (path, title, what it lists)
    ("recent", "Recently added", "The newest books first"),
    ("all", "All books", "Every book, by title"),
    ("authors", "Authors", "Books by author"),
    ("series", "Series", "Books by series, in reading order"),
    ("shelves", "Shelves", "The library's shelves"),
    ("tags", "Tags", "Books by tag"),
    ("reading", "Currently reading", "Books you are reading now"),
    ("wanted", "Want to read", "Books on your to-read list"),
)
ENTRY_PARTS = frozenset({"contributor", "genre", "series", "cover", "edition"})  # what an entry shows of a book
GROUPS = {"authors": "author", "series": "series", "shelves": "shelf", "tags": "tag"}  # list → one of them


def lib_path(library_id: uuid.UUID, *parts: str) -> str:
    return "/".join([ROOT, "libraries", str(library_id), *parts])


def _start(library_id: uuid.UUID | None = None) -> list[Link]:
    links = [Link("start", ROOT, NAVIGATION, "Home")]
    if library_id is not None:
        links.append(Link("search", lib_path(library_id, "opensearch.xml"), atom.SEARCH_TYPE, "Search"))
    return links


async def root(session: AsyncSession, user_id: uuid.UUID, admin: bool) -> Feed:
    found = await libraries.list_for(session, user_id, admin)
    entries = [
        Entry(
            f"urn:librarium:library:{lib.id}",
            lib.name,
            lib.updated_at,
            [Link("subsection", lib_path(lib.id), NAVIGATION)],
            content=lib.description or "",
        )  # fmt: skip
        for lib in found
    ]
    return Feed("urn:librarium:root", "Librarium", [Link("self", ROOT, NAVIGATION), *_start()], entries)


async def library(session: AsyncSession, library_id: uuid.UUID) -> Feed:
    lib = await libraries.get(session, library_id)
    entries = [
        Entry(
            f"urn:librarium:library:{library_id}:{name}",
            title,
            lib.updated_at,
            [
                Link(
                    "subsection",
                    lib_path(library_id, name),
                    NAVIGATION if name in ("authors", "series") else ACQUISITION,
                )
            ],
            content=about,
        )  # fmt: skip
        for name, title, about in FEEDS
    ]
    links = [Link("self", lib_path(library_id), NAVIGATION), Link("up", ROOT, NAVIGATION), *_start(library_id)]
    return Feed(f"urn:librarium:library:{library_id}", lib.name, links, entries)


def page_links(
    base: str, page: int, more: bool, kind: str, query: dict[str, str] | None = None, after: uuid.UUID | None = None
) -> list[Link]:
    """self/first/previous/next; `next` names the page's last book as `after` when given (repository.AFTER_KINDS)."""

    def href(n: int, last: uuid.UUID | None = None) -> str:
        return base + "?" + urlencode({**(query or {}), "page": n, **({"after": str(last)} if last else {})})

    links = [Link("self", href(page), kind), Link("first", href(1), kind)]
    if page > 1:
        links.append(Link("previous", href(page - 1), kind))
    if more:
        links.append(Link("next", href(page + 1, after), kind))
    return links


def _book_entry(book: dict[str, Any], files: list[Any]) -> Entry:
    library_id, book_id = book["library_id"], book["id"]
    authors = [c["name"] for c in book["contributors"] if c["role"] == "author"]
    links: list[Link] = []
    for file_id, file_format, size in files:
        media = paths.MEDIA_TYPES.get(file_format, "application/octet-stream")
        links.append(Link(atom.ACQUIRE, lib_path(library_id, "files", str(file_id)), media, file_format.upper(), size))
    if book.get("cover_url"):
        stamp = book["cover_url"].rsplit("v=", 1)[-1]
        links.append(Link(atom.IMAGE, lib_path(library_id, "books", str(book_id), f"cover?v={stamp}"), "image/jpeg"))
        links.append(
            Link(atom.THUMBNAIL, lib_path(library_id, "books", str(book_id), f"thumbnail?v={stamp}"), "image/jpeg")
        )
    dc = {"identifier": f"urn:uuid:{book_id}"}
    if book.get("language"):
        dc["language"] = book["language"]
    if book.get("publisher"):
        dc["publisher"] = book["publisher"]
    if book.get("publish_year"):
        dc["issued"] = str(book["publish_year"])
    series = [f"{s['series_name']} #{s['position']:g}" for s in book.get("series", [])]
    title = book["title"] + (f": {book['subtitle']}" if book.get("subtitle") else "")
    content = "\n".join([*(f"Series: {s}" for s in series), book.get("description") or ""]).strip()
    return Entry(f"urn:uuid:{book_id}", title, book["updated_at"], links, content, authors,
                 [g["name"] for g in book.get("genres", [])], dc, book.get("description") or "",
                 [(s["series_name"], float(s["position"])) for s in book.get("series", [])])  # fmt: skip


async def _acquisition(
    session: AsyncSession, feed_id: str, title: str, base: str, ids: list[uuid.UUID], more: bool, page: int,
    library_id: uuid.UUID, query: dict[str, str] | None = None, total: int | None = None, keyset: bool = False,
) -> Feed:  # fmt: skip
    shaped = await books.books_of(session, ids, None, ENTRY_PARTS)
    files = await repo.files_of(session, ids)
    entries = [_book_entry(book, files.get(book["id"], [])) for book in shaped]
    last = ids[-1] if keyset and ids else None
    links = [*page_links(base, page, more, ACQUISITION, query, last), Link("up", lib_path(library_id), NAVIGATION),
             *_start(library_id)]  # fmt: skip
    return Feed(feed_id, title, links, entries, total=total, per_page=PER_PAGE, start=(page - 1) * PER_PAGE + 1)


async def books_feed(
    session: AsyncSession, library_id: uuid.UUID, kind: str, page: int, reader: uuid.UUID,
    key: uuid.UUID | None = None, after: uuid.UUID | None = None,
) -> Feed:  # fmt: skip
    """A page of one feed's books, by number or (following a `next` link) after the book `after`."""
    title = next((t for name, t, _ in FEEDS if name == kind), "")
    base = lib_path(library_id, kind)
    if kind in GROUPS.values():
        name = await repo.named(session, library_id, kind, key) if key else None
        if name is None:
            raise NotFound(f"{kind} not found")
        plural = next(p for p, one in GROUPS.items() if one == kind)
        title, base = name, lib_path(library_id, plural, str(key))
    offset = (page - 1) * PER_PAGE
    ids, more = await repo.page_of_books(session, library_id, kind, key, reader, offset, PER_PAGE, after)
    feed_id = f"urn:librarium:library:{library_id}:{kind}:{key or ''}"
    keyset = kind in repo.AFTER_KINDS
    return await _acquisition(session, feed_id, title, base, ids, more, page, library_id, keyset=keyset)


async def people_feed(session: AsyncSession, library_id: uuid.UUID, kind: str, page: int) -> Feed:
    """The navigation feed of a library's authors, series, shelves or tags, each entry leading to its books."""
    listing = {"authors": repo.authors, "series": repo.series, "shelves": repo.shelves, "tags": repo.tags}[kind]
    rows, more = await listing(session, library_id, (page - 1) * PER_PAGE, PER_PAGE)
    lib = await libraries.get(session, library_id)
    entries = [
        Entry(
            f"urn:librarium:{kind}:{row_id}",
            name,
            lib.updated_at,
            [Link("subsection", lib_path(library_id, kind, str(row_id)), ACQUISITION)],
            content=f"{count} book{'s' if count != 1 else ''}",
        )  # fmt: skip
        for row_id, name, count in rows
    ]
    links = [*page_links(lib_path(library_id, kind), page, more, NAVIGATION),
             Link("up", lib_path(library_id), NAVIGATION), *_start(library_id)]  # fmt: skip
    title = next(t for name, t, _ in FEEDS if name == kind)
    return Feed(f"urn:librarium:library:{library_id}:{kind}", title, links, entries)


async def search(session: AsyncSession, library_id: uuid.UUID, terms: str, page: int) -> Feed:
    """`terms` in our query language (`tolkien type:novel`, `series:"Discworld"`…)."""
    params = ListParams(q=terms, page=page, per_page=PER_PAGE, with_files=True)
    # not counted: counting a broad search's matches cost more than finding its page (readers follow `next`);
    # a page that ends the results knows their number (totalResults)
    ids, total, _, _ = await books.page_of_ids(session, library_id, params, count=False)
    return await _acquisition(
        session, f"urn:librarium:library:{library_id}:search:{quote(terms)}", f"Search: {terms}",
        lib_path(library_id, "search"), ids, bool(ids) and total is None, page, library_id, {"q": terms}, total,
    )  # fmt: skip


def opensearch(library_name: str, library_id: uuid.UUID, base: str) -> bytes:
    return atom.opensearch(library_name, atom.rebase(lib_path(library_id, "search"), base) + "?q={searchTerms}")


async def download(session: AsyncSession, library_id: uuid.UUID, file_id: uuid.UUID) -> tuple[Any, Any]:
    found = await repo.file_in_library(session, library_id, file_id)
    if found is None:
        raise NotFound("file not found")
    return found


async def authors_of(session: AsyncSession, book_id: uuid.UUID) -> list[str]:
    """The book's authors in display order (its contributors only, not its whole shape)."""
    links = (await books.contributors_of(session, [book_id])).get(book_id, [])
    return [c["name"] for c in links if c["role"] == "author"]


def download_name(title: str, authors: list[str], file_format: str) -> str:
    """ "Project Hail Mary - Andy Weir.epub" (a name readers show and save under)."""
    stem = paths.sanitise(" - ".join([title, *authors[:1]]))
    return f"{stem}.{file_format}"
