"""The apply rules, table-driven against merge results: force never blanks, roles and genres, ISBNs, dates
and page counts; and provider author strings split into people."""

from __future__ import annotations

import uuid

import pytest

from librarium.enrichment.people import authors
from librarium.enrichment.rules import match_genres, plan
from librarium.providers.merge import merged
from librarium.providers.schemas import BookResult

FANTASY, MAGIC_GID, YA = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
GENRES = {FANTASY: "Fantasy", MAGIC_GID: "Magic", YA: "Young Adult"}
EMPTY = {"title": "T", "subtitle": "", "description": "", "authors": [], "genres": [], "publisher": "",
         "language": "", "isbn_10": "", "isbn_13": "", "publish_date": "", "page_count": None}  # fmt: skip


def result(provider: str = "open_library", **fields) -> BookResult:
    return BookResult(provider=provider, provider_display=provider, **fields)


def changes(current, results, *, force=False, has_edition=True):
    return {
        c.field: c.new for c in plan(current, merged(results), results, GENRES, force=force, has_edition=has_edition)
    }


@pytest.mark.parametrize(
    ("current", "found", "force", "expected"),
    [
        # fill: only empty fields, unless forced
        (EMPTY, {"title": "New", "description": "D"}, False, {"description": "D"}),
        (EMPTY, {"title": "New", "description": "D"}, True, {"title": "New", "description": "D"}),
        # forced for some fields only (an import's prefer_csv): those are replaced, the others only filled
        ({**EMPTY, "subtitle": "S", "publisher": "P"}, {"title": "New", "subtitle": "T", "publisher": "Q"},
         frozenset({"publisher", "title"}), {"title": "New", "publisher": "Q"}),
        # force never blanks: providers without a value leave the field alone
        ({**EMPTY, "subtitle": "Mine", "publisher": "P", "isbn_13": "9780439708180"}, {"title": "New"}, True,
         {"title": "New"}),
        # the same value is no change
        ({**EMPTY, "description": "D"}, {"description": "D"}, True, {}),
        # ISBNs must be valid and of their kind
        (EMPTY, {"isbn_13": "978-0-439-70818-0", "isbn_10": "12345"}, False, {"isbn_13": "9780439708180"}),
        # dates: only ones that parse, as ISO
        (EMPTY, {"publish_date": "September 1998"}, False, {"publish_date": "1998-09-01"}),
        (EMPTY, {"publish_date": "someday"}, False, {}),
        ({**EMPTY, "publish_date": "2001-01-01"}, {"publish_date": "1998"}, False, {}),
        # page counts: positive only
        (EMPTY, {"page_count": 309}, False, {"page_count": 309}),
        ({**EMPTY, "page_count": 100}, {"page_count": 309}, False, {}),
        ({**EMPTY, "page_count": 100}, {"page_count": 309}, True, {"page_count": 309}),
    ],
)  # fmt: skip
def test_fill_and_force(current, found, force, expected):
    assert changes(current, [result(**found)], force=force) == expected


def test_edition_fields_need_an_edition():
    assert changes(EMPTY, [result(publisher="P", isbn_13="9780439708180", description="D")], has_edition=False) == {
        "description": "D"}  # fmt: skip


@pytest.mark.parametrize(
    ("mine", "theirs", "force", "expected"),
    [
        ([], ["J. K. Rowling"], False, ["J. K. Rowling"]),
        (["Someone"], ["J. K. Rowling"], False, None),  # not forced: authors already there stay
        (["Someone"], ["J. K. Rowling"], True, ["J. K. Rowling"]),
        (["j. k. rowling"], ["J. K. Rowling"], True, None),  # the same people: no rewrite
        ([], ["Rowling, J.K.", "Mary GrandPré (Illustrator)"], False, ["J.K. Rowling"]),
    ],
)
def test_authors(mine, theirs, force, expected):
    found = changes({**EMPTY, "authors": mine}, [result(authors=theirs)], force=force)
    assert found.get("authors") == expected


def test_authors_come_from_the_provider_that_won():
    results = [result("hardcover", authors=["A. Writer", "B. Writer"]), result("google_books", authors=["Other"])]
    assert changes(EMPTY, results)["authors"] == ["A. Writer", "B. Writer"]


@pytest.mark.parametrize(
    ("mine", "categories", "force", "expected"),
    [
        ([], ["Fantasy", "Juvenile Fiction / Magic", "Fiction > Young Adult", "subject: Magic"], False,
         sorted([str(FANTASY), str(MAGIC_GID)])),
        ([str(YA)], ["Fantasy"], False, sorted([str(YA), str(FANTASY)])),  # added to
        ([str(YA)], ["Fantasy"], True, [str(FANTASY)]),  # replaced
        ([str(YA)], ["Cooking"], True, None),  # never emptied by categories that match nothing
    ],
)  # fmt: skip
def test_genres(mine, categories, force, expected):
    assert changes({**EMPTY, "genres": mine}, [result(categories=categories)], force=force).get("genres") == expected


def test_genre_matching_shortest_first_at_most_four():
    genres = {uuid.uuid4(): name for name in ("Science Fiction", "Horror", "Drama", "Action", "Crime")}
    found = match_genres(["science fiction, horror", "Drama/Action/Crime"], genres)
    assert [genres[uuid.UUID(g)] for g in found] == ["Drama", "Crime", "Horror", "Action"]


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        (["Tolkien, J.R.R."], ["J.R.R. Tolkien"]),
        (["Le Guin, Ursula K."], ["Ursula K. Le Guin"]),
        (["Martin Luther King, Jr."], ["Martin Luther King, Jr."]),
        (["Neil Gaiman", "Terry Pratchett"], ["Neil Gaiman", "Terry Pratchett"]),
        (["Neil Gaiman; Terry Pratchett"], ["Neil Gaiman", "Terry Pratchett"]),
        (["Tite Kubo (Author)", "Someone (Translator)", "  Tite   Kubo "], ["Tite Kubo"]),
        (["村上 春樹"], ["村上 春樹"]),
    ],
)
def test_people(entries, expected):
    assert authors(entries) == expected
