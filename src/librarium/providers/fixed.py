"""The `test` provider: always on, answers only ISBN 12345 with one fixed record (upstream's)."""

from __future__ import annotations

from librarium.providers.base import BOOK_ISBN, Call, Config, Provider
from librarium.providers.schemas import BookResult


class TestProvider(Provider):
    __test__ = False  # not a pytest class

    name = "test"
    display_name = "Test Provider"
    description = "Answers ISBN 12345 with a fixed record, for trying the lookup without a network."
    capabilities = (BOOK_ISBN,)
    remote = False

    def configure(self, stored: dict[str, str], env_url: str) -> Config:
        return Config(enabled=True, base_url="")

    async def lookup_isbn(self, call: Call, isbn: str) -> BookResult | None:
        if isbn != "12345":
            return None
        return self.book(
            title="Test Book",
            subtitle="A book for testing",
            authors=["Test Author"],
            publisher="Test Publisher",
            publish_date="2026-01-01",
            isbn_10="1234567890",
            isbn_13="1234567890123",
            description="A fixed record returned by the test provider.",
            language="en",
        )
