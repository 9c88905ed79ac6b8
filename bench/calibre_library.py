"""Builds the benchmark's Calibre library with calibre itself: run by calibre's own Python (`calibre-debug -e
bench/calibre_library.py -- FOLDER BOOKS SAMPLE`), it adds the books through calibre's library API (`add_books`),
so the library is exactly as calibre writes one — not as our writer does. Every tenth book gets SAMPLE as a TXT
file. Prints how many books the library has."""

import sys

from calibre.ebooks.metadata.book.base import Metadata
from calibre.library import db

WORDS = "storm night river glass iron silent crimson garden empire ocean forest hollow machine paper golden".split()
AUTHORS = [
    f"{first} {last}" for first in ("Ann", "Bob", "Cleo", "Dan", "Eve") for last in ("Lee", "Moss", "Ng", "Ortiz")
]
BATCH = 500


def metadata(i: int) -> Metadata:
    words = [WORDS[(i * 7 + k) % len(WORDS)] for k in range(1 + i % 3)]
    book = Metadata(" ".join(words).title() + f" {i}", [AUTHORS[i % len(AUTHORS)]])
    book.tags = [WORDS[i % len(WORDS)], WORDS[(i + 3) % len(WORDS)]]
    if i % 4 == 0:
        book.series, book.series_index = "Saga " + WORDS[i % 5], float(i % 12 + 1)
    book.set_identifiers({"isbn": f"978{i:010d}"})
    book.comments = f"<p>Book {i}: {' '.join(WORDS[(i + k) % len(WORDS)] for k in range(40))}.</p>"
    return book


def main(folder: str, books: int, sample: str) -> None:
    cache = db(folder).new_api
    for start in range(0, books, BATCH):
        batch = [(metadata(i), {"TXT": sample} if i % 10 == 0 else {}) for i in range(start, min(books, start + BATCH))]
        cache.add_books(batch, add_duplicates=True)
    print(len(cache.all_book_ids()))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
