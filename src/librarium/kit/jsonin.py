"""JSON from clients, parsed with bounds: the one parser for request bodies, the legacy `filter` parameter
and the Calibre API's `data` field."""

from __future__ import annotations

from typing import Any

import orjson

MAX_DEPTH = 32
NUL_MESSAGE = "text must not contain NUL characters"


# JsonInputError.kind
INVALID, NESTED, NUL = "invalid", "nested", "nul"


class JsonInputError(ValueError):
    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


def parse(raw: bytes | str, max_depth: int = MAX_DEPTH) -> Any:
    """The value of `raw`. Refused (JsonInputError): text that is not JSON (orjson also refuses lone
    surrogates, which no database can store, and nesting past its own 1,024 levels, where the standard
    parser would exhaust Python's recursion limit), nesting deeper than `max_depth`, and NUL characters in
    any string, which PostgreSQL cannot store."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if "depth limit" in str(exc).lower() or "recursion" in str(exc).lower():
            raise JsonInputError(NESTED, f"JSON is nested more than {max_depth} levels deep") from exc
        raise JsonInputError(INVALID, "invalid JSON") from exc
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise JsonInputError(NUL, NUL_MESSAGE)
        elif isinstance(item, dict | list):
            if depth > max_depth:
                raise JsonInputError(NESTED, f"JSON is nested more than {max_depth} levels deep")
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return value
