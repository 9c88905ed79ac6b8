"""Importing a Calibre library (a library calibredb wrote) into a Librarium library: field by field, files
linked in place (downloads return Calibre's bytes), the Calibre library untouched and valid for calibre, a
second run importing nothing new; the route's errors, roles and scoping."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from librarium.jobs.runner import Worker
from tests.conftest import make_settings
from tests.fixtures import calibre as ref

pytestmark = pytest.mark.skipif(ref.CALIBREDB is None, reason="calibredb is not installed")


@pytest.fixture(scope="module")
def calibre_library(tmp_path_factory):
    return ref.build(tmp_path_factory.mktemp("roots"))


@pytest.fixture
def settings_overrides(calibre_library):
    return {"storage_roots": str(calibre_library.parent)}


def fingerprint(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}  # fmt: skip


async def start(api, user, library, path):
    return await api.post(f"/libraries/{library['id']}/imports/calibre", user, json={"path": str(path)})


async def run_worker(api, tmp_path, database_url):
    await Worker(api.app.state.db, make_settings(tmp_path, database_url)).run_until_idle()


async def detail(api, user, library, job_id):
    return (await api.get(f"/libraries/{library['id']}/imports/{job_id}", user)).json()["data"]


async def test_a_calibre_library_becomes_books_with_linked_files(api, calibre_library, tmp_path, database_url):
    owner = await api.user("owner")
    library = await api.library(owner)
    before = fingerprint(calibre_library)
    r = await start(api, owner, library, calibre_library)
    assert r.status_code == 201, r.text
    job = r.json()["data"]
    assert (job["status"], job["total_rows"], job["options"]["preset"]) == ("pending", 8, "calibre")
    await run_worker(api, tmp_path, database_url)

    done = await detail(api, owner, library, job["id"])
    assert (done["status"], done["processed_rows"], done["skipped_rows"], done["failed_rows"]) == ("done", 8, 0, 0)
    messages = {i["title"]: i["message"] for i in done["items"]}
    assert messages["The Hobbit, or There and Back Again"] == (
        'imported "The Hobbit, or There and Back Again" (TXT not linked: unsupported file type)')  # fmt: skip
    assert messages["Stormy Night"] == 'imported "Stormy Night" (TXT not linked: unsupported file type)'
    base = f"/libraries/{library['id']}/books"
    listing = (await api.get(base + "?per_page=50", owner)).json()["data"]["items"]
    ids = {b["title"]: b["id"] for b in listing}
    assert len(ids) == 8

    async def book(title):
        return (await api.get(f"{base}/{ids[title]}", owner)).json()["data"]

    async def editions(title):
        return (await api.get(f"{base}/{ids[title]}/editions", owner)).json()["data"]

    hobbit = await book("The Hobbit, or There and Back Again")
    assert [c["name"] for c in hobbit["contributors"]] == ["J. R. R. Tolkien"]
    assert sorted(t["name"] for t in hobbit["tags"]) == ["Classic", "Fantasy"]
    assert [g["name"] for g in hobbit["genres"]] == ["Fantasy"]
    [edition] = await editions("The Hobbit, or There and Back Again")
    assert (edition["format"], edition["isbn_13"], edition["language"]) == ("ebook", "9780261103283", "en")
    series = (await api.get(f"/libraries/{library['id']}/series", owner)).json()["data"]
    assert sorted(s["name"] for s in series) == ["Middle-earth", "Remembrance of Earth's Past"]
    earth = next(s for s in series if s["name"].startswith("Remembrance"))
    members = (await api.get(f"/libraries/{library['id']}/series/{earth['id']}/books", owner)).json()["data"]
    assert [(m["title"], m["position"]) for m in members] == [("三体", 1.5)]

    tale = await book("A Tale of Two Cities")
    assert tale["description"] == "It was the best of times" and tale["cover_url"]
    [edition] = await editions("A Tale of Two Cities")
    assert (edition["publisher"], edition["publish_date"]) == ("Chapman & Hall", "1859-06-15")
    mine = await api.get(f"{base}/{ids['A Tale of Two Cities']}/editions/{edition['id']}/my-interaction", owner)
    stored = next(b["rating"] for b in ref.listing(calibre_library) if b["title"] == "A Tale of Two Cities")
    assert mine.json()["data"]["rating"] == stored == 10  # calibre's 0–10 (half stars) is our 1–10
    cover = await api.get(f"{base}/{ids['A Tale of Two Cities']}/cover", owner)
    assert cover.status_code == 200 and cover.headers["content-type"].startswith("image/")

    hugo = await book("Les Misérables: Tome 1 / Fantine?")
    assert [c["name"] for c in hugo["contributors"]] == ["Victor Hugo", "John Smith"]
    listed = (await api.get(f"/libraries/{library['id']}/contributors?per_page=100", owner)).json()["data"]
    people = {p["name"]: p["sort_name"] for p in listed["items"]}
    calibre_sorts = next(b for b in ref.listing(calibre_library) if b["title"].startswith("Les Mis"))["author_sort"]
    assert " & ".join([people["Victor Hugo"], people["John Smith"]]) == calibre_sorts  # calibre's sort names
    assert (await editions("Les Misérables: Tome 1 / Fantine?"))[0]["language"] == "fr"

    [storm] = await editions("Stormy Night")
    [linked] = storm["files"]
    assert (linked["file_format"], linked["file_name"]) == ("epub", "Stormy Night - Edward Bulwer-Lytton.epub")
    r = await api.get(f"{base}/{ids['Stormy Night']}/editions/{storm['id']}/files/{linked['id']}", owner)
    assert r.status_code == 200
    calibre_file = calibre_library / linked["file_path"]
    assert r.content == calibre_file.read_bytes() and linked["root_path"] == str(calibre_library.resolve())

    # nothing in the Calibre library changed, and calibre still finds it sound
    assert fingerprint(calibre_library) == before
    report = ref.calibredb(calibre_library, "check_library", "--csv")
    problems = [line for line in report.splitlines() if line.strip() and not line.startswith("Vacuuming")]
    assert problems == [], report

    # a second run imports nothing new
    again = (await start(api, owner, library, calibre_library)).json()["data"]
    await run_worker(api, tmp_path, database_url)
    second = await detail(api, owner, library, again["id"])
    assert (second["processed_rows"], second["skipped_rows"]) == (0, 8)
    assert all("already in the library" in i["message"] for i in second["items"])
    assert (await api.get(base, owner)).json()["data"]["total"] == 8
    locations = (await api.get(f"/libraries/{library['id']}/storage-locations", owner)).json()["data"]
    assert [loc["root_path"] for loc in locations] == [str(calibre_library.resolve())]  # one, reused


async def test_errors_roles_and_scoping(api, calibre_library, tmp_path):
    owner = await api.user("owner")
    library = await api.library(owner)
    path = f"/libraries/{library['id']}/imports/calibre"
    r = await api.post(path, owner, json={"path": str(tmp_path)})
    assert (r.status_code, r.json()) == (
        400, {"error": "path must be inside an allowed storage root (LIBRARIUM_STORAGE_ROOTS)"})  # fmt: skip
    r = await api.post(path, owner, json={"path": str(calibre_library.parent / "files")})
    assert r.status_code == 400 and r.json()["error"].startswith("not a Calibre library (no metadata.db)")
    r = await api.post(path, owner, json={"path": "library"})
    assert (r.status_code, r.json()) == (400, {"error": "path must be an absolute path"})
    r = await api.post(path, owner, json={})
    assert (r.status_code, r.json()) == (400, {"error": "path is required (LIBRARIUM_CALIBRE_LIBRARY is not set)"})
    r = await api.post(path, owner, json={"path": 5})
    assert r.status_code in (400, 422)
    viewer = await api.user()
    await api.add_member(library, owner, viewer, "library_viewer")
    r = await start(api, viewer, library, calibre_library)
    assert (r.status_code, r.json()) == (403, {"error": "insufficient permissions"})
    stranger = await api.user()
    r = await start(api, stranger, library, calibre_library)
    assert r.status_code in (403, 404) and "error" in r.json()
    assert (await api.post(path, json={"path": str(calibre_library)})).status_code == 401
    r = await api.post("/libraries/00000000-0000-0000-0000-000000000000/imports/calibre", owner, json={})
    assert r.status_code in (403, 404)
