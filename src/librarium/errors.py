"""Application errors and the handlers that render them as `{"error": "..."}`."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from librarium.logs import redact

log = logging.getLogger("librarium")


class AppError(Exception):
    """An error with an HTTP status and the message the client shows."""

    status = 400

    def __init__(
        self,
        message: str,
        status: int | None = None,
        headers: dict[str, str] | None = None,
        *,
        keep_changes: bool = False,
    ):
        super().__init__(message)
        self.message = message
        # True when the request's writes must be committed even though it answers with this error
        # (e.g. revoking a replayed refresh token).
        self.keep_changes = keep_changes
        if status is not None:
            self.status = status
        self.headers = headers


class BadRequest(AppError):
    status = 400


class Unauthorized(AppError):
    status = 401


class Forbidden(AppError):
    status = 403


class NotFound(AppError):
    status = 404


class Conflict(AppError):
    status = 409


class PayloadTooLarge(AppError):
    status = 413


class TooManyRequests(AppError):
    status = 429


class UpstreamError(AppError):
    """Another server (a provider, a cover host) failed or could not be reached."""

    status = 502


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


# Path parameter name -> upstream's message for an unparsable id.
PATH_ID_MESSAGES = {
    "library_id": "invalid library id",
    "book_id": "invalid book id",
    "edition_id": "invalid edition id",
    "series_id": "invalid series id",
    "shelf_id": "invalid shelf id",
    "tag_id": "invalid tag id",
    "loan_id": "invalid loan id",
    "location_id": "invalid location id",
    "file_id": "invalid file id",
    "contributor_id": "invalid contributor id",
    "work_id": "invalid work id",
    "user_id": "invalid user id",
    "id": "invalid user id",
    "genre_id": "invalid genre id",
    "media_type_id": "invalid media type id",
}


def validation_message(errors: list[Any]) -> str:
    """Turn pydantic's error list into the one line upstream would have answered."""
    for err in errors:
        loc = err.get("loc", ())
        if loc and loc[0] == "path" and len(loc) > 1:
            return PATH_ID_MESSAGES.get(str(loc[1]), f"invalid {loc[1]}")
    for err in errors:
        loc = err.get("loc", ())
        if loc and loc[0] == "query" and len(loc) > 1:
            return f"invalid {loc[1]}"
    for err in errors:
        loc = err.get("loc", ())
        if err.get("type") in _RANGE_ERRORS and loc and loc[0] == "body":
            field = next((str(part) for part in reversed(loc) if isinstance(part, str)), "value")
            return f"{field} is out of range"
    return "invalid request body"


# pydantic's error types for a number outside its field's bounds (kit.schema.Int32, Position, ...)
_RANGE_ERRORS = {"greater_than_equal", "less_than_equal", "greater_than", "less_than", "finite_number"}


async def _app_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return error_response(exc.status, exc.message, exc.headers)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return error_response(400, validation_message(list(exc.errors())))


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    messages = {404: "not found", 405: "method not allowed"}
    detail = exc.detail if isinstance(exc.detail, str) else ""
    if exc.status_code in messages and detail in {"Not Found", "Method Not Allowed", ""}:
        detail = messages[exc.status_code]
    return error_response(exc.status_code, detail or "error", getattr(exc, "headers", None))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, redact(request.url.path), exc_info=exc)
    return error_response(500, "internal server error")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
