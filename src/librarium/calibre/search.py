"""Calibre's search language, evaluated natively over the in-memory library (calibre 6.13 semantics).

`search(records, "title:night or tags:=Classic")` -> matching ids. Syntax errors raise SearchError
with calibre's own message (the API answers 400 where calibredb would exit with an error).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from librarium.calibre.library import UNDEFINED_DATE, Record


class SearchError(ValueError):
    pass


# --- lexing and parsing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    location: str  # "all" or a known location
    value: str
    quoted: bool = False


@dataclass(frozen=True)
class Not:
    node: object


@dataclass(frozen=True)
class And:
    left: object
    right: object


@dataclass(frozen=True)
class Or:
    left: object
    right: object


LOCATIONS = {
    "title": "title", "authors": "authors", "author": "authors", "author_sort": "author_sort",
    "tags": "tags", "tag": "tags", "series": "series", "series_index": "series_index",
    "series_sort": "series_sort", "publisher": "publisher", "rating": "rating", "comments": "comments",
    "comment": "comments", "identifiers": "identifiers", "identifier": "identifiers", "isbn": "isbn",
    "formats": "formats", "format": "formats", "languages": "languages", "language": "languages",
    "pubdate": "pubdate", "date": "date", "last_modified": "last_modified", "size": "size", "cover": "cover",
    "id": "id", "uuid": "uuid", "title_sort": "title_sort",
}  # fmt: skip


def tokenize(text: str) -> list[tuple[str, str]]:
    """(kind, text) with kind in "(", ")", "word", "quoted"."""
    tokens: list[tuple[str, str]] = []
    i, n = 0, len(text)

    def quoted(start: int) -> tuple[str, int] | None:
        out, j = [], start + 1
        while j < n:
            c = text[j]
            if c == "\\" and j + 1 < n and text[j + 1] in '"\\':
                out.append(text[j + 1])
                j += 2
            elif c == '"':
                return "".join(out), j + 1
            else:
                out.append(c)
                j += 1
        return None  # unterminated: calibre stops scanning here

    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "()":
            tokens.append((c, c))
            i += 1
        elif c == '"':
            found = quoted(i)
            if found is None:
                break
            tokens.append(("quoted", found[0]))
            i = found[1]
        else:
            out = []
            while i < n and not text[i].isspace() and text[i] not in '"()':
                if text[i] == "\\" and i + 1 < n and text[i + 1] in '()"\\':
                    out.append(text[i + 1])
                    i += 2
                    continue
                out.append(text[i])
                i += 1
            word = "".join(out)
            if word.endswith(":") and i < n and text[i] == '"':
                found = quoted(i)
                if found is None:
                    break
                tokens.append(("quoted", word + "\0" + found[0]))
                i = found[1]
            else:
                tokens.append(("word", word))
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def is_op(self, name: str) -> bool:
        tok = self.peek()
        return tok is not None and tok[0] == "word" and tok[1].lower() == name

    def parse(self) -> object:
        node = self.or_expr()
        if self.peek() is not None:
            raise SearchError("Extra characters at end of search")
        return node

    def or_expr(self) -> object:
        left = self.and_expr()
        if self.is_op("or"):
            self.pos += 1
            return Or(left, self.or_expr())
        return left

    def and_expr(self) -> object:
        left = self.not_expr()
        if self.is_op("and"):
            self.pos += 1
            return And(left, self.and_expr())
        tok = self.peek()
        if tok is not None and tok[0] != ")" and not self.is_op("or"):
            return And(left, self.and_expr())
        return left

    def not_expr(self) -> object:
        if self.is_op("not"):
            self.pos += 1
            return Not(self.not_expr())
        return self.location_expr()

    def location_expr(self) -> object:
        tok = self.peek()
        if tok is None:
            raise SearchError("Invalid syntax. Expected a lookup name or a word")
        if tok[0] == "(":
            self.pos += 1
            node = self.or_expr()
            if self.peek() is None or self.peek()[0] != ")":  # type: ignore[index]
                raise SearchError("missing )")
            self.pos += 1
            return node
        if tok[0] == ")":
            raise SearchError("Invalid syntax. Expected a lookup name or a word")
        self.pos += 1
        return term(tok)


def term(tok: tuple[str, str]) -> Term:
    kind, text = tok
    if kind == "quoted" and "\0" in text:
        loc, value = text.split("\0", 1)
        return _located(loc[:-1], value, True, loc + value)
    if kind == "quoted":
        return Term("all", text, True)
    if ":" in text:
        loc, value = text.split(":", 1)
        return _located(loc, value, False, text)
    return Term("all", text)


def _located(loc: str, value: str, quoted: bool, whole: str) -> Term:
    key = loc.lower()
    if key in LOCATIONS:
        return Term(LOCATIONS[key], value, quoted)
    if key.startswith("#"):
        return Term(key, value, quoted)
    return Term("all", whole, quoted)


def parse(text: str) -> object | None:
    tokens = tokenize(text)
    return _Parser(tokens).parse() if tokens else None


# --- matching ------------------------------------------------------------------------------------

_LANGUAGES = {
    "english": "eng", "en": "eng", "french": "fra", "fr": "fra", "german": "deu", "de": "deu", "spanish": "spa",
    "es": "spa", "italian": "ita", "it": "ita", "japanese": "jpn", "ja": "jpn", "chinese": "zho", "zh": "zho",
    "russian": "rus", "ru": "rus", "portuguese": "por", "pt": "por", "dutch": "nld", "nl": "nld", "korean": "kor",
    "ko": "kor", "polish": "pol", "pl": "pol", "swedish": "swe", "sv": "swe",
}  # fmt: skip


def canonical_language(value: str) -> str:
    """ "english", "en" -> "eng"; a 3-letter code stays as it is."""
    return _LANGUAGES.get(value.lower(), value.lower())


@lru_cache(maxsize=500_000)
def _primary(text: str) -> str:
    """ICU primary strength, roughly: no case, no accents, no punctuation or spaces (cached: the same
    titles and names are compared on every search)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


