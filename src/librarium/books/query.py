"""Upstream's book query language: tokens, groups of conditions, negation (§7.2).

`parse("bleach not type:Manga")` -> groups ANDed together, each a list of conditions joined by its
mode. The SQL side lives in books/filters.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CONTAINS, NOT_CONTAINS, EQUALS, NOT_EQUALS, PHRASE, REGEX = (
    "contains",
    "not_contains",
    "equals",
    "not_equals",
    "phrase",
    "regex",
)
_NEGATE = {
    CONTAINS: NOT_CONTAINS,
    NOT_CONTAINS: CONTAINS,
    EQUALS: NOT_EQUALS,
    NOT_EQUALS: EQUALS,
    PHRASE: NOT_CONTAINS,
    REGEX: NOT_CONTAINS,
}
_FIELD_ALIASES = {
    "type": ("type", EQUALS),
    "media_type": ("type", EQUALS),
    "tag": ("tag", EQUALS),
    "genre": ("genre", EQUALS),
    "series": ("series", EQUALS),
    "shelf": ("shelf", EQUALS),
    "publisher": ("publisher", EQUALS),
    "language": ("language", EQUALS),
    "contributor": ("contributor", CONTAINS),
    "author": ("contributor", CONTAINS),
    "title": ("title", CONTAINS),
    "isbn": ("isbn", CONTAINS),
    "letter": ("letter", EQUALS),
}
MAX_VALUE_BYTES = 200


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: str = ""

    def negated(self) -> Condition:
        return Condition(self.field, _NEGATE.get(self.op, self.op), self.value)


@dataclass
class Group:
    mode: str = "AND"
    conditions: list[Condition] = field(default_factory=list)


def tokenize(text: str) -> list[str]:
    tokens: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "()":
            tokens.append(c)
            i += 1
        elif c in '"/':
            end = text.find(c, i + 1)
            end = n if end < 0 else end
            tokens.append(c + text[i + 1 : end] + c)
            i = end + 1
        else:
            j = i
            while j < n and text[j] != ":" and not text[j].isspace() and text[j] not in "()":
                j += 1
            if j + 1 < n and text[j] == ":" and text[j + 1] == '"':
                close = text.find('"', j + 2)
                end = n if close < 0 else close + 1
                tokens.append(text[i:end])
                i = end
                continue
            j = i
            while j < n and not text[j].isspace() and text[j] not in "()":
                j += 1
            tokens.append(text[i:j])
            i = j
    return tokens


def condition_for(token: str) -> Condition | None:
    if len(token) >= 2 and token[0] == token[-1] == '"':
        return Condition("title", PHRASE, token[1:-1]) if token[1:-1] else None
    if len(token) >= 2 and token[0] == token[-1] == "/":
        return Condition("title", REGEX, token[1:-1]) if token[1:-1] else None
    colon = token.find(":")
    if 0 < colon < len(token) - 1:
        name, value = token[:colon].lower(), token[colon + 1 :]
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        if name == "has":
            return Condition("has_cover", EQUALS, "") if value.lower() == "cover" else None
        if name in _FIELD_ALIASES:
            target, op = _FIELD_ALIASES[name]
            return Condition(target, op, value)
        return Condition("title", CONTAINS, token)
    return Condition("title", CONTAINS, token)


def _parse(tokens: list[str], pos: int, nested: bool) -> tuple[list[Group], int]:
    groups: list[Group] = []
    current = Group()
    negate = False

    def flush() -> None:
        nonlocal current
        if current.conditions:
            groups.append(current)
        current = Group()

    while pos < len(tokens):
        token = tokens[pos]
        pos += 1
        upper = token.upper()
        if upper == "AND":
            flush()
        elif upper == "OR":
            current.mode = "OR"
        elif upper == "NOT":
            negate = True
        elif token == "(":
            inner, pos = _parse(tokens, pos, nested=True)
            inner = [g for g in inner if g.conditions]
            if negate and inner:
                inner[0].conditions = [c.negated() for c in inner[0].conditions]
                negate = False
            groups.extend(inner)
        elif token == ")":
            if nested:
                break
        else:
            cond = condition_for(token)
            if cond is None:
                continue
            if negate:
                cond, negate = cond.negated(), False
            current.conditions.append(cond)
    flush()
    return groups, pos


def parse(text: str) -> tuple[list[Group], str]:
    """Groups of conditions and the extracted `letter:` value ("" when none)."""
    groups, _ = _parse(tokenize(text), 0, nested=False)
    letter = ""
    for group in groups:
        for cond in group.conditions:
            if cond.field == "letter" and cond.op == EQUALS:
                letter = cond.value
                group.conditions.remove(cond)
                break
        if letter:
            break
    groups = [g for g in groups if g.conditions]
    for group in groups:
        group.conditions = [c for c in group.conditions if len(c.value.encode()) <= MAX_VALUE_BYTES]
    return [g for g in groups if g.conditions], letter
