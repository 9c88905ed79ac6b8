"""Open Library (https://openlibrary.org/developers/api): books by ISBN, search, authors. No key; the
service asks every client to send a User-Agent that names it (kit/http.py does)."""

from __future__ import annotations

import asyncio
from typing import Any

from librarium.providers import text
from librarium.providers.base import BOOK_ISBN, BOOK_SEARCH, CONTRIBUTOR, Call, Provider, ProviderError
from librarium.providers.schemas import BookResult, ContributorHit, ContributorRecord, WorkResult

COVERS = "https://covers.openlibrary.org"
SEARCH_FIELDS = "title,subtitle,author_name,publisher,first_publish_year,isbn,cover_i,language,subject"


def _cover_ok(url: Any) -> bool:
    return isinstance(url, str) and url != "" and "/b/id/-" not in url and "/b/olid/-" not in url


def _language(key: Any) -> str:
    code = text.as_str(key).rsplit("/", 1)[-1]
    return text.MARC_LANGUAGES.get(code, code)


def _first_id(values: Any) -> int | None:
    for value in values if isinstance(values, list) else []:
        if isinstance(value, int) and value > 0:
            return value
    return None


def _complete(record: dict[str, Any]) -> bool:
    """Whether the jscmd=data record has every field the edition record could fill."""
    ids = text.obj(record.get("identifiers"))
    return bool(
        record.get("publishers") and text.iso_date(record.get("publish_date")) and record.get("languages")
        and ids.get("isbn_10") and ids.get("isbn_13") and text.positive(record.get("number_of_pages"))
        and text.clean_description(record.get("notes")) and record.get("subjects")
    )  # fmt: skip