def _text_matcher(query: str) -> Callable[[str], bool]:
    if len(query) > 1 and query[0] == "=":
        wanted = query[1:].casefold()
        return lambda v: v.casefold() == wanted
    if len(query) > 1 and query[0] == "~":
        try:
            pattern = re.compile(query[1:], re.IGNORECASE)
        except re.error as exc:
            raise SearchError(f"Invalid regular expression: {exc}") from exc
        return lambda v: pattern.search(v) is not None
    if len(query) > 1 and query[0] == "^":
        wanted = query[1:].casefold()
        return lambda v: wanted in v.casefold()
    if len(query) > 1 and query[0] == "\\":
        query = query[1:]
    wanted = _primary(query)
    return lambda v: wanted in _primary(v)


def _hierarchy_matcher(query: str) -> Callable[[str], bool] | None:
    if query.startswith("=.."):
        part = query[3:].casefold()
        return lambda v: part in v.casefold().split(".")
    if query.startswith("=.") and len(query) > 2:
        head = query[2:].casefold()
        return lambda v: v.casefold() == head or v.casefold().startswith(head + ".")
    return None


def _values(rec: Record, field: str) -> list[str]:
    if field == "title":
        return [rec.title]
    if field == "authors":
        return rec.authors
    if field == "author_sort":
        return [rec.author_sort] if rec.author_sort else []
    if field == "tags":
        return rec.tags
    if field in ("series", "series_sort"):
        return [rec.series] if rec.series else []
    if field == "publisher":
        return [rec.publisher] if rec.publisher else []
    if field == "comments":
        return [rec.comments] if rec.comments else []
    if field == "languages":
        return rec.languages
    if field == "formats":
        return [f for f, _, _ in rec.formats]
    if field == "uuid":
        return [rec.uuid] if rec.uuid else []
    if field == "title_sort":
        return [rec.sort] if rec.sort else []
    return []


_TEXT_FIELDS = ("title", "authors", "tags", "series", "publisher", "comments", "languages", "formats")
_NUMBER = re.compile(r"^(=|!=|>=|<=|>|<)?\s*(-?\d+(?:\.\d+)?)\s*([kmg])?$", re.IGNORECASE)
_COUNT = re.compile(r"^#(=|!=|>=|<=|>|<)?\s*(\d+)$")
_OPS: dict[str, Callable[[float, float], bool]] = {
    "=": lambda a, b: a == b, "!=": lambda a, b: a != b, ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
}  # fmt: skip


