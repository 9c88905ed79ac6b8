"""Date parsing rules shared by editions, interactions and contributors."""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may", "may"),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep"), ("october", "oct"),
         ("november", "nov"), ("december", "dec")]
    )
    for name in names
}  # fmt: skip
_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_MONTH_D_YEAR = re.compile(r"^([A-Za-z]+)\s+(\d{1,2}),?\s+(\d{4})$")
_MONTH_YEAR = re.compile(r"^([A-Za-z]+)\s+(\d{4})$")
_D_MONTH_YEAR = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})$")


def _make(year: int, month: int = 1, day: int = 1) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def flexible(text: str) -> date | None:
    """YYYY-MM-DD, YYYY-MM, YYYY, "March 5, 2021", "Mar 2021", "5 March 2021"; else None."""
    text = text.strip()
    if m := _ISO.match(text):
        return _make(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    if (m := _MONTH_D_YEAR.match(text)) and m.group(1).lower() in _MONTHS:
        return _make(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2)))
    if (m := _MONTH_YEAR.match(text)) and m.group(1).lower() in _MONTHS:
        return _make(int(m.group(2)), _MONTHS[m.group(1).lower()])
    if (m := _D_MONTH_YEAR.match(text)) and m.group(2).lower() in _MONTHS:
        return _make(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
    return None


def strict(text: str) -> date | None:
    """YYYY-MM-DD only; None when it is not a real date."""
    text = text.strip()
    if len(text) != 10 or text[4] != "-" or text[7] != "-" or not text.isascii():
        return None
    year, month, day = text[:4], text[5:7], text[8:]
    if not (year.isdigit() and month.isdigit() and day.isdigit()):
        return None
    return _make(int(year), int(month), int(day))


def partial(text: str) -> date | None:
    """YYYY-MM-DD, YYYY-MM or YYYY (contributor dates)."""
    m = _ISO.match(text.strip())
    return _make(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)) if m else None
