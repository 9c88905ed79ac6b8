"""Reading a model's reply: one pick per line (`1. Title — Author — ISBN — reason` for buys, `1. Title —
reason` for read-next), under a "Books to buy" and a "Books to read next" heading.

Models wrap lists in code fences, add prose before and after, number with `1.` or `1)` or bullets, use `|` or
` - ` instead of the em dash, quote titles and hyphenate ISBNs; a reply cut off by the token cap ends in a
partial line. Each of these is handled here; lines that are not picks are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from librarium.ai.match import normal_title
from librarium.kit import isbn as isbns

MARKER = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s*")
EMPHASIS = re.compile(r"^\*\*(.+?)\*\*")
QUOTES = "\"'“”‘’*_`"


@dataclass(frozen=True)
class Pick:
    title: str
    reason: str
    isbn: str = ""
    author: str = ""


def _clean(field: str) -> str:
    return field.strip().strip(QUOTES).strip()


def _isbn_like(field: str) -> bool:
    if not field or any(c not in "0123456789Xx- " for c in field):
        return False
    return sum(c.isdigit() or c in "Xx" for c in field) in (10, 13)


def _fields(line: str) -> list[str]:
    for separator in ("—", "–", "|", " - "):  # em dash, en dash, bar, spaced hyphen
        if separator in line:
            return [_clean(f) for f in line.split(separator)]
    return []


def _isbn(field: str) -> str:
    """Digits (and X) only; a valid ISBN-10 becomes its ISBN-13 so both spellings compare equal."""
    raw = field.replace("-", "").replace(" ", "").upper()
    return isbns.key(raw) or raw  # a wrong check digit is kept: the lookup then fails and the fallback runs


def parse_line(raw: str) -> Pick | None:
    line = raw.strip()
    if not line or line.startswith(("#", "```")):
        return None
    line = MARKER.sub("", line, count=1)
    line = EMPHASIS.sub(r"\1", line)  # **Title** — …
    fields = _fields(line)
    if len(fields) < 2 or not fields[0]:
        return None
    title, second, rest = fields[0], fields[1], fields[2:]
    if _isbn_like(second):
        return Pick(title, " — ".join(f for f in rest if f).strip(), _isbn(second))
    if rest and _isbn_like(rest[0]):
        return Pick(title, " — ".join(f for f in rest[1:] if f).strip(), _isbn(rest[0]), author=second)
    if rest:
        # Title — Author — reason (no ISBN): the author is kept, the reason is the last field
        return Pick(title, rest[-1], author=second)
    return Pick(title, second)


def _is_read_next_heading(line: str) -> bool:
    lowered = line.lower()
    return "books to read next" in lowered or (lowered.lstrip().startswith("#") and "read next" in lowered)


def split(text: str) -> tuple[list[Pick], list[Pick]]:
    """(buy picks, read-next picks) in the reply's order; without a read-next heading every pick is a buy.
    Repeated titles within one section are kept once."""
    buys: list[Pick] = []
    reads: list[Pick] = []
    target = buys
    for line in text.splitlines():
        if _is_read_next_heading(line):
            target = reads
            continue
        pick = parse_line(line)
        if pick is not None:
            target.append(pick)
    return _unique(buys), _unique(reads)


def _unique(picks: list[Pick]) -> list[Pick]:
    seen: set[str] = set()
    out: list[Pick] = []
    for pick in picks:
        key = normal_title(pick.title)
        if key and key not in seen:
            seen.add(key)
            out.append(pick)
    return out
