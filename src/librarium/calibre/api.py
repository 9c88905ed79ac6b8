"""The calibre-rest API over a Calibre library, served natively (no calibredb process per request).

Mounted at /calibre. Status codes, error strings and shapes follow calibre-rest; its bugs are fixed
where noted. This first part serves reads: health, one book, and the searchable, sortable book list.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import anyio
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from librarium import __version__
from librarium.calibre.library import Library, Record
from librarium.calibre.search import SearchError, search

CALIBRE_REST_VERSION = "0.1.0"
SORT_KEYS = {
    "author_sort", "authors", "comments", "cover", "formats", "id", "identifiers", "isbn", "languages",
    "last_modified", "pubdate", "publisher", "rating", "series", "series_index", "size", "tags", "template",
    "timestamp", "title", "uuid",
}  # fmt: skip
_REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed"}
_NOT_FOUND = (
    "The requested URL was not found on the server. If you entered the URL manually please check your "
    "spelling and try again."
)


class CalibreError(Exception):
    def __init__(self, status: int, description: str, *, prefixed: bool = True):
        super().__init__(description)
        self.status = status
        self.description = description
        self.prefixed = prefixed

    def body(self) -> dict[str, str]:
        if not self.prefixed:
            return {"error": self.description}
        return {"error": f"{self.status} {_REASONS.get(self.status, '')}: {self.description}"}


def _sort_value(rec: Record, key: str) -> Any:
    simple = {
        "title": rec.sort.casefold(),
        "authors": rec.author_sort.casefold(),
        "author_sort": rec.author_sort.casefold(),
        "comments": rec.comments.casefold(),
        "cover": rec.has_cover,
        "formats": ",".join(f for f, _, _ in rec.formats),
        "id": rec.id,
        "identifiers": ",".join(f"{k}:{v}" for k, v in sorted(rec.identifiers.items())),
        "isbn": rec.identifiers.get("isbn", ""),
        "languages": ",".join(rec.languages),
        "last_modified": rec.last_modified,
        "pubdate": rec.pubdate,
        "publisher": rec.publisher.casefold(),
        "rating": rec.rating,
        "series": rec.series.casefold(),
        "series_index": rec.series_index,
        "size": max((s for _, _, s in rec.formats), default=0),
        "tags": ",".join(t.casefold() for t in rec.tags),
        "template": "",
        "timestamp": rec.timestamp,
        "uuid": rec.uuid,
    }
    return simple[key]


def _ordered(records: list[Record], sort: list[str]) -> list[Record]:
    keys = [s.lstrip("-") for s in sort if s.lstrip("-") in SORT_KEYS]
    # calibre-rest: one direction for all keys, descending if any kept key asked for it
    descending = any(s.startswith("-") for s in sort if s.lstrip("-") in SORT_KEYS)
    if not keys:
        return sorted(records, key=lambda r: r.id)
    return sorted(records, key=lambda r: tuple(_sort_value(r, k) for k in keys) + (r.id,), reverse=descending)


def _link(start: int, limit: int, sort: list[str], searches: list[str]) -> str:
    params: list[tuple[str, Any]] = [("start", start), ("limit", limit)]
    params += [("sort", s) for s in sort] + [("search", s) for s in searches]
    return "/books?" + urlencode(params)


def _int(value: str | None, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise CalibreError(400, f"invalid literal for int() with base 10: {value!r}") from exc


def create_calibre_app(library: Library, authorize: Any) -> FastAPI:
    """`authorize(request)` raises for callers who may not use the API."""
    app = FastAPI(title="Calibre API (calibre-rest compatible)", version=CALIBRE_REST_VERSION, redirect_slashes=False)

    @app.exception_handler(CalibreError)
    async def _calibre_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, CalibreError)
        return JSONResponse(exc.body(), status_code=exc.status)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        text = _NOT_FOUND if exc.status_code == 404 else "The method is not allowed for the requested URL."
        return JSONResponse({"error": f"{exc.status_code} {_REASONS.get(exc.status_code, '')}: {text}"},
                            status_code=exc.status_code, headers=getattr(exc, "headers", None))  # fmt: skip

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"error": f"404 Not Found: {_NOT_FOUND}"}, status_code=404)

    @app.middleware("http")
    async def _auth(request: Request, call_next: Any) -> Response:
        try:
            await authorize(request)
        except CalibreError as exc:
            return JSONResponse(exc.body(), status_code=exc.status)
        response: Response = await call_next(request)
        return response

    async def records() -> dict[int, Record]:
        return await anyio.to_thread.run_sync(library.records)

    @app.get("/health")
    async def health() -> dict[str, str]:
        await records()  # the library must be readable
        return {"calibre_rest_version": CALIBRE_REST_VERSION, "calibre_version": f"librarium {__version__} (native)"}

    @app.get("/books/{book_id}")
    async def get_book(book_id: int) -> dict[str, Any]:
        if book_id <= 0:
            raise CalibreError(400, f"Value id={book_id} cannot be <= 0", prefixed=False)
        rec = (await records()).get(book_id)
        if rec is None:
            raise CalibreError(404, f"book {book_id} does not exist")
        return {"books": library.book_json(rec)}

    @app.get("/books", response_model=None)
    async def list_books(
        start: str | None = None,
        limit: str | None = None,
        sort: list[str] = Query(default=[]),  # noqa: B008
        search_terms: list[str] = Query(default=[], alias="search"),  # noqa: B008
    ) -> Response | dict[str, Any]:
        all_records = await records()
        # calibre-rest joins the searches with a space, which lets "a or b" swallow the next one, and
        # shlex-splits quoted phrases apart; each search here is one parenthesised, intact clause.
        query = " and ".join(f"({s})" for s in search_terms if s.strip())
        try:
            ids = search(all_records, query)
        except SearchError as exc:
            raise CalibreError(400, str(exc)) from exc
        found = _ordered([all_records[i] for i in ids], sort)
        if not found:
            return Response(status_code=204)
        first, size = _int(start, 1), _int(limit, 20)
        count = len(found)
        if count < first:
            raise CalibreError(400, f"start {first} is larger than number of books ({count})")
        page = found[max(first - 1, 0) : max(first - 1, 0) + max(size, 0)]
        metadata = {
            "start": first,
            "limit": size,
            "count": count,
            "self": _link(first, size, sort, search_terms),
            "prev": "" if first == 1 else _link(max(1, first - size), size, sort, search_terms),
            "next": "" if first + size > count else _link(first + size, size, sort, search_terms),
        }
        return {"books": [library.book_json(r) for r in page], "metadata": metadata}

    return app
