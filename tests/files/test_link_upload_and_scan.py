"""Linking a file that already lies in the upload folder, and scanning a storage location for ISBN-named files."""

import os

import pytest

from librarium.kit import isbn as isbn_kit
from tests.fixtures.factories import isbn13
from tests.fixtures.media import epub

DUNE, HOBBIT, EMMA = isbn13(101), isbn13(102), isbn13(103)


@pytest.fixture
def settings_overrides(tmp_path):
    (tmp_path / "shelf").mkdir()
    return {"storage_roots": str(tmp_path / "shelf")}


@pytest.fixture
async def lib(api, tmp_path):
    owner = await api.user("owner")
    library = await api.library(owner)
    return api, owner, library, f"/libraries/{library['id']}", tmp_path


async def ebook(api, library, owner, title, **edition):
    book = await api.book(library, owner, title)
    base = f"/libraries/{library['id']}/books/{book['id']}/editions"
    r = await api.post(base, owner, json={"format": "ebook", **edition})
    assert r.status_code == 201, r.text
    return f"{base}/{r.json()['data']['id']}", r.json()["data"]


async def test_link_upload_links_in_place_and_never_deletes(lib):
    api, owner, library, base, tmp_path = lib
    uploads = tmp_path / "data" / "media" / "ebooks" / "inbox"
    uploads.mkdir(parents=True)
    (uploads / "dune.epub").write_bytes(epub())
    (uploads / "notes.txt").write_text("x")
    edition_path, _ = await ebook(api, library, owner, "Dune")
    files = edition_path + "/files"
    r = await api.post(files + "/link-upload", owner, json={"file_path": "inbox/dune.epub"})
    assert r.status_code == 201, r.text
    row = r.json()["data"]
    assert (row["file_path"], row["storage_location_id"], row["file_name"]) == ("inbox/dune.epub", None, "dune.epub")
    assert row["root_path"].endswith("ebooks")
    assert (await api.get(f"{files}/{row['id']}", owner)).content == epub()
    assert (await api.delete(f"{files}/{row['id']}", owner)).status_code == 204
    assert (uploads / "dune.epub").exists()  # linked, not ours: upstream deletes it here
    for body, message in [
        ({}, "file_path is required"),
        ({"file_path": "../../../etc/passwd"}, "path outside upload directory"),
        ({"file_path": "inbox"}, "path is a directory, not a file"),
        ({"file_path": "inbox/none.epub"}, "file not found: inbox/none.epub"),
        ({"file_path": "inbox/notes.txt"}, 'unsupported file type "txt"'),
    ]:
        r = await api.post(files + "/link-upload", owner, json=body)
        assert (r.status_code, r.json()) == (400, {"error": message}), body


async def test_link_upload_permissions_and_other_libraries(lib):
    api, owner, library, base, tmp_path = lib
    edition_path, _ = await ebook(api, library, owner, "Dune")
    viewer, stranger = await api.user(), await api.user()
    await api.add_member(library, owner, viewer, "library_viewer")
    link = edition_path + "/files/link-upload"
    assert (await api.post(link, json={"file_path": "x.epub"})).status_code == 401
    assert (await api.post(link, viewer, json={"file_path": "x.epub"})).status_code == 403
    theirs = await api.library(stranger, "Theirs")
    their_edition, _ = await ebook(api, theirs, stranger, "Theirs")
    wrong = their_edition.replace(theirs["id"], library["id"]) + "/files/link-upload"
    r = await api.post(wrong, owner, json={"file_path": "x.epub"})
    assert (r.status_code, r.json()) == (404, {"error": "book not found"})


async def test_scan_links_isbn_named_files(lib):
    api, owner, library, base, tmp_path = lib
    shelf = tmp_path / "shelf"
    (shelf / "sci-fi").mkdir()
    (shelf / "sci-fi" / f"Herbert - Dune {DUNE}.epub").write_bytes(epub())
    (shelf / f"hobbit_{isbn_kit.to_isbn10(HOBBIT)}.epub").write_bytes(epub())  # the ISBN-10 of an ISBN-13 edition
    (shelf / "order 1234567890123.epub").write_bytes(epub())  # 13 digits, not an ISBN
    (shelf / "cover.jpg").write_bytes(b"x")
    os.symlink(shelf / "sci-fi" / f"Herbert - Dune {DUNE}.epub", shelf / f"again {DUNE}.epub")
    _, dune = await ebook(api, library, owner, "Dune", isbn_13=DUNE)
    _, hobbit = await ebook(api, library, owner, "The Hobbit", isbn_13=HOBBIT)
    _, emma = await ebook(api, library, owner, "Emma", isbn_13=EMMA)
    await ebook(api, library, owner, "Paper", isbn_13=isbn13(104), format="paperback")  # not digital: ignored
    locations = base + "/storage-locations"
    loc = (
        await api.post(locations, owner, json={"name": "NAS", "root_path": str(shelf), "media_format": "ebook"})
    ).json()["data"]
    r = await api.post(f"{locations}/{loc['id']}/scan", owner, headers={"Content-Type": "application/json"})
    assert r.status_code == 200, r.text
    report = r.json()["data"]
    assert sorted((x["book_title"], x["file_path"], x["isbn"]) for x in report["linked"]) == [
        ("Dune", f"sci-fi/Herbert - Dune {DUNE}.epub", DUNE),
        ("The Hobbit", f"hobbit_{isbn_kit.to_isbn10(HOBBIT)}.epub", HOBBIT),
    ]
    assert {x["edition_id"] for x in report["linked"]} == {dune["id"], hobbit["id"]}
    assert report["unlinked"] == [{"file_path": "order 1234567890123.epub", "file_size": len(epub())}]
    assert [(m["edition_id"], m["book_title"], m["isbn_13"]) for m in report["missing_files"]] == [
        (emma["id"], "Emma", EMMA)
    ]
    # a second scan links nothing twice and does not call linked files unlinked
    again = (await api.post(f"{locations}/{loc['id']}/scan", owner)).json()["data"]
    assert again["linked"] == [] and [u["file_path"] for u in again["unlinked"]] == ["order 1234567890123.epub"]
    files = (await api.get(f"/libraries/{library['id']}/books/{dune['book_id']}/editions", owner)).json()["data"]
    assert [f["file_path"] for e in files for f in e["files"]] == [f"sci-fi/Herbert - Dune {DUNE}.epub"]


async def test_scan_permissions_and_other_libraries(lib):
    api, owner, library, base, tmp_path = lib
    viewer, stranger = await api.user(), await api.user()
    await api.add_member(library, owner, viewer, "library_viewer")
    locations = base + "/storage-locations"
    r = await api.post(
        locations, owner, json={"name": "NAS", "root_path": str(tmp_path / "shelf"), "media_format": "ebook"}
    )
    assert r.status_code == 201, r.text
    loc = r.json()["data"]
    scan = f"{locations}/{loc['id']}/scan"
    assert (await api.post(scan)).status_code == 401
    assert (await api.post(scan, viewer)).status_code == 403
    empty = (await api.post(scan, owner)).json()["data"]
    assert empty == {"linked": [], "unlinked": [], "missing_files": []}  # upstream: null for empty lists
    theirs = await api.library(stranger, "Theirs")
    r = await api.post(f"/libraries/{theirs['id']}/storage-locations/{loc['id']}/scan", stranger)
    assert (r.status_code, r.json()) == (404, {"error": "storage location not found"})
