"""Provider author strings → people. A provider's list has one entry per person, but entries come as
"Tolkien, J.R.R." (one person, surname first), "A; B" or "Name (Illustrator)"."""

from __future__ import annotations

import re

SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "phd", "ph.d.", "md"}
ROLE = re.compile(r"\s*\(([^()]*)\)\s*$")
ROLES = {"author", "artist", "illustrator", "writer", "penciller", "inker", "colorist", "letterer", "translator",
         "editor", "narrator"}  # fmt: skip


def _person(text: str) -> str:
    """ "Tolkien, J.R.R." and "Le Guin, Ursula K." (ISBNdb writes surnames first) → "J.R.R. Tolkien", "Ursula
    K. Le Guin"; "Smith, Jr." and names with more commas stay as written. Providers list one entry per
    person, so a single comma is a surname-first name, never two people."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 2 and all(parts) and parts[1].lower() not in SUFFIXES:
        return f"{parts[1]} {parts[0]}"
    return text


def authors(entries: list[str]) -> list[str]:
    """The authors among a provider's entries, one name per person, in order, without repeats. Entries with
    a non-author role suffix are left out (enrichment writes authors only)."""
    names: list[str] = []
    for entry in entries:
        for piece in re.split(r"\s*;\s*", entry):
            piece = " ".join(piece.split())
            role = ROLE.search(piece)
            if role and role.group(1).strip().lower() in ROLES:
                if role.group(1).strip().lower() not in ("author", "writer"):
                    continue
                piece = piece[: role.start()].strip()
            name = _person(piece)
            if name and name.casefold() not in {n.casefold() for n in names}:
                names.append(name[:255])
    return names
