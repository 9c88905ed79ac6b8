"""Fetching an image from a URL a user gave, without becoming an SSRF proxy.

The SSRF rules live in kit/http.py (`guard=True`): only http(s); every address of the host, and of every
redirect hop, must be public (not loopback, private, link-local, multicast, reserved or unspecified)
unless LIBRARIUM_ALLOW_PRIVATE_FETCH=true. Time, redirects and size are capped.
"""

from __future__ import annotations

from librarium.errors import UpstreamError
from librarium.kit import http


async def fetch(
    url: str, max_bytes: int, allow_private: bool, client: http.HttpClient | None = None
) -> tuple[bytes, str]:
    """(body, content type) of `url` after at most kit.http.MAX_REDIRECTS checked redirects."""
    response = await (client or http.client()).request(
        "GET", url, guard=True, allow_private=allow_private, max_bytes=max_bytes, retries=1
    )
    if response.status_code == 429:
        raise UpstreamError("cover provider is rate-limiting requests, try again later")
    if response.status_code >= 400:
        raise UpstreamError(f"cover provider returned {response.status_code}")
    return response.content, response.headers.get("content-type", "")
