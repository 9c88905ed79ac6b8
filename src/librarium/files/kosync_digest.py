"""KOReader's document id of a file (its "binary" document matching): the MD5 of 1 KiB samples taken at
offsets 256 B, 1 KiB, 4 KiB, 16 KiB … 1 GiB (each four times the last), as far as the file reaches. Cheap
for any size: at most 12 KiB are read."""

from __future__ import annotations

import hashlib
from pathlib import Path

SAMPLE = 1024


def koreader_digest(path: Path) -> str:
    digest = hashlib.md5()  # noqa: S324 (KOReader's identifier, not a security hash)
    with path.open("rb") as handle:
        for power in range(-1, 11):
            handle.seek(SAMPLE << (2 * power) if power >= 0 else SAMPLE >> 2)
            sample = handle.read(SAMPLE)
            if not sample:
                break
            digest.update(sample)
    return digest.hexdigest()
