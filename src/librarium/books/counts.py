"""The totals of word searches, kept in this process under the library's text version.

A word search's total is the number of the library's books whose search text matches its words, and nothing
but adding, removing or moving a book or changing its search text changes it; each of those grows the
library's `text_version` (kept by the database's triggers, migrations 0018 and 0020, whatever path the change
takes). So does a change of a book's sort keys, which decide the books of a letter (the list's `letter`). A
total kept under (library, version, words) is therefore exact for as long as the version is the one read in
the request: paging through a broad search, or asking it again, no longer counts its matches each time (30 ms
for a word in a quarter of a 100,000-book library on PostgreSQL). Each server process keeps its own; they
agree because the version is read from the database on every request.

A narrow search on SQLite keeps its matches too (their rows, at most HITS_AT_MOST of them in all): asked again,
or on its next page, the page is read from them instead of from the full-text index, whose word prefixes cost
most of such a search (1.6 ms of 100,000 books, 49 ms of 1,000,000). The rows are the full-text index's, of
every library; only this library's among them matter, since the page's query keeps its library condition, and
those change only with this library's text version.
"""

from __future__ import annotations

import uuid
from array import array
from collections import OrderedDict

from librarium.kit.search import words

KEPT_AT_MOST = 4096  # totals kept; the least recently used goes first
HITS_AT_MOST = 1_000_000  # rows kept with them, in all (8 bytes each)

Key = tuple[uuid.UUID, int, tuple[str, ...], str]
_kept: OrderedDict[Key, tuple[int, array[int] | None]] = OrderedDict()
_rows = 0  # the rows kept with all the totals


def key(library_id: uuid.UUID, text_version: int, q: str, letter: str = "") -> Key:
    """Searches of the same words (any case, accents, punctuation or order of spaces) and first letter of the
    title share a total."""
    return library_id, text_version, tuple(words(q)), letter.lower()


def get(found: Key | None) -> int | None:
    if found is None or found not in _kept:
        return None
    _kept.move_to_end(found)
    return _kept[found][0]


def hits(found: Key | None) -> list[int] | None:
    """The rows kept with the total (`put`'s `rows`), or None."""
    rows = _kept[found][1] if found is not None and found in _kept else None
    return None if rows is None else rows.tolist()


def put(found: Key | None, total: int | None, rows: list[int] | None = None) -> None:
    """Keeps the total of these words (and with it `rows`, the full-text index's rows that match them)."""
    global _rows
    if found is None or total is None:
        return
    kept = None if rows is None or len(rows) > HITS_AT_MOST else array("q", rows)
    if found in _kept:
        kept = _kept[found][1] if kept is None else kept  # (a sorted page of the search finds no rows to keep)
        _forget(found)
    _kept[found] = (total, kept)
    _rows += 0 if kept is None else len(kept)
    while len(_kept) > KEPT_AT_MOST or _rows > HITS_AT_MOST:
        _forget(next(iter(_kept)))


def _forget(found: Key) -> None:
    global _rows
    rows = _kept.pop(found)[1]
    _rows -= 0 if rows is None else len(rows)