def _bool(value: str) -> bool | None:
    v = value.lower()
    return True if v == "true" else False if v == "false" else None


def _text_search(records: Iterable[Record], field: str, value: str) -> set[int]:
    flag = _bool(value)
    if flag is not None:
        return {r.id for r in records if bool([v for v in _values(r, field) if v]) is flag}
    count = _COUNT.match(value)
    if count:
        op, n = _OPS[count.group(1) or "="], float(count.group(2))
        return {r.id for r in records if op(float(len(_values(r, field))), n)}
    if field == "languages":
        value = canonical_language(value)
    matcher = _hierarchy_matcher(value) if field == "tags" else None
    matcher = matcher or _text_matcher(value)
    return {r.id for r in records if any(matcher(v) for v in _values(r, field))}


def _number(value: str) -> tuple[Callable[[float, float], bool], float]:
    m = _NUMBER.match(value.strip())
    if not m:
        raise SearchError(f"Non-numeric value in query: {value!r}")
    scale = {"k": 1024, "m": 1024**2, "g": 1024**3}.get((m.group(3) or "").lower(), 1)
    return _OPS[m.group(1) or "="], float(m.group(2)) * scale


def _numeric_search(records: Iterable[Record], field: str, value: str) -> set[int]:
    def get(r: Record) -> float | None:
        if field == "rating":
            return r.rating / 2 if r.rating else None
        if field == "series_index":
            return r.series_index
        if field == "size":
            return float(max((s for _, _, s in r.formats), default=0)) if r.formats else None
        return float(r.id)

    flag = _bool(value)
    if flag is not None:
        return {r.id for r in records if (get(r) is not None) is flag}
    op, target = _number(value)
    return {r.id for r in records if (v := get(r)) is not None and op(v, target)}


def _date_range(value: str, today: date) -> tuple[str, date, date]:
    """(operator, first day, day after the last) of the period `value` names."""
    m = re.match(r"^(=|!=|>=|<=|>|<)?(.*)$", value.strip())
    assert m is not None
    op, text = m.group(1) or "=", m.group(2).strip().lower()
    if text == "today":
        return op, today, today + timedelta(days=1)
    if text == "yesterday":
        return op, today - timedelta(days=1), today
    if text == "thismonth":
        start = today.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1)
        return op, start, end
    if (ago := re.fullmatch(r"(\d+)daysago", text)) is not None:
        day = today - timedelta(days=int(ago.group(1)))
        return op, day, day + timedelta(days=1)
    parts = re.split(r"[-/]", text)
    try:
        nums = [int(p) for p in parts]
        if len(nums) == 1:
            return op, date(nums[0], 1, 1), date(nums[0] + 1, 1, 1)
        if len(nums) == 2:
            start = date(nums[0], nums[1], 1)
            return op, start, (start + timedelta(days=32)).replace(day=1)
        if len(nums) == 3:
            day = date(nums[0], nums[1], nums[2])
            return op, day, day + timedelta(days=1)
    except ValueError:
        pass
    raise SearchError(f"Date conversion error: {value}")


def _date_test(value: str) -> Callable[[date], bool]:
    op, start, end = _date_range(value, datetime.now(UTC).date())
    tests: dict[str, Callable[[date], bool]] = {
        "=": lambda d: start <= d < end, "!=": lambda d: not start <= d < end, ">": lambda d: d >= end,
        ">=": lambda d: d >= start, "<": lambda d: d < start, "<=": lambda d: d < end,
    }  # fmt: skip
    return tests[op]


def _date_search(records: Iterable[Record], field: str, value: str) -> set[int]:
    def get(r: Record) -> str:
        return {"pubdate": r.pubdate, "date": r.timestamp, "last_modified": r.last_modified}[field]

    flag = _bool(value)
    if flag is not None:
        return {r.id for r in records if (get(r) != UNDEFINED_DATE) is flag}
    test = _date_test(value)
    return {r.id for r in records if test(date.fromisoformat(get(r)[:10]))}


