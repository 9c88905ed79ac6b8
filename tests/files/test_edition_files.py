"""Edition files: streaming uploads, type checks, ranged downloads, links, deletes, storage locations."""

import os

import pytest

from tests.fixtures.media import epub

ZERO = "00000000-0000-0000-0000-000000000001"


@pytest.fixture
def settings_overrides(request, tmp_path):
    (tmp_path / "shelf").mkdir()
    return {"storage_roots": str(tmp_path / "shelf")} | getattr(request, "param", {})


@pytest.fixture
async def edition(api, tmp_path):
    owner = await api.user("owner")
    library = await api.library(owner)
    author = await api.contributor(owner, "Andy Weir")
    book = await api.book(
        library, owner, "Project Hail Mary", contributors=[{"contributor_id": author, "role": "author"}]
    )
    base = f"/libraries/{library['id']}/books/{book['id']}"
    ed = (await api.post(base + "/editions", owner, json={"format": "ebook"})).json()["data"]
    return api, owner, library, f"{base}/editions/{ed['id']}/files", tmp_path / "data"


async def test_upload_download_delete(edition):
    api, owner, library, files, data_dir = edition
    body = epub()
    r = await api.post(files, owner, files={"file": ("Project Hail Mary.EPUB", body, "application/epub+zip")})
    assert r.status_code == 201, r.text
    row = r.json()["data"]
    assert (row["file_format"], row["file_name"], row["file_path"], row["file_size"]) == (
        "epub", "Project Hail Mary.EPUB", "Project Hail Mary/Project Hail Mary.epub", len(body))  # fmt: skip
    stored = data_dir / "media" / "ebooks" / "Project Hail Mary" / "Project Hail Mary.epub"
    assert stored.read_bytes() == body and row["root_path"] == str(data_dir / "media" / "ebooks")
    assert not [p for p in stored.parent.iterdir() if p.name.startswith(".upload-")]
    second = (await api.post(files, owner, files={"file": ("Project Hail Mary.epub", body, "x")})).json()["data"]
    assert second["file_path"] == "Project Hail Mary/Project Hail Mary (2).epub" and second["display_order"] == 1
    r = await api.get(f"{files}/{row['id']}", owner)
    assert r.status_code == 200 and r.content == body
    assert r.headers["content-type"] == "application/epub+zip"
    assert 'filename="Project Hail Mary.EPUB"' in r.headers["content-disposition"]
    editions = (await api.get(files.rsplit("/editions/", 1)[0] + "/editions", owner)).json()["data"]
    assert [f["id"] for f in editions[0]["files"]] == [row["id"], second["id"]]
    assert (await api.delete(f"{files}/{row['id']}", owner)).status_code == 204
    assert not stored.exists()  # we wrote it, so deleting the record deletes it
    r = await api.get(f"{files}/{row['id']}", owner)
    assert r.status_code == 404


async def test_byte_ranges(edition):
    api, owner, library, files, data_dir = edition
    body = epub()
    row = (await api.post(files, owner, files={"file": ("b.epub", body, "x")})).json()["data"]
    r = await api.get(f"{files}/{row['id']}", owner, headers={"Range": "bytes=0-9"})
    assert r.status_code == 206 and r.content == body[:10]
    assert r.headers["content-range"] == f"bytes 0-9/{len(body)}"
    r = await api.get(f"{files}/{row['id']}", owner, headers={"Range": "bytes=-5"})
    assert r.status_code == 206 and r.content == body[-5:]
    r = await api.get(f"{files}/{row['id']}", owner, headers={"Range": f"bytes={len(body) + 10}-"})
    assert r.status_code == 416
    r = await api.get(f"{files}/{row['id']}", owner, headers={"Range": "bytes=5-2"})
    assert r.status_code in (400, 416)


