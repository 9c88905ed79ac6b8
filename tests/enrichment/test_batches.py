"""Enrichment batches through the API and a real worker: life cycle, counters, scoping, the apply rules on
real rows, covers, cancellation, the change record and revert."""

from __future__ import annotations

import pytest

from librarium.jobs.runner import Worker
from tests.conftest import make_settings
from tests.fixtures.media import png

OL = "https://openlibrary.org"
ISBN = "9780439708180"
COVER = "https://covers.openlibrary.org/b/id/10521270-M.jpg"
ZERO = "00000000-0000-0000-0000-000000000001"


@pytest.fixture
def settings_overrides():
    return {"allow_private_fetch": True}  # the recorded cover URL is served by the stand-in, no DNS


def record(stand_in, data="open_library_books_data"):
    stand_in.on("GET", f"{OL}/api/books", recorded=data)
    stand_in.on("GET", f"{OL}/isbn/{ISBN}.json", recorded="open_library_edition")
    stand_in.on("GET", f"{OL}/works/OL82563W.json", recorded="open_library_work")
    stand_in.on("GET", COVER, text="")
    stand_in.routes[("GET", COVER)][0].body = png()
    stand_in.routes[("GET", COVER)][0].headers = {"content-type": "image/png"}


async def run_worker(api, tmp_path, database_url):
    settings = make_settings(tmp_path, database_url, allow_private_fetch=True)
    await Worker(api.app.state.db, settings).run_until_idle()


@pytest.fixture
async def shelf(api):
    owner = await api.user("owner")
    library = await api.library(owner)
    illustrator = await api.contributor(owner, "Mary GrandPré")
    typed = await api.book(
        library, owner, "HP 1", contributors=[{"contributor_id": illustrator, "role": "illustrator"}],
        edition={"format": "paperback", "isbn_13": ISBN, "publisher": "My Publisher"},
    )  # fmt: skip
    bare = await api.book(library, owner, "No ISBN")
    return api, owner, library, typed, bare


async def test_a_batch_enriches_and_records_its_changes(shelf, stand_in, tmp_path, database_url):
    api, owner, library, typed, bare = shelf
    record(stand_in)
    path = f"/libraries/{library['id']}/books/bulk/enrich"
    r = await api.post(path, owner, json={"book_ids": [typed["id"], bare["id"], typed["id"]], "force": False})
    assert r.status_code == 202, r.text
    batch = r.json()["data"]
    assert (batch["type"], batch["status"], batch["total_books"], batch["force"]) == ("metadata", "pending", 2, False)
    assert batch["created_at"].startswith("20") and batch["book_ids"] == [typed["id"], bare["id"]]
    await run_worker(api, tmp_path, database_url)

    detail = (await api.get(f"/enrichment-batches/{batch['id']}", owner)).json()["data"]
    assert (detail["status"], detail["processed_books"], detail["failed_books"], detail["skipped_books"]) == (
        "done", 2, 0, 1)  # fmt: skip
    first, second = detail["items"]
    assert (first["book_title"], first["status"]) == ("HP 1", "done")
    assert (second["status"], second["message"]) == ("skipped", "no ISBN to look up")
    changed = {c["field"]: (c["old_value"], c["new_value"], c["source"]) for c in first["changes"]}
    assert changed["description"][1].startswith("Harry Potter has never even heard of Hogwarts")
    assert changed["authors"] == ([], ["J. K. Rowling"], "open_library")
    assert changed["page_count"] == (None, 309, "open_library")
    assert changed["publish_date"] == ("", "1998-09-01", "open_library")
    assert changed["cover"][0] == [] and changed["cover"][2] == "open_library"
    assert "publisher" not in changed and "title" not in changed  # not empty, and no force

    book = (await api.get(f"/libraries/{library['id']}/books/{typed['id']}", owner)).json()["data"]
    roles = sorted((c["name"], c["role"]) for c in book["contributors"])
    assert roles == [("J. K. Rowling", "author"), ("Mary GrandPré", "illustrator")]  # the illustrator stays
    assert book["title"] == "HP 1" and book["cover_url"]
    # the book is found by its new author
    r = await api.get(f"/libraries/{library['id']}/books?q=rowling", owner)
    assert [b["title"] for b in r.json()["data"]["items"]] == ["HP 1"]

    listing = (await api.get("/enrichment-batches", owner)).json()["data"]
    assert [(b["id"], b["library_name"]) for b in listing] == [(batch["id"], library["name"])]
    assert "items" not in listing[0] or listing[0]["items"] is None


