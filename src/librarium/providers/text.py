"""Value clean-up shared by the provider clients: dates, descriptions, languages, ISBN picks."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from librarium.kit.dates import flexible

# Open Library's MARC language codes (`/languages/eng`) that upstream maps; others pass through.
MARC_LANGUAGES = {
    "eng": "en", "jpn": "ja", "fre": "fr", "ger": "de", "spa": "es",
    "ita": "it", "por": "pt", "rus": "ru", "chi": "zh", "kor": "ko",
}  # fmt: skip

# Hardcover names languages in English.
LANGUAGE_NAMES = {
    "english": "en", "japanese": "ja", "french": "fr", "german": "de", "spanish": "es", "italian": "it",
    "portuguese": "pt", "russian": "ru", "chinese": "zh", "korean": "ko", "dutch": "nl", "swedish": "sv",
    "norwegian": "no", "danish": "da", "finnish": "fi", "polish": "pl", "czech": "cs", "slovak": "sk",
    "hungarian": "hu", "romanian": "ro", "bulgarian": "bg", "greek": "el", "turkish": "tr", "arabic": "ar",
    "hebrew": "he", "persian": "fa", "hindi": "hi", "bengali": "bn", "urdu": "ur", "tamil": "ta",
    "telugu": "te", "thai": "th", "vietnamese": "vi", "indonesian": "id", "malay": "ms", "tagalog": "tl",
    "ukrainian": "uk", "serbian": "sr", "croatian": "hr", "slovenian": "sl", "lithuanian": "lt",
    "latvian": "lv", "estonian": "et", "icelandic": "is", "irish": "ga", "welsh": "cy", "catalan": "ca",
    "basque": "eu", "galician": "gl", "latin": "la", "esperanto": "eo", "afrikaans": "af", "swahili": "sw",
}  # fmt: skip


def iso_date(value: Any) -> str:
    """Upstream's publish-date rule: a recognised date as YYYY-MM-DD (missing parts = 01), else ""."""
    if not isinstance(value, str):
        return ""
    parsed = flexible(value)
    return parsed.isoformat() if parsed else ""


def life_date(value: Any) -> datetime | None:
    """Birth and death dates ("c. 1850", "1892-01-03", "3 January 1892"): midnight UTC, or None. A bare
    month or day that does not exist gives None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    for prefix in ("circa ", "c. "):
        if text.lower().startswith(prefix):
            text = text[len(prefix) :].strip()
    parsed = flexible(text)
    if parsed is None or (len(text) == 7 and text[4] == "-"):  # YYYY-MM is not one of the accepted forms
        return None
    return datetime(parsed.year, parsed.month, parsed.day, tzinfo=UTC)


def text_of(value: Any) -> str:
    """A string, or Open Library's `{"type": ..., "value": "..."}` form."""
    if isinstance(value, dict):
        value = value.get("value")
    return value.strip() if isinstance(value, str) else ""


def clean_description(value: Any) -> str:
    """Drops Open Library's "Source title: …" lines; a description that starts with one is empty."""
    text = text_of(value)
    if text.lower().startswith("source title:"):
        return ""
    lines = [line for line in text.splitlines() if not line.strip().lower().startswith("source title:")]
    return "\n".join(lines).strip()


def strings(value: Any) -> list[str]:
    """The non-empty strings of a JSON list (anything else: none)."""
    if not isinstance(value, list):
        return []
    return [item.strip() for item in value if isinstance(item, str) and item.strip()]


def first_of_length(values: Any, length: int) -> str:
    for item in strings(values):
        if len(item) == length:
            return item
    return ""


def positive(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def year(value: Any) -> int | None:
    """The year of "2019-05-01" or "2019"; None when the first four characters are not a number."""
    text = str(value or "")[:4]
    return int(text) if len(text) == 4 and text.isdigit() else None


def dig(value: Any, *path: str | int) -> Any:
    """`value[a][b]…`, or None as soon as a step is missing or of the wrong kind."""
    for step in path:
        if isinstance(step, int):
            value = value[step] if isinstance(value, list) and -len(value) <= step < len(value) else None
        else:
            value = value.get(step) if isinstance(value, dict) else None
        if value is None:
            return None
    return value


def as_str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def obj(value: Any) -> dict[str, Any]:
    """A JSON object, or an empty one for anything else."""
    return value if isinstance(value, dict) else {}
