"""Compile query-language conditions (books/query.py) to SQL over `books`.

Free text goes through kit.search.text_match, the one place that knows how each engine searches.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Boolean, ColumnElement, and_, exists, func, not_, or_, select, true

from librarium.books.query import CONTAINS, EQUALS, NOT_CONTAINS, NOT_EQUALS, PHRASE, REGEX, Condition, Group
from librarium.kit import isbn as isbn_kit
from librarium.kit import regex
from librarium.kit.search import fold, text_match, text_match_many
from librarium.kit.sorting import squash
from librarium.kit.text import like_escape
from librarium.models import (
    Book,
    BookContributor,
    BookEdition,
    BookGenre,
    BookSeries,
    BookShelf,
    BookTag,
    Contributor,
    CoverImage,
    Genre,
    MediaType,
    Series,
    Shelf,
    Tag,
)


def search_document(title: str, subtitle: str, description: str, names: list[str]) -> str:
    """The text `q` searches: title, subtitle, contributor names and description, accent-folded, plus the
    title and names with punctuation squeezed out ("Spider-Man" is also found as "spiderman")."""
    parts = [title, squash(fold(title)), subtitle, *names, *(squash(fold(n)) for n in names), description]
    return "\n".join(fold(p) for p in parts if p)


def _like(value: str) -> str:
    return f"%{like_escape(value.lower())}%"


def title_regex(pattern: str, dialect: str) -> ColumnElement[bool]:
    """Case-insensitive regex on the title. Every pattern must compile in RE2 (kit/regex.py: linear-time
    matching; upstream runs Python's backtracking `re` inside SQLite, so one request could hold the server).
    SQLite runs RE2 itself; PostgreSQL runs `~*` on a pattern RE2 accepted (no backreferences), under a
    statement timeout (books/service.py)."""
    regex.compile_insensitive(pattern)
    if dialect == "sqlite":
        return func.librarium_regexp(pattern, Book.title, type_=Boolean)
    return Book.title.regexp_match(pattern, flags="i")


def _named(link_table: type, link_col: str, target: type, name_col: str, value: str) -> ColumnElement[bool]:
    link = link_table.__table__  # type: ignore[attr-defined]
    target_table = target.__table__  # type: ignore[attr-defined]
    return exists(
        select(1)
        .select_from(link.join(target_table, target_table.c.id == link.c[link_col]))
        .where(link.c.book_id == Book.id, func.lower(target_table.c[name_col]) == value.lower())
    )


def _primary_edition(column_name: str, value: str) -> ColumnElement[bool]:
    col = getattr(BookEdition, column_name)
    return exists().where(
        BookEdition.book_id == Book.id, BookEdition.is_primary.is_(True), func.lower(col) == value.lower()
    )


def _positive(cond: Condition, dialect: str) -> ColumnElement[bool] | None:
    f, v = cond.field, cond.value
    if f == "title":
        return text_match(dialect, v, phrase=cond.op == PHRASE)
    if f == "type":
        ids = select(MediaType.id).where(
            or_(func.lower(MediaType.display_name) == v.lower(), func.lower(MediaType.name) == v.lower())
        )
        return Book.media_type_id.in_(ids)
    if f == "tag":
        return _named(BookTag, "tag_id", Tag, "name", v)
    if f == "genre":
        return _named(BookGenre, "genre_id", Genre, "name", v)
    if f == "series":
        return _named(BookSeries, "series_id", Series, "name", v)
    if f == "shelf":
        return _named(BookShelf, "shelf_id", Shelf, "name", v)
    if f == "contributor":
        return exists(
            select(1)
            .select_from(BookContributor)
            .join(Contributor, Contributor.id == BookContributor.contributor_id)
            .where(BookContributor.book_id == Book.id, Contributor.name_lower.like(_like(v), escape="\\"))
        )
    if f in ("publisher", "language"):
        return _primary_edition(f, v)
    if f == "has_cover":
        return exists().where(
            CoverImage.entity_type == "book", CoverImage.entity_id == Book.id, CoverImage.is_primary.is_(True)
        )
    if f == "isbn":
        digits = isbn_kit.clean(v)
        by_text = text_match(dialect, v)
        if not digits:
            return by_text
        by_isbn = exists().where(
            BookEdition.book_id == Book.id,
            or_(
                BookEdition.isbn_13.like(_like(digits), escape="\\"),
                BookEdition.isbn_10.like(_like(digits), escape="\\"),
            ),
        )
        return by_isbn if by_text is None else or_(by_isbn, by_text)
    return None


def compile_condition(cond: Condition, dialect: str) -> ColumnElement[bool] | None:
    if cond.field == "title" and cond.op == REGEX:
        return title_regex(cond.value, dialect)
    if cond.field == "title" and cond.op == NOT_CONTAINS:
        # upstream: only the title is considered for a negated word
        return not_(func.lower(Book.title).like(_like(cond.value), escape="\\"))
    if cond.op in (CONTAINS, EQUALS, PHRASE):
        return _positive(cond, dialect)
    if cond.op in (NOT_CONTAINS, NOT_EQUALS):
        positive = _positive(Condition(cond.field, EQUALS, cond.value), dialect)
        return None if positive is None else not_(positive)
    return None


def starts_with(letter: str) -> ColumnElement[bool]:
    """Sort title starts with `letter` (`#`: with a digit), as a range on the indexed sort key so the
    page comes straight off the (library_id, sort_key) index in order."""
    if letter == "#":
        return and_(Book.sort_key >= "0", Book.sort_key < ":")
    prefix = letter.lower()
    if any(c.isdigit() for c in prefix):  # digits are zero-padded in the sort key
        return Book.sort_title.like(like_escape(prefix) + "%", escape="\\")
    return and_(Book.sort_key >= prefix, Book.sort_key < prefix[:-1] + chr(ord(prefix[-1]) + 1))


def list_condition(
    dialect: str,
    library_id: uuid.UUID,
    groups: list[Group],
    *,
    regex: str = "",
    words: str = "",
    letter: str = "",
    tag: str = "",
    media_type: str = "",
) -> ColumnElement[bool]:
    """The WHERE of a book list: the library, a title regex or free words, the query language's groups, a
    first letter, a tag name and a media type's display name (the last two case-insensitive)."""
    clauses: list[ColumnElement[bool]] = [Book.library_id == library_id]
    found = title_regex(regex, dialect) if regex else text_match(dialect, words)
    if found is not None:
        clauses.append(found)
    clauses.append(compile_groups(groups, dialect))
    if letter:
        clauses.append(starts_with(letter))
    if tag:
        tagged = select(BookTag.book_id).join(Tag, Tag.id == BookTag.tag_id)
        clauses.append(Book.id.in_(tagged.where(func.lower(Tag.name) == tag.lower())))
    if media_type:
        types = select(MediaType.id).where(func.lower(MediaType.display_name) == media_type.lower())
        clauses.append(Book.media_type_id.in_(types))
    return and_(*clauses)


def compile_groups(groups: list[Group], dialect: str) -> ColumnElement[bool]:
    clauses: list[ColumnElement[bool]] = []
    for group in groups:
        any_of = group.mode == "OR"
        # Plain words of a group go to the full-text index together, as one lookup.
        words = [c.value for c in group.conditions if c.field == "title" and c.op == CONTAINS]
        rest = [c for c in group.conditions if not (c.field == "title" and c.op == CONTAINS)]
        parts = [c for c in (compile_condition(cond, dialect) for cond in rest) if c is not None]
        found = text_match_many(dialect, words, any_of=any_of) if words else None
        if found is not None:
            parts.insert(0, found)
        if parts:
            clauses.append(or_(*parts) if any_of else and_(*parts))
    return and_(true(), *clauses)


__all__ = ["compile_groups", "search_document", "text_match", "title_regex"]
