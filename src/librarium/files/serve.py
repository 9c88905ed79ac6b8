"""Serving stored files: ETag / Last-Modified with conditional GET (304), byte ranges (206)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.responses import FileResponse

from librarium.errors import NotFound


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
        stat = path.stat()
    except OSError as exc:
        raise NotFound("file not found") from exc
    modified = datetime.fromtimestamp(int(stat.st_mtime), UTC)
    headers = {
        "ETag": f'"{etag}"',
        "Last-Modified": format_datetime(modified, usegmt=True),
        "Cache-Control": cache_control,
    }
    if _not_modified(request, etag, modified):
        return Response(status_code=304, headers=headers)
    if download_name is not None:
        ascii_name = download_name.encode("ascii", "replace").decode().replace('"', "'")
        headers["Content-Disposition"] = (
            f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(download_name)}"
        )
    return FileResponse(path, media_type=media_type, headers=headers, stat_result=stat)


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
