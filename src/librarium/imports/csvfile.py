"""Reading an uploaded CSV from disk, row by row: UTF-8 (with or without a BOM), UTF-16 (with its BOM) or,
failing that, Windows-1252; comma-, semicolon- or (LibraryThing) tab-separated, quoted fields may span lines,
leading spaces trimmed. The first record is the header. A row with more or fewer fields than the header is read
as it is (upstream rejected the whole file for one). Without a `mapping` from the client, a known export's
header picks its preset (presets.py)."""

from __future__ import annotations

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


def _records(path: Path, encoding: str) -> Iterator[list[str]]:
    delimiter = _delimiter(path, encoding)
    with path.open(newline="", encoding=encoding) as handle:
        yield from csv.reader(handle, delimiter=delimiter, skipinitialspace=True)


def mapped_rows(path: Path, mapping: dict[str, int], preset: str = "") -> tuple[list[dict[str, str]], str]:
    """(each data row as {field: trimmed value}, the preset used or "mapping"). With `mapping` (field → 0-based
    column) the client decides; without one, the `preset` named, else the one the header shows."""
    for encoding in _encodings(path):
        try:
            rows: list[dict[str, str]] = []
            columns = None
            used = "mapping" if mapping else "none"
            for n, record in enumerate(_records(path, encoding)):
                if n == 0:
                    found = None if mapping else presets.detect(record, preset)
                    if found is not None:
                        used, columns = found[0].name, found[1]
                    continue
                if not any(cell.strip() for cell in record):
                    continue  # a blank line
                if columns is not None:
                    rows.append(presets.apply(columns, record))
                else:
                    rows.append({f: record[i].strip() for f, i in mapping.items() if 0 <= i < len(record)})
            return rows, used
        except UnicodeDecodeError:
            continue
        except csv.Error as exc:
            raise BadRequest(f"parsing CSV: {exc}") from exc
    raise BadRequest("parsing CSV: the file is not UTF-8, UTF-16 or Windows-1252 text")


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
