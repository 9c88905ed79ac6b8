"""What every metadata provider client shares: its static description, the rules that turn a stored
configuration into a live one, and `Call`, the one way a client talks to its service.

Provider clients never touch the database: the service hands them a `Config` (read from
`instance_settings` on every use) and the shared HTTP client, and caches what they answer.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from librarium.errors import AppError
from librarium.kit.http import HttpClient
from librarium.providers.schemas import BookResult, ContributorHit, ContributorRecord, SeriesResult, VolumeResult

if TYPE_CHECKING:
    import httpx

log = logging.getLogger("librarium.providers")

BOOK_ISBN = "book_isbn"
BOOK_SEARCH = "book_search"
SERIES_NAME = "series_name"
SERIES_VOLUMES = "series_volumes"
CONTRIBUTOR = "contributor"


class ProviderError(Exception):
    """A provider could not answer (unreachable, refused, malformed). Never cached; the lookup goes on
    with the other providers."""


@dataclass(frozen=True)
class Config:
    enabled: bool
    base_url: str
    api_key: str = ""


@dataclass
class Call:
    """One provider's view of the outside world for one lookup."""

    provider: Provider
    config: Config
    http: HttpClient
    time_limit: float = 15.0
    retries: int | None = None

    def url(self, path: str) -> str:
        return self.config.base_url.rstrip("/") + path

    async def send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The response (any status); ProviderError when the service did not answer."""
        async with self.provider.slot():
            try:
                return await self.http.request(
                    method, self.url(path), time_limit=self.time_limit, retries=self.retries, **kwargs
                )
            except AppError as exc:  # UpstreamError: no answer after the retries
                raise ProviderError(f"{self.provider.name}: {exc.message}") from exc

    async def json(self, method: str, path: str, *, what: str = "", **kwargs: Any) -> tuple[int, Any]:
        """(status, decoded body); a 2xx body that is not JSON is a ProviderError. A non-2xx body that is not
        JSON decodes as None (the caller decides what the status means)."""
        response = await self.send(method, path, **kwargs)
        try:
            return response.status_code, json.loads(response.content) if response.content else None
        except ValueError as exc:
            if response.is_success:
                raise ProviderError(f"{self.provider.name}{what}: malformed response") from exc
            return response.status_code, None


class Provider:
    """Static facts (upstream's registry entry) plus the client methods its capabilities promise."""

    name: ClassVar[str]
    display_name: ClassVar[str]
    description: ClassVar[str]
    capabilities: ClassVar[tuple[str, ...]]
    requires_key: ClassVar[bool] = False
    help_text: ClassVar[str | None] = None
    help_url: ClassVar[str | None] = None
    default_url: ClassVar[str] = ""
    concurrency: ClassVar[int] = 4  # calls in flight to this service from one process
    remote: ClassVar[bool] = True  # answers from another server (and so worth caching)

    def __init__(self) -> None:
        self._slots: dict[int, asyncio.Semaphore] = {}

    def slot(self) -> asyncio.Semaphore:
        """The per-provider concurrency limit, one semaphore per event loop."""
        loop = id(asyncio.get_running_loop())
        if loop not in self._slots:
            self._slots = {loop: asyncio.Semaphore(self.concurrency)}
        return self._slots[loop]

    def configure(self, stored: dict[str, str], env_url: str) -> Config:
        """Upstream's enabled rules: key-less providers are on unless `enabled` is "false"; keyed ones need
        an api_key and, when `enabled` is present, `enabled == "true"`."""
        base_url = (stored.get("base_url") or env_url or self.default_url).strip()
        if not self.requires_key:
            return Config(enabled=stored.get("enabled") != "false", base_url=base_url)
        api_key = stored.get("api_key", "")
        enabled = api_key != "" and ("enabled" not in stored or stored["enabled"] == "true")
        return Config(enabled=enabled, base_url=base_url, api_key=api_key)

    async def lookup_isbn(self, call: Call, isbn: str) -> BookResult | None:
        raise NotImplementedError

    async def search_books(self, call: Call, query: str) -> list[BookResult]:
        raise NotImplementedError

    async def search_series(self, call: Call, query: str) -> list[SeriesResult]:
        raise NotImplementedError

    async def series_volumes(self, call: Call, external_id: str) -> list[VolumeResult] | None:
        raise NotImplementedError

    async def search_contributors(self, call: Call, query: str) -> list[ContributorHit]:
        raise NotImplementedError

    async def fetch_contributor(self, call: Call, external_id: str) -> ContributorRecord | None:
        raise NotImplementedError

    def book(self, **fields: Any) -> BookResult:
        return BookResult(provider=self.name, provider_display=self.display_name, **fields)

    def series(self, **fields: Any) -> SeriesResult:
        return SeriesResult(provider=self.name, provider_display=self.display_name, **fields)
