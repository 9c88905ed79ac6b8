"""CSV imports through the API and a real worker: the upload, rows into books (authors, ISBNs, duplicates,
tags, genres), counters, scoping, cancel and delete, and the follow-up enrichment."""

from __future__ import annotations

import json
import uuid

import pytest

from librarium.imports.schemas import ImportJobRead
from librarium.imports.tasks import provider_wins
from librarium.jobs.runner import Worker
from tests.conftest import make_settings
from tests.enrichment.test_batches import record

HEADER = "Title,Author,ISBN13,Publisher,Pages,Tags,Date\n"
CSV = (
    HEADER
    + '"The Hobbit","Tolkien, J.R.R.",978-0-261-10221-7,Allen & Unwin,310 pages,"fantasy, classics",1937\n'
    + "Good Omens,Neil Gaiman; Terry Pratchett,,Gollancz,,Comedy,May 1990\n"
    + ",Nobody,,,,,\n"
    + "Ragged,Only two\n"
    + '"The Hobbit again","Tolkien, J.R.R.",9780261102217,,,,\n'
)
MAPPING = {"title": 0, "author": 1, "isbn_13": 2, "publisher": 3, "page_count": 4, "tags": 5, "publish_date": 6}


async def upload(api, user, library, text=CSV, **fields):
    data = {"mapping": json.dumps(MAPPING), **fields}
    files = {"file": ("export.csv", text.encode(), "text/csv")}
    return await api.post(f"/libraries/{library['id']}/imports", user, data=data, files=files)


async def run_worker(api, tmp_path, database_url):
    await Worker(api.app.state.db, make_settings(tmp_path, database_url)).run_until_idle()


@pytest.fixture
async def home(api):
    owner = await api.user("owner")
    return api, owner, await api.library(owner)


async def test_an_import_creates_books(home, tmp_path, database_url):
    api, owner, library = home
    r = await upload(api, owner, library)
    assert r.status_code == 201, r.text
    job = r.json()["data"]
    assert (job["status"], job["total_rows"], len(job["items"])) == ("pending", 5, 5)
    assert job["options"] == {"skip_duplicates": True, "default_format": "paperback", "prefer_csv": {},
                              "enrich_metadata": False, "enrich_covers": False, "preset": "mapping"}  # fmt: skip
    assert (job["items"][0]["row_number"], job["items"][0]["title"], job["items"][0]["isbn"]) == (
        1, "The Hobbit", "978-0-261-10221-7")  # fmt: skip
    # the answer is built from what was written, not read back: it says exactly what the detail says
    before = (await api.get(f"/libraries/{library['id']}/imports/{job['id']}", owner)).json()["data"]
    assert before == job and "book_id" in job["items"][0] and job["items"][0]["book_id"] is None
    await run_worker(api, tmp_path, database_url)

    detail = (await api.get(f"/libraries/{library['id']}/imports/{job['id']}", owner)).json()["data"]
    # the detail is written straight from the rows (fast path): exactly what its model would write
    assert detail == ImportJobRead.model_validate(detail).model_dump(mode="json")
    assert (detail["status"], detail["processed_rows"], detail["skipped_rows"], detail["failed_rows"]) == (
        "done", 3, 2, 0)  # fmt: skip
    messages = [i["message"] for i in detail["items"]]
    assert messages == ['imported "The Hobbit"', 'imported "Good Omens"', "no title", 'imported "Ragged"',
                        "duplicate ISBN 9780261102217 — already in the library"]  # fmt: skip
    books = (await api.get(f"/libraries/{library['id']}/books?sort=title", owner)).json()["data"]["items"]
    by_title = {b["title"]: b for b in books}
    assert set(by_title) == {"The Hobbit", "Good Omens", "Ragged"}
    hobbit = (await api.get(f"/libraries/{library['id']}/books/{by_title['The Hobbit']['id']}", owner)).json()["data"]
    assert [c["name"] for c in hobbit["contributors"]] == ["J.R.R. Tolkien"]  # one person, not two
    assert sorted(t["name"] for t in hobbit["tags"]) == ["classics", "fantasy"]
    assert [g["name"] for g in hobbit["genres"]] == ["Fantasy"]
    edition = (await api.get(f"/libraries/{library['id']}/books/{hobbit['id']}/editions", owner)).json()["data"][0]
    assert (edition["isbn_13"], edition["page_count"], edition["publisher"], edition["publish_date"]) == (
        "9780261102217", 310, "Allen & Unwin", "1937-01-01")  # fmt: skip
    omens = (await api.get(f"/libraries/{library['id']}/books/{by_title['Good Omens']['id']}", owner)).json()["data"]
    assert [c["name"] for c in omens["contributors"]] == ["Neil Gaiman", "Terry Pratchett"]


