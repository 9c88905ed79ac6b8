"""A Calibre library as import rows: every book of metadata.db (read natively, never written) becomes a row
of the same import job a CSV makes — title, authors, ISBN, publisher, date, languages, tags, series and
index, rating, comments as text — plus the files to link in place and the cover. The import itself is the
imports domain's (`imports.run`): resumable, with per-row messages, and a second run skips what it has."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from librarium.calibre.library import UNDEFINED_DATE, Record, load
from librarium.config import Settings
from librarium.errors import BadRequest
from librarium.files import locations
from librarium.imports.rows import text_of

# calibre stores ISO 639-2/3 codes; the editions hold the two-letter ones where there is one
LANGUAGES = {
    "eng": "en", "fra": "fr", "fre": "fr", "deu": "de", "ger": "de", "spa": "es", "ita": "it", "por": "pt",
    "nld": "nl", "dut": "nl", "rus": "ru", "jpn": "ja", "zho": "zh", "chi": "zh", "kor": "ko", "pol": "pl",
    "swe": "sv", "nor": "no", "nob": "nb", "dan": "da", "fin": "fi", "ces": "cs", "cze": "cs", "tur": "tr",
    "ara": "ar", "heb": "he", "hun": "hu", "ell": "el", "gre": "el", "ukr": "uk", "cat": "ca", "lat": "la",
}  # fmt: skip
COMICS = {"cbz", "cbr", "cb7", "cbt"}


def library_path(settings: Settings, raw: str) -> Path:
    """The folder to import: `raw` inside an allowed storage root, or — empty — LIBRARIUM_CALIBRE_LIBRARY."""
    if not raw.strip():
        if settings.calibre_library is None:
            raise BadRequest("path is required (LIBRARIUM_CALIBRE_LIBRARY is not set)")
        return settings.calibre_library.resolve()
    return locations.allowed_folder(settings, raw, "path")


def read(folder: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(rows, import options) — blocking work, run in a thread by callers."""
    if not (folder / "metadata.db").is_file():
        raise BadRequest(f"not a Calibre library (no metadata.db): {folder}")
    try:
        records = load(folder)
    except Exception as exc:  # noqa: BLE001 (an unreadable or foreign database: the caller's mistake, a 400)
        raise BadRequest(f"reading the Calibre library: {exc}") from exc
    if not records:
        raise BadRequest("no books in the Calibre library")
    rows = [row_of(rec) for _, rec in sorted(records.items())]
    options = {
        "skip_duplicates": True, "default_format": "ebook", "prefer_csv": {}, "enrich_metadata": False,
        "enrich_covers": False, "preset": "calibre", "files_root": str(folder),
    }  # fmt: skip
    return rows, options


def _isbns(raw: str) -> tuple[str, str]:
    digits = re.sub(r"[^0-9Xx]", "", raw)
    return (digits, "") if len(digits) == 13 else ("", digits) if len(digits) == 10 else ("", "")


def row_of(rec: Record) -> dict[str, Any]:
    isbn_13, isbn_10 = _isbns(rec.identifiers.get("isbn", ""))
    kinds = {fmt.lower() for fmt, _, _ in rec.formats}
    language = rec.languages[0] if rec.languages else ""
    row: dict[str, Any] = {
        "title": rec.title,
        # calibre keeps "|" for a comma inside a name; the reader already turned it back
        "author": "; ".join(rec.authors),
        "author_sort": "; ".join(rec.author_sorts) if len(rec.author_sorts) == len(rec.authors) else "",
        "isbn_13": isbn_13,
        "isbn_10": isbn_10,
        "publisher": rec.publisher,
        "publish_date": rec.pubdate[:10] if rec.pubdate != UNDEFINED_DATE else "",
        "description": text_of(rec.comments),
        "tags": ", ".join(rec.tags),
        "language": LANGUAGES.get(language, language),
        "media_type": "comic" if kinds and kinds <= COMICS else "",
        "rating": f"{rec.rating / 2:g}" if rec.rating else "",
        "series": rec.series,
        "series_position": f"{rec.series_index:g}" if rec.series else "",
        "acquired_date": rec.timestamp[:10] if rec.timestamp != UNDEFINED_DATE else "",
        "files": [{"format": fmt, "path": f"{rec.path}/{name}.{fmt.lower()}"} for fmt, name, _ in rec.formats],
        "cover": f"{rec.path}/cover.jpg" if rec.has_cover else "",
        "calibre_id": rec.id,
    }
    return {key: value for key, value in row.items() if value not in ("", [])}
