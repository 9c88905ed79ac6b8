"""Title -> (series name, position) rules: `suggest` groups volume-numbered titles (§7.5) and
`match` finds a series' volumes among a library's titles (§7.6). Pure functions, no I/O."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

_FLAGS = re.IGNORECASE | re.ASCII
_NUMBER = r"(\d+(?:\.\d+)?)"
_KEYWORDS = r"(?:volume|vol\.?|book|bk\.?|no\.?|chapter|ch\.?)"
_SEPARATORS = "[,:;.\\-\u2013\u2014]"
_KEYWORD_TITLE = re.compile(rf"^(.+?)(?:(?:\s+|{_SEPARATORS}+\s*){_KEYWORDS}|\s*#)\s*{_NUMBER}\b", _FLAGS | re.DOTALL)
_BARE_TITLE = re.compile(rf"^(.*?\S)\s*,?\s+{_NUMBER}\s*$", _FLAGS)
_SERIES_REST = re.compile(rf"^\s*(?:{_SEPARATORS}\s*)?(?:(?:#|{_KEYWORDS})\s*)?{_NUMBER}\b", _FLAGS)
MAX_BARE_NUMBER = 300


def _has_letter(text: str) -> bool:
    # Upstream demands an ASCII letter, so "進撃の巨人 Vol. 2" became "進撃の巨人 Vol"; any letter will do.
    return any(c.isalpha() for c in text)


def _clean_base(text: str) -> str:
    return text.strip().rstrip(" \t,:;.-")


def extract_series_base(title: str) -> tuple[str, float] | None:
    """("Naruto", 3.0) for "Naruto, Vol. 3"; None when the title carries no volume number."""
    text = title.strip()
    if not text:
        return None
    if (m := _KEYWORD_TITLE.match(text)) and _has_letter(base := _clean_base(m.group(1))):
        return base, float(m.group(2))
    if m := _BARE_TITLE.match(text):
        number = float(m.group(2))
        base = _clean_base(m.group(1))
        if number <= MAX_BARE_NUMBER and _has_letter(base):
            return base, number
    return None


def group_key(base: str) -> str:
    return " ".join(base.lower().split())


@dataclass
class Candidate:
    book_id: object
    title: str
    subtitle: str
    position: float
    extra: dict[str, object]


@dataclass
class Suggestion:
    proposed_name: str
    books: list[Candidate]


def suggest(books: list[tuple[object, str, str, dict[str, object]]]) -> list[Suggestion]:
    """Group (book_id, title, subtitle, extra) by series base; groups of two or more, biggest first.
    `books` arrive in title order; each group's name is its most frequent spelling (first seen on ties)."""
    groups: dict[str, list[tuple[str, Candidate]]] = {}
    for book_id, title, subtitle, extra in books:
        found = extract_series_base(title)
        if found is None:
            continue
        base, position = found
        groups.setdefault(group_key(base), []).append((base, Candidate(book_id, title, subtitle, position, extra)))
    out = []
    for members in groups.values():
        if len(members) < 2:
            continue
        counts = Counter(base for base, _ in members)
        best = max(counts.values())
        name = next(base for base, _ in members if counts[base] == best)
        out.append(Suggestion(name, sorted((c for _, c in members), key=lambda c: c.position)))
    out.sort(key=lambda s: (-len(s.books), s.proposed_name.encode()))
    return out


def match_title_to_series(title: str, series_name: str) -> float | None:
    """The volume number of `title` in the series called `series_name`, or None."""
    title, name = title.strip(), series_name.strip()
    if not title or not name or len(title) < len(name):
        return None
    if title[: len(name)].casefold() != name.casefold():
        return None
    rest = title[len(name) :]
    if not rest or (rest[0].isascii() and rest[0].isalnum()):
        return None
    m = _SERIES_REST.match(rest)
    return float(m.group(1)) if m else None


def round_position(value: float) -> Decimal:
    """Positions are kept to one decimal place (1.25 -> 1.3), within ±99999.9."""
    # checked before quantize: 1e300 or inf would raise decimal.InvalidOperation there (upstream: a 500)
    if not math.isfinite(value) or abs(value) > 99999.95:
        raise ValueError("position must be between -99999.9 and 99999.9")
    rounded = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if abs(rounded) > Decimal("99999.9"):
        raise ValueError("position must be between -99999.9 and 99999.9")
    return rounded