async def test_force_replaces_but_never_blanks(shelf, stand_in, tmp_path, database_url):
    api, owner, library, typed, _ = shelf
    record(stand_in)
    await api.put(
        f"/libraries/{library['id']}/books/{typed['id']}", owner,
        json={"title": "HP 1", "subtitle": "Keep me", "media_type_id": typed["media_type_id"], "contributors": []},
    )  # fmt: skip
    r = await api.post(
        f"/libraries/{library['id']}/books/bulk/enrich", owner, json={"book_ids": [typed["id"]], "force": True}
    )
    await run_worker(api, tmp_path, database_url)
    detail = (await api.get(f"/enrichment-batches/{r.json()['data']['id']}", owner)).json()["data"]
    changed = {c["field"]: c["new_value"] for c in detail["items"][0]["changes"]}
    assert changed["title"] == "Harry Potter and the Sorcerer's Stone"
    assert changed["publisher"] == "Scholastic"
    book = (await api.get(f"/libraries/{library['id']}/books/{typed['id']}", owner)).json()["data"]
    assert book["subtitle"] == "Keep me"  # no provider has a subtitle: force keeps it


async def test_revert_restores_what_nobody_changed_since(shelf, stand_in, tmp_path, database_url):
    api, owner, library, typed, _ = shelf
    record(stand_in)
    r = await api.post(
        f"/libraries/{library['id']}/books/bulk/enrich", owner, json={"book_ids": [typed["id"]], "force": True}
    )
    batch = r.json()["data"]["id"]
    r = await api.post(f"/enrichment-batches/{batch}/revert", owner)
    assert (r.status_code, r.json()) == (400, {"error": "batch is still running; cancel it first"})
    await run_worker(api, tmp_path, database_url)
    book_path = f"/libraries/{library['id']}/books/{typed['id']}"
    book = (await api.get(book_path, owner)).json()["data"]
    # the user edits the description after the batch
    links = [{"contributor_id": c["contributor_id"], "role": c["role"]} for c in book["contributors"]]
    body = {"title": book["title"], "description": "Mine now", "media_type_id": typed["media_type_id"],
            "contributors": links}  # fmt: skip
    await api.put(book_path, owner, json=body)
    r = await api.post(f"/enrichment-batches/{batch}/revert", owner)
    assert r.status_code == 200, r.text
    report = r.json()["data"]
    assert {e["field"] for e in report["kept"]} == {"description"}
    assert {"title", "authors", "publisher", "cover"} <= {e["field"] for e in report["restored"]}
    book = (await api.get(book_path, owner)).json()["data"]
    assert (book["title"], book["description"], book["cover_url"]) == ("HP 1", "Mine now", None)
    assert [(c["name"], c["role"]) for c in book["contributors"]] == [("Mary GrandPré", "illustrator")]
    edition = (await api.get(f"{book_path}/editions", owner)).json()["data"][0]
    assert (edition["publisher"], edition["page_count"]) == ("My Publisher", None)
    # a second revert restores nothing more, and still reports the field the user owns now
    r = await api.post(f"/enrichment-batches/{batch}/revert", owner)
    assert r.json()["data"] == {"restored": [], "kept": [{"book_id": typed["id"], "field": "description"}]}


async def test_cover_batch_and_single_book(shelf, stand_in, tmp_path, database_url):
    api, owner, library, typed, bare = shelf
    record(stand_in)
    r = await api.post(f"/libraries/{library['id']}/books/bulk/cover", owner, json={"book_ids": [typed["id"]]})
    assert (r.status_code, r.json()["data"]["type"]) == (202, "cover")
    r = await api.post(f"/libraries/{library['id']}/books/{typed['id']}/enrich", owner)
    assert (r.status_code, r.json()["data"]["total_books"]) == (202, 1)
    await run_worker(api, tmp_path, database_url)
    batches = (await api.get("/enrichment-batches", owner)).json()["data"]
    assert {(b["type"], b["status"]) for b in batches} == {("cover", "done"), ("metadata", "done")}
    cover = await api.get(f"/libraries/{library['id']}/books/{typed['id']}/cover", owner)
    assert (cover.status_code, cover.content) == (200, png())


