"""Security headers on every response (upstream 26.4.0 sends none), and the slow-request log."""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from librarium.logs import redact

log = logging.getLogger("librarium.requests")

_COMMON = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
]
_API_CSP = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")
# pages: the landing page and a single-page web client served from LIBRARIUM_WEB_DIR. Scripts, styles and
# connections from this origin only; images also as data:/blob: (covers fetched with a token become blob
# URLs) and from https hosts (providers' cover CDNs go straight into <img>).
# The client's own inline scripts (e.g. a theme switch in index.html) are allowed by their hashes, nothing else.
_PAGE_CSP = (
    "default-src 'self'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob: https:; font-src 'self' data:; connect-src 'self'; manifest-src 'self'; "
    "worker-src 'self' blob:; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# paths the server answers itself; everything else may belong to a web client (web.py)
API_PREFIXES = ("/api/", "/health", "/calibre")
_DOCS_CSP = (
    b"content-security-policy",
    b"default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    b"img-src 'self' data:; frame-ancestors 'none'",
)


class SecurityHeaders:
    def __init__(self, app: ASGIApp, script_hashes: tuple[str, ...] = ()):
        self.app = app
        hashes = "".join(f" '{h}'" for h in script_hashes)
        self.page_csp = (b"content-security-policy", _PAGE_CSP.format(hashes=hashes).encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if path.startswith("/api/docs"):
            csp = _DOCS_CSP
        elif path.startswith(API_PREFIXES):
            csp = _API_CSP
        else:
            csp = self.page_csp

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in (*_COMMON, csp) if h[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class SlowRequestLog:
    """Logs every request slower than `threshold_ms` (method, path without its query string, status, time)."""

    def __init__(self, app: ASGIApp, threshold_ms: float):
        self.app = app
        self.threshold = threshold_ms / 1000

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.threshold <= 0:
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        status = 0

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            elapsed = time.monotonic() - started
            if elapsed >= self.threshold:
                log.warning(
                    "slow request: %s %s -> %s in %.0f ms",
                    scope["method"],
                    redact(scope["path"]),
                    status,
                    elapsed * 1000,
                )
