"""Writing through the Calibre API natively; calibredb must agree with every result."""

import io
import json
import shutil
import zipfile

import pytest

from tests.fixtures import calibre as ref
from tests.fixtures.media import jpeg

pytestmark = pytest.mark.skipif(ref.CALIBREDB is None, reason="calibredb is not installed")


@pytest.fixture(scope="module")
def template_library(tmp_path_factory):
    return ref.build(tmp_path_factory.mktemp("calibre-template"))


@pytest.fixture
def library(template_library, tmp_path):
    copy = tmp_path / "library"
    shutil.copytree(template_library, copy)
    return copy


@pytest.fixture
def settings_overrides(library, engine):
    return {"calibre_library": library, "calibre_engine": engine}


def check_library(library):
    out = ref.calibredb(library, "check_library", "--csv")
    problems = [line for line in out.splitlines() if line.strip() and not line.startswith("Vacuuming")]
    assert problems == []


async def same_as_calibredb(api, admin, library):
    """Every book reads the same through our API as calibredb lists it."""
    for book in ref.listing(library):
        ours = (await api.get(f"/calibre/books/{book['id']}", admin)).json()["books"]
        for key, value in book.items():
            if not key.startswith("*"):
                assert ours[key] == value, (book["id"], key)


def _json(api, admin, method, path, body):
    return api.request(method, path, admin, content=json.dumps(body), headers={"Content-Type": "application/json"})


async def test_add_empty_book(api, library):
    admin = await api.admin()
    body = {"title": "Dune", "authors": ["Frank Herbert"], "tags": ["sf", "classic"], "series": "Dune",
            "series_index": 1, "identifiers": {"isbn": "9780441013593", "goodreads": "234225"}, "languages": ["en"],
            "cover": None}  # fmt: skip
    body.pop("cover")
    r = await _json(api, admin, "POST", "/calibre/books/empty", body)
    assert r.status_code == 201, r.text
    book_id = int(r.json()["id"][0])
    listed = {b["id"]: b for b in ref.listing(library)}[book_id]
    # calibre-rest drops everything after `identifiers`; here every field lands
    got = (listed["title"], listed["authors"], listed["tags"], listed["series"])
    assert got == ("Dune", "Frank Herbert", ["sf", "Classic"], "Dune")  # "classic" is the library's "Classic" tag
    assert listed["identifiers"] == {"isbn": "9780441013593", "goodreads": "234225"} and listed["languages"] == ["eng"]
    assert (library / "Frank Herbert" / f"Dune ({book_id})" / "metadata.opf").exists()
    r = await _json(api, admin, "POST", "/calibre/books/empty", {})
    assert r.status_code == 201
    assert {b["id"]: b for b in ref.listing(library)}[int(r.json()["id"][0])]["title"] == "Unknown"
    check_library(library)
    await same_as_calibredb(api, admin, library)


