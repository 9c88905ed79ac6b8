"""Does a file's content match its extension? A cheap look at its first bytes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def _mp4(head: bytes) -> bool:
    return head[4:8] == b"ftyp"


def _mp3(head: bytes) -> bool:
    return head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)


_CHECKS: dict[str, Callable[[bytes], bool]] = {
    "epub": lambda h: h.startswith(b"PK\x03\x04"),
    "cbz": lambda h: h.startswith(b"PK\x03\x04"),
    "pdf": lambda h: h.startswith(b"%PDF-"),
    "cbr": lambda h: h.startswith(b"Rar!\x1a\x07"),
    "mobi": lambda h: h[60:68] in (b"BOOKMOBI", b"TEXtREAd"),
    "azw3": lambda h: h[60:68] == b"BOOKMOBI",
    "mp3": _mp3,
    "m4a": _mp4,
    "m4b": _mp4,
    "aax": _mp4,
    "aaxc": _mp4,
    "ogg": lambda h: h.startswith(b"OggS"),
    "opus": lambda h: h.startswith(b"OggS"),
    "flac": lambda h: h.startswith(b"fLaC"),
}


def matches(path: Path, ext: str) -> bool:
    with open(path, "rb") as handle:
        head = handle.read(128)
    check = _CHECKS.get(ext)
    return check is None or bool(check(head))
