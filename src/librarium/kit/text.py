"""Small text helpers."""

from __future__ import annotations

import re

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(name: str) -> str:
    """Lower-case; each run of characters outside [a-z0-9] becomes '-'; trim dashes."""
    return _NON_SLUG.sub("-", name.lower()).strip("-")


def like_escape(text: str) -> str:
    """Escape LIKE wildcards so user input matches literally (use with escape='\\')."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
