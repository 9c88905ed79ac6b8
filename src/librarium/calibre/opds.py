"""The Calibre library's own catalogue (LIBRARIUM_CALIBRE_LIBRARY) at /opds/calibre, for reading apps: the same
kind of feeds as the libraries' catalogue — newest, all by title, authors, series (in index order), tags, and
search in calibre's own search language — read from metadata.db by the native engine (never calibredb), and
served as OPDS 1.2 or, under /opds/v2/calibre, OPDS 2.0. Access follows the Calibre API's setting
(LIBRARIUM_CALIBRE_AUTH): `admin` wants an instance admin's app password, `none` lets anyone in."""

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import anyio
from fastapi import APIRouter, Depends, Query, Request, Response

from librarium.auth.deps import AuthCtx, Session, get_reader
from librarium.calibre.engines import NativeEngine
from librarium.calibre.library import UNDEFINED_DATE, Record
from librarium.calibre.search import SearchError
from librarium.config import Settings
from librarium.errors import BadRequest, Forbidden, NotFound
from librarium.files.paths import MEDIA_TYPES
from librarium.files.serve import file_response
from librarium.files.thumbnails import thumbnail
from librarium.imports.rows import text_of
from librarium.kit.routing import api_router
from librarium.opds import atom, respond
from librarium.opds.atom import ACQUISITION, NAVIGATION, Entry, Feed, Link
from librarium.opds.service import download_name, page_links

ROOT = f"{atom.HOME}/calibre"
PER_PAGE = 50
MOUNTS = (f"{atom.HOME}/v2/calibre", f"{atom.HOME}/t/{{token}}/v2/calibre", ROOT, f"{atom.HOME}/t/{{token}}/calibre")
GROUPS = {"authors": "Authors", "series": "Series", "tags": "Tags"}
Page = Query(1, ge=1, le=1_000_000)