async def test_duplicates_count_copies_when_asked(home, tmp_path, database_url):
    api, owner, library = home
    await upload(api, owner, library, HEADER + "A,,9780261102217\nA again,,978-0261102217\n", skip_duplicates="false")
    await run_worker(api, tmp_path, database_url)
    [job] = (await api.get("/imports", owner)).json()["data"]
    assert (job["library_name"], job["processed_rows"]) == (library["name"], 2)
    books = (await api.get(f"/libraries/{library['id']}/books", owner)).json()["data"]["items"]
    assert len(books) == 1
    editions = (await api.get(f"/libraries/{library['id']}/books/{books[0]['id']}/editions", owner)).json()["data"]
    assert editions[0]["copy_count"] == 2


async def test_rows_without_isbn_are_matched_by_title_and_first_author(home, tmp_path, database_url):
    api, owner, library = home
    await upload(api, owner, library)
    await run_worker(api, tmp_path, database_url)
    again = (
        HEADER
        + "good omens!,Neil Gaiman,,,,,\n"  # case and punctuation do not matter
        + "Good Omens,Someone Else,,,,,\n"  # another first author: another book
        + 'The Colour of Magic,"Pratchett, Terry",,,,,\n'
        + "Colour of Magic,Terry Pratchett,,,,,\n"  # the same book as the row above (the article is ignored)
    )
    await upload(api, owner, library, again)
    await run_worker(api, tmp_path, database_url)
    [second, _] = (await api.get(f"/libraries/{library['id']}/imports", owner)).json()["data"]
    detail = (await api.get(f"/libraries/{library['id']}/imports/{second['id']}", owner)).json()["data"]
    assert [(i["status"], i["message"]) for i in detail["items"]] == [
        ("skipped", 'duplicate of "good omens!" by Neil Gaiman — already in the library'),
        ("done", 'imported "Good Omens"'),
        ("done", 'imported "The Colour of Magic"'),
        ("skipped", 'duplicate of "Colour of Magic" by Terry Pratchett — already in the library'),
    ]
    omens = [i for i in (await api.get(f"/libraries/{library['id']}/books", owner)).json()["data"]["items"]
             if i["title"] == "Good Omens"]  # fmt: skip
    assert detail["items"][0]["book_id"] in {b["id"] for b in omens} and len(omens) == 2

    await upload(api, owner, library, HEADER + "Good Omens,Neil Gaiman,,,,,\n", skip_duplicates="false")
    await run_worker(api, tmp_path, database_url)
    latest = (await api.get("/imports", owner)).json()["data"][0]
    detail = (await api.get(f"/libraries/{library['id']}/imports/{latest['id']}", owner)).json()["data"]
    assert detail["items"][0]["message"] == 'duplicate of "Good Omens" by Neil Gaiman — copy count incremented'
    book_id = detail["items"][0]["book_id"]
    editions = (await api.get(f"/libraries/{library['id']}/books/{book_id}/editions", owner)).json()["data"]
    assert [e["copy_count"] for e in editions] == [2]


