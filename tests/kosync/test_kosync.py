"""KOReader progress sync as KOReader's plugin speaks it: the sign-in check with the MD5 of an app password,
progress uploaded by one device and read by another, the protocol's error answers, the document id of files
(KOReader's partial MD5) and the reading record following the progress."""

from __future__ import annotations

import hashlib

import pytest

from librarium.files.kosync_digest import koreader_digest
from tests.fixtures.media import epub

KOREADER = {"Accept": "application/vnd.koreader.v1+json", "Content-Type": "application/json"}


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 (what KOReader sends)


def signed(username: str, secret: str) -> dict[str, str]:
    return KOREADER | {"x-auth-user": username, "x-auth-key": md5(secret)}


@pytest.fixture
async def reader(api):
    owner = await api.user("owner")
    r = await api.post("/auth/me/app-passwords", owner, json={"name": "Kobo"})
    return api, owner, signed("owner", r.json()["data"]["password"])


async def test_sign_in_and_progress_between_two_devices(reader):
    api, owner, auth = reader
    assert (await api.client.get("/kosync/healthcheck", headers=KOREADER)).json() == {"state": "OK"}
    r = await api.client.get("/kosync/users/auth", headers=auth)
    assert (r.status_code, r.json()) == (200, {"authorized": "OK"})
    # the use is recorded although the request only read (its own transaction is rolled back)
    assert (await api.get("/auth/me/app-passwords", owner)).json()["data"][0]["last_used_at"]
    body = {"document": "0b229176d4e8db7f6d2b5a4952368d7a", "progress": "/body/DocFragment[20]/body/p[22]/img.0",
            "percentage": 0.3188, "device": "PocketBook", "device_id": "A1"}  # fmt: skip
    r = await api.client.put("/kosync/syncs/progress", headers=auth, json=body)
    assert r.status_code == 200 and r.json()["document"] == body["document"] and r.json()["timestamp"] > 0
    r = await api.client.get(f"/kosync/syncs/progress/{body['document']}", headers=auth)
    got = r.json()
    assert {k: got[k] for k in ("document", "progress", "percentage", "device", "device_id")} == body
    later = body | {"percentage": 0.5, "progress": "/body/DocFragment[30]", "device": "Kindle", "device_id": "B2"}
    await api.client.put("/kosync/syncs/progress", headers=auth, json=later)
    got = (await api.client.get(f"/kosync/syncs/progress/{body['document']}", headers=auth)).json()
    assert (got["percentage"], got["device"], got["device_id"]) == (0.5, "Kindle", "B2")
    assert (await api.client.get("/kosync/syncs/progress/unknown", headers=auth)).json() == {}
    # another user never sees it
    other = await api.user("other")
    secret = (await api.post("/auth/me/app-passwords", other, json={"name": "x"})).json()["data"]["password"]
    theirs = signed("other", secret)
    assert (await api.client.get(f"/kosync/syncs/progress/{body['document']}", headers=theirs)).json() == {}


async def test_the_protocols_errors(reader):
    api, owner, auth = reader
    unauthorized = {"code": 2001, "message": "Unauthorized"}
    for headers in (KOREADER, signed("owner", "user-password"), auth | {"x-auth-user": "other"}):
        r = await api.client.get("/kosync/users/auth", headers=headers)
        assert (r.status_code, r.json()) == (401, unauthorized)
    r = await api.client.post("/kosync/users/create", headers=KOREADER, json={"username": "x", "password": "y"})
    assert r.status_code == 402 and r.json()["code"] == 2005
    r = await api.client.put("/kosync/syncs/progress", headers=auth, json={"progress": "x"})
    assert (r.status_code, r.json()) == (403, {"code": 2004, "message": "Field 'document' not provided."})
    for bad in ({"document": "a:b", "progress": "x", "percentage": 1, "device": "d"},
                {"document": "abc", "progress": "x", "percentage": "lots", "device": "d"},
                {"document": "abc", "percentage": 0.1, "device": "d"}):  # fmt: skip
        r = await api.client.put("/kosync/syncs/progress", headers=auth, json=bad)
        assert (r.status_code, r.json()) == (403, {"code": 2003, "message": "Invalid request"}), bad
    # a KOReader key never opens the management API, and the management token never opens kosync
    assert (
        await api.get("/auth/me", headers={"x-auth-user": "owner", "x-auth-key": auth["x-auth-key"]})
    ).status_code == 401
    assert (await api.client.get("/kosync/users/auth", headers=KOREADER | owner.headers)).status_code == 401


