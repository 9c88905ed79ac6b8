"""Input checks shared by every domain, with upstream's wording."""

from __future__ import annotations

import uuid

from librarium.errors import BadRequest


def required_text(value: str, field: str = "name", limit: int = 255) -> str:
    """`value` stripped; "<field> is required" when empty, a length message past `limit`."""
    text = value.strip()
    if not text:
        raise BadRequest(f"{field} is required")
    if len(text) > limit:
        raise BadRequest(f"{field} must be at most {limit} characters")
    return text


def parse_uuid(value: str, message: str) -> uuid.UUID:
    """A UUID sent in a body; `message` (e.g. "invalid book_id") when it is not one."""
    try:
        return uuid.UUID(value)
    except (ValueError, AttributeError, TypeError) as exc:
        raise BadRequest(message) from exc


def lenient_int(value: str) -> int:
    """Upstream counts an unparsable integer query parameter as 0."""
    try:
        return int(value)
    except ValueError:
        return 0
