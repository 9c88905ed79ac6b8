"""One CSV row into a book: the values as the book create expects them, with upstream's rules and its mistakes
fixed — ISBNs without separators and with valid check digits, "Last, First" as one person."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from librarium.enrichment import people
from librarium.imports.presets import unwrapped
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
    sort_names: dict[str, str] = field(default_factory=dict)  # lower-cased name → its sort name (Calibre's)
    tags: list[str] = field(default_factory=list)
    media_type: str = ""
    publisher: str = ""
    publish_date: str = ""
    acquired_date: str = ""
    page_count: int | None = None
    language: str = "en"
    # what the exports carry beyond the book: the importing user's reading record, shelves, series, copies
    read_status: str = "unread"
    rating: int | None = None  # 1–10
    date_started: str = ""
    date_finished: str = ""
    review: str = ""
    reread_count: int = 0
    shelves: list[str] = field(default_factory=list)
    series: str = ""
    series_position: float = 0.0
    copies: int = 1

    @property
    def has_reading(self) -> bool:
        return bool(self.read_status != "unread" or self.rating or self.review or self.date_started
                    or self.date_finished)  # fmt: skip

    @property
    def isbn(self) -> str:
        return self.isbn_13 or self.isbn_10


def _isbn(raw: str, kind: str, notes: list[str]) -> str:
    raw = unwrapped(raw)  # Goodreads' `="0441172717"` also arrives through a client's own column mapping
    if not raw:
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


# export values of the reading status → ours (Goodreads shelves, StoryGraph, Libib); others are not statuses
STATUSES = {
    "read": "read", "completed": "read", "finished": "read", "already-read": "read",
    "currently-reading": "reading", "reading": "reading", "in-progress": "reading", "paused": "reading",
    "on-hold": "reading",
    "to-read": "unread", "want-to-read": "unread", "not-begun": "unread", "unread": "unread",
    "did-not-finish": "did_not_finish", "dnf": "did_not_finish", "abandoned": "did_not_finish",
    "unfinished": "did_not_finish",
}  # fmt: skip
SERIES_IN_TITLE = re.compile(r"^(?P<title>.+?)\s*\((?P<series>[^()#]+?),?\s*#(?P<position>\d+(?:\.\d+)?)\)\s*$")
TAGS = re.compile(r"<[^>]+>")
LINE_BREAKS = re.compile(r"<br\s*/?>|</p>", re.IGNORECASE)


def status(raw: str) -> str | None:
    return STATUSES.get(re.sub(r"[\s_]+", "-", raw.strip().lower()))


def stars(raw: str) -> int | None:
    """0–5 stars (halves and quarters) → 1–10; 0 or nothing = unrated."""
    try:
        value = float(raw.strip() or 0)
    except ValueError:
        return None
    return min(10, max(1, int(value * 2 + 0.5))) if 0 < value <= 5 else None


def text_of(html_text: str) -> str:
    """A review as plain text: line breaks kept, tags dropped, entities decoded."""
    return html.unescape(TAGS.sub("", LINE_BREAKS.sub("\n", html_text))).strip()


def _count(raw: str) -> int:
    found = LEADING_INT.match(raw)
    return int(found.group(1)) if found else 0


def _position(raw: str) -> float:
    try:
        value = float(raw.strip() or 0)
    except ValueError:
        return 0.0
    return value if 0 <= value < 1e6 else 0.0


def _reading(raw: dict[str, str], row: Row) -> None:
    exported = raw.get("read_status", "").strip()
    found = status(exported)
    shelves = [s.strip()[:128] for s in re.split(r"[,;]", raw.get("shelves", "")) if s.strip()]
    if exported and found is None:
        shelves.append(exported[:128])  # a Goodreads exclusive shelf of the user's own: kept as a shelf
    row.shelves = [s for s in dict.fromkeys(shelves) if status(s) is None and s.lower() != "your library"]
    started, finished = _date(raw.get("date_started", "")), _date(raw.get("date_finished", ""))
    ranges = [r for r in raw.get("dates_read", "").split(",") if r.strip()]
    if ranges and not started:  # StoryGraph: "2021/07/01-2021/07/21", the last range the latest read
        started = _date(ranges[-1].split("-")[0].replace("/", "-"))
    # LibraryThing has no status: it follows from the dates
    row.read_status = found or ("read" if finished else "reading" if started else "unread")
    row.rating = stars(raw.get("rating", ""))
    row.date_started, row.date_finished = started, finished
    row.review = text_of(raw.get("review", ""))
    row.reread_count = max(0, _count(raw.get("read_count", "")) - 1)
    row.copies = max(1, min(_count(raw.get("copies", "")), 9999))
    series = SERIES_IN_TITLE.match(row.title)
    if raw.get("series", "").strip():  # a series column (a mapping, a Calibre library)
        row.series = raw["series"].strip()[:256]
        row.series_position = _position(raw.get("series_position", ""))
    elif series:  # Goodreads: "The Way of Kings (The Stormlight Archive, #1)"
        row.title, row.series = series.group("title").strip(), series.group("series").strip()[:256]
        row.series_position = float(series.group("position"))


def parse(raw: dict[str, str]) -> Row:
    notes: list[str] = []
    count = LEADING_INT.match(raw.get("page_count", ""))
    pages = int(count.group(1)) if count else 0
    row = Row(
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
    _reading(raw, row)
    if raw.get("author_sort"):  # "; "-separated, one per author (a Calibre library)
        pairs = zip(raw.get("author", "").split("; "), raw["author_sort"].split("; "), strict=False)
        row.sort_names = {name.lower(): sort.strip()[:255] for one, sort in pairs for name, _ in split_people(one)}
    return row


def book_format(raw: str) -> str:
    value = raw.strip().lower()
    return value if value in FORMATS else "paperback"
