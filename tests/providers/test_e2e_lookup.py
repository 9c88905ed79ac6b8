"""End to end, as the web client adds a book by ISBN: `librarium serve` as a real process with Open Library
pointed (LIBRARIUM_OPEN_LIBRARY_URL) at a stand-in HTTP server started by the test — lookup, merged lookup,
create the book, fetch its cover."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.fixtures.media import png
from tests.fixtures.server import serve
from tests.fixtures.stand_in import Handler, loopback, recording

ISBN = "9780439708180"


class _OpenLibrary(Handler):
    base = ""
    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        self.seen.append(url.path)
        if url.path == "/api/books" and parse_qs(url.query).get("bibkeys") == [f"ISBN:{ISBN}"]:
            data = recording("open_library_books_data")
            data[f"ISBN:{ISBN}"]["cover"] = {"medium": f"{self.base}/covers/hp-M.png"}
            self.reply(200, json.dumps(data).encode(), "application/json")
        elif url.path == f"/isbn/{ISBN}.json":
            self.reply(200, json.dumps(recording("open_library_edition")).encode(), "application/json")
        elif url.path == "/works/OL82563W.json":
            self.reply(200, json.dumps(recording("open_library_work")).encode(), "application/json")
        elif url.path == "/covers/hp-M.png":
            self.reply(200, png((20, 30)), "image/png")
        else:
            self.reply(404, b'{"error": "notfound"}', "application/json")


@pytest.fixture
def open_library() -> Iterator[type[_OpenLibrary]]:
    _OpenLibrary.seen = []
    with loopback(_OpenLibrary) as base:
        _OpenLibrary.base = base
        yield _OpenLibrary


def test_add_a_book_by_isbn_over_http(tmp_path, database_url, open_library):
    env = {
        "LIBRARIUM_DATA_DIR": str(tmp_path / "data"),
        "LIBRARIUM_DATABASE_URL": database_url,
        "LIBRARIUM_ARGON2_MEMORY_KIB": "1024",
        "LIBRARIUM_LOG_LEVEL": "warning",
        "LIBRARIUM_OPEN_LIBRARY_URL": open_library.base,
        "LIBRARIUM_ALLOW_PRIVATE_FETCH": "true",  # the stand-in's cover lives on loopback
    }
    with serve(env, tmp_path / "server.log") as base, httpx.Client(base_url=base + "/api/v1", timeout=30) as http:
        admin = {"username": "admin", "email": "admin@example.org", "password": "admin-password"}
        if not http.get("/setup/status").json()["data"]["initialized"]:
            http.post("/setup/admin", json=admin)
        login = http.post("/auth/login", json={"identifier": "admin", "password": "admin-password"})
        http.headers["Authorization"] = f"Bearer {login.json()['data']['access_token']}"
        library = http.post("/libraries", json={"name": "E2E"}).json()["data"]

        r = http.get(f"/lookup/isbn/{ISBN}")
        assert [b["provider"] for b in r.json()["data"]] == ["open_library"]
        merged = http.get(f"/lookup/isbn/{ISBN}/merged").json()["data"]
        assert merged["title"]["value"] == "Harry Potter and the Sorcerer's Stone"
        cover = merged["covers"][0]["cover_url"]
        assert cover == f"{open_library.base}/covers/hp-M.png"

        media = http.get("/media-types").json()["data"][0]["id"]
        author = http.post("/contributors", json={"name": merged["authors"]["value"]}).json()["data"]["id"]
        body = {
            "title": merged["title"]["value"],
            "subtitle": "",
            "media_type_id": media,
            "description": merged["description"]["value"],
            "contributors": [{"contributor_id": author, "role": "author", "display_order": 0}],
            "tag_ids": [],
            "genre_ids": [],
            "edition": {
                "format": "paperback", "edition_name": "", "language": merged["language"]["value"],
                "publisher": merged["publisher"]["value"], "publish_date": merged["publish_date"]["value"],
                "isbn_10": merged["isbn_10"]["value"], "isbn_13": merged["isbn_13"]["value"],
                "page_count": int(merged["page_count"]["value"]), "duration_seconds": None, "narrator": None,
                "is_primary": True, "acquired_at": None,
            },
        }  # fmt: skip
        r = http.post(f"/libraries/{library['id']}/books", json=body)
        assert r.status_code == 201, r.text
        book = r.json()["data"]
        r = http.post(f"/libraries/{library['id']}/books/{book['id']}/cover/fetch", json={"url": cover})
        assert r.status_code == 204, r.text
        book = http.get(f"/libraries/{library['id']}/books/{book['id']}").json()["data"]
        assert book["cover_url"].startswith(f"/api/v1/libraries/{library['id']}/books/{book['id']}/cover")
        image = http.get(book["cover_url"].removeprefix("/api/v1"))
        assert (image.status_code, image.content) == (200, png((20, 30)))
        # a second lookup is answered from the shared cache: Open Library is not asked again
        asked = list(open_library.seen)
        assert http.get(f"/lookup/isbn/{ISBN}/merged").status_code == 200
        assert open_library.seen == asked