class OpenLibrary(Provider):
    name = "open_library"
    display_name = "Open Library"
    description = "Free, open catalogue of books run by the Internet Archive. No API key needed."
    capabilities = (BOOK_ISBN, BOOK_SEARCH, CONTRIBUTOR)
    default_url = "https://openlibrary.org"
    concurrency = 4  # calls in flight per process (a batch of 1,000 books never floods the service)

    async def lookup_isbn(self, call: Call, isbn: str) -> BookResult | None:
        params = {"bibkeys": f"ISBN:{isbn}", "jscmd": "data", "format": "json"}
        status, body = await call.json("GET", "/api/books", params=params)
        if status != 200:
            raise ProviderError(f"open library jscmd=data: status {status}")
        record = body.get(f"ISBN:{isbn}") if isinstance(body, dict) else None
        if not isinstance(record, dict):
            return None
        # the edition record only fills gaps: asked for only when there are some (upstream always asks, at
        # once) — half the calls for a complete record, one round trip more for an incomplete one
        edition = await self._edition(call, isbn) if not _complete(record) else {}
        return await self._book(call, record, edition)

    async def _edition(self, call: Call, isbn: str) -> dict[str, Any]:
        """The edition record is a fallback source: any failure means "no edition"."""
        try:
            status, body = await call.json("GET", f"/isbn/{isbn}.json", follow_redirects=True)
        except ProviderError:
            return {}
        return body if status == 200 and isinstance(body, dict) else {}

    async def _book(self, call: Call, record: dict[str, Any], edition: dict[str, Any]) -> BookResult:
        identifiers = text.obj(record.get("identifiers"))
        cover = text.obj(record.get("cover"))
        cover_url = next((cover[size] for size in ("medium", "large") if _cover_ok(cover.get(size))), "")
        subjects = [text.as_str(s.get("name")) for s in record.get("subjects") or [] if isinstance(s, dict)]
        description = text.clean_description(record.get("notes"))
        if not description:
            description = await self._work_description(call, edition)
        return self.book(
            title=text.as_str(record.get("title")),
            subtitle=text.as_str(record.get("subtitle")),
            authors=[text.as_str(a.get("name")) for a in record.get("authors") or [] if isinstance(a, dict)] or None,
            publisher=text.as_str(text.dig(record, "publishers", 0, "name"))
            or text.as_str(text.dig(edition, "publishers", 0)),
            publish_date=text.iso_date(record.get("publish_date")) or text.iso_date(edition.get("publish_date")),
            language=_language(text.dig(record, "languages", 0, "key"))
            or _language(text.dig(edition, "languages", 0, "key")),
            isbn_10=text.as_str(text.dig(identifiers, "isbn_10", 0)) or text.as_str(text.dig(edition, "isbn_10", 0)),
            isbn_13=text.as_str(text.dig(identifiers, "isbn_13", 0)) or text.as_str(text.dig(edition, "isbn_13", 0)),
            cover_url=cover_url,
            page_count=text.positive(record.get("number_of_pages")) or text.positive(edition.get("number_of_pages")),
            description=description,
            categories=[s for s in subjects if s] or text.strings(edition.get("subjects")) or None,
        )

    async def _work_description(self, call: Call, edition: dict[str, Any]) -> str:
        key = text.as_str(text.dig(edition, "works", 0, "key"))
        if not key.startswith("/works/"):
            return ""
        try:
            status, body = await call.json("GET", f"{key}.json")
        except ProviderError:
            return ""
        return text.clean_description(body.get("description")) if status == 200 and isinstance(body, dict) else ""

    async def search_books(self, call: Call, query: str) -> list[BookResult]:
        params = {"q": query, "limit": "15", "fields": SEARCH_FIELDS}
        status, body = await call.json("GET", "/search.json", params=params)
        if status != 200:
            raise ProviderError(f"open library search: status {status}")
        results = []
        for doc in text.dig(body, "docs") or []:
            if not isinstance(doc, dict) or not text.as_str(doc.get("title")):
                continue
            first_year = text.positive(doc.get("first_publish_year"))
            cover_id = text.positive(doc.get("cover_i"))
            results.append(
                self.book(
                    title=text.as_str(doc.get("title")),
                    subtitle=text.as_str(doc.get("subtitle")),
                    authors=text.strings(doc.get("author_name")) or None,
                    categories=text.strings(doc.get("subject")) or None,
                    publisher=text.as_str(text.dig(doc, "publisher", 0)),
                    publish_date=f"{first_year:04d}-01-01" if first_year else "",
                    isbn_13=text.first_of_length(doc.get("isbn"), 13),
                    isbn_10=text.first_of_length(doc.get("isbn"), 10),
                    cover_url=f"{COVERS}/b/id/{cover_id}-M.jpg" if cover_id else "",
                    language=text.as_str(text.dig(doc, "language", 0)),
                )
            )
        return results

    async def search_contributors(self, call: Call, query: str) -> list[ContributorHit]:
        status, body = await call.json("GET", "/search/authors.json", params={"q": query, "limit": "10"})
        if status != 200:  # upstream decodes whatever came; an error page is no list of authors
            raise ProviderError(f"open library author search: status {status}")
        hits = []
        for doc in text.dig(body, "docs") or []:
            name = text.as_str(text.dig(doc, "name"))
            key = text.as_str(text.dig(doc, "key")).removeprefix("/authors/")
            if not name or not key:
                continue
            photo = _first_id(doc.get("photos"))
            hits.append(
                ContributorHit(
                    provider=self.name,
                    external_id=key,
                    name=name,
                    photo_url=f"{COVERS}/a/id/{photo}-M.jpg" if photo else "",
                )
            )
        return hits

    async def fetch_contributor(self, call: Call, external_id: str) -> ContributorRecord | None:
        author_call = call.json("GET", f"/authors/{external_id}.json")
        works_call = self._works(call, external_id)
        (status, author), works = await asyncio.gather(author_call, works_call)
        if status == 404:
            return None
        if status != 200 or not isinstance(author, dict):
            raise ProviderError(f"open_library fetch author: status {status}")
        photo = _first_id(author.get("photos"))
        return ContributorRecord(
            provider=self.name,
            external_id=external_id,
            name=text.as_str(author.get("name")),
            bio=text.text_of(author.get("bio")),
            born_date=text.life_date(author.get("birth_date")),
            died_date=text.life_date(author.get("death_date")),
            photo_url=f"{COVERS}/a/id/{photo}-L.jpg" if photo else "",
            works=works,
        )

    async def _works(self, call: Call, external_id: str) -> list[WorkResult]:
        try:
            status, body = await call.json("GET", f"/authors/{external_id}/works.json", params={"limit": "200"})
        except ProviderError:
            return []
        works = []
        for entry in text.dig(body, "entries") or [] if status == 200 else []:
            title = text.as_str(text.dig(entry, "title"))
            if not title:
                continue
            cover = text.dig(entry, "covers", 0)
            works.append(
                WorkResult(
                    title=title,
                    publish_year=text.year(entry.get("first_publish_date")),
                    cover_url=f"{COVERS}/b/id/{cover}-M.jpg" if text.positive(cover) else "",
                )
            )
        return works
