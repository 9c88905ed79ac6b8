"""Putting several providers' answers together: the per-field merge of an ISBN lookup, and the ranking and
de-duplication of a search. Pure functions over results already sorted by provider priority."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from librarium.providers.schemas import Alternative, BookResult, CoverOption, FieldResult, MergedBookResult

SCALARS: dict[str, Callable[[BookResult], str]] = {
    "title": lambda b: b.title,
    "subtitle": lambda b: b.subtitle,
    "authors": lambda b: ", ".join(b.authors or []),
    "description": lambda b: b.description,
    "publisher": lambda b: b.publisher,
    "publish_date": lambda b: b.publish_date,
    "language": lambda b: b.language,
    "isbn_10": lambda b: b.isbn_10,
    "isbn_13": lambda b: b.isbn_13,
    "page_count": lambda b: str(b.page_count) if b.page_count is not None else "",
}


def _field(results: list[BookResult], read: Callable[[BookResult], str]) -> FieldResult | None:
    primary: FieldResult | None = None
    for result in results:
        value = read(result).strip()
        if not value:
            continue
        if primary is None:
            primary = FieldResult(
                value=value, source=result.provider, source_display=result.provider_display, alternatives=[]
            )
        elif value.casefold() != primary.value.casefold():
            primary.alternatives.append(
                Alternative(value=value, source=result.provider, source_display=result.provider_display)
            )
    return primary


def merged(results: list[BookResult]) -> MergedBookResult:
    """Upstream's merge: the first provider (by priority) with a value gives it; later values that differ
    case-insensitively are alternatives; categories and covers are the de-duplicated union."""
    categories: list[str] = []
    seen: set[str] = set()
    covers: list[CoverOption] = []
    for result in results:
        for category in result.categories or []:
            if category.strip() and category.casefold() not in seen:
                seen.add(category.casefold())
                categories.append(category)
        if result.cover_url and all(c.cover_url != result.cover_url for c in covers):
            covers.append(
                CoverOption(source=result.provider, source_display=result.provider_display, cover_url=result.cover_url)
            )
    fields = {name: _field(results, read) for name, read in SCALARS.items()}
    return MergedBookResult(**fields, categories=categories or None, covers=covers or None)


def _fold(value: str) -> str:
    """Letters and digits only, case and accents folded. Upstream keeps only ASCII a–z and 0–9, so a
    Japanese or Cyrillic title never de-duplicates; we keep every script's letters."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


def _keys(book: BookResult) -> list[str]:
    keys = []
    if book.isbn_13:
        keys.append(f"13:{book.isbn_13}")
    if book.isbn_10:
        keys.append(f"10:{book.isbn_10}")
    title, author = _fold(book.title), _fold((book.authors or [""])[0])
    if title and author:
        keys.append(f"ta:{title}|{author}")
    return keys


def _fill(kept: BookResult, other: BookResult) -> None:
    """Blank fields of the kept result take the duplicate's values; the title never changes."""
    for name in ("subtitle", "publisher", "publish_date", "isbn_10", "isbn_13", "description", "cover_url", "language"):
        if not getattr(kept, name):
            setattr(kept, name, getattr(other, name))
    if not kept.authors:
        kept.authors = other.authors
    if kept.page_count is None:
        kept.page_count = other.page_count
    if not kept.categories:
        kept.categories = other.categories


def deduplicated(results: list[BookResult]) -> list[BookResult]:
    """Keeps the first of each book (by ISBN-13, ISBN-10 or title + first author), filling its blanks
    from the later copies."""
    kept: list[BookResult] = []
    owner: dict[str, BookResult] = {}
    for result in results:
        keys = _keys(result)
        match = next((owner[k] for k in keys if k in owner), None)
        if match is None:
            match = result.model_copy(deep=True)
            kept.append(match)
        else:
            _fill(match, result)
        for key in keys + _keys(match):
            owner.setdefault(key, match)
    return kept