async def test_follow_up_enrichment(home, tmp_path, database_url):
    api, owner, library = home
    await upload(api, owner, library, HEADER + "A,,9780261102217\n", enrich_metadata="true", enrich_covers="true")
    await run_worker(api, tmp_path, database_url)
    batches = (await api.get("/enrichment-batches", owner)).json()["data"]
    assert sorted((b["type"], b["total_books"]) for b in batches) == [("cover", 1), ("metadata", 1)]


@pytest.mark.parametrize(
    ("prefer_csv", "title", "publisher"),
    [
        ({}, "HP 1", "Mine"),  # no prefer_csv: the file wins, enrichment fills what it left empty
        ({"title": True}, "HP 1", "Scholastic"),  # as the web client sends it: the ticked fields keep the file's
        ({"title": False, "publisher": True}, "Harry Potter and the Sorcerer's Stone", "Mine"),
    ],
)
async def test_prefer_csv_decides_per_field(home, stand_in, tmp_path, database_url, prefer_csv, title, publisher):
    api, owner, library = home
    record(stand_in)
    text = HEADER + "HP 1,,9780439708180,Mine,,,\n"
    await upload(api, owner, library, text, enrich_metadata="true", prefer_csv=json.dumps(prefer_csv))
    await run_worker(api, tmp_path, database_url)  # the import, then its enrichment batch
    await run_worker(api, tmp_path, database_url)
    [book] = (await api.get(f"/libraries/{library['id']}/books", owner)).json()["data"]["items"]
    assert book["title"] == title
    [edition] = (await api.get(f"/libraries/{library['id']}/books/{book['id']}/editions", owner)).json()["data"]
    assert edition["publisher"] == publisher
    assert edition["page_count"] == 309  # empty in the file: filled whatever prefer_csv says


def test_provider_wins():
    assert provider_wins({}) == []
    assert "title" not in provider_wins({"title": True}) and "publisher" in provider_wins({"title": True})
    assert "authors" not in provider_wins({"author": True, "bogus": True}) and "cover" not in provider_wins({"x": 1})


async def test_bad_uploads(home):
    api, owner, library = home
    path = f"/libraries/{library['id']}/imports"
    r = await api.post(path, owner, data={"mapping": "{}"}, files={"other": ("x.csv", b"a\n1\n", "text/csv")})
    assert (r.status_code, r.json()) == (400, {"error": "missing file field"})
    r = await upload(api, owner, library, mapping="{nope")
    assert (r.status_code, r.json()) == (400, {"error": "invalid mapping JSON"})
    r = await upload(api, owner, library, prefer_csv="[")
    assert (r.status_code, r.json()) == (400, {"error": "invalid prefer_csv JSON"})
    r = await upload(api, owner, library, text=HEADER)
    assert (r.status_code, r.json()) == (400, {"error": "no rows in CSV"})
    r = await api.post(path, owner, json={"file": "x"})
    assert r.status_code == 400
    viewer = await api.user()
    await api.add_member(library, owner, viewer, "library_viewer")
    r = await upload(api, viewer, library)
    assert (r.status_code, r.json()) == (403, {"error": "insufficient permissions"})
    assert (await api.post(path, files={"file": ("x.csv", CSV.encode())})).status_code == 401