async def test_upload_rejections(edition):
    api, owner, library, files, data_dir = edition
    r = await api.post(files, owner, files={"file": ("notes.txt", b"hello", "text/plain")})
    assert (r.status_code, r.json()) == (400, {"error": 'unsupported file type "txt"'})
    r = await api.post(files, owner, files={"file": ("fake.epub", b"<html>not a zip</html>", "application/epub+zip")})
    assert (r.status_code, r.json()) == (400, {"error": "file content does not match its .epub extension"})
    r = await api.post(files, owner, files={"nope": ("a.epub", epub(), "x")})
    assert (r.status_code, r.json()) == (400, {"error": "file is required"})
    r = await api.post(files, owner, json={"file": "x"})
    assert (r.status_code, r.json()) == (400, {"error": "invalid multipart form"})
    r = await api.post(files.replace("/editions/", f"/editions/{ZERO}/x/", 1).split("/x/")[0] + "/files", owner,
                       files={"file": ("a.epub", epub(), "x")})  # fmt: skip
    assert r.status_code == 404
    leftovers = [p for p in (data_dir / "media").rglob("*") if p.is_file()]
    assert leftovers == []  # nothing half-written stays behind


@pytest.mark.parametrize("settings_overrides", [{"max_upload_mb": 0.0001}], indirect=True)
async def test_oversized_upload_is_413_and_leaves_nothing(api, edition):
    api, owner, library, files, data_dir = edition
    r = await api.post(files, owner, files={"file": ("big.epub", epub() + b"\0" * 500, "x")})
    assert r.status_code == 413 and "too large" in r.json()["error"]
    assert [p for p in (data_dir / "media").rglob("*") if p.is_file()] == []


async def test_hostile_file_names_stay_inside(edition):
    api, owner, library, files, data_dir = edition
    r = await api.post(files, owner, files={"file": ("../../../etc/evil.epub", epub(), "x")})
    assert r.status_code == 201
    path = r.json()["data"]["file_path"]
    assert ".." not in path and path.startswith("Project Hail Mary/")


async def test_storage_locations_and_links(edition, tmp_path):
    api, owner, library, files, data_dir = edition
    shelf = tmp_path / "shelf"
    (shelf / "Weir").mkdir()
    (shelf / "Weir" / "hail.epub").write_bytes(epub())
    (shelf / "Weir" / "notes.txt").write_text("x")
    os.symlink("/etc", shelf / "escape")
    base = f"/libraries/{library['id']}/storage-locations"
    r = await api.post(base, owner, json={"name": "NAS", "root_path": str(shelf), "media_format": "ebook"})
    assert r.status_code == 201, r.text
    loc = r.json()["data"]
    assert (loc["path_template"], loc["root_path"]) == ("{title}", str(shelf.resolve()))
    assert [x["name"] for x in (await api.get(base, owner)).json()["data"]] == ["NAS"]
    entries = (await api.get(f"{base}/{loc['id']}/browse", owner)).json()["data"]
    # the escaping symlink is hidden; a folder has no size or extension (left out, as upstream does)
    assert entries == [{"name": "Weir", "path": "Weir", "is_dir": True, "is_bookable": False}]
    entries = (await api.get(f"{base}/{loc['id']}/browse?path=Weir", owner)).json()["data"]
    assert [(e["name"], e["is_bookable"], e.get("ext")) for e in entries] == [("hail.epub", True, "epub"),
                                                                               ("notes.txt", False, "txt")]  # fmt: skip
    assert entries[0]["size"] == len(epub()) and entries[1]["size"] == 1
    for bad in ("../", "Weir/../../", "/etc", "escape", "Weir%2f..%2f.."):
        r = await api.get(f"{base}/{loc['id']}/browse", owner, params={"path": bad})
        assert r.status_code == 400, bad
    r = await api.get(f"{base}/{loc['id']}/browse?path=nothing-here", owner)
    assert (r.status_code, r.json()) == (400, {"error": "directory not found: nothing-here"})
    link = files + "/link"
    r = await api.post(link, owner, json={"storage_location_id": loc["id"], "file_path": "Weir/hail.epub"})
    assert r.status_code == 201, r.text
    linked = r.json()["data"]
    assert (linked["storage_location_id"], linked["file_path"], linked["root_path"]) == (
        loc["id"], "Weir/hail.epub", str(shelf.resolve()))  # fmt: skip
    r = await api.get(f"{files}/{linked['id']}", owner)
    assert r.content == epub()
    for body, message in [
        ({"storage_location_id": loc["id"], "file_path": "../etc/passwd"}, "path outside storage location"),
        ({"storage_location_id": loc["id"], "file_path": "escape/passwd"}, "path outside storage location"),
        ({"storage_location_id": loc["id"], "file_path": "Weir"}, "path is a directory, not a file"),
        ({"storage_location_id": loc["id"], "file_path": "Weir/none.epub"}, "file not found: Weir/none.epub"),
        ({"storage_location_id": loc["id"], "file_path": "Weir/notes.txt"}, 'unsupported file type "txt"'),
        ({"storage_location_id": "x", "file_path": "a"}, "invalid storage_location_id"),
        ({"storage_location_id": loc["id"]}, "file_path is required"),
    ]:
        r = await api.post(link, owner, json=body)
        assert (r.status_code, r.json()) == (400, {"error": message}), body
    # deleting a linked record never deletes the original
    assert (await api.delete(f"{files}/{linked['id']}", owner)).status_code == 204
    assert (shelf / "Weir" / "hail.epub").exists()
    r = await api.put(
        f"{base}/{loc['id']}", owner, json={"name": "NAS 2", "root_path": str(shelf), "media_format": "ebook"}
    )
    assert r.json()["data"]["name"] == "NAS 2"
    assert (await api.delete(f"{base}/{loc['id']}", owner)).status_code == 204
    assert (await api.delete(f"{base}/{loc['id']}", owner)).status_code == 404


