"""File names and paths: sanitising, upload path templates, and paths that must stay inside a root."""

from __future__ import annotations

import os
import posixpath
import re
import uuid
from pathlib import Path

from librarium.errors import BadRequest
from librarium.files.schemas import BrowseEntry

EBOOK_FORMATS = {
    "epub": "application/epub+zip",
    "pdf": "application/pdf",
    "mobi": "application/x-mobipocket-ebook",
    "azw3": "application/vnd.amazon.ebook",
    "cbz": "application/vnd.comicbook+zip",
    "cbr": "application/vnd.comicbook-rar",
}
AUDIO_FORMATS = {
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "m4b": "audio/mp4",
    "aax": "audio/vnd.audible.aax",
    "aaxc": "audio/vnd.audible.aaxc",
    "ogg": "audio/ogg",
    "flac": "audio/flac",
    "opus": "audio/opus",
}
MEDIA_TYPES = EBOOK_FORMATS | AUDIO_FORMATS
_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
_SPACES = re.compile(r"\s{2,}")


def extension(name: str) -> str:
    return posixpath.splitext(name)[1].lstrip(".").lower()


def check_extension(name: str) -> str:
    ext = extension(name)
    if ext not in MEDIA_TYPES:
        raise BadRequest(f'unsupported file type "{ext}"')
    return ext


def sanitise(text: str) -> str:
    """A safe single path component: no separators or reserved characters, no leading/trailing dots."""
    text = _SPACES.sub(" ", _FORBIDDEN.sub("", text)).strip(" ").strip(".").strip()
    return text[:180] or "unknown"


def render_template(template: str, values: dict[str, str]) -> str:
    """Upstream's tokens ({title}, {author}, {year}, {isbn13}, {isbn10}, {edition}); each token's value is
    one sanitised path component, so a value can never add directories or climb out."""
    out = template
    for token, value in values.items():
        safe = sanitise(value) if token in ("title", "author", "edition") else re.sub(r"[^0-9Xx]", "", value)
        out = out.replace("{" + token + "}", safe)
    parts = [sanitise(p) for p in out.replace("\\", "/").split("/") if p.strip() and p not in (".", "..")]
    return "/".join(parts) or "unknown"


def inside(root: Path, relative: str) -> Path:
    """`root/relative`, refusing anything that escapes the root: `..`, absolute paths, encoded or
    backslash separators, NUL bytes, and symlinks that point outside."""
    if "\x00" in relative or "%2f" in relative.lower() or "%5c" in relative.lower() or "\\" in relative:
        raise BadRequest("path outside root")
    if relative.startswith("/") or any(part == ".." for part in relative.split("/")):
        raise BadRequest("path outside root")
    base = root.resolve()
    target = (base / relative.lstrip("/")).resolve()
    if target != base and base not in target.parents:
        raise BadRequest("path outside root")
    return target


def relative_to(root: Path, path: Path) -> str:
    return path.resolve().relative_to(root.resolve()).as_posix()


def free_name(directory: Path, stem: str, ext: str) -> Path:
    """`stem.ext` in `directory`, or `stem (2).ext`, `stem (3).ext`… when taken."""
    candidate = directory / f"{stem}.{ext}"
    n = 1
    while candidate.exists():
        n += 1
        candidate = directory / f"{stem} ({n}).{ext}"
    return candidate


def temp_path(directory: Path) -> Path:
    return directory / f".upload-{uuid.uuid4().hex}.part"


def listing(root: Path, relative: str) -> list[BrowseEntry]:
    """Entries of a directory inside `root`, sorted by name (upstream's browse shape)."""
    directory = inside(root, relative) if relative.strip("/") else root.resolve()
    if not directory.is_dir():
        raise FileNotFoundError(str(directory))
    prefix = relative_to(root, directory)
    out = []
    for entry in sorted(os.scandir(directory), key=lambda e: e.name.encode()):
        path = entry.name if prefix in ("", ".") else f"{prefix}/{entry.name}"
        try:
            is_dir = entry.is_dir()
            real_inside = inside(root, path) is not None
        except (BadRequest, OSError):
            continue  # a symlink that leads outside the root is not shown
        item = BrowseEntry(name=entry.name, path=path, is_dir=is_dir, is_bookable=False)
        if not is_dir and real_inside:
            item.size = entry.stat().st_size
            item.ext = extension(entry.name)
            item.is_bookable = item.ext in MEDIA_TYPES
        out.append(item)
    return out
