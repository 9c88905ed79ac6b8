"""The calibre-rest API over a Calibre library, served natively (no calibredb process per request).

Mounted at /calibre. Status codes, error strings and shapes follow calibre-rest; its bugs are fixed
where noted.
"""

from __future__ import annotations

import mimetypes
import os
import shutil
import sqlite3
import tempfile
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import anyio
import orjson
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException

from librarium import __version__
from librarium.calibre import validation, writer
from librarium.calibre.engines import Engine
from librarium.calibre.library import Record
from librarium.calibre.search import SearchError
from librarium.kit import jsonin

CALIBRE_REST_VERSION = "0.1.0"
_REASONS = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
    408: "Request Timeout", 409: "Conflict", 415: "Unsupported Media Type", 422: "Unprocessable Entity",
    500: "Internal Server Error", 503: "Service Unavailable",
}  # fmt: skip
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


def _json(data: Any, status: int = 200) -> Response:
    """Keys sorted, compact, as Flask's jsonify writes them; orjson keeps it fast."""
    return Response(orjson.dumps(data, option=orjson.OPT_SORT_KEYS), status, media_type="application/json")


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


def create_calibre_app(engine: Engine, authorize: Any) -> FastAPI:
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

    library = engine.library

    async def records() -> dict[int, Record]:
        return await anyio.to_thread.run_sync(engine.records)

    # Results of recent searches, valid while the library's books are unchanged (as calibre-server does).
    cached: dict[tuple[int, str, tuple[str, ...]], list[Record]] = {}

    @app.get("/health")
    async def health() -> dict[str, str]:
        await records()  # the library must be readable
        return {"calibre_rest_version": CALIBRE_REST_VERSION, "calibre_version": f"librarium {__version__} (native)"}

    @app.get("/books/{book_id}", response_model=None)
    async def get_book(book_id: int) -> Response:
        if book_id <= 0:
            raise CalibreError(400, f"Value id={book_id} cannot be <= 0", prefixed=False)
        rec = (await records()).get(book_id)
        if rec is None:
            raise CalibreError(404, f"book {book_id} does not exist")
        return _json({"books": library.book_json(rec)})

    @app.get("/books", response_model=None)
    async def list_books(
        start: str | None = None,
        limit: str | None = None,
        sort: list[str] = Query(default=[]),  # noqa: B008
        search_terms: list[str] = Query(default=[], alias="search"),  # noqa: B008
    ) -> Response:
        all_records = await records()
        # calibre-rest joins the searches with a space, which lets "a or b" swallow the next one, and
        # shlex-splits quoted phrases apart; each search here is one parenthesised, intact clause.
        query = " and ".join(f"({s})" for s in search_terms if s.strip())
        key = (await anyio.to_thread.run_sync(engine.version), query, tuple(sort))
        found = cached.get(key)
        if found is None:
            try:
                ids = await anyio.to_thread.run_sync(engine.find, query, sort)
            except SearchError as exc:
                raise CalibreError(400, str(exc)) from exc
            found = [all_records[i] for i in ids if i in all_records]
            if len(cached) > 256:
                cached.clear()
            cached[key] = found
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
        return _json({"books": [library.book_json(r) for r in page], "metadata": metadata})

    _write_routes(app, engine)
    return app


ALLOWED_EXTENSIONS = (
    ".azw .azw3 .azw4 .cbz .cbr .cb7 .cbc .chm .djvu .docx .epub .fb2 .fbz .html .htmlz .lit .lrf .mobi .odt .pdf "
    ".prc .pdb .pml .rb .rtf .snb .tcr .txt .txtz"
).split()
_UNDERSTAND = "The browser (or proxy) sent a request that this server could not understand."


async def _json_body(request: Request, *, allow_empty: bool) -> dict[str, Any]:
    if request.headers.get("content-type", "") != "application/json":
        raise CalibreError(415, "Only application/json allowed")
    raw = await request.body()
    if not raw.strip():
        if allow_empty:
            return {}
        raise CalibreError(400, _UNDERSTAND)
    try:
        data = jsonin.parse(raw)
    except jsonin.JsonInputError as exc:
        raise CalibreError(400, _UNDERSTAND) from exc
    _validate(data)
    return data  # type: ignore[no-any-return]


def _validate(data: Any) -> None:
    found = validation.errors(data)
    if found:
        raise ValidationFailed(found)


class ValidationFailed(Exception):
    def __init__(self, found: list[dict[str, str]]):
        super().__init__("validation failed")
        self.found = found


def _ids(request: Request, path_id: int | None) -> list[int]:
    """Ids from `?id=` (repeated or comma-separated; wins over the path), else the path id."""
    raw = request.query_params.getlist("id")
    values = [v for item in raw for v in (item.split(",") if len(raw) == 1 else [item])] if raw else []
    if not values:
        if path_id is None:
            raise CalibreError(400, _UNDERSTAND)
        values = [str(path_id)]
    try:
        ids = [int(v) for v in values]
    except ValueError as exc:
        bad = next(v for v in values if not v.strip().lstrip("-").isdigit())
        raise CalibreError(400, f"invalid literal for int() with base 10: {bad!r}", prefixed=False) from exc
    negative = [i for i in ids if i < 0]
    if negative:
        raise CalibreError(400, f"ids={negative} not allowed", prefixed=False)
    if 0 in ids:
        raise CalibreError(400, "Value id=0 cannot be <= 0", prefixed=False)
    return ids


