"""ISBNdb (https://isbndb.com/apidocs/v2): books by ISBN; a paid API key sent in the Authorization header."""

from __future__ import annotations

from librarium.providers import text
from librarium.providers.base import BOOK_ISBN, Call, Provider, ProviderError
from librarium.providers.schemas import BookResult


class Isbndb(Provider):
    name = "isbndb"
    display_name = "ISBNdb"
    description = "Large commercial ISBN database; strong on editions and publishers."
    capabilities = (BOOK_ISBN,)
    requires_key = True
    help_text = "Subscribe to an ISBNdb plan and copy the API key from your account dashboard."
    help_url = "https://isbndb.com/apidocs/v2"
    default_url = "https://api2.isbndb.com"
    concurrency = 2

    async def lookup_isbn(self, call: Call, isbn: str) -> BookResult | None:
        status, body = await call.json("GET", f"/book/{isbn}", headers={"Authorization": call.config.api_key})
        if status == 404:
            return None
        if status != 200:
            raise ProviderError(f"isbndb returned status {status}")
        book = text.dig(body, "book")
        if not isinstance(book, dict):
            return None
        title = text.as_str(book.get("title"))
        long_title = text.as_str(book.get("title_long"))
        return self.book(
            title=title,
            subtitle="" if long_title == title else long_title,
            authors=text.strings(book.get("authors")) or None,
            publisher=text.as_str(book.get("publisher")),
            publish_date=text.as_str(book.get("date_published")),  # raw, as upstream
            description=text.as_str(book.get("synopsis")),
            language=text.as_str(book.get("language")),
            isbn_10=text.as_str(book.get("isbn")),
            isbn_13=text.as_str(book.get("isbn13")),
            cover_url=text.as_str(book.get("image")),
            page_count=text.positive(book.get("pages")),
        )
