"""Title and name ordering rules (upstream's sort_title, natural_sort_key and DeriveSortName)."""

from __future__ import annotations

import re

_ARTICLES = [
    "unos", "unas", "eine", "the", "les", "una", "une", "des", "los", "las", "gli", "het", "een",
    "das", "der", "die", "dem", "den", "det", "ein", "ett", "uma", "um", "os", "as", "le", "la",
    "lo", "el", "un", "de", "na", "az", "yr", "il", "et", "en", "y", "an", "o", "a",
]  # fmt: skip
_LEADING_ARTICLE = re.compile(r"^(?:" + "|".join(_ARTICLES) + r")\s+", re.IGNORECASE)
_LEADING_L_APOSTROPHE = re.compile(r"^l'", re.IGNORECASE)
_DIGITS = re.compile(r"[0-9]+")
_SEARCH_STRIP = re.compile(r"[^a-z0-9 ]+")


def sort_title(title: str) -> str:
    """Title without one leading article (41 words, several languages) and a leading "l'"."""
    text = title.strip()
    stripped = _LEADING_ARTICLE.sub("", text, count=1)
    stripped = _LEADING_L_APOSTROPHE.sub("", stripped, count=1)
    return stripped.strip()


def natural_sort_key(title: str) -> str:
    """Lower-case sort title with each digit run left-padded to 10 ("vol 2" < "vol 10")."""
    return _DIGITS.sub(lambda m: m.group(0).rjust(10, "0")[:10], sort_title(title).lower())


def first_letter(title: str) -> str:
    """Upper-case first letter of the sort title when it is A-Z, else ""."""
    head = sort_title(title)[:1].upper()
    return head if "A" <= head <= "Z" else ""


def squash(text: str) -> str:
    """Lower-case with everything but [a-z0-9 ] removed: "Spider-Man" -> "spiderman"."""
    return _SEARCH_STRIP.sub("", text.lower())


_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v", "esq", "esq.", "phd", "ph.d", "ph.d.", "md", "m.d."}
_PARTICLES = {
    "van", "von", "de", "del", "della", "der", "di", "du", "da", "la", "le", "lo", "ten", "ter", "bin", "ibn",
    "al", "el", "mac", "mc", "st", "st.", "saint", "sainte",
}  # fmt: skip


def derive_sort_name(name: str) -> str:
    """ "Surname, Given [Suffix]" for a person's display name (upstream's rules, §7.4)."""
    text = name.strip()
    if not text:
        return ""
    if "," in text or any(c in text for c in "()[]"):
        return text
    tokens = text.split()
    if len(tokens) == 1:
        return tokens[0]
    suffixes: list[str] = []
    while len(tokens) > 1 and tokens[-1].lower().rstrip(",") in _SUFFIXES:
        suffixes.insert(0, tokens.pop())
    if len(tokens) == 1:
        return " ".join([tokens[0], *suffixes])
    surname = [tokens.pop()]
    while len(tokens) > 1 and _is_particle(tokens[-1]):
        surname.insert(0, tokens.pop())
    given = " ".join([*tokens, *suffixes])
    return " ".join(surname) + ", " + given


_PARTICLE_WORDS = {p.rstrip(".") for p in _PARTICLES}


def _is_particle(token: str) -> bool:
    """A surname particle written all in lower case ("van", not "Van")."""
    letters = [c for c in token if c.isalpha()]
    return bool(letters) and all(c.islower() for c in letters) and token.rstrip(".") in _PARTICLE_WORDS