def _stamp(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return datetime.now(UTC)


def _path(*parts: str) -> str:
    return "/".join([ROOT, *(quote(part, safe="") for part in parts)])


def _links() -> list[Link]:
    return [Link("start", ROOT, NAVIGATION, "Calibre library"),
            Link("search", _path("opensearch.xml"), atom.SEARCH_TYPE, "Search")]  # fmt: skip


def _media(fmt: str) -> str:
    return MEDIA_TYPES.get(fmt.lower(), "application/octet-stream")


def _entry(rec: Record) -> Entry:
    links = [
        Link(atom.ACQUIRE, _path("books", str(rec.id), fmt.lower()), _media(fmt), fmt, size)
        for fmt, _, size in rec.formats
    ]
    if rec.has_cover:
        stamp = "?v=" + quote(rec.last_modified, safe="")
        links += [Link(atom.IMAGE, _path("books", str(rec.id), "cover") + stamp, "image/jpeg"),
                  Link(atom.THUMBNAIL, _path("books", str(rec.id), "thumbnail") + stamp, "image/jpeg")]  # fmt: skip
    dc = {"identifier": f"urn:uuid:{rec.uuid}" if rec.uuid else f"urn:calibre:{rec.id}"}
    if rec.languages:
        dc["language"] = rec.languages[0]
    if rec.publisher:
        dc["publisher"] = rec.publisher
    if rec.pubdate != UNDEFINED_DATE:
        dc["issued"] = rec.pubdate[:4]
    series = [(rec.series, rec.series_index)] if rec.series else []
    description = text_of(rec.comments)
    content = "\n".join([*(f"Series: {name} #{position:g}" for name, position in series), description]).strip()
    return Entry(f"urn:calibre:{rec.uuid or rec.id}", rec.title or "Unknown", _stamp(rec.last_modified), links,
                 content, list(rec.authors), list(rec.tags), dc, description, series)  # fmt: skip


def _acquisition(title: str, path: str, found: list[Record], page: int, query: dict[str, str] | None = None,
                 total: bool = False) -> Feed:  # fmt: skip
    """One page of books (those with a file: every entry offers one)."""
    books = [rec for rec in found if rec.formats]
    start = (page - 1) * PER_PAGE
    links = [*page_links(path, page, start + PER_PAGE < len(books), ACQUISITION, query),
             Link("up", ROOT, NAVIGATION), *_links()]  # fmt: skip
    entries = [_entry(rec) for rec in books[start : start + PER_PAGE]]
    return Feed(f"urn:librarium:calibre:{path}", title, links, entries, total=len(books) if total else None,
                per_page=PER_PAGE, start=start + 1)  # fmt: skip


def _names(records: dict[int, Record], group: str) -> list[tuple[str, int]]:
    """(name, books with a file) of the authors (by sort name), series or tags."""
    counts: Counter[str] = Counter()
    sort_names: dict[str, str] = {}
    for rec in records.values():
        if not rec.formats:
            continue
        names = rec.authors if group == "authors" else [rec.series] if group == "series" else rec.tags
        for n, name in enumerate(names):
            if name:
                counts[name] += 1
                if group == "authors" and n < len(rec.author_sorts) and rec.author_sorts[n]:
                    sort_names.setdefault(name, rec.author_sorts[n])
    return sorted(counts.items(), key=lambda item: (sort_names.get(item[0], item[0]).casefold(), item[0]))


def _members(records: dict[int, Record], group: str, name: str) -> list[Record]:
    if group == "authors":
        found = [rec for rec in records.values() if name in rec.authors]
        return sorted(found, key=lambda rec: (rec.sort.casefold(), rec.id))
    if group == "series":
        return sorted(
            (rec for rec in records.values() if rec.series == name), key=lambda rec: (rec.series_index, rec.id)
        )
    return sorted((rec for rec in records.values() if name in rec.tags), key=lambda rec: (rec.sort.casefold(), rec.id))


def router(engine: NativeEngine, settings: Settings) -> APIRouter:
    """The catalogue's routes over this engine, to be included at each of MOUNTS."""

    async def allowed(request: Request, session: Session, ctx: AuthCtx) -> None:
        if settings.calibre_auth == "none":  # (only allowed on a loopback address: mount.check_settings)
            return
        reader = await get_reader(request, session, ctx)
        if not reader.is_admin:
            raise Forbidden("instance admin access required")

    routes = api_router(tags=["opds"], include_in_schema=False, dependencies=[Depends(allowed)])

    async def records() -> dict[int, Record]:
        return await anyio.to_thread.run_sync(engine.records)  # a reload of metadata.db reads the disk

    async def sorted_by(key: Callable[[Record], Any], reverse: bool = False) -> list[Record]:
        return sorted((await records()).values(), key=key, reverse=reverse)

    @routes.get("")
    async def home(request: Request) -> Response:
        entries = [
            Entry(
                f"urn:librarium:calibre:{name}",
                title,
                datetime.now(UTC),
                [Link("subsection", _path(name), kind)],
                content=about,
            )  # fmt: skip
            for name, title, kind, about in (
                ("newest", "Newest", ACQUISITION, "The most recently added books first"),
                ("all", "All books", ACQUISITION, "Every book, by title"),
                ("authors", "Authors", NAVIGATION, "Books by author"),
                ("series", "Series", NAVIGATION, "Books by series, in reading order"),
                ("tags", "Tags", NAVIGATION, "Books by tag"),
            )
        ]
        feed = Feed("urn:librarium:calibre", "Calibre library", [Link("self", ROOT, NAVIGATION), *_links()], entries)
        return respond.feed(request, feed, NAVIGATION)

    @routes.get("/opensearch.xml")
    async def opensearch(request: Request) -> Response:
        template = atom.rebase(_path("search"), respond.base(request)) + "?q={searchTerms}"
        return respond.xml(atom.opensearch("Calibre library", template), atom.SEARCH_TYPE)

    @routes.get("/search")
    async def search(request: Request, q: str = "", page: int = Page) -> Response:
        try:
            ids = await anyio.to_thread.run_sync(engine.find, q, ["title"])
        except SearchError as exc:
            raise BadRequest(f"invalid search: {exc}") from exc
        found = await records()
        feed = _acquisition(f"Search: {q}", _path("search"), [found[i] for i in ids if i in found], page, {"q": q},
                            total=True)  # fmt: skip
        return respond.feed(request, feed, ACQUISITION)

    @routes.get("/books/{book_id}/{what}")
    async def book_file(request: Request, book_id: int, what: str) -> Response:
        rec = (await records()).get(book_id)
        if rec is None:
            raise NotFound("book not found")
        folder = engine.library.path / rec.path
        if what in ("cover", "thumbnail"):
            if not rec.has_cover:
                raise NotFound("no cover")
            cover = folder / "cover.jpg"
            if what == "thumbnail":
                key = f"calibre-{rec.uuid or rec.id}-" + "".join(c for c in rec.last_modified if c.isdigit())
                try:
                    cover = await anyio.to_thread.run_sync(thumbnail, cover, settings.data_dir / "thumbnails", key)
                except (OSError, ValueError) as exc:  # missing or not an image (PIL's errors are OSErrors)
                    raise NotFound("no cover") from exc
            return file_response(request, cover, "image/jpeg", etag=f"{rec.id}-{what}-{rec.last_modified}",
                                 cache_control="private, max-age=86400")  # fmt: skip
        fmt = next(((f, name) for f, name, _ in rec.formats if f.lower() == what.lower()), None)
        if fmt is None:
            raise NotFound("format not found")
        path: Path = folder / f"{fmt[1]}.{fmt[0].lower()}"
        name = download_name(rec.title or "Unknown", rec.authors, fmt[0].lower())  # as the libraries' catalogue
        return file_response(request, path, _media(fmt[0]),
                             etag=f"{rec.id}-{fmt[0]}-{rec.last_modified}", cache_control="private, no-cache",
                             download_name=name)  # fmt: skip

    @routes.get("/{listing}")
    async def books(request: Request, listing: str, page: int = Page) -> Response:
        if listing == "newest":
            feed = _acquisition("Newest", _path("newest"), await sorted_by(lambda r: (r.timestamp, r.id), True), page)
        elif listing == "all":
            feed = _acquisition("All books", _path("all"), await sorted_by(lambda r: (r.sort.casefold(), r.id)), page)
        elif listing in GROUPS:
            names = _names(await records(), listing)
            start = (page - 1) * PER_PAGE
            entries = [
                Entry(
                    f"urn:librarium:calibre:{listing}:{quote(name)}",
                    name,
                    datetime.now(UTC),
                    [Link("subsection", _path(listing, name), ACQUISITION)],
                    content=f"{count} book{'s' if count != 1 else ''}",
                )  # fmt: skip
                for name, count in names[start : start + PER_PAGE]
            ]
            links = [*page_links(_path(listing), page, start + PER_PAGE < len(names), NAVIGATION),
                     Link("up", ROOT, NAVIGATION), *_links()]  # fmt: skip
            return respond.feed(request, Feed(f"urn:librarium:calibre:{listing}", GROUPS[listing], links, entries),
                                NAVIGATION)  # fmt: skip
        else:
            raise NotFound("not found")
        return respond.feed(request, feed, ACQUISITION)

    @routes.get("/{listing}/{name:path}")
    async def group(request: Request, listing: str, name: str, page: int = Page) -> Response:
        if listing not in GROUPS:
            raise NotFound("not found")
        found = _members(await records(), listing, name)
        if not found:
            raise NotFound(f"{listing} not found")
        return respond.feed(request, _acquisition(name, _path(listing, name), found, page), ACQUISITION)

    return routes
