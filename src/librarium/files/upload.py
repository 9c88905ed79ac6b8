"""Streaming multipart uploads: the file part goes straight to a temporary file next to its final place,
never whole into memory, and nothing half-written is left behind on failure."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from dataclasses import field as default
from pathlib import Path

from fastapi import Request
from python_multipart.multipart import MultipartParser, parse_options_header

from librarium.errors import AppError, BadRequest


@dataclass
class Received:
    field: str = ""
    filename: str = ""
    content_type: str = ""
    size: int = 0
    path: Path | None = None
    fields: dict[str, str] = default(default_factory=dict)  # the other (non-file) parts, when asked for


@dataclass
class _State:
    headers: dict[bytes, bytes] = field(default_factory=dict)
    header_name: bytes = b""
    header_value: bytes = b""
    current: Received | None = None
    handle: object = None
    found: Received | None = None
    too_large: bool = False
    field_name: str = ""
    field_value: bytearray | None = None
    fields: dict[str, str] = field(default_factory=dict)


def _disposition(value: bytes) -> tuple[str, str]:
    _, params = parse_options_header(value)
    name = params.get(b"name", b"").decode("utf-8", "replace")
    filename = params.get(b"filename", b"").decode("utf-8", "replace")
    return name, filename


MAX_FIELD = 256 * 1024


async def receive_file(
    request: Request,
    field_name: str,
    temp_for: Callable[[], Path],
    max_bytes: int,
    *,
    keep_fields: bool = False,
    missing: str | None = None,
) -> Received:
    """Stream the multipart part `field_name` into `temp_for()`. Other parts are skipped — or, with
    `keep_fields`, kept as text (at most 256 KiB each) in `Received.fields`."""
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise BadRequest("invalid multipart form")
    state = _State()

    def on_part_begin() -> None:
        state.headers = {}

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state.header_name += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state.header_value += data[start:end]

    def on_header_end() -> None:
        state.headers[state.header_name.lower()] = state.header_value
        state.header_name, state.header_value = b"", b""

    def on_headers_finished() -> None:
        name, filename = _disposition(state.headers.get(b"content-disposition", b""))
        if name == field_name and state.found is None and state.current is None:
            path = temp_for()
            state.current = Received(name, filename, state.headers.get(b"content-type", b"").decode(), 0, path)
            state.handle = open(path, "wb")  # noqa: SIM115 (closed in on_part_end or on failure)
        elif keep_fields and not filename and name != field_name:
            state.field_name, state.field_value = name, bytearray()

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if state.field_value is not None:
            state.field_value += data[start:end]
            if len(state.field_value) > MAX_FIELD:
                raise BadRequest(f"form field {state.field_name} is too large")
            return
        if state.current is None or state.too_large:
            return
        state.current.size += end - start
        if state.current.size > max_bytes:
            state.too_large = True
            return
        state.handle.write(memoryview(data)[start:end])  # type: ignore[attr-defined]  # (no copy of the slice)

    def on_part_end() -> None:
        if state.field_value is not None:
            state.fields[state.field_name] = state.field_value.decode("utf-8", "replace")
            state.field_name, state.field_value = "", None
        if state.current is not None:
            state.handle.close()  # type: ignore[attr-defined]
            state.found, state.current, state.handle = state.current, None, None

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        },
    )
    try:
        async for chunk in request.stream():
            parser.write(chunk)
            if state.too_large:
                raise AppError(f"file too large (limit {max_bytes // (1024 * 1024)} MB)", 413)
        parser.finalize()
    except AppError:
        _discard(state)
        raise
    except Exception as exc:
        _discard(state)
        raise BadRequest("invalid multipart form") from exc
    if state.current is not None:  # the body ended inside our part
        _discard(state)
        raise BadRequest("invalid multipart form")
    if state.found is None:
        raise BadRequest(missing or (f"{field_name} file is required" if field_name != "file" else "file is required"))
    state.found.fields = state.fields
    return state.found


def _discard(state: _State) -> None:
    for received in (state.current, state.found):
        if state.handle is not None:
            state.handle.close()  # type: ignore[attr-defined]
            state.handle = None
        if received is not None and received.path is not None and received.path.exists():
            os.unlink(received.path)