def _write_routes(app: FastAPI, engine: Engine) -> None:
    library = engine.library
    lock = anyio.Lock()  # one writer at a time (calibre's metadata.db allows no more)

    @app.exception_handler(ValidationFailed)
    async def _invalid_body(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ValidationFailed)
        return JSONResponse({"errors": exc.found}, status_code=422)

    async def write(fn: Any, *args: Any) -> Any:
        async with lock:
            try:
                return await anyio.to_thread.run_sync(fn, *args)
            except writer.WriteError as exc:
                raise CalibreError(exc.status, exc.message) from exc
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc):
                    raise CalibreError(503, "the library is locked by another program; try again") from exc
                raise

    @app.post("/books/empty", status_code=201)
    async def add_empty(request: Request) -> dict[str, list[str]]:
        data = await _json_body(request, allow_empty=True)
        data.pop("automerge", None)

        return {"id": [str(await write(engine.add_empty, data))]}

    @app.post("/books", status_code=201, response_model=None)
    async def add_files(request: Request) -> JSONResponse | dict[str, list[str]]:
        if "multipart/form-data" not in request.headers.get("content-type", ""):
            raise CalibreError(415, "Only multipart/form-data allowed")
        try:
            form = await request.form()
        except (MultiPartException, StarletteHTTPException) as exc:
            # no boundary, or no body: calibre-rest finds no files in it
            raise CalibreError(422, "No file(s) provided") from exc
        uploads = [(k, v) for k, v in form.multi_items() if not isinstance(v, str)]
        if not uploads:
            raise CalibreError(422, "No file(s) provided")
        for _, upload in uploads:
            name = upload.filename or ""
            if name.startswith("-") or not any(name.lower().endswith(ext) for ext in ALLOWED_EXTENSIONS):
                raise CalibreError(422, f"Invalid filename ({name})")
        data: dict[str, Any] = {}
        raw = form.get("data")
        if isinstance(raw, str) and raw.strip():
            try:
                data = jsonin.parse(raw)
            except jsonin.JsonInputError as exc:
                # calibre-rest answers 500 here; it is the client's mistake
                raise CalibreError(400, f"Error decoding JSON: {exc}", prefixed=False) from exc
            _validate(data)
        mode = data.pop("automerge", "ignore")
        with tempfile.TemporaryDirectory(prefix="librarium-calibre-") as tmp:
            staged = []
            for index, (_, upload) in enumerate(uploads):
                name = upload.filename or ""
                path = Path(tmp) / f"{index}{Path(name).suffix.lower()}"
                await anyio.to_thread.run_sync(_save, upload.file, path)
                staged.append((name, path))
            added, clashes = await write(engine.add_files, staged, data, mode)
        if clashes:
            names = ", ".join(clashes)
            return JSONResponse(
                {"error": f"Book {names} already exists. Include automerge=overwrite to overwrite."}, status_code=409
            )
        return {"id": [str(i) for i in added]}

    @app.put("/books/{book_id}")
    async def update(book_id: int, request: Request) -> dict[str, Any]:
        data = await _json_body(request, allow_empty=False)
        if data == {}:
            raise CalibreError(400, "No data provided")
        if book_id <= 0:
            raise CalibreError(400, f"Value id={book_id} cannot be <= 0", prefixed=False)
        for ignored in ("automerge", "id", "size"):  # calibre-rest crashes (500) on these
            data.pop(ignored, None)

        await write(engine.update, book_id, data)
        rec = (await anyio.to_thread.run_sync(engine.records)).get(book_id)
        assert rec is not None
        return {"books": library.book_json(rec)}

    async def delete(request: Request, book_id: int | None) -> Response:
        ids = _ids(request, book_id)
        await write(engine.delete, ids)
        left = [i for i in ids if i in await anyio.to_thread.run_sync(engine.records)]
        if left:
            raise CalibreError(500, f"book {left[0]} was not deleted", prefixed=False)
        return Response(status_code=200, media_type="application/json")

    @app.delete("/books/{book_id}")
    async def delete_one(book_id: int, request: Request) -> Response:
        return await delete(request, book_id)

    @app.delete("/books")
    async def delete_many(request: Request) -> Response:
        return await delete(request, None)

    async def export(request: Request, book_id: int | None) -> Response:
        ids = _ids(request, book_id)
        files = await write(engine.export_files, ids)
        if not files:
            raise CalibreError(404, "the requested books have no files to export")
        if len(files) == 1:
            name, path = files[0]
            media = mimetypes.guess_type(name)[0] or "application/octet-stream"
            plain = name.encode("ascii", "replace").decode().replace('"', "'")
            disposition = f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name)}"
            return FileResponse(path, media_type=media, headers={"Content-Disposition": disposition})
        return _zip_response(files)

    @app.get("/export/{book_id}", response_model=None)
    async def export_one(book_id: int, request: Request) -> Response:
        return await export(request, book_id)

    @app.get("/export", response_model=None)
    async def export_many(request: Request) -> Response:
        return await export(request, None)


def _save(source: Any, path: Path) -> None:
    with open(path, "wb") as handle:
        shutil.copyfileobj(source, handle)


def _zip_response(files: list[tuple[str, Path]]) -> Response:
    """A zip of the files, members in the order given (book id order), written to a temporary file that
    is removed once sent (calibre-rest reuses one shared exports.zip in /tmp and never deletes it)."""
    handle = tempfile.NamedTemporaryFile(prefix="librarium-export-", suffix=".zip", delete=False)  # noqa: SIM115
    used: set[str] = set()
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED) as archive:
        for name, path in files:
            member, n = name, 1
            while member in used:
                n += 1
                stem, dot, ext = name.rpartition(".")
                member = f"{stem} ({n}).{ext}" if dot else f"{name} ({n})"
            used.add(member)
            archive.write(path, member)
    handle.close()
    return FileResponse(
        handle.name, media_type="application/zip", filename="exports.zip",
        background=BackgroundTask(os.unlink, handle.name),
    )  # fmt: skip
