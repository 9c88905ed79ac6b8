"""Checks every request's text input once, before any route sees it.

* NUL characters: PostgreSQL cannot store them in text columns and answers an error for any statement
  that carries one (upstream: a 500, even for a sign-in attempt). They are refused with a 400 in the path,
  the query string and JSON bodies, on both databases, so the two engines behave alike.
* Body size: JSON and other non-upload bodies are capped (`LIBRARIUM_MAX_JSON_KB`, 413); multipart
  uploads have their own, much larger caps where they are received.
* JSON shape: a body is parsed here with orjson, which refuses what the standard parser would turn into
  a 500 later (nesting deep enough to exhaust Python's recursion limit, lone surrogates that no database
  can encode); nesting is capped (kit.jsonin).
"""

from __future__ import annotations

import json
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from librarium.errors import AppError, BadRequest, PayloadTooLarge, error_response
from librarium.kit import jsonin
from librarium.kit.jsonin import NUL_MESSAGE

_PERCENT_NUL = re.compile(rb"%00")
# bodies that carry files are limited where they are received (files/upload.py, the Calibre API)
_UNCAPPED_TYPES = ("multipart/form-data", "application/octet-stream")


def has_nul(raw: bytes) -> bool:
    return b"\x00" in raw or _PERCENT_NUL.search(raw) is not None


class InputGuard:
    def __init__(self, app: ASGIApp, max_body_bytes: int):
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            if has_nul(scope.get("raw_path") or scope["path"].encode()) or has_nul(scope.get("query_string", b"")):
                raise BadRequest(NUL_MESSAGE)
            headers = {k.lower(): v for k, v in scope.get("headers", [])}
            content_type = headers.get(b"content-type", b"").decode("latin-1").lower()
            if content_type.startswith(_UNCAPPED_TYPES) or scope["method"] in ("GET", "HEAD", "OPTIONS"):
                await self.app(scope, receive, send)
                return
            declared = headers.get(b"content-length", b"")
            if declared.isdigit() and int(declared) > self.max_body_bytes:
                raise PayloadTooLarge(self._too_large())
            body = await self._read(receive)
            if body and "json" in content_type:
                _check_json(body)
        except AppError as exc:
            await error_response(exc.status, exc.message)(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    def _too_large(self) -> str:
        return f"request body must be at most {self.max_body_bytes // 1024} KiB"

    async def _read(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise BadRequest("client disconnected")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise PayloadTooLarge(self._too_large())
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _check_json(body: bytes) -> None:
    try:
        jsonin.parse(body)
    except jsonin.JsonInputError as exc:
        if exc.kind == jsonin.NUL:
            raise BadRequest(NUL_MESSAGE) from exc
        if exc.kind == jsonin.NESTED:
            raise BadRequest(f"request body is nested more than {jsonin.MAX_DEPTH} levels deep") from exc
        if _standard_parser_accepts(body):
            # lone surrogates (no database can encode them) or NaN/Infinity: JSON only to Python's parser
            raise BadRequest("invalid request body") from exc
        # not JSON at all: the route answers in its own words (upstream's, or calibre-rest's)


def _standard_parser_accepts(body: bytes) -> bool:
    try:
        json.loads(body)
    except (ValueError, RecursionError):
        return False
    return True


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
