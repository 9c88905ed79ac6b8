"""Covers and contributor photos: real images only, conditional GET, SSRF-safe fetching."""

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import httpx
import pytest

from librarium.files import fetch as fetch_module
from librarium.kit.http import HttpClient
from tests.fixtures.media import jpeg, png

ZERO = "00000000-0000-0000-0000-000000000001"


@pytest.fixture
async def book(api):
    owner = await api.user("owner")
    library = await api.library(owner)
    b = await api.book(library, owner, "Dune")
    return api, owner, library, b, f"/libraries/{library['id']}/books/{b['id']}"


async def test_upload_serve_replace_delete(book):
    api, owner, library, b, path = book
    r = await api.put(path + "/cover", owner, files={"cover": ("c.png", png(), "image/png")})
    assert r.status_code == 204 and r.content == b""
    data = (await api.get(path, owner)).json()["data"]
    assert data["cover_url"].startswith(f"/api/v1/libraries/{library['id']}/books/{b['id']}/cover?v=")
    r = await api.get(path + "/cover", owner)
    assert r.status_code == 200 and r.headers["content-type"] == "image/png" and r.content == png()
    assert "max-age" in r.headers["cache-control"] and r.headers["etag"] and r.headers["last-modified"]
    again = await api.get(path + "/cover", owner, headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    since = await api.get(path + "/cover", owner, headers={"If-Modified-Since": r.headers["last-modified"]})
    assert since.status_code == 304
    r = await api.put(path + "/cover", owner, files={"cover": ("c.jpg", jpeg(), "image/jpeg")})
    assert r.status_code == 204
    r = await api.get(path + "/cover", owner)
    assert r.headers["content-type"] == "image/jpeg"
    assert (await api.get(f"/libraries/{library['id']}/books?q=has:cover", owner)).json()["data"]["total"] == 1
    assert (await api.delete(path + "/cover", owner)).status_code == 204
    r = await api.get(path + "/cover", owner)
    assert r.status_code == 404 and "error" in r.json()
    assert (await api.get(path, owner)).json()["data"]["cover_url"] is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "file must be an image (JPEG, PNG, GIF or WebP)"),
        (png()[:40], "file is not a valid image"),  # truncated
        (b"\x89PNG\r\n\x1a\n" + b"<?php system($_GET['c']); ?>" * 10, "file is not a valid image"),  # polyglot
        (b"GIF89a" + b"\x00" * 20, "file is not a valid image"),
    ],
)
async def test_rejects_what_is_not_an_image(book, content, message):
    api, owner, library, b, path = book
    r = await api.put(path + "/cover", owner, files={"cover": ("c.png", content, "image/png")})
    assert (r.status_code, r.json()) == (400, {"error": message})


async def test_cover_bad_requests(book):
    api, owner, library, b, path = book
    r = await api.put(path + "/cover", owner, files={"other": ("c.png", png(), "image/png")})
    assert (r.status_code, r.json()) == (400, {"error": "cover file is required"})
    r = await api.put(path + "/cover", owner, json={"cover": "x"})
    assert (r.status_code, r.json()) == (400, {"error": "invalid multipart form"})
    r = await api.put(
        f"/libraries/{library['id']}/books/{ZERO}/cover", owner, files={"cover": ("c.png", png(), "image/png")}
    )
    assert (r.status_code, r.json()) == (404, {"error": "book not found"})
    viewer = await api.user()
    await api.add_member(library, owner, viewer, "library_viewer")
    r = await api.put(path + "/cover", viewer, files={"cover": ("c.png", png(), "image/png")})
    assert r.status_code == 403
    assert (await api.get(path + "/cover")).status_code == 401


@pytest.fixture
def settings_overrides(request):
    return getattr(request, "param", {})


@pytest.mark.parametrize("settings_overrides", [{"max_cover_mb": 0.001}], indirect=True)
async def test_oversized_cover_is_413(book):
    api, owner, library, b, path = book
    r = await api.put(path + "/cover", owner, files={"cover": ("c.png", png((400, 400)), "image/png")})
    assert r.status_code == 413 and "too large" in r.json()["error"]