async def test_add_validation(api):
    admin = await api.admin()
    r = await _json(api, admin, "POST", "/calibre/books/empty", {"title": 1, "series_index": "string", "random": "v"})
    assert r.status_code == 422
    assert r.json() == {
        "errors": [
            {"series_index": "'string' is not of type 'number'"},
            {"title": "1 is not of type 'string'"},
            {"key": "Additional properties are not allowed ('random' was unexpected)"},
        ]
    }
    r = await api.post("/calibre/books/empty", admin, content=b"{}", headers={"Content-Type": "text/plain"})
    assert (r.status_code, r.json()) == (415, {"error": "415 Unsupported Media Type: Only application/json allowed"})
    r = await api.post("/calibre/books/empty", admin, content=b"{bad", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    r = await api.post("/calibre/books", admin, json={})
    assert (r.status_code, r.json()) == (415, {"error": "415 Unsupported Media Type: Only multipart/form-data allowed"})
    r = await api.post("/calibre/books", admin, files={"data": (None, "{}")})
    assert (r.status_code, r.json()) == (422, {"error": "422 Unprocessable Entity: No file(s) provided"})
    for headers, content in (
        ({"Content-Type": "multipart/form-data"}, b""),  # no boundary
        ({"Content-Type": "multipart/form-data; boundary=xyz"}, b""),
    ):  # no body
        r = await api.post("/calibre/books", admin, content=content, headers=headers)
        assert (r.status_code, r.json()) == (422, {"error": "422 Unprocessable Entity: No file(s) provided"})
    for name in ("-test.txt", "virus.exe", ""):
        r = await api.post("/calibre/books", admin, files={"file": (name or "x", b"x")} if name else
                           {"file": ("", b"x", "text/plain")})  # fmt: skip
        assert r.status_code in (400, 422), name


async def test_add_files_and_automerge(api, library):
    admin = await api.admin()
    r = await api.post("/calibre/books", admin, files={"file": ("hello world.txt", b"hello world!\n", "text/plain")})
    assert r.status_code == 201, r.text
    first = int(r.json()["id"][0])
    book = {b["id"]: b for b in ref.listing(library)}[first]
    assert (book["title"], book["authors"]) == ("hello world", "Unknown")
    assert book["formats"][0].endswith("/Unknown/hello world (9)/hello world - Unknown.txt")
    r = await api.post("/calibre/books", admin, files={"file": ("hello world.txt", b"again\n", "text/plain")})
    assert r.status_code == 409 and "already exists. Include automerge=overwrite to overwrite." in r.json()["error"]
    data = json.dumps({"automerge": "overwrite"})
    r = await api.post("/calibre/books", admin, files={"file": ("hello world.txt", b"third\n"), "data": (None, data)})
    assert (r.status_code, r.json()) == (201, {"id": [str(first)]})
    r = await api.get(f"/calibre/export/{first}", admin)
    assert r.content == b"third\n"
    data = json.dumps({"automerge": "new_record"})
    r = await api.post("/calibre/books", admin, files={"file": ("hello world.txt", b"x\n"), "data": (None, data)})
    assert r.status_code == 201 and int(r.json()["id"][0]) != first
    r = await api.post("/calibre/books", admin, files={"file": ("hello world.epub", b"PK\x03\x04")})
    # a new format merges into every duplicate that lacks it (the "new_record" copy too)
    assert (r.status_code, r.json()) == (201, {"id": [str(first), str(first + 1)]})
    meta = json.dumps({"title": "Mine", "authors": ["Me"], "identifiers": {"x": "1"}, "tags": ["t"]})
    r = await api.post("/calibre/books", admin, files={"file": ("a.txt", b"a\n"), "data": (None, meta)})
    mine = {b["id"]: b for b in ref.listing(library)}[int(r.json()["id"][0])]
    assert (mine["title"], mine["tags"], mine["identifiers"]) == ("Mine", ["t"], {"x": "1"})
    r = await api.post("/calibre/books", admin, files={"file": ("a.txt", b"a\n"), "data": (None, "{bad")})
    assert r.status_code == 400 and r.json()["error"].startswith("Error decoding JSON:")
    check_library(library)
    await same_as_calibredb(api, admin, library)


async def test_update_moves_the_book(api, library):
    admin = await api.admin()
    change = {"title": "A Dark and Stormy Night", "authors": ["Snoopy"], "rating": 4, "tags": ["dog"],
              "pubdate": "1965-07-12"}  # fmt: skip
    r = await _json(api, admin, "PUT", "/calibre/books/6", change)
    assert r.status_code == 200, r.text
    book = r.json()["books"]
    assert (book["title"], book["authors"], book["rating"], book["tags"]) == ("A Dark and Stormy Night", "Snoopy", 8,
                                                                               ["dog"])  # fmt: skip
    assert all("/Snoopy/A Dark and Stormy Night (6)/" in f for f in book["formats"]) and len(book["formats"]) == 2
    assert book["cover"].endswith("/Snoopy/A Dark and Stormy Night (6)/cover.jpg")
    assert not (library / "Edward Bulwer-Lytton").exists()
    cover = library.parent / "new-cover.jpg"
    cover.write_bytes(jpeg())
    r = await _json(api, admin, "PUT", "/calibre/books/1", {"cover": str(cover)})
    assert r.json()["books"]["cover"].endswith("cover.jpg")
    check_library(library)
    await same_as_calibredb(api, admin, library)


async def test_update_errors(api):
    admin = await api.admin()
    r = await _json(api, admin, "PUT", "/calibre/books/1", {})
    assert (r.status_code, r.json()) == (400, {"error": "400 Bad Request: No data provided"})
    r = await _json(api, admin, "PUT", "/calibre/books/999", {"title": "x"})
    assert (r.status_code, r.json()) == (404, {"error": "404 Not Found: book 999 does not exist"})
    r = await _json(api, admin, "PUT", "/calibre/books/999", {"title": 1})
    assert r.status_code == 422
    r = await _json(api, admin, "PUT", "/calibre/books/0", {"title": "x"})
    assert (r.status_code, r.json()) == (400, {"error": "Value id=0 cannot be <= 0"})
    r = await api.put(
        "/calibre/books/1", admin, content=b"{}", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    assert r.status_code == 415


async def test_delete(api, library):
    admin = await api.admin()
    r = await api.delete("/calibre/books/6", admin)
    assert r.status_code == 200 and r.content == b""
    assert 6 not in {b["id"] for b in ref.listing(library)}
    assert not (library / "Edward Bulwer-Lytton").exists()
    r = await api.delete("/calibre/books?id=1,2", admin)
    assert r.status_code == 200
    assert {b["id"] for b in ref.listing(library)} == {3, 4, 5, 7, 8}
    r = await api.delete("/calibre/books", admin)
    assert r.status_code == 400
    r = await api.delete("/calibre/books?id=abc", admin)
    assert (r.status_code, r.json()) == (400, {"error": "invalid literal for int() with base 10: 'abc'"})
    r = await api.delete("/calibre/books?id=-1", admin)
    assert (r.status_code, r.json()) == (400, {"error": "ids=[-1] not allowed"})
    assert (await api.delete("/calibre/books/999", admin)).status_code == 200  # missing ids are fine
    check_library(library)


async def test_export(api, library):
    admin = await api.admin()
    r = await api.get("/calibre/export/1", admin)
    assert r.status_code == 200 and r.content == b"In a hole in the ground there lived a hobbit.\n"
    assert 'filename="The Hobbit, or There and Back Again - J. R. R. Tolkien.txt"' in r.headers["content-disposition"]
    r = await api.get("/calibre/export?id=6&id=1", admin)
    assert r.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert names == ["The Hobbit, or There and Back Again - J. R. R. Tolkien.txt",
                     "Stormy Night - Edward Bulwer-Lytton.epub", "Stormy Night - Edward Bulwer-Lytton.txt"]  # fmt: skip
    r = await api.get("/calibre/export/999", admin)
    assert (r.status_code, r.json()) == (404, {"error": "404 Not Found: No book with id 999 present"})
    r = await api.get("/calibre/export/2", admin)  # no files
    assert r.status_code == 404


async def test_writes_need_an_admin(api):
    user = await api.user()
    r = await api.delete("/calibre/books/1", user)
    assert r.status_code == 403
    r = await api.post("/calibre/books/empty", content=b"{}", headers={"Content-Type": "application/json"})
    assert r.status_code == 401
