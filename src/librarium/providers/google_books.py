"""Google Books (https://developers.google.com/books/docs/v1/using): volumes by ISBN and search; an API
key from the Google Cloud console."""

from __future__ import annotations

from typing import Any

from librarium.providers import text
from librarium.providers.base import BOOK_ISBN, BOOK_SEARCH, Call, Provider, ProviderError
from librarium.providers.schemas import BookResult


class GoogleBooks(Provider):
    name = "google_books"
    display_name = "Google Books"
    description = "Google's book catalogue: broad coverage, good descriptions and covers."
    capabilities = (BOOK_ISBN, BOOK_SEARCH)
    requires_key = True
    help_text = (
        "Create a project in the Google Cloud console, enable the Books API in its API library, "
        "and create an API key under Credentials."
    )
    help_url = "https://console.cloud.google.com/apis/library/books.googleapis.com"
    default_url = "https://www.googleapis.com/books/v1"

    async def _volumes(self, call: Call, params: dict[str, str]) -> list[dict[str, Any]]:
        status, body = await call.json("GET", "/volumes", params={**params, "key": call.config.api_key})
        if status != 200:
            raise ProviderError(f"google books returned status {status}")
        items = text.dig(body, "items")
        return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []

    async def lookup_isbn(self, call: Call, isbn: str) -> BookResult | None:
        items = await self._volumes(call, {"q": f"isbn:{isbn}"})
        return self._book(items[0]) if items else None

    async def search_books(self, call: Call, query: str) -> list[BookResult]:
        items = await self._volumes(call, {"q": query, "maxResults": "15"})
        books = [self._book(item) for item in items]
        return [book for book in books if book.title]

    def _book(self, item: dict[str, Any]) -> BookResult:
        info = text.obj(item.get("volumeInfo"))
        isbns = {"ISBN_10": "", "ISBN_13": ""}
        for ident in info.get("industryIdentifiers") or []:
            kind = text.dig(ident, "type")
            if kind in isbns:
                isbns[kind] = text.as_str(ident.get("identifier"))  # the last one of each kind wins
        thumbnail = text.as_str(text.dig(info, "imageLinks", "thumbnail"))
        return self.book(
            title=text.as_str(info.get("title")),
            subtitle=text.as_str(info.get("subtitle")),
            authors=text.strings(info.get("authors")) or None,
            publisher=text.as_str(info.get("publisher")),
            description=text.as_str(info.get("description")),
            language=text.as_str(info.get("language")),
            publish_date=text.iso_date(info.get("publishedDate")),
            isbn_10=isbns["ISBN_10"],
            isbn_13=isbns["ISBN_13"],
            page_count=text.positive(info.get("pageCount")),
            cover_url=thumbnail.replace("http://", "https://", 1),
            categories=text.strings(info.get("categories")) or None,
        )