class _ImageServer(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/cover.png")
            self.end_headers()
            return
        if self.path == "/missing":
            self.send_response(404)
            self.end_headers()
            return
        body = png() if self.path == "/cover.png" else b"not an image"
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def image_server():
    server = HTTPServer(("127.0.0.1", 0), _ImageServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


async def test_fetch_refuses_private_addresses_by_default(book, image_server):
    api, owner, library, b, path = book
    for url in (
        image_server + "/cover.png",
        "http://localhost/x.png",
        "http://[::1]/x",
        "http://169.254.169.254/latest",
    ):
        r = await api.post(path + "/cover/fetch", owner, json={"url": url})
        assert (r.status_code, r.json()) == (400, {"error": "url points to a private or local address"}), url
    for url in ("file:///etc/passwd", "ftp://example.org/x", "gopher://x"):
        r = await api.post(path + "/cover/fetch", owner, json={"url": url})
        assert (r.status_code, r.json()) == (400, {"error": "url must be an http or https URL"})
    r = await api.post(path + "/cover/fetch", owner, json={})
    assert (r.status_code, r.json()) == (400, {"error": "url is required"})


@pytest.mark.parametrize("settings_overrides", [{"allow_private_fetch": True}], indirect=True)
async def test_fetch_when_private_fetching_is_allowed(book, image_server):
    api, owner, library, b, path = book
    r = await api.post(path + "/cover/fetch", owner, json={"url": image_server + "/redirect"})
    assert r.status_code == 204, r.text
    assert (await api.get(path + "/cover", owner)).content == png()
    r = await api.post(path + "/cover/fetch", owner, json={"url": image_server + "/missing"})
    assert (r.status_code, r.json()) == (502, {"error": "cover provider returned 404"})
    r = await api.post(path + "/cover/fetch", owner, json={"url": image_server + "/text"})
    assert (r.status_code, r.json()) == (400, {"error": "file must be an image (JPEG, PNG, GIF or WebP)"})


async def test_redirect_to_loopback_is_refused(monkeypatch):
    async def fake_resolve(host):
        return {"93.184.216.34"} if host == "public.test" else {"127.0.0.1"}

    def handler(request):
        if request.url.host == "public.test":
            return httpx.Response(302, headers={"Location": "http://internal.test/admin.png"})
        return httpx.Response(200, content=png())

    client = HttpClient(transport=httpx.MockTransport(handler), resolver=fake_resolve)
    with pytest.raises(Exception) as caught:
        await fetch_module.fetch("http://public.test/cover.png", 1 << 20, allow_private=False, client=client)
    await client.aclose()
    assert getattr(caught.value, "message", "") == "url points to a private or local address"


async def test_contributor_photo(api):
    user = await api.user()
    cid = await api.contributor(user, "Ursula K. Le Guin")
    r = await api.put(f"/contributors/{cid}/photo", user, files={"photo": ("p.png", png(), "image/png")})
    assert r.status_code == 204
    owner = await api.user()
    library = await api.library(owner)
    detail = (await api.get(f"/libraries/{library['id']}/contributors/{cid}", owner)).json()["data"]
    assert detail["photo_url"].startswith(f"/api/v1/contributors/{cid}/photo?v=")
    r = await api.get(f"/contributors/{cid}/photo", owner)
    assert r.status_code == 200 and r.content == png()
    r = await api.put(f"/contributors/{cid}/photo", user, files={"photo": ("p.txt", b"hello", "text/plain")})
    assert r.status_code == 400
    assert (await api.delete(f"/contributors/{cid}/photo", user)).status_code == 204
    assert (await api.get(f"/contributors/{cid}/photo", owner)).status_code == 404
    assert (await api.get(f"/contributors/{ZERO}/photo", owner)).status_code == 404
    assert (await api.get(f"/contributors/{cid}/photo")).status_code == 401