async def test_storage_location_rules(edition, tmp_path):
    api, owner, library, files, data_dir = edition
    base = f"/libraries/{library['id']}/storage-locations"
    cases = [
        ({"name": "x"}, "name, root_path, and media_format are required"),
        ({"name": "x", "root_path": "relative/dir", "media_format": "ebook"}, "root_path must be an absolute path"),
        ({"name": "x", "root_path": "/", "media_format": "ebook"},
         "root_path must be inside an allowed storage root (LIBRARIUM_STORAGE_ROOTS)"),
        ({"name": "x", "root_path": str(tmp_path / "shelf" / "none"), "media_format": "ebook"},
         f"directory not found: {tmp_path / 'shelf' / 'none'}"),
    ]  # fmt: skip
    for body, message in cases:
        r = await api.post(base, owner, json=body)
        assert (r.status_code, r.json()) == (400, {"error": message}), body
    viewer, stranger = await api.user(), await api.user()
    await api.add_member(library, owner, viewer, "library_viewer")
    ok_body = {"name": "x", "root_path": str(tmp_path / "shelf"), "media_format": "ebook"}
    assert (await api.post(base, viewer, json=ok_body)).status_code == 403
    assert (await api.get(base, viewer)).status_code == 200
    assert (await api.get(base, stranger)).status_code == 403
    assert (await api.get(base)).status_code == 401
    # another library's location is not reachable through this library
    other = await api.library(stranger, "Other")
    theirs = (await api.post(f"/libraries/{other['id']}/storage-locations", stranger, json=ok_body)).json()["data"]
    assert (await api.get(f"{base}/{theirs['id']}/browse", owner)).status_code == 404
    r = await api.post(files + "/link", owner, json={"storage_location_id": theirs["id"], "file_path": "x.epub"})
    assert (r.status_code, r.json()) == (404, {"error": "storage location not found"})


async def test_browse_uploads(edition):
    api, owner, library, files, data_dir = edition
    await api.post(files, owner, files={"file": ("a.epub", epub(), "x")})
    base = f"/libraries/{library['id']}/browse-uploads"
    r = await api.get(base + "?format=ebook", owner)
    data = r.json()["data"]
    assert data["root_path"].endswith("ebooks") and [e["name"] for e in data["entries"]] == ["Project Hail Mary"]
    assert (await api.get(base + "?format=audiobook", owner)).json()["data"]["entries"] == []
    r = await api.get(base + "?format=pdf", owner)
    assert (r.status_code, r.json()) == (400, {"error": "format must be ebook or audiobook"})
    r = await api.get(base + "?format=ebook&path=../..", owner)
    assert (r.status_code, r.json()) == (400, {"error": "path outside upload directory"})
