"""Admin endpoints of the metadata providers: list, configure (masking, merge, messages), test, order."""

from __future__ import annotations

import logging

from tests.fixtures.stand_in import StandIn

OL = "https://openlibrary.org"
NAMES = ["test", "open_library", "google_books", "isbndb", "hardcover", "mangadex"]


def by_name(data):
    return {p["name"]: p for p in data}


async def test_list_in_registration_order(api):
    admin = await api.admin()
    r = await api.get("/admin/providers", admin)
    assert r.status_code == 200
    data = r.json()["data"]
    assert [p["name"] for p in data] == NAMES
    providers = by_name(data)
    assert providers["open_library"] == {
        "name": "open_library",
        "display_name": "Open Library",
        "description": providers["open_library"]["description"],
        "requires_key": False,
        "capabilities": ["book_isbn", "book_search", "contributor"],
        "help_text": None,
        "help_url": None,
        "enabled": True,
        "has_api_key": False,
        "config": None,
    }
    assert providers["hardcover"]["capabilities"] == [
        "book_isbn", "book_search", "series_name", "series_volumes", "contributor"]  # fmt: skip
    assert providers["isbndb"]["help_url"] == "https://isbndb.com/apidocs/v2"
    assert [p["enabled"] for p in data] == [True, True, False, False, False, True]


async def test_configure_masks_and_merges(api, caplog):
    admin = await api.admin()
    caplog.set_level(logging.DEBUG)
    r = await api.put("/admin/providers/google_books", admin, json={"api_key": "AIza-secret", "enabled": "true"})
    assert r.status_code == 200
    google = by_name(r.json()["data"])["google_books"]
    assert (google["enabled"], google["has_api_key"], google["config"]) == (True, True, {"api_key": "***"})
    ours = [rec.getMessage() for rec in caplog.records if rec.name.startswith(("librarium", "httpx"))]
    assert ours and "AIza-secret" not in r.text and not any("AIza-secret" in line for line in ours)
    # a shallow merge: the key stays when only `enabled` is sent
    r = await api.put("/admin/providers/google_books", admin, json={"enabled": "false"})
    google = by_name(r.json()["data"])["google_books"]
    assert (google["enabled"], google["has_api_key"]) == (False, True)
    # the masked value sent back keeps the real key (upstream would store "***")
    await api.put("/admin/providers/google_books", admin, json={"api_key": "***", "enabled": "true"})
    r = await api.get("/admin/providers", admin)
    assert by_name(r.json()["data"])["google_books"]["enabled"] is True
    # key-less providers: anything but "false" is on
    r = await api.put("/admin/providers/open_library", admin, json={"enabled": "no"})
    assert by_name(r.json()["data"])["open_library"]["enabled"] is True
    r = await api.put("/admin/providers/open_library", admin, json={"enabled": "false"})
    assert by_name(r.json()["data"])["open_library"]["enabled"] is False


async def test_configure_errors(api):
    admin = await api.admin()
    user = await api.user()
    r = await api.put("/admin/providers/google_books", admin, json={"enabled": True})
    assert (r.status_code, r.json()) == (400, {"error": "invalid request body"})
    r = await api.put("/admin/providers/google_books", admin, json=["x"])
    assert (r.status_code, r.json()) == (400, {"error": "invalid request body"})
    r = await api.put("/admin/providers/goodreads", admin, json={"enabled": "true"})
    assert (r.status_code, r.json()) == (400, {"error": 'unknown provider "goodreads"'})
    r = await api.put("/admin/providers/open_library", admin, json={"base_url": "ftp://mirror"})
    assert (r.status_code, r.json()) == (400, {"error": "base_url must be an http:// or https:// URL"})
    r = await api.put("/admin/providers/open_library", user, json={"enabled": "false"})
    assert (r.status_code, r.json()) == (403, {"error": "instance admin access required"})
    r = await api.get("/admin/providers")
    assert (r.status_code, r.json()) == (401, {"error": "missing or invalid authorization header"})


async def test_base_url_is_shown_and_used(api, stand_in: StandIn):
    admin = await api.admin()
    r = await api.put("/admin/providers/open_library", admin, json={"base_url": "http://mirror.local/ol"})
    assert by_name(r.json()["data"])["open_library"]["config"] == {"base_url": "http://mirror.local/ol"}
    stand_in.on("GET", "http://mirror.local/ol/search.json", recorded="open_library_search")
    r = await api.get("/lookup/books?q=dune", admin)
    assert [b["title"] for b in r.json()["data"]] == ["Dune", "Dune Messiah"]


async def test_test_endpoint_messages(api, stand_in: StandIn):
    admin = await api.admin()
    stand_in.on("GET", f"{OL}/api/books", recorded="open_library_books_data")

    async def test(name):
        r = await api.post(f"/admin/providers/{name}/test", admin)
        assert r.status_code == 200
        return r.json()["data"]

    assert await test("open_library") == {"ok": True, "title": "Harry Potter and the Sorcerer's Stone"}
    assert await test("test") == {"ok": False, "error": "no result returned for test ISBN 9780439708180"}
    assert await test("mangadex") == {"ok": False, "error": "this provider does not support ISBN lookup"}
    assert await test("isbndb") == {
        "ok": False, "error": "provider is disabled — save an API key and enable it first"}  # fmt: skip
    assert await test("nope") == {"ok": False, "error": 'unknown provider "nope"'}
    await api.put("/admin/providers/hardcover", admin, json={"api_key": "bad"})
    stand_in.on("POST", "https://api.hardcover.app/v1/graphql", status=401, json_body={"error": "unauthorized"})
    assert await test("hardcover") == {"ok": False, "error": "hardcover: invalid API key"}
    r = await api.post("/admin/providers/open_library/test", await api.user())
    assert r.status_code == 403


async def test_unreachable_provider_is_reported_by_test(api, stand_in: StandIn):
    import httpx

    admin = await api.admin()
    stand_in.on("GET", f"{OL}/api/books", error=httpx.ConnectError)
    data = (await api.post("/admin/providers/open_library/test", admin)).json()["data"]
    assert data["ok"] is False and "did not answer" in data["error"]


async def test_order(api):
    admin = await api.admin()
    r = await api.get("/admin/providers/order", admin)
    assert (r.status_code, r.json()) == (200, {"data": {"order": NAMES}})
    r = await api.put("/admin/providers/order", admin, json={"order": ["hardcover", "open_library"]})
    assert (r.status_code, r.content) == (204, b"")
    r = await api.get("/admin/providers/order", admin)
    assert r.json()["data"]["order"] == ["hardcover", "open_library", "test", "google_books", "isbndb", "mangadex"]
    for body, message in [
        ({}, "order array is required"),
        ({"order": []}, "order array is required"),
        ({"order": "hardcover"}, None),
        ({"order": ["goodreads"]}, 'unknown provider "goodreads"'),
        ({"order": ["test", "test"]}, 'provider "test" appears more than once'),
    ]:
        r = await api.put("/admin/providers/order", admin, json=body)
        assert r.status_code == 400, body
        if message:
            assert r.json() == {"error": message}
    r = await api.put("/admin/providers/order", await api.user(), json={"order": NAMES})
    assert r.status_code == 403
    r = await api.get("/admin/providers/order")
    assert r.status_code == 401
