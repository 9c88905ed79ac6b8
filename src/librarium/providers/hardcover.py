"""Hardcover (https://docs.hardcover.app/api/getting-started/): one GraphQL endpoint for books, series,
volumes and authors; a personal API token from the account settings, sent as a Bearer token."""

from __future__ import annotations

import contextlib
from typing import Any

from librarium.providers import text
from librarium.providers.base import (
    BOOK_ISBN,
    BOOK_SEARCH,
    CONTRIBUTOR,
    SERIES_NAME,
    SERIES_VOLUMES,
    Call,
    Provider,
    ProviderError,
)
from librarium.providers.schemas import (
    BookResult,
    ContributorHit,
    ContributorRecord,
    SeriesResult,
    VolumeResult,
    WorkResult,
)

EDITION = """query ($isbn: String!) {
  editions(where: {_or: [{isbn_13: {_eq: $isbn}}, {isbn_10: {_eq: $isbn}}]}, limit: 1) {
    isbn_13 isbn_10 pages release_date image { url } publisher { name } language { language }
    book { title description cached_tags contributions { author { name } } }
  }
}"""
SEARCH = """query ($query: String!, $type: String!, $per: Int!) {
  search(query: $query, query_type: $type, per_page: $per) { results }
}"""
SERIES_DETAILS = """query ($slugs: [String!]) {
  series(where: {slug: {_in: $slugs}}) {
    slug description
    book_series(order_by: {position: asc}, limit: 1) { book { release_date image { url } cached_tags } }
  }
}"""
VOLUMES = """query ($slug: String!) {
  series(where: {slug: {_eq: $slug}}, limit: 1) {
    id name books_count
    book_series(order_by: {position: asc}) { position book { title release_date image { url } } }
  }
}"""
AUTHOR = """query ($slug: String!) {
  authors(where: {slug: {_eq: $slug}}, limit: 1) {
    id name bio image { url }
    contributions(limit: 200) {
      book { title release_date editions(limit: 5) { isbn_13 isbn_10 image { url } } }
    }
  }
}"""


def _genres(tags: Any, limit: int | None = None) -> list[str]:
    """`cached_tags.Genre` (or `genres`): plain strings, `{tag: "Name"}` or `{tag: {tag: "Name"}}`."""
    found: list[str] = []
    items = (text.dig(tags, "Genre") or text.dig(tags, "genres") or []) if isinstance(tags, dict) else []
    for item in items if isinstance(items, list) else []:
        name = item
        while isinstance(name, dict):
            name = name.get("tag")
        if isinstance(name, str) and name.strip():
            found.append(name.strip())
    return found[:limit] if limit else found


def _documents(results: Any) -> list[dict[str, Any]]:
    """Search results are opaque JSON: a Typesense `{"hits": [{"document": …}]}` or a bare list."""
    hits = results.get("hits") if isinstance(results, dict) else results
    if not isinstance(hits, list):
        return []
    docs = [hit.get("document", hit) if isinstance(hit, dict) else None for hit in hits]
    return [doc for doc in docs if isinstance(doc, dict)]


def _image(doc: dict[str, Any]) -> str:
    return text.as_str(doc.get("image_url")) or text.as_str(text.dig(doc, "image", "url"))


