"""Reading an uploaded CSV from disk, row by row: UTF-8 (with or without a BOM), UTF-16 (with its BOM) or,
failing that, Windows-1252; comma-, semicolon- or (LibraryThing) tab-separated, quoted fields may span lines,
leading spaces trimmed. The first record is the header. A row with more or fewer fields than the header is read
as it is (upstream rejected the whole file for one). Without a `mapping` from the client, a known export's
header picks its preset (presets.py)."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from librarium.errors import BadRequest
from librarium.imports import presets

FIELDS = ("title", "subtitle", "author", "isbn_13", "isbn_10", "publisher", "publish_date", "description",
          "page_count", "language", "tags", "media_type", "acquired_date", "read_status", "rating", "date_started",
          "date_finished", "review", "shelves", "copies", "read_count", "series", "series_position")  # fmt: skip
DELIMITERS = (",", "\t", ";")


def _delimiter(path: Path, encoding: str) -> str:
    """Whichever of comma, tab and semicolon the header line holds most of (European spreadsheets write `;`)."""
    with path.open(newline="", encoding=encoding) as handle:
        first = handle.readline()
    return max(DELIMITERS, key=first.count)


def _encodings(path: Path) -> tuple[str, ...]:
    """UTF-16 when the file starts with its byte-order mark (Excel's "Unicode text"); else UTF-8 (BOM or not),
    then Windows-1252."""
    with path.open("rb") as handle:
        start = handle.read(2)
    return ("utf-16",) if start in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig", "cp1252")


def _decodes(path: Path, encoding: str) -> bool:
    """Whether the whole file is text in `encoding`: checked before any row is read, so that rows are read (and
    stored) as they come and a bad byte near the end cannot leave half a file behind."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _records(path: Path, encoding: str) -> Iterator[list[str]]:
    delimiter = _delimiter(path, encoding)
    with path.open(newline="", encoding=encoding) as handle:
        yield from csv.reader(handle, delimiter=delimiter, skipinitialspace=True)


def mapped_rows(path: Path, mapping: dict[str, int], preset: str = "") -> tuple[Iterator[dict[str, str]], str]:
    """(each data row as {field: trimmed value}, read as they are asked for; the preset used or "mapping").
    With `mapping` (field → 0-based column) the client decides; without one, the `preset` named, else the one
    the header shows. A file that is not text, or a CSV error (also one met later, while the rows are read),
    is a BadRequest."""
    encoding = next((e for e in _encodings(path) if _decodes(path, e)), None)
    if encoding is None:
        raise BadRequest("parsing CSV: the file is not UTF-8, UTF-16 or Windows-1252 text")
    records = _records(path, encoding)
    try:
        header = next(records, None)
    except csv.Error as exc:
        raise BadRequest(f"parsing CSV: {exc}") from exc
    found = None if mapping or header is None else presets.detect(header, preset)
    used = found[0].name if found else "mapping" if mapping else "none"
    return _data(records, mapping, found[1] if found else None), used


def _data(records: Iterator[list[str]], mapping: dict[str, int], columns: Any) -> Iterator[dict[str, str]]:
    try:
        for record in records:
            if not any(cell.strip() for cell in record):
                continue  # a blank line
            if columns is not None:
                yield presets.apply(columns, record)
            else:
                yield {f: record[i].strip() for f, i in mapping.items() if 0 <= i < len(record)}
    except csv.Error as exc:
        raise BadRequest(f"parsing CSV: {exc}") from exc


def parse_mapping(raw: str | None) -> dict[str, int]:
    import json

    if not raw:
        return {}
    try:
        value: Any = json.loads(raw)
    except ValueError as exc:
        raise BadRequest("invalid mapping JSON") from exc
    if not isinstance(value, dict) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value.values()):
        raise BadRequest("invalid mapping JSON")
    return {str(k): int(v) for k, v in value.items()}
