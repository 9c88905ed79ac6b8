"""Fetching an image from a URL without becoming an SSRF proxy.

Only http(s). The host is resolved and every address must be public (not loopback, private,
link-local, multicast, reserved or unspecified) unless LIBRARIUM_ALLOW_PRIVATE_FETCH=true; redirects
are followed by hand so each hop is checked the same way. Time, redirects and size are capped.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urljoin, urlsplit

import httpx

from librarium.errors import AppError, BadRequest

USER_AGENT = "Mozilla/5.0 (compatible; Librarium/1.0)"
MAX_REDIRECTS = 5
TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class UpstreamError(AppError):
    status = 502


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    blocked = ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved
    return not (blocked or ip.is_unspecified)


async def resolve(host: str) -> set[str]:
    """Every address `host` resolves to (tests replace this to stay offline)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return {str(info[4][0]) for info in infos}


async def check_url(url: str, allow_private: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadRequest("url must be an http or https URL")
    if allow_private:
        return
    try:
        addresses = await resolve(parts.hostname)
    except socket.gaierror as exc:
        raise UpstreamError(f"cannot resolve {parts.hostname}") from exc
    if not addresses or not all(_public(a) for a in addresses):
        raise BadRequest("url points to a private or local address")


async def fetch(
    url: str, max_bytes: int, allow_private: bool, client: httpx.AsyncClient | None = None
) -> tuple[bytes, str]:
    """(body, content type) of `url` after at most MAX_REDIRECTS checked redirects."""
    own = client is None
    client = client or httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False, headers={"User-Agent": USER_AGENT})
    try:
        for _ in range(MAX_REDIRECTS + 1):
            await check_url(url, allow_private)
            try:
                async with client.stream("GET", url) as response:
                    if response.is_redirect:
                        url = urljoin(url, response.headers.get("location", ""))
                        continue
                    if response.status_code == 429:
                        raise UpstreamError("cover provider is rate-limiting requests, try again later")
                    if response.status_code >= 400:
                        raise UpstreamError(f"cover provider returned {response.status_code}")
                    body = bytearray()
                    async for chunk in response.aiter_bytes():
                        body += chunk
                        if len(body) > max_bytes:
                            raise BadRequest(f"image too large (limit {max_bytes // (1024 * 1024)} MB)")
                    return bytes(body), response.headers.get("content-type", "")
            except httpx.HTTPError as exc:
                raise UpstreamError(f"could not fetch the image: {exc.__class__.__name__}") from exc
        raise UpstreamError("too many redirects")
    finally:
        if own:
            await client.aclose()
