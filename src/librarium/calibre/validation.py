"""calibre-rest's JSON-schema checks, with jsonschema's own messages (`'random' was unexpected`)."""

from __future__ import annotations

from typing import Any

_TYPES: dict[str, tuple[str, ...]] = {
    "authors": ("array", "string"), "author_sort": ("string",), "comments": ("string",), "cover": ("string",),
    "id": ("integer",), "identifiers": ("object",), "isbn": ("string",), "languages": ("array", "string"),
    "pubdate": ("string",), "publisher": ("string",), "rating": ("number",), "series": ("string",),
    "series_index": ("number",), "size": ("number",), "tags": ("array", "string"), "timestamp": ("string",),
    "title": ("string",), "automerge": ("string",),
}  # fmt: skip
AUTOMERGE = ["ignore", "overwrite", "new_record"]


def _py_repr(value: Any) -> str:
    """Python's repr of a JSON value, as jsonschema prints it."""
    if value is True:
        return "True"
    if value is False:
        return "False"
    if value is None:
        return "None"
    if isinstance(value, list):
        return "[" + ", ".join(_py_repr(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_py_repr(k)}: {_py_repr(v)}" for k, v in value.items()) + "}"
    return repr(value)


def _is(value: Any, kind: str) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "array":
        return isinstance(value, list)
    return isinstance(value, dict)


def errors(data: Any) -> list[dict[str, str]]:
    """[] when `data` is valid; else calibre-rest's `errors` list (sorted as it sorts them)."""
    found: list[tuple[str, str]] = []
    if not isinstance(data, dict):
        return [{"key": f"{_py_repr(data)} is not of type 'object'"}]
    for key, value in data.items():
        if key not in _TYPES:
            continue
        kind, *item = _TYPES[key]
        if not _is(value, kind):
            found.append((key, f"{_py_repr(value)} is not of type '{kind}'"))
            continue
        if item:
            for element in value:
                if not _is(element, item[0]):
                    found.append((key, f"{_py_repr(element)} is not of type '{item[0]}'"))
        if key in ("series_index", "id") and value < 0:
            found.append(
                (key, f"{_py_repr(value)} is less than the minimum of {'0.0' if key == 'series_index' else '0'}")
            )
        if key == "automerge" and value not in AUTOMERGE:
            found.append((key, f"{_py_repr(value)} is not one of {_py_repr(AUTOMERGE)}"))
    extra = [k for k in data if k not in _TYPES]
    if extra:
        listed = ", ".join(_py_repr(k) for k in extra)
        verb = "was" if len(extra) == 1 else "were"
        found.append(("key", f"Additional properties are not allowed ({listed} {verb} unexpected)"))
    found.sort(key=lambda e: (e[1], e[0]))  # by message, ties by property (jsonschema: by schema path)
    return [{k: m} for k, m in found]
