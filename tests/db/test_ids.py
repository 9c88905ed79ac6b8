"""Row ids are time-ordered UUIDs (version 7): unique, and later rows sort after earlier ones — in Python, as text
(SQLite keeps them as hex) and on the wire — so inserts land at the end of the id indexes."""

from __future__ import annotations

import time
import uuid

from librarium.db.base import new_id


def test_ids_are_version_7_uuids_that_sort_by_creation():
    first = new_id()
    time.sleep(0.002)
    later = new_id()
    assert (first.version, first.variant) == (7, uuid.RFC_4122)
    assert first < later and first.hex < later.hex and str(first) < str(later)
    millis = first.int >> 80
    assert abs(millis - time.time_ns() // 1_000_000) < 60_000  # the first 48 bits are the time in milliseconds


def test_ids_made_in_the_same_millisecond_still_differ():
    made = [new_id() for _ in range(20_000)]
    assert len(set(made)) == len(made)
    assert len({i.int & ((1 << 62) - 1) for i in made}) == len(made)  # the random part differs