def test_the_document_id_is_koreaders_partial_md5(tmp_path):
    data = bytes(i % 251 for i in range(3000))
    path = tmp_path / "book.epub"
    path.write_bytes(data)
    # samples of 1 KiB at 256 B and 1 KiB; the next one (4 KiB) lies past the end of the file
    assert koreader_digest(path) == hashlib.md5(data[256:1280] + data[1024:2048]).hexdigest()  # noqa: S324
    big = bytes((i * 7) % 256 for i in range(70_000))
    path.write_bytes(big)
    expected = hashlib.md5()  # noqa: S324
    for offset in (256, 1024, 4096, 16384, 65536):
        expected.update(big[offset : offset + 1024])
    assert koreader_digest(path) == expected.hexdigest()


async def ebook_with_file(api, owner, title, file_name):
    """(library, book path, edition, the upload's answer): an ebook with one uploaded EPUB."""
    library = await api.library(owner)
    book = await api.book(library, owner, title, edition={"format": "ebook"})
    lib = f"/libraries/{library['id']}/books/{book['id']}"
    edition = (await api.get(f"{lib}/editions", owner)).json()["data"][0]
    upload = (file_name, epub(), "application/epub+zip")
    r = await api.post(f"{lib}/editions/{edition['id']}/files", owner, files={"file": upload})
    assert r.status_code == 201, r.text
    return library, lib, edition, r


async def test_progress_on_a_file_of_the_library_moves_the_reading_record(reader):
    api, owner, auth = reader
    _, lib, edition, r = await ebook_with_file(api, owner, "Piranesi", "p.epub")
    path = api.app.state.settings.data_dir / "media" / "ebooks" / r.json()["data"]["file_path"]
    document = koreader_digest(path)
    body = {"document": document, "progress": "/body/p[3]", "percentage": 0.25, "device": "Kobo Libra"}
    assert (await api.client.put("/kosync/syncs/progress", headers=auth, json=body)).status_code == 200
    record = (await api.get(f"{lib}/editions/{edition['id']}/my-interaction", owner)).json()["data"]
    assert record["read_status"] == "reading"
    assert (record["progress"]["percentage"], record["progress"]["device"]) == (0.25, "Kobo Libra")
    # someone who cannot read the library moves nothing of theirs there
    other = await api.user("other")
    secret = (await api.post("/auth/me/app-passwords", other, json={"name": "x"})).json()["data"]["password"]
    assert (
        await api.client.put("/kosync/syncs/progress", headers=signed("other", secret), json=body)
    ).status_code == 200
    record = (await api.get(f"{lib}/editions/{edition['id']}/my-interaction", owner)).json()["data"]
    assert record["progress"]["percentage"] == 0.25


async def test_a_file_stored_before_ids_were_kept_gets_one_on_its_first_download(reader):
    import base64

    from sqlalchemy import update

    from librarium.models import EditionFile

    api, owner, auth = reader
    library, lib, edition, r = await ebook_with_file(api, owner, "Old File", "o.epub")
    file_id = r.json()["data"]["id"]
    async with api.app.state.db.unit_of_work() as session:
        await session.execute(update(EditionFile).values(koreader_digest=None))
    secret = (await api.post("/auth/me/app-passwords", owner, json={"name": "opds"})).json()["data"]["password"]
    basic = {"Authorization": "Basic " + base64.b64encode(f"owner:{secret}".encode()).decode()}
    r = await api.client.get(f"/opds/libraries/{library['id']}/files/{file_id}", headers=basic)
    assert r.status_code == 200
    path = api.app.state.settings.data_dir / "media" / "ebooks" / "Old File" / "o.epub"
    body = {"document": koreader_digest(path), "progress": "/p", "percentage": 0.5, "device": "Kobo"}
    assert (await api.client.put("/kosync/syncs/progress", headers=auth, json=body)).status_code == 200
    record = (await api.get(f"{lib}/editions/{edition['id']}/my-interaction", owner)).json()["data"]
    assert record["read_status"] == "reading"


async def test_koreaders_file_name_ids_match_a_file_by_its_name(reader):
    """KOReader's other matching method names a document by the MD5 of its file name (a copy keeps the name)."""
    api, owner, auth = reader
    _, lib, edition, r = await ebook_with_file(api, owner, "Jonathan Strange", "Jonathan Strange.epub")
    name = r.json()["data"]["file_name"]
    body = {"document": md5(name), "progress": "/body/p[9]", "percentage": 0.4, "device": "Kindle (KOReader)"}
    assert (await api.client.put("/kosync/syncs/progress", headers=auth, json=body)).status_code == 200
    record = (await api.get(f"{lib}/editions/{edition['id']}/my-interaction", owner)).json()["data"]
    assert (record["read_status"], record["progress"]["percentage"]) == ("reading", 0.4)
    body["document"] = md5("some other name.epub")  # matches nothing: kept, moves no record
    body["percentage"] = 0.9
    assert (await api.client.put("/kosync/syncs/progress", headers=auth, json=body)).status_code == 200
    record = (await api.get(f"{lib}/editions/{edition['id']}/my-interaction", owner)).json()["data"]
    assert record["progress"]["percentage"] == 0.4
