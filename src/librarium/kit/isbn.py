"""ISBN normalisation and validation: hyphens and spaces ignored, check digits verified, and one key
(the ISBN-13 form) for the ISBN-10 and ISBN-13 of the same book."""

from __future__ import annotations

import re
from functools import lru_cache

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—.]+")


class InvalidIsbn(ValueError):
    pass


def clean(raw: str) -> str:
    """Digits (and a final X) only; upper-case."""
    return _SEPARATORS.sub("", raw.strip()).upper()


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _isbn10_ok(code: str) -> bool:
    if not (_digits(code[:9]) and (code[9] == "X" or _digits(code[9]))):
        return False
    total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(code))
    return total % 11 == 0


def _isbn13_check(first12: str) -> str:
    total = sum(map(int, first12[0::2])) + 3 * sum(map(int, first12[1::2]))
    return str((10 - total % 10) % 10)


def _isbn13_ok(code: str) -> bool:
    return _digits(code) and _isbn13_check(code[:12]) == code[12]


def to_isbn13(isbn10: str) -> str:
    body = "978" + isbn10[:9]
    return body + _isbn13_check(body)


def to_isbn10(isbn13: str) -> str | None:
    if not isbn13.startswith("978"):
        return None
    body = isbn13[3:12]
    total = sum((10 - i) * int(c) for i, c in enumerate(body))
    check = (11 - total % 11) % 11
    return body + ("X" if check == 10 else str(check))


def normalize(raw: str, kind: str | None = None) -> str:
    """A valid ISBN without separators; raises InvalidIsbn. `kind` ("10"/"13") demands a length."""
    code, error = _checked(raw, kind)
    if error:
        raise InvalidIsbn(error)
    return code


# An importer checks each row's ISBNs several times (parse, duplicate check, edition checks): remembered.
@lru_cache(maxsize=16384)
def _checked(raw: str, kind: str | None) -> tuple[str, str]:
    """(the ISBN, "") or ("", why it is invalid)."""
    code = clean(raw)
    if len(code) == 10 and kind in (None, "10"):
        if _isbn10_ok(code):
            return code, ""
        return "", f"invalid ISBN-10 {raw!r}: check digit does not match"
    if len(code) == 13 and kind in (None, "13"):
        if _isbn13_ok(code):
            return code, ""
        return "", f"invalid ISBN-13 {raw!r}: check digit does not match"
    expected = f"ISBN-{kind}" if kind else "an ISBN-10 or ISBN-13"
    return "", f"invalid ISBN {raw!r}: expected {expected}"


def key(raw: str) -> str | None:
    """The ISBN-13 form of a valid ISBN-10 or ISBN-13, else None."""
    code, error = _checked(raw, None)
    if error:
        return None
    return to_isbn13(code) if len(code) == 10 else code