async def test_a_file_longer_than_a_chunk_is_stored_and_answered_whole(home, monkeypatch):
    """Rows are read, stored and answered CHUNK_ROWS at a time: numbered across chunks, all in the answer (streamed)
    and the detail; a bad byte or a CSV error far down the file fails the upload and leaves no job behind."""
    from librarium.imports import service

    monkeypatch.setattr(service, "CHUNK_ROWS", 7)
    api, owner, library = home
    text = HEADER + "".join(f"Book {n},Writer {n},,,,,\n" for n in range(1, 31))
    r = await upload(api, owner, library, text=text)
    assert r.status_code == 201 and r.headers["content-type"] == "application/json", r.text
    job = r.json()["data"]
    assert job["total_rows"] == 30 and [i["row_number"] for i in job["items"]] == list(range(1, 31))
    assert [i["title"] for i in job["items"]] == [f"Book {n}" for n in range(1, 31)]
    assert ImportJobRead.model_validate(job).model_dump(mode="json") == job
    detail = (await api.get(f"/libraries/{library['id']}/imports/{job['id']}", owner)).json()["data"]
    assert detail == job
    path = f"/libraries/{library['id']}/imports"
    for bad in (
        text.encode() + "Caf\u00e9,x\n".encode("utf-8")[:-3] + b"\x81\n",  # no UTF-8, no Windows-1252
        text.encode() + b'"' + b"x" * 200_000 + b'",y\n',
    ):  # a field over the CSV reader's limit
        files = {"file": ("export.csv", bad, "text/csv")}
        r = await api.post(path, owner, data={"mapping": json.dumps(MAPPING)}, files=files)
        assert r.status_code == 400 and r.json()["error"].startswith("parsing CSV: "), r.text
    assert [j["id"] for j in (await api.get(path, owner)).json()["data"]] == [job["id"]]


async def test_the_upload_answers_rows_as_stored_even_when_the_worker_has_begun(home, tmp_path, database_url):
    from librarium.imports import service

    api, owner, library = home
    job = (await upload(api, owner, library)).json()["data"]
    await run_worker(api, tmp_path, database_url)
    job_id = uuid.UUID(job["id"])
    as_created = [i async for part in service.items_of(api.app.state.db, job_id, as_created=True) for i in part]
    assert [(i["status"], i["message"], i["book_id"]) for i in as_created] == [("pending", "", None)] * 5
    now = [i async for part in service.items_of(api.app.state.db, job_id) for i in part]
    assert [i["status"] for i in now] == ["done", "done", "skipped", "done", "skipped"]


async def test_scoping_cancel_and_delete(home, tmp_path, database_url):
    api, owner, library = home
    other = await api.user("other")
    theirs = await api.library(other, "Theirs")
    job = (await upload(api, owner, library)).json()["data"]["id"]
    assert (await api.get(f"/libraries/{theirs['id']}/imports/{job}", other)).json() == {"error": "import not found"}
    assert (await api.get(f"/libraries/{theirs['id']}/imports", other)).json() == {"data": []}
    assert (await api.get("/imports", other)).json() == {"data": []}
    r = await api.post(f"/imports/{job}/cancel", other)
    assert (r.status_code, r.json()) == (404, {"error": "job not found or not cancellable"})
    r = await api.delete(f"/imports/{job}", owner)
    assert (r.status_code, r.json()) == (404, {"error": "job not found or not deletable"})
    assert (await api.post(f"/imports/{job}/cancel", owner)).status_code == 204
    await run_worker(api, tmp_path, database_url)
    detail = (await api.get(f"/libraries/{library['id']}/imports/{job}", owner)).json()["data"]
    assert (detail["status"], detail["skipped_rows"], detail["processed_rows"]) == ("cancelled", 5, 0)
    assert (await api.get(f"/libraries/{library['id']}/books", owner)).json()["data"]["total"] == 0
    assert (await api.delete(f"/imports/{job}", owner)).status_code == 204
    assert (await api.delete("/imports", owner)).status_code == 204
    assert (await api.get(f"/libraries/{library['id']}/imports", owner)).json() == {"data": []}
    assert (await api.get("/imports/nope/cancel", owner)).status_code in (404, 405)


def test_the_command_lines_progress_bar():
    from librarium.imports.command import progress_line

    assert progress_line(4_200, 10_000, 4.0) == (
        "  [##########··············]  42%  4,200/10,000 rows  1,050 rows/s  about 6 s left")  # fmt: skip
    assert progress_line(0, 10, 0.0).startswith("  [························]   0%  0/10 rows  0 rows/s")
    assert progress_line(10, 10, 2.0).endswith("100%  10/10 rows  5 rows/s  finishing")
