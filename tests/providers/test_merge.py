"""The merge of an ISBN lookup and the de-duplication of a search, rule by rule (upstream §2.2/§2.3)."""

from __future__ import annotations

import pytest

from librarium.providers.merge import deduplicated, merged
from librarium.providers.schemas import BookResult

DISPLAY = {"a": "A", "b": "B", "c": "C"}


def book(provider: str, **fields) -> BookResult:
    return BookResult(provider=provider, provider_display=DISPLAY[provider], **fields)


@pytest.mark.parametrize(
    ("results", "field", "expected"),
    [
        # the first provider (by priority) with a value gives it
        ([book("a", title="X"), book("b", title="Y")], "title", ("X", "a", ["Y"])),
        # blanks (after trimming) are skipped
        ([book("a", title="  "), book("b", title=" Y ")], "title", ("Y", "b", [])),
        # alternatives that differ from the primary only in case are dropped…
        ([book("a", title="Dune"), book("b", title="DUNE"), book("c", title="dune")], "title", ("Dune", "a", [])),
        # …but alternatives are not de-duplicated against each other
        ([book("a", title="X"), book("b", title="Y"), book("c", title="Y")], "title", ("X", "a", ["Y", "Y"])),
        # authors are joined with ", "
        ([book("a", authors=["P", "Q"]), book("b", authors=["P"])], "authors", ("P, Q", "a", ["P"])),
        # page counts are strings
        ([book("a"), book("b", page_count=320), book("c", page_count=320)], "page_count", ("320", "b", [])),
    ],
)
def test_scalar_fields(results, field, expected):
    data = merged(results).model_dump()
    value = data[field]
    assert (value["value"], value["source"], [a["value"] for a in value["alternatives"]]) == expected


def test_missing_fields_are_none_and_empty_lists_null():
    data = merged([book("a", title="X")])
    assert (data.subtitle, data.categories, data.covers) == (None, None, None)
    assert merged([]).model_dump(exclude_none=True) == {}


def test_categories_keep_first_spelling_case_insensitively():
    results = [book("a", categories=["Fantasy", "Magic"]), book("b", categories=["fantasy", "Young Adult", "MAGIC"])]
    assert merged(results).categories == ["Fantasy", "Magic", "Young Adult"]


def test_covers_exact_dedupe_in_priority_order():
    results = [book("a", cover_url="u1"), book("b", cover_url="u1"), book("c", cover_url="U1"), book("b")]
    assert [(c.source, c.cover_url) for c in merged(results).covers] == [("a", "u1"), ("c", "U1")]


@pytest.mark.parametrize(
    ("results", "expected"),
    [
        # same ISBN-13
        ([book("a", title="Dune", isbn_13="9780441172719"), book("b", title="Dune (50th)", isbn_13="9780441172719")],
         ["Dune"]),
        # same ISBN-10
        ([book("a", title="X", isbn_10="0441172717"), book("b", title="Y", isbn_10="0441172717")], ["X"]),
        # same normalised title + first author
        ([book("a", title="The Hobbit!", authors=["J.R.R. Tolkien"]),
          book("b", title="the hobbit", authors=["JRR Tolkien", "Other"])], ["The Hobbit!"]),
        # same title, another author: two books
        ([book("a", title="Emma", authors=["Jane Austen"]), book("b", title="Emma", authors=["Someone Else"])],
         ["Emma", "Emma"]),
        # a title with no author makes no title key
        ([book("a", title="Emma"), book("b", title="Emma")], ["Emma", "Emma"]),
        # non-Latin titles de-duplicate too (upstream keeps only ASCII letters, so these never matched)
        ([book("a", title="ノルウェイの森", authors=["村上春樹"]),
          book("b", title="ノルウェイの森", authors=["村上 春樹"])], ["ノルウェイの森"]),
        # accents folded
        ([book("a", title="Café", authors=["Zoë"]), book("b", title="Cafe", authors=["Zoe"])], ["Café"]),
    ],
)  # fmt: skip
def test_dedupe_keys(results, expected):
    assert [b.title for b in deduplicated(results)] == expected


def test_dedupe_fills_blanks_and_registers_new_keys():
    results = [
        book("a", title="Dune", authors=["Frank Herbert"]),
        book("b", title="DUNE", authors=["Frank Herbert"], isbn_13="9780441172719", page_count=896, categories=["SF"],
             description="Arrakis", subtitle="Deluxe"),
        book("c", title="Dune: another", isbn_13="9780441172719", publisher="Ace", cover_url="c.jpg"),
    ]  # fmt: skip
    [kept] = deduplicated(results)
    assert kept.title == "Dune"  # the title is never filled
    assert (kept.isbn_13, kept.page_count, kept.categories, kept.description, kept.subtitle) == (
        "9780441172719", 896, ["SF"], "Arrakis", "Deluxe")  # fmt: skip
    # the third matched through the ISBN the second brought
    assert (kept.publisher, kept.cover_url) == ("Ace", "c.jpg")
    assert results[0].isbn_13 == ""  # the inputs are not changed


def test_dedupe_keeps_order_within_and_across_providers():
    results = [book("a", title="1", isbn_13="1"), book("a", title="2", isbn_13="2"), book("b", title="3", isbn_13="3"),
               book("b", title="1 again", isbn_13="1")]  # fmt: skip
    assert [b.title for b in deduplicated(results)] == ["1", "2", "3"]
