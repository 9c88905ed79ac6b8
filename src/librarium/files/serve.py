"""Serving stored files: ETag / Last-Modified with conditional GET (304), byte ranges (206).

The file is opened before anything is answered and the body is read from that open handle, so a delete
that races the download either wins before the open (404) or leaves the reader a complete file (on POSIX
an open file outlives its name). Serving by path would answer 200 and then break off mid-body.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

import anyio
from fastapi import Request, Response
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from librarium.errors import NotFound

CHUNK = 256 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def file_response(
    request: Request,
    path: Path,
    media_type: str,
    *,
    etag: str,
    cache_control: str,
    download_name: str | None = None,
) -> Response:
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise NotFound("file not found") from exc
    try:
        return _answer(request, handle, media_type, etag, cache_control, download_name)
    except BaseException:
        handle.close()
        raise


def _answer(
    request: Request, handle: BinaryIO, media_type: str, etag: str, cache_control: str, download_name: str | None
) -> Response:
    stat = os.fstat(handle.fileno())
    size = stat.st_size
    modified = datetime.fromtimestamp(int(stat.st_mtime), UTC)
    headers = {
        "ETag": f'"{etag}"',
        "Last-Modified": format_datetime(modified, usegmt=True),
        "Cache-Control": cache_control,
        "Accept-Ranges": "bytes",
    }
    if _not_modified(request, etag, modified):
        handle.close()
        return Response(status_code=304, headers=headers)
    if download_name is not None:
        ascii_name = download_name.encode("ascii", "replace").decode().replace('"', "'")
        headers["Content-Disposition"] = (
            f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(download_name)}"
        )
    status, start, end = 200, 0, size
    wanted = request.headers.get("range")
    if wanted and _if_range_matches(request, etag, modified):
        span = _parse_range(wanted, size)
        if span is None:
            handle.close()
            return Response(status_code=416, headers={**headers, "Content-Range": f"bytes */{size}"})
        if span != (0, size):
            status, (start, end) = 206, span
            headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
    headers["Content-Length"] = str(end - start)
    if request.method == "HEAD":
        handle.close()
        return Response(status_code=status, headers=headers, media_type=media_type)
    return StreamingResponse(
        _chunks(handle, start, end),
        status_code=status,
        headers=headers,
        media_type=media_type,
        background=BackgroundTask(handle.close),
    )


async def _chunks(handle: BinaryIO, start: int, end: int) -> AsyncIterator[bytes]:
    position = start
    try:
        while position < end:
            data = await anyio.to_thread.run_sync(os.pread, handle.fileno(), min(CHUNK, end - position), position)
            if not data:  # the file shrank while being sent
                return
            position += len(data)
            yield data
    finally:
        handle.close()


def _parse_range(header: str, size: int) -> tuple[int, int] | None:
    """(start, end) of a single `bytes=` range; None when it cannot be satisfied. Several ranges are
    answered with the whole file, as RFC 9110 allows."""
    if "," in header:
        return 0, size
    match = _RANGE.match(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first:
        if not last or int(last) == 0:
            return None
        return max(size - int(last), 0), size
    start = int(first)
    end = size if not last else min(int(last) + 1, size)
    if start >= size or start >= end:
        return None
    return start, end


def _if_range_matches(request: Request, etag: str, modified: datetime) -> bool:
    condition = request.headers.get("if-range")
    if not condition:
        return True
    if condition.startswith(('"', "W/")):
        return condition == f'"{etag}"'
    try:
        return modified <= parsedate_to_datetime(condition)
    except (TypeError, ValueError):
        return False


def _not_modified(request: Request, etag: str, modified: datetime) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return f'"{etag}"' in tags or "*" in tags
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return modified <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False