def _identifier_search(records: Iterable[Record], value: str) -> set[int]:
    flag = _bool(value)
    if flag is not None:
        return {r.id for r in records if bool(r.identifiers) is flag}
    if ":" in value:
        kind, val = value.split(":", 1)
        kind_match = _text_matcher(kind) if kind else (lambda _: True)
        val_match = _text_matcher(val) if val else (lambda _: True)
        return {r.id for r in records if any(kind_match(k) and val_match(v) for k, v in r.identifiers.items())}
    matcher = _text_matcher(value)  # without a "type:", calibre matches the values only
    return {r.id for r in records if any(matcher(v) for v in r.identifiers.values())}


def _term(records: list[Record], t: Term, types: dict[str, str]) -> set[int]:
    loc, value = t.location, t.value
    if loc == "all":
        hits: set[int] = set()
        for field in _TEXT_FIELDS:
            hits |= _text_search(records, field, value)
        return hits | _identifier_search(records, value) if ":" not in value else hits
    if loc in ("rating", "series_index", "size", "id"):
        return _numeric_search(records, loc, value)
    if loc in ("pubdate", "date", "last_modified"):
        return _date_search(records, loc, value)
    if loc == "identifiers":
        return _identifier_search(records, value)
    if loc == "isbn":
        return _identifier_search(records, "=isbn:" + value)
    if loc == "cover":
        flag = _bool(value)
        if flag is None:
            raise SearchError(f'Invalid boolean query "{value}"')
        return {r.id for r in records if r.has_cover is flag}
    if loc.startswith("#"):
        return _custom_search(records, loc[1:], value, types)
    return _text_search(records, loc, value)


def _custom_search(records: list[Record], label: str, value: str, types: dict[str, str]) -> set[int]:
    """`#label:value` with the semantics of the column's datatype."""
    kind = types.get(label)
    if kind is None:
        raise SearchError(f"Invalid search location: #{label}")
    values = {r.id: [v for v in r.custom.get(label, []) if v is not None and v != ""] for r in records}
    flag = _bool(value)
    if kind == "bool":
        wanted = value.lower()
        if wanted in ("true", "yes", "checked"):
            return {i for i, v in values.items() if v and bool(v[0])}
        if wanted in ("no", "unchecked"):
            return {i for i, v in values.items() if v and not bool(v[0])}
        if wanted in ("false", "empty", "blank"):
            return {i for i, v in values.items() if not v}
        raise SearchError(f'Invalid boolean query "{value}"')
    if flag is not None:
        return {i for i, v in values.items() if bool(v) is flag}
    if kind in ("int", "float", "rating"):
        op, target = _number(value)
        scale = 0.5 if kind == "rating" else 1.0
        return {i for i, v in values.items() if v and op(float(v[0]) * scale, target)}
    if kind == "datetime":
        test = _date_test(value)
        return {i for i, v in values.items() if v and test(date.fromisoformat(str(v[0])[:10]))}
    matcher = _text_matcher(value)
    return {i for i, v in values.items() if any(matcher(str(x)) for x in v)}


def evaluate(node: object, records: list[Record], universe: set[int], types: dict[str, str]) -> set[int]:
    if isinstance(node, Term):
        return _term(records, node, types)
    if isinstance(node, Not):
        return universe - evaluate(node.node, records, universe, types)
    if isinstance(node, And):
        left = evaluate(node.left, records, universe, types)
        return left & evaluate(node.right, [r for r in records if r.id in left], left, types) if left else set()
    if isinstance(node, Or):
        return evaluate(node.left, records, universe, types) | evaluate(node.right, records, universe, types)
    raise TypeError(node)


def search(records: dict[int, Record], query: str, custom_types: dict[str, str] | None = None) -> set[int]:
    """Ids of the books matching `query` (every book for an empty query). `custom_types` maps custom
    column labels to calibre datatypes, for `#label:` terms."""
    tree = parse(query)
    if tree is None:
        return set(records)
    return evaluate(tree, list(records.values()), set(records), custom_types or {})
