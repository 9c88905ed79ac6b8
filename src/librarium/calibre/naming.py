"""Calibre's rules for author sort, folder names and file names (calibre 6.13 defaults)."""

from __future__ import annotations

import re

from unidecode import unidecode

PATH_LIMIT = 100
_COPYWORDS = {"agency", "corporation", "company", "co.", "council", "committee", "inc.", "institute", "national",
              "society", "club", "team"}  # fmt: skip
_PREFIXES = {"mr", "mrs", "ms", "dr", "prof"}
_SUFFIXES = {"jr", "sr", "inc", "ph.d", "phd", "md", "m.d", "i", "ii", "iii", "iv", "junior", "senior"}
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(1, 10)} | {f"LPT{i}" for i in range(1, 10)}
_BRACKETS = re.compile(r"[\(\[\{].*?[\)\]\}]")


def author_sort(name: str) -> str:
    """ "J. R. R. Tolkien" -> "Tolkien, J. R. R." (method 'comma', calibre's default)."""
    if not name:
        return ""
    text = _BRACKETS.sub("", name.replace("|", ",")).strip()
    if "," in text:
        return text
    tokens = text.split()
    if len(tokens) < 2 or any(t.lower() in _COPYWORDS for t in tokens):
        return text
    first = 0
    while first < len(tokens) and tokens[first].lower().rstrip(".") in _PREFIXES:
        first += 1
    last = len(tokens)
    while last > first and tokens[last - 1].lower().rstrip(".") in _SUFFIXES:
        last -= 1
    if first >= last:
        return text
    core, suffixes = tokens[first:last], tokens[last:]
    if len(core) == 1:
        return " ".join(core + suffixes)
    return " ".join([core[-1] + ",", *core[:-1], *suffixes])


def books_author_sort(authors: list[str]) -> str:
    return " & ".join(author_sort(a) for a in authors)


def split_authors(text: str) -> list[str]:
    """An "A & B" string into names ("&&" is a literal "&")."""
    parts = text.replace("&&", "\0").split("&")
    names = []
    for part in parts:
        names += [n.strip().replace("\0", "&") for n in re.split(r"(?i),?\s+(?:and|with)\s+", part)]
    return [n for n in names if n]


def sanitize(text: str) -> str:
    """calibre's ascii_filename + sanitize_file_name for one path component."""
    text = unidecode(text)
    text = re.sub(r'[\x00-\x1f\\|?*<>":+/]', "_", text)
    text = re.sub(r"\s", " ", text).strip()
    stem, dot, ext = text.rpartition(".")
    if not dot or not ext or " " in ext or len(ext) > 5:
        stem, ext = text, ""
    if stem and set(stem) == {"."}:
        stem = "_"
    stem = stem.replace("..", "_")
    text = f"{stem}.{ext}" if ext else stem
    text = re.sub(r"[. ]$", "_", text)
    return "_" + text[1:] if text.startswith(".") else text


def folder(author: str, title: str, book_id: int) -> str:
    """`<Author>/<Title> (<id>)`, each component cut as calibre cuts it."""
    limit = PATH_LIMIT - len(f" ({book_id})") // 2 - 2
    author_part = sanitize(author)[:limit].rstrip(" .") or "Unknown"
    if author_part.upper() in _RESERVED:
        author_part += "w"
    title_part = sanitize(title.lstrip())[:limit].rstrip() or "Unknown"
    return f"{author_part}/{title_part} ({book_id})"


def file_name(title: str, author: str) -> str:
    """`<Title> - <Author>` (without extension), 42 characters each at most."""
    limit = (PATH_LIMIT - 14 - 2) // 2
    name = (sanitize(title.lstrip())[:limit].rstrip() or "Unknown") + " - " + sanitize(author)[:limit]
    return name.rstrip(".")


_ARTICLES = re.compile(r"^(a|an|the)\s+")


def fuzzy_title(title: str) -> str:
    """The title as calibre compares it when looking for duplicates."""
    text = _ARTICLES.sub("", title.lower().strip())
    return re.sub(r"[\W_]+", "", text)
