"""The totals of word searches, kept in this process under the library's text version.

A word search's total is the number of the library's books whose search text matches its words, and nothing
but adding, removing or moving a book or changing its search text changes it; each of those grows the
library's `text_version` (kept by the database's triggers, migration 0018, whatever path the change takes). A
total kept under (library, version, words) is therefore exact for as long as the version is the one read in
the request: paging through a broad search, or asking it again, no longer counts its matches each time (30 ms
for a word in a quarter of a 100,000-book library on PostgreSQL). Each server process keeps its own; they
agree because the version is read from the database on every request.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict

from librarium.kit.search import words

KEPT_AT_MOST = 4096  # totals kept; the least recently used goes first

Key = tuple[uuid.UUID, int, tuple[str, ...]]
_kept: OrderedDict[Key, int] = OrderedDict()


def key(library_id: uuid.UUID, text_version: int, q: str) -> Key:
    """Searches of the same words (any case, accents, punctuation or order of spaces) share a total."""
    return library_id, text_version, tuple(words(q))


def get(found: Key | None) -> int | None:
    if found is None or found not in _kept:
        return None
    _kept.move_to_end(found)
    return _kept[found]


def put(found: Key | None, total: int | None) -> None:
    if found is None or total is None:
        return
    _kept[found] = total
    _kept.move_to_end(found)
    while len(_kept) > KEPT_AT_MOST:
        _kept.popitem(last=False)
