"""Which fields an enrichment changes, given the book's current values and the providers' merged answer.

Upstream's rules with its data-loss bugs fixed:
* `fill`: a field takes the provider's value when it is empty — or, with `force` (for every field or for some
  of them), whenever a provider has a value. No provider value never blanks anything (upstream's `force` wiped
  titles and ISBNs).
* Authors are rewritten only when the providers' authors differ from the current ones (upstream rewrote
  them on every run), and only the `author` role: illustrators, narrators and translators stay.
* Genres are only ever added to — or, with `force`, replaced by a non-empty set (upstream emptied them
  when no category matched a genre).
* ISBNs must be valid; dates must parse; page counts must be positive. The narrator is never touched.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from librarium.enrichment import people
from librarium.kit import isbn as isbns
from librarium.kit.dates import flexible
from librarium.providers.schemas import BookResult, FieldResult, MergedBookResult

TEXT_FIELDS = ("title", "subtitle", "description", "publisher", "language")
MAX_LENGTH = {"title": 512, "subtitle": 512, "publisher": 255, "language": 16}
LEADING_INT = re.compile(r"^\s*(\d+)")


Force = bool | frozenset[str]  # every field, or these fields only (an import's `prefer_csv`)
FIELDS = frozenset((*TEXT_FIELDS, "authors", "genres", "isbn_10", "isbn_13", "publish_date", "page_count", "cover"))


def forced(force: Force, name: str) -> bool:
    """Whether the providers' value replaces this field's current one (not only fills it when empty)."""
    return force is True or (not isinstance(force, bool) and name in force)


@dataclass(frozen=True)
class Change:
    field: str
    old: Any
    new: Any
    source: str


def _value(field: FieldResult | None) -> tuple[str, str]:
    return (field.value.strip(), field.source) if field is not None else ("", "")


def _isbn(value: str, kind: str) -> str:
    try:
        return isbns.normalize(value, kind)
    except isbns.InvalidIsbn:
        return ""


def match_genres(categories: list[str], genres: dict[uuid.UUID, str], limit: int = 4) -> list[str]:
    """Upstream's genre normalisation: split on "/" and ",", skip parts with ">" or ":", match genre names
    case-insensitively, shortest names first, at most `limit`."""
    by_name = {name.casefold(): gid for gid, name in genres.items()}
    found: list[uuid.UUID] = []
    for category in categories:
        for part in re.split(r"[/,]", category):
            part = part.strip()
            if not part or ">" in part or ":" in part:
                continue
            gid = by_name.get(part.casefold())
            if gid is not None and gid not in found:
                found.append(gid)
    found.sort(key=lambda gid: len(genres[gid]))
    return [str(gid) for gid in found[:limit]]


def plan(
    current: dict[str, Any],
    merged: MergedBookResult,
    results: list[BookResult],
    genres: dict[uuid.UUID, str],
    *,
    force: Force,
    has_edition: bool,
) -> list[Change]:
    changes: list[Change] = []

    def offer(name: str, new: Any, source: str, empty: bool) -> None:
        if new in ("", None, []) or new == current.get(name):
            return
        if empty or forced(force, name):
            changes.append(Change(name, current.get(name), new, source))

    for name in TEXT_FIELDS:
        if name in ("publisher", "language") and not has_edition:
            continue
        value, source = _value(getattr(merged, name))
        offer(name, value[: MAX_LENGTH[name]] if name in MAX_LENGTH else value, source, current.get(name) in ("", None))

    if merged.authors is not None:
        source = merged.authors.source
        listed = next((r.authors for r in results if r.provider == source and r.authors), [])
        names = people.authors(listed)
        mine = current.get("authors") or []
        if names and {n.casefold() for n in names} != {n.casefold() for n in mine}:
            offer("authors", names, source, not mine)

    mapped = match_genres(merged.categories or [], genres)
    if mapped:
        mine = list(current.get("genres") or [])
        wanted = sorted(mapped) if forced(force, "genres") else sorted(set(mine) | set(mapped))
        if wanted != sorted(mine):
            changes.append(Change("genres", mine, wanted, "categories"))

    if has_edition:
        for name, kind in (("isbn_10", "10"), ("isbn_13", "13")):
            value, source = _value(getattr(merged, name))
            offer(name, _isbn(value, kind) if value else "", source, current.get(name) in ("", None))
        value, source = _value(merged.publish_date)
        parsed = flexible(value) if value else None
        offer("publish_date", parsed.isoformat() if parsed else "", source, current.get("publish_date") in ("", None))
        value, source = _value(merged.page_count)
        count = int(m.group(1)) if (m := LEADING_INT.match(value)) else 0
        offer("page_count", count if 0 < count < 2**31 else None, source, current.get("page_count") is None)
    return changes
