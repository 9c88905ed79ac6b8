"""What a browser finds at `/`: a built Librarium web client (LIBRARIUM_WEB_DIR), served from the same origin
as the API, or else a landing page that says what this server is and how to start.

Serving the client: files by their type; hashed assets (`/assets/…`) cached for a year as immutable,
everything else (`index.html`, `/locales/…`) revalidated on every load; every other non-API path answers
`index.html`, so client-side routes survive a hard refresh. `/api/…`, `/health` and `/calibre/…` keep
priority, and an unknown `/api/…` path stays a JSON 404.
"""

from __future__ import annotations

import base64
import hashlib
import html
import logging
import mimetypes
import re
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from librarium import __version__
from librarium.auth import service as auth
from librarium.config import Settings
from librarium.db.unit import Database
from librarium.errors import NotFound
from librarium.files.serve import file_response
from librarium.middleware import API_PREFIXES

log = logging.getLogger("librarium")

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


def install(app: FastAPI, settings: Settings) -> None:
    web_dir = settings.web_dir.resolve() if settings.web_dir else None

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False, response_model=None)
    async def root(request: Request) -> Response:
        if web_dir is not None and not _wants_json(request):
            return _serve(request, web_dir, "index.html")
        info = await _about(request.app.state.db, settings, web_dir)
        if _wants_json(request):
            return JSONResponse({"data": info})
        return HTMLResponse(landing_page(info), headers={"Cache-Control": REVALIDATE})

    if web_dir is None:
        return

    @app.api_route("/{path:path}", methods=["GET", "HEAD"], include_in_schema=False, response_model=None)
    async def client(path: str, request: Request) -> Response:
        if ("/" + path).startswith(API_PREFIXES):
            raise NotFound("not found")
        return _serve(request, web_dir, path)


_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


def inline_script_hashes(web_dir: Path | None) -> tuple[str, ...]:
    """CSP hashes (`sha256-…`) of the inline scripts in the client's index.html, so that exactly those run."""
    if web_dir is None:
        return ()
    page = (web_dir / "index.html").read_text(encoding="utf-8", errors="replace")
    digests = (hashlib.sha256(body.encode()).digest() for body in _INLINE_SCRIPT.findall(page))
    return tuple(f"sha256-{base64.b64encode(d).decode()}" for d in digests)


async def greet(db: Database, settings: Settings) -> None:
    """Tell whoever started the server where it is and, on a fresh install, the one step left."""
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host  # noqa: S104
    url = f"http://{host}:{settings.port}/"
    async with db.unit_of_work(write=False) as session:
        initialized = await auth.is_initialized(session)
    log.info("Librarium %s is serving %s (API docs: %sapi/docs)", __version__, url, url)
    if not initialized:
        log.warning(
            "No administrator yet. Open %s in a browser, or run: .venv/bin/librarium create-admin "
            "--username admin --email you@example.org",
            url,
        )


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _serve(request: Request, root: Path, path: str) -> Response:
    target = (root / path).resolve()
    inside = target == root or root in target.parents
    if not inside or not target.is_file():
        target = root / "index.html"  # a client-side route
    if not target.is_file():
        raise NotFound("not found")
    relative = target.relative_to(root).as_posix()
    cache = IMMUTABLE if relative.startswith("assets/") else REVALIDATE
    media = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if media.startswith("text/") or media in ("application/javascript", "application/json"):
        media += "; charset=utf-8"
    stat = target.stat()
    return file_response(request, target, media, etag=f"{stat.st_mtime_ns:x}-{stat.st_size:x}", cache_control=cache)


async def _about(db: Database, settings: Settings, web_dir: Path | None) -> dict[str, Any]:
    async with db.unit_of_work(write=False) as session:
        initialized = await auth.is_initialized(session)
    return {
        "name": "Librarium",
        "version": __version__,
        "initialized": initialized,
        "setup": None
        if initialized
        else {
            "command": "librarium create-admin",
            "api": "POST /api/v1/setup/admin {username, email, password}",
        },
        "links": {
            "docs": "/api/docs",
            "openapi": "/api/openapi.json",
            "health": "/health",
            "calibre": "/calibre/books" if settings.calibre_library else None,
        },
        "web_client": str(web_dir) if web_dir else None,
    }


def landing_page(info: dict[str, Any]) -> str:
    """The landing page: one self-contained HTML document (no external assets: works offline)."""
    esc = html.escape
    if info["initialized"]:
        setup = "<p class=ok>Set up: an administrator exists. Sign in with any Librarium client.</p>"
    else:
        setup = (
            "<p class=todo><strong>Not set up yet.</strong> Create the first administrator, either from a shell:</p>"
            "<pre>.venv/bin/librarium create-admin --username admin --email you@example.org</pre>"
            "<p>or over the API (the first account becomes the instance administrator):</p>"
            "<pre>curl -X POST \"$SERVER/api/v1/setup/admin\" -H 'Content-Type: application/json' \\\n"
            '  -d \'{"username": "admin", "email": "you@example.org", "password": "…"}\'</pre>'
        )
    links = [
        ("/api/docs", "Interactive API documentation"),
        ("/api/openapi.json", "OpenAPI document"),
        ("/health", "Health"),
    ]
    if info["links"]["calibre"]:
        links.append(("/calibre/books", "Calibre API (calibre-rest compatible)"))
    items = "".join(f'<li><a href="{esc(href)}">{esc(text)}</a> <code>{esc(href)}</code></li>' for href, text in links)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Librarium {esc(info["version"])}</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #222; }}
h1 {{ margin-bottom: 0; }} .version {{ color: #666; margin-top: 0; }}
pre {{ background: #f4f4f4; padding: .75rem; overflow-x: auto; }} code {{ color: #555; }}
.ok {{ color: #17692b; }} .todo {{ color: #8a4b00; }}
</style></head>
<body>
<h1>Librarium</h1>
<p class="version">version {esc(info["version"])}: a self-hosted server for your book collection
(Librarium API 26.4 under <code>/api/v1</code>)</p>
{setup}
<h2>Links</h2>
<ul>{items}</ul>
<h2>A web client on this address</h2>
<p>Build the Librarium web client (see the README, "Web client") and start the server with
<code>LIBRARIUM_WEB_DIR=/path/to/dist</code>: the client is then served here, from the same origin as the API,
with no proxy in front.</p>
</body></html>
"""
