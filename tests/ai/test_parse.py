"""The reply parser against the messy answers models give, and the title/author comparisons."""

from __future__ import annotations

import pytest

from librarium.ai.match import authors_match, normal_title, titles_match
from librarium.ai.parse import Pick, parse_line, split

HAIL = "9780593135204"
HAIL_PICK = Pick("Project Hail Mary", "reason", HAIL, "Andy Weir")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f"1. Project Hail Mary — Andy Weir — {HAIL} — Because you loved The Martian.",
         Pick("Project Hail Mary", "Because you loved The Martian.", HAIL, "Andy Weir")),
        (f"- Project Hail Mary — {HAIL} — Science!", Pick("Project Hail Mary", "Science!", HAIL)),
        ('2) "Project Hail Mary" | Andy Weir | 978-0-593-13520-4 | reason', HAIL_PICK),
        (f"* **Project Hail Mary** - Andy Weir - {HAIL} - reason", HAIL_PICK),
        ("• Dune — a classic you have not read", Pick("Dune", "a classic you have not read")),
        ("3. Dune — Frank Herbert — because of the desert",
         Pick("Dune", "because of the desert", author="Frank Herbert")),
        ("1. The Hobbit — 0-261-10221-4 — short", Pick("The Hobbit", "short", "9780261102217")),  # ISBN-10 → 13
        ("1. Wrong — Someone — 9780593135205 — bad check digit kept",
         Pick("Wrong", "bad check digit kept", "9780593135205", "Someone")),
    ],
)  # fmt: skip
def test_a_pick_line_is_read_whatever_its_punctuation(line, expected):
    assert parse_line(line) == expected


@pytest.mark.parametrize(
    "line", ["", "## Books to buy", "Here are my picks:", "```", "1.", "— reason only", "Sure! Based on your library"]
)
def test_lines_that_are_not_picks_are_skipped(line):
    assert parse_line(line) is None


def test_a_fenced_reply_with_prose_and_a_cut_off_end_is_split_into_buys_and_reads():
    text = f"""Sure! Here are some ideas based on your library.

```markdown
## Books to buy
1. Project Hail Mary — Andy Weir — {HAIL} — You liked The Martian.
2. Project Hail Mary — Andy Weir — {HAIL} — the same pick twice
3. "Piranesi" — Susanna Clarke — 9781635575637 — Quiet and strange.

## Books to read next
1. Dune — You own it and love big worlds.
2. The Left Hand of Darkness — Le Guin at her best.
3. Neuromancer — cut off mid-wo
```
Hope this helps!"""
    buys, reads = split(text)
    assert [p.title for p in buys] == ["Project Hail Mary", "Piranesi"]
    assert [p.title for p in reads] == ["Dune", "The Left Hand of Darkness", "Neuromancer"]
    assert reads[2].reason == "cut off mid-wo"  # a truncated last line still names its book


def test_without_a_read_next_heading_every_pick_is_a_buy():
    buys, reads = split(f"1. Project Hail Mary — Andy Weir — {HAIL} — why\n2. Dune — why")
    assert [p.title for p in buys] == ["Project Hail Mary", "Dune"] and reads == []


@pytest.mark.parametrize(
    ("a", "b"),
    [("Saga, Vol. 1", "Saga Volume 1"), ("Saga #1", "saga 1"), ("Dune (Deluxe Edition)", "Dune Deluxe Ed"),
     ("The Three-Body Problem", "the three body problem"), ("進撃の巨人", "進撃の巨人")],
)  # fmt: skip
def test_titles_normalise_alike(a, b):
    assert normal_title(a) == normal_title(b)


def test_title_and_author_matching():
    assert titles_match("Project Hail Mary", "Project Hail Mary: A Novel")
    assert not titles_match("Dune", "Emma") and not titles_match("", "Dune")
    assert normal_title("Book of the New Sun") == "book of the new sun"
    assert authors_match("Kui, Ryoko", "Ryoko Kui") and authors_match("J. R. R. Tolkien", "Tolkien")
    assert not authors_match("Andy Weir", "Frank Herbert") and not authors_match("J.", "Tolkien")
