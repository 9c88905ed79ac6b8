"""One CSV row into a book: the values as the book create expects them, with upstream's rules and its mistakes
fixed — ISBNs without separators and with valid check digits, "Last, First" as one person."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from librarium.enrichment import people
from librarium.kit import isbn as isbns
from librarium.kit.dates import flexible

ROLES = {"author", "artist", "illustrator", "writer", "penciller", "inker", "colorist", "letterer", "translator",
         "editor", "narrator"}  # fmt: skip
ROLE = re.compile(r"\s*\(([^()]*)\)\s*$")
LEADING_INT = re.compile(r"^\s*(\d+)")
FORMATS = ("paperback", "hardcover", "ebook", "audiobook", "digital")


@dataclass
class Row:
    title: str
    subtitle: str = ""
    description: str = ""
    isbn_13: str = ""
    isbn_10: str = ""
    notes: list[str] = field(default_factory=list)
    people: list[tuple[str, str]] = field(default_factory=list)  # (name, role)
    tags: list[str] = field(default_factory=list)
    media_type: str = ""
    publisher: str = ""
    publish_date: str = ""
    acquired_date: str = ""
    page_count: int | None = None
    language: str = "en"

    @property
    def isbn(self) -> str:
        return self.isbn_13 or self.isbn_10


def _isbn(raw: str, kind: str, notes: list[str]) -> str:
    if not raw.strip():
        return ""
    try:
        return isbns.normalize(raw, kind)
    except isbns.InvalidIsbn:
        notes.append(f"ISBN-{kind} {raw!r} is not valid and was left out")
        return ""


def split_people(value: str) -> list[tuple[str, str]]:
    """ "A; B", "A, B, C", "Ann Smith, Bob Jones" and "A & B" are several people; "Surname, First" (one word
    before a single comma) is one ("Tolkien, J.R.R." → "J.R.R. Tolkien"; upstream made it two). A trailing
    "(Illustrator)" sets the role."""
    value = value.strip()
    if not value:
        return []
    if ";" in value:
        parts = value.split(";")
    elif value.count(",") == 1 and " & " not in value and " " not in value.split(",")[0].strip():
        parts = [value]
    else:
        parts = re.split(r",|\s&\s", value)
    found: list[tuple[str, str]] = []
    for part in parts:
        part = " ".join(part.split())
        role = "author"
        match = ROLE.search(part)
        if match and match.group(1).strip().lower() in ROLES:
            role, part = match.group(1).strip().lower(), part[: match.start()].strip()
        for name in people.authors([part]) if part else []:
            if (name, role) not in found:
                found.append((name, role))
    return found


def _date(raw: str) -> str:
    parsed = flexible(raw) if raw.strip() else None
    return parsed.isoformat() if parsed else ""


def parse(raw: dict[str, str]) -> Row:
    notes: list[str] = []
    count = LEADING_INT.match(raw.get("page_count", ""))
    pages = int(count.group(1)) if count else 0
    return Row(
        title=raw.get("title", "").strip()[:512],
        subtitle=raw.get("subtitle", "").strip()[:512],
        description=raw.get("description", "").strip(),
        isbn_13=_isbn(raw.get("isbn_13", ""), "13", notes),
        isbn_10=_isbn(raw.get("isbn_10", ""), "10", notes),
        notes=notes,
        people=split_people(raw.get("author", "")),
        tags=list(dict.fromkeys(t.strip()[:64] for t in raw.get("tags", "").split(",") if t.strip())),
        media_type=raw.get("media_type", "").strip().lower(),
        publisher=raw.get("publisher", "").strip()[:255],
        publish_date=_date(raw.get("publish_date", "")),
        acquired_date=_date(raw.get("acquired_date", "")),
        page_count=pages if 0 < pages < 2**31 else None,
        language=(raw.get("language", "").strip() or "en")[:16],
    )


def book_format(raw: str) -> str:
    value = raw.strip().lower()
    return value if value in FORMATS else "paperback"