async def test_bad_requests_and_scoping(shelf, stand_in):
    api, owner, library, typed, _ = shelf
    other = await api.user("other")
    theirs = await api.library(other, "Theirs")
    their_book = await api.book(theirs, other, "Theirs")
    path = f"/libraries/{library['id']}/books/bulk/enrich"
    for body in ({"book_ids": []}, {}):
        r = await api.post(path, owner, json=body)
        assert (r.status_code, r.json()) == (400, {"error": "book_ids must not be empty"})
    r = await api.post(path, owner, json={"book_ids": ["nope"]})
    assert r.status_code == 400
    r = await api.post(path, owner, json={"book_ids": [typed["id"], their_book["id"]]})
    assert (r.status_code, r.json()) == (404, {"error": f"book not found: {their_book['id']}"})
    r = await api.post(path, other, json={"book_ids": [typed["id"]]})
    assert (r.status_code, r.json()) == (403, {"error": "insufficient permissions"})
    assert (await api.post(path, json={"book_ids": [typed["id"]]})).status_code == 401
    batch = (await api.post(path, owner, json={"book_ids": [typed["id"]]})).json()["data"]["id"]
    # another user sees nothing of it
    assert (await api.get(f"/enrichment-batches/{batch}", other)).json() == {"error": "batch not found"}
    assert (await api.get("/enrichment-batches", other)).json() == {"data": []}
    r = await api.post(f"/enrichment-batches/{batch}/cancel", other)
    assert (r.status_code, r.json()) == (404, {"error": "batch not found or cannot be cancelled"})
    assert (await api.get(f"/enrichment-batches/{ZERO}", owner)).status_code == 404
    assert (await api.get("/enrichment-batches/nope", owner)).status_code == 400


async def test_cancel_and_delete(shelf, stand_in, tmp_path, database_url):
    api, owner, library, typed, bare = shelf
    record(stand_in)
    path = f"/libraries/{library['id']}/books/bulk/enrich"
    batch = (await api.post(path, owner, json={"book_ids": [typed["id"], bare["id"]]})).json()["data"]["id"]
    r = await api.delete(f"/enrichment-batches/{batch}", owner)
    assert (r.status_code, r.json()) == (404, {"error": "batch not found"})  # still active
    assert (await api.post(f"/enrichment-batches/{batch}/cancel", owner)).status_code == 204
    await run_worker(api, tmp_path, database_url)
    detail = (await api.get(f"/enrichment-batches/{batch}", owner)).json()["data"]
    assert (detail["status"], detail["processed_books"], detail["skipped_books"]) == ("cancelled", 2, 2)
    assert {i["message"] for i in detail["items"]} == {"cancelled before it was processed"}
    assert not stand_in.requests  # nothing was looked up
    r = await api.post(f"/enrichment-batches/{batch}/cancel", owner)
    assert r.status_code == 404
    done = (await api.post(path, owner, json={"book_ids": [bare["id"]]})).json()["data"]["id"]
    await run_worker(api, tmp_path, database_url)
    assert (await api.delete(f"/enrichment-batches/{batch}", owner)).status_code == 204
    assert (await api.delete("/enrichment-batches", owner)).status_code == 204
    assert (await api.get(f"/enrichment-batches/{done}", owner)).status_code == 404
    assert (await api.get("/enrichment-batches", owner)).json() == {"data": []}


async def test_a_book_deleted_before_its_turn_is_skipped(shelf, stand_in, tmp_path, database_url):
    api, owner, library, typed, bare = shelf
    record(stand_in)
    path = f"/libraries/{library['id']}/books/bulk/enrich"
    batch = (await api.post(path, owner, json={"book_ids": [typed["id"], bare["id"]]})).json()["data"]["id"]
    assert (await api.delete(f"/libraries/{library['id']}/books/{typed['id']}", owner)).status_code == 204
    await run_worker(api, tmp_path, database_url)
    detail = (await api.get(f"/enrichment-batches/{batch}", owner)).json()["data"]
    assert (detail["status"], detail["processed_books"], detail["skipped_books"]) == ("done", 2, 2)
    first = detail["items"][0]
    assert (first["book_id"], first["book_title"], first["message"]) == (None, "HP 1", "the book was deleted")