class Hardcover(Provider):
    name = "hardcover"
    display_name = "Hardcover"
    description = "Community book tracker with rich series, genre and author data (GraphQL API)."
    capabilities = (BOOK_ISBN, BOOK_SEARCH, SERIES_NAME, SERIES_VOLUMES, CONTRIBUTOR)
    requires_key = True
    help_text = "Sign in to Hardcover, open Settings → API access, and copy your API token."
    help_url = "https://hardcover.app/account/api"
    default_url = "https://api.hardcover.app/v1/graphql"
    concurrency = 2

    async def _query(self, call: Call, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        token = call.config.api_key.removeprefix("Bearer ").strip()  # the account page shows it with "Bearer "
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        status, body = await call.json("POST", "", json={"query": query, "variables": variables}, headers=headers)
        if status == 401:
            raise ProviderError("hardcover: invalid API key")
        if status != 200:
            raise ProviderError(f"hardcover: status {status}")
        errors = text.dig(body, "errors")
        if isinstance(errors, list) and errors:
            raise ProviderError(f"hardcover: {text.as_str(text.dig(errors, 0, 'message')) or 'query failed'}")
        data = text.dig(body, "data")
        if not isinstance(data, dict):
            raise ProviderError("hardcover: malformed response")
        return data

    async def _search(self, call: Call, query: str, kind: str, per_page: int) -> list[dict[str, Any]]:
        data = await self._query(call, SEARCH, {"query": query, "type": kind, "per": per_page})
        return _documents(text.dig(data, "search", "results"))

    async def lookup_isbn(self, call: Call, isbn: str) -> BookResult | None:
        edition = text.dig(await self._query(call, EDITION, {"isbn": isbn}), "editions", 0)
        if not isinstance(edition, dict):
            return None
        book = text.obj(edition.get("book"))
        language = text.as_str(text.dig(edition, "language", "language"))
        authors = [text.as_str(text.dig(c, "author", "name")) for c in book.get("contributions") or []]
        return self.book(
            isbn_13=text.as_str(edition.get("isbn_13")),
            isbn_10=text.as_str(edition.get("isbn_10")),
            page_count=text.positive(edition.get("pages")),
            publish_date=text.as_str(edition.get("release_date")),
            publisher=text.as_str(text.dig(edition, "publisher", "name")),
            cover_url=text.as_str(text.dig(edition, "image", "url")),
            language=text.LANGUAGE_NAMES.get(language.lower(), language),
            title=text.as_str(book.get("title")),
            description=text.as_str(book.get("description")),
            authors=[a for a in authors if a] or None,
            categories=_genres(book.get("cached_tags")) or None,
        )

    async def search_books(self, call: Call, query: str) -> list[BookResult]:
        results = []
        for doc in await self._search(call, query, "Book", 15):
            if not text.as_str(doc.get("title")):
                continue
            results.append(
                self.book(
                    title=text.as_str(doc.get("title")),
                    authors=text.strings(doc.get("author_names")) or None,
                    isbn_13=text.first_of_length(doc.get("isbns"), 13),
                    isbn_10=text.first_of_length(doc.get("isbns"), 10),
                    cover_url=_image(doc),
                )
            )
        return results

    async def search_series(self, call: Call, query: str) -> list[SeriesResult]:
        found = []
        for doc in await self._search(call, query, "Series", 15):
            slug = text.as_str(doc.get("slug"))
            found.append(
                self.series(
                    name=text.as_str(doc.get("name")),
                    cover_url=_image(doc),
                    external_id=slug,
                    external_source=self.name,
                    url=f"https://hardcover.app/series/{slug}" if slug else "",
                    total_count=doc.get("books_count") if isinstance(doc.get("books_count"), int) else None,
                )
            )
        slugs = [s.external_id for s in found if s.external_id]
        if slugs:
            with contextlib.suppress(ProviderError):  # the details are a bonus; the results stand without them
                await self._add_details(call, found, slugs)
        return found

    async def _add_details(self, call: Call, found: list[SeriesResult], slugs: list[str]) -> None:
        rows = text.dig(await self._query(call, SERIES_DETAILS, {"slugs": slugs}), "series") or []
        details = {text.as_str(text.dig(row, "slug")): row for row in rows if isinstance(row, dict)}
        for series in found:
            row = details.get(series.external_id)
            if row is None:
                continue
            first = text.dig(row, "book_series", 0, "book") or {}
            series.description = text.as_str(row.get("description"))
            series.cover_url = series.cover_url or text.as_str(text.dig(first, "image", "url"))
            series.publication_year = text.year(text.dig(first, "release_date"))
            series.genres = series.genres or _genres(text.dig(first, "cached_tags"), 5) or None

    async def series_volumes(self, call: Call, external_id: str) -> list[VolumeResult] | None:
        series = text.dig(await self._query(call, VOLUMES, {"slug": external_id}), "series", 0)
        if not isinstance(series, dict):
            return None
        volumes = []
        for entry in series.get("book_series") or []:
            position = text.dig(entry, "position")
            if not isinstance(position, int | float) or isinstance(position, bool):
                continue
            volumes.append(
                VolumeResult(
                    position=float(position),
                    title=text.as_str(text.dig(entry, "book", "title")),
                    release_date=text.as_str(text.dig(entry, "book", "release_date")),
                    cover_url=text.as_str(text.dig(entry, "book", "image", "url")),
                )
            )
        return volumes

    async def search_contributors(self, call: Call, query: str) -> list[ContributorHit]:
        hits = []
        for doc in await self._search(call, query, "Author", 10):
            name, slug = text.as_str(doc.get("name")), text.as_str(doc.get("slug"))
            if name or slug:
                hits.append(ContributorHit(provider=self.name, external_id=slug, name=name, photo_url=_image(doc)))
        return hits

    async def fetch_contributor(self, call: Call, external_id: str) -> ContributorRecord | None:
        author = text.dig(await self._query(call, AUTHOR, {"slug": external_id}), "authors", 0)
        if not isinstance(author, dict):
            return None
        works = []
        for contribution in author.get("contributions") or []:
            book = text.dig(contribution, "book")
            if not isinstance(book, dict) or not text.as_str(book.get("title")):
                continue
            editions = [e for e in book.get("editions") or [] if isinstance(e, dict)]
            edition = next(
                (e for e in editions if e.get("isbn_13") or e.get("isbn_10")), editions[0] if editions else {}
            )
            works.append(
                WorkResult(
                    title=text.as_str(book.get("title")),
                    publish_year=text.year(book.get("release_date")),
                    isbn_13=text.as_str(edition.get("isbn_13")),
                    isbn_10=text.as_str(edition.get("isbn_10")),
                    cover_url=text.as_str(text.dig(edition, "image", "url")),
                )
            )
        return ContributorRecord(
            provider=self.name,
            external_id=external_id,
            name=text.as_str(author.get("name")),
            bio=text.as_str(author.get("bio")),
            photo_url=text.as_str(text.dig(author, "image", "url")),
            works=works,
        )
