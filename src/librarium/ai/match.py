"""Title and author comparison for AI picks: one normal form for every title, used by the fuzzy match, the
read-next lookup and every duplicate check (stored suggestions carry it as `title_key`)."""

from __future__ import annotations

import re

ABBREVIATIONS = {"vol": "volume", "vols": "volume", "ed": "edition", "edn": "edition", "pt": "part", "bk": "book"}
COUNTERS = {"volume", "book", "part", "edition", "number"}
_SEPARATORS = re.compile(r"[^\w]+|_+")


def words(text: str) -> list[str]:
    """Lower-case runs of Unicode letters and digits."""
    return [w for w in _SEPARATORS.split(text.lower()) if w]


def normal_title(title: str) -> str:
    """'Saga, Vol. 1', 'Saga Volume 1' and 'Saga #1' → 'saga 1'; 'Dune (Deluxe Ed)' → 'dune deluxe edition'."""
    found = [ABBREVIATIONS.get(w, w) for w in words(title)]
    kept = [w for i, w in enumerate(found) if not (w in COUNTERS and i + 1 < len(found) and found[i + 1].isdigit())]
    return " ".join(kept)


def titles_match(a: str, b: str) -> bool:
    x, y = normal_title(a), normal_title(b)
    return bool(x and y) and (x == y or x in y or y in x)


def authors_match(a: str, b: str) -> bool:
    """Every name part of the shorter side appears on the other ('Kui, Ryoko' = 'Ryoko Kui'); initials of one
    ASCII letter are ignored."""
    x = [w for w in words(a) if len(w.encode()) > 1]
    y = [w for w in words(b) if len(w.encode()) > 1]
    if not x or not y:
        return False
    fewer, more = (x, set(y)) if len(x) <= len(y) else (y, set(x))
    return all(w in more for w in fewer)
