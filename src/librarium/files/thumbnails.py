"""Small cover thumbnails for reading apps: made once per stored cover (JPEG, at most 240 px high) and kept
on disk next to nothing else, so a catalogue page of 50 books never resizes 50 images twice."""

from __future__ import annotations

import os
from pathlib import Path

from PIL import Image

HEIGHT = 240


def thumbnail(source: Path, folder: Path, key: str) -> Path:
    """The thumbnail of `source`, made on first use under `folder` (named by `key`, the cover's id)."""
    target = folder / f"{key}.jpg"
    if target.is_file():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    with Image.open(source) as image:
        image.thumbnail((HEIGHT * 2, HEIGHT))
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        image.convert("RGB").save(partial, "JPEG", quality=80)
    partial.replace(target)  # atomic: a concurrent request sees the whole file or none
    return target
