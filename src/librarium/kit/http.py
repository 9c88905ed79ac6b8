"""The one outbound HTTP client: metadata providers, AI providers, cover fetches.

* one shared `httpx.AsyncClient` per process (connection reuse), explicit timeouts on every call;
* bounded retries with exponential backoff on connection errors, timeouts, 429 (honouring `Retry-After`,
  capped) and 5xx;
* a concurrency limit per host, so a batch of 1,000 books does not hammer one provider;
* a `User-Agent` naming Librarium and its version (Open Library asks every client for one);
* `guard=True` for URLs that come from users: only http(s), every address must be public (unless
  allowed), redirects followed by hand and each hop checked the same way;
* one log line per call with method, host, path, status and time — never the query string or headers,
  where API keys travel.

Tests replace the transport (`use_transport`) with recorded responses or point base URLs at a local
stand-in server; the code path is the production one.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import random
import socket
import time
from collections.abc import Awaitable, Callable
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from librarium import __version__
from librarium.errors import BadRequest, UpstreamError

if TYPE_CHECKING:
    import httpx  # imported when the first client is made: 0.1 s of every server's start, before any call

log = logging.getLogger("librarium.http")

USER_AGENT = f"Librarium/{__version__} (self-hosted book collection server)"
TIMEOUT_SECONDS, CONNECT_SECONDS = 15.0, 5.0
MAX_REDIRECTS = 5
MAX_RETRY_AFTER = 30.0
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

Resolver = Callable[[str], Awaitable[set[str]]]


async def resolve(host: str) -> set[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return {str(info[4][0]) for info in infos}


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    blocked = ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved
    return not (blocked or ip.is_unspecified)


class HttpClient:
    def __init__(
        self,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        per_host: int = 4,
        retries: int = 2,
        backoff: float = 0.5,
        resolver: Resolver | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ):
        import httpx

        self._timeout = httpx.Timeout(TIMEOUT_SECONDS, connect=CONNECT_SECONDS)
        self._client = httpx.AsyncClient(
            transport=transport, timeout=self._timeout, follow_redirects=False, headers={"User-Agent": USER_AGENT}
        )
        self.per_host = per_host
        self.retries = retries
        self.backoff = backoff
        self.resolver = resolver or resolve
        self._sleep = sleep
        self._limits: dict[str, asyncio.Semaphore] = {}

    async def aclose(self) -> None:
        await self._client.aclose()

    def _limit(self, host: str) -> asyncio.Semaphore:
        if host not in self._limits:
            self._limits[host] = asyncio.Semaphore(self.per_host)
        return self._limits[host]

    async def request(
        self,
        method: str,
        url: str,
        *,
        time_limit: float | httpx.Timeout | None = None,
        retries: int | None = None,
        max_bytes: int | None = None,
        guard: bool = False,
        allow_private: bool = False,
        follow_redirects: bool = False,
        **kwargs: Any,
    ) -> httpx.Response:
        """The answer (any status, read in full) after retries; UpstreamError when none came.
        `max_bytes`: refuse a longer body (BadRequest). `guard`: the URL came from a user (SSRF rules);
        redirects are then followed, each hop checked. `follow_redirects`: follow them without the checks."""
        for _ in range(MAX_REDIRECTS + 1):
            if guard:
                await self.check_url(url, allow_private)
            response = await self._with_retries(method, url, time_limit, retries, max_bytes, **kwargs)
            if not ((guard or follow_redirects) and response.is_redirect):
                return response
            url = urljoin(url, response.headers.get("location", ""))
        raise UpstreamError("too many redirects")

    async def check_url(self, url: str, allow_private: bool) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BadRequest("url must be an http or https URL")
        if allow_private:
            return
        try:
            addresses = await self.resolver(parts.hostname)
        except socket.gaierror as exc:
            raise UpstreamError(f"cannot resolve {parts.hostname}") from exc
        if not addresses or not all(is_public(a) for a in addresses):
            raise BadRequest("url points to a private or local address")

    async def _with_retries(
        self,
        method: str,
        url: str,
        time_limit: float | httpx.Timeout | None,
        retries: int | None,
        max_bytes: int | None,
        **kwargs: Any,
    ) -> httpx.Response:
        import httpx

        parts = urlsplit(url)
        where = f"{parts.hostname}{parts.path}"  # no query string: API keys travel there
        allowed = self.retries if retries is None else retries
        attempt = 0
        while True:
            attempt += 1
            started = time.monotonic()
            try:
                async with self._limit(parts.hostname or ""):
                    response = await self._send(method, url, time_limit, max_bytes, **kwargs)
            except httpx.TransportError as exc:
                log.info("%s %s failed: %s (attempt %d)", method, where, type(exc).__name__, attempt)
                if attempt > allowed:
                    raise UpstreamError(f"{parts.hostname} did not answer ({type(exc).__name__})") from exc
                await self._sleep(self._delay(attempt))
                continue
            elapsed = (time.monotonic() - started) * 1000
            log.info("%s %s -> %d in %.0f ms", method, where, response.status_code, elapsed)
            if response.status_code not in RETRY_STATUSES or attempt > allowed:
                return response
            await self._sleep(self._retry_after(response) or self._delay(attempt))

    async def _send(
        self, method: str, url: str, time_limit: float | httpx.Timeout | None, max_bytes: int | None, **kwargs: Any
    ) -> httpx.Response:
        import httpx

        request = self._client.build_request(method, url, timeout=time_limit or self._timeout, **kwargs)
        response = await self._client.send(request, stream=True)
        try:
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if max_bytes is not None and len(body) > max_bytes:
                    raise BadRequest(f"response too large (limit {max_bytes // (1024 * 1024)} MB)")
        finally:
            await response.aclose()
        return httpx.Response(response.status_code, headers=response.headers, content=bytes(body), request=request)

    def _delay(self, attempt: int) -> float:
        return float(self.backoff * 2 ** (attempt - 1) * random.uniform(0.8, 1.2))  # noqa: S311 (jitter)

    @staticmethod
    def _retry_after(response: httpx.Response) -> float | None:
        value = response.headers.get("retry-after", "").strip()
        if not value:
            return None
        if value.isdigit():
            return min(float(value), MAX_RETRY_AFTER)
        try:
            wait = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError):
            return None
        return min(max(wait, 0.0), MAX_RETRY_AFTER)


_shared: HttpClient | None = None
_transport: httpx.AsyncBaseTransport | None = None


def client() -> HttpClient:
    """The process's shared client (created on first use)."""
    global _shared
    if _shared is None:
        _shared = HttpClient(transport=_transport)
    return _shared


def use_transport(transport: httpx.AsyncBaseTransport | None) -> None:
    """Tests: route every outbound call through `transport` (recorded responses)."""
    global _shared, _transport
    _transport, _shared = transport, None


async def close() -> None:
    global _shared
    if _shared is not None:
        await _shared.aclose()
        _shared = None
