"""Series suggestion and auto-match rules, table-driven (upstream's examples plus our edge cases)."""

from decimal import Decimal

import pytest

from librarium.series.matching import extract_series_base, match_title_to_series, round_position, suggest


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Naruto, Vol. 3", ("Naruto", 3)),
        ("Naruto Vol. 7", ("Naruto", 7)),
        ("One Piece Vol. 12", ("One Piece", 12)),
        ("Bleach #5: The Death Trilogy Overture", ("Bleach", 5)),
        ("Attack on Titan Volume 2", ("Attack on Titan", 2)),
        ("Berserk, Volume 1: The Black Swordsman", ("Berserk", 1)),
        ("Vinland Saga Book 4", ("Vinland Saga", 4)),
        ("Akira 4", ("Akira", 4)),
        ("Akira, 2", ("Akira", 2)),
        ("Chainsaw Man 1.5", ("Chainsaw Man", 1.5)),
        ("Blame! 1", ("Blame!", 1)),
        ("The Wheel of Time, Book 1: The Eye of the World", ("The Wheel of Time", 1)),
        ("Mob Psycho 100", ("Mob Psycho", 100)),
        ("X-Men #12", ("X-Men", 12)),
        ("Naruto Vol 3 (Collector's Edition)", ("Naruto", 3)),
        ("86 Vol. 1", ("86 Vol", 1)),
        ("The Stand", None),
        ("1984", None),
        ("Catch-22", None),
        ("Yearbook 2024", None),
        ("Fahrenheit 451", None),
        # our edge cases
        ("Naruto Volume 01", ("Naruto", 1)),
        ("Naruto #1", ("Naruto", 1)),
        ("Naruto Vol. 1-3", ("Naruto", 1)),  # omnibus: the first number
        ("進撃の巨人 Vol. 2", ("進撃の巨人", 2)),  # any letter counts, not only ASCII
        ("Ünterwelt Band 2", ("Ünterwelt Band", 2)),
        ("", None),
        ("   ", None),
    ],
)
def test_extract_series_base(title, expected):
    assert extract_series_base(title) == expected


def test_suggest_groups_spellings_together():
    books = [
        (1, "Naruto Vol. 1", "", {}),
        (2, "NARUTO Volume 02", "", {}),
        (3, "Naruto #3", "", {}),
        (4, "Bleach 2", "", {}),
        (5, "Bleach 1", "", {}),
        (6, "Lonely 1", "", {}),
        (7, "The Stand", "", {}),
    ]
    groups = suggest(books)
    assert [(g.proposed_name, [c.book_id for c in g.books]) for g in groups] == [
        ("Naruto", [1, 2, 3]),
        ("Bleach", [5, 4]),
    ]


@pytest.mark.parametrize(
    ("title", "series", "expected"),
    [
        ("Bleach #1: The Death and the Strawberry", "Bleach", 1),
        ("Bleach, Vol. 3", "Bleach", 3),
        ("Bleach Volume 7", "Bleach", 7),
        ("Bleach 5", "Bleach", 5),
        ("Bleach: 2", "Bleach", 2),
        ("Bleach #1.5", "Bleach", 1.5),
        ("BLEACH #4", "Bleach", 4),
        ("bleach vol 9", "BLEACH", 9),
        ("Bleach - 2", "Bleach", 2),
        ("Bleach volume12", "Bleach", 12),
        ("Bleach 2020 edition", "Bleach", 2020),
        ("One Piece, Vol. 12", "One Piece", 12),
        ("Bleach: Fade to Black", "Bleach", None),
        ("Bleachers", "Bleach", None),
        ("Bleach7Wonders 1", "Bleach", None),
        ("Bleach", "Bleach", None),
        ("The Bleach 1", "Bleach", None),
        ("Bleach -- 2", "Bleach", None),
        ("Bleach Book Two", "Bleach", None),
        ("Émile, tome 3", "Émile", None),
        ("Émile #3", "émile", 3),
        ("", "Bleach", None),
        ("Bleach 1", "", None),
    ],
)
def test_match_title_to_series(title, series, expected):
    assert match_title_to_series(title, series) == expected


def test_round_position():
    assert round_position(1.25) == Decimal("1.3")
    assert round_position(2) == Decimal("2.0")
    with pytest.raises(ValueError):
        round_position(100000)
