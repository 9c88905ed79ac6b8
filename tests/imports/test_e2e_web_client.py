"""End to end, as the web client's import wizard does it: `librarium serve` as a real process (its in-process
worker doing the work), a Goodreads export uploaded with the wizard's multipart form (the mapping it builds,
the flags as strings), the job polled until it is done, its rows, the Jobs page's list, and the books, their
reading records and shelves in the library."""

from __future__ import annotations

import json
import time

import httpx

from tests.fixtures.server import admin_headers, serve, server_env

EXPORT = (
    "Book Id,Title,Author,Author l-f,Additional Authors,ISBN,ISBN13,My Rating,Average Rating,Publisher,"
    "Binding,Number of Pages,Year Published,Original Publication Year,Date Read,Date Added,Bookshelves,"
    "Bookshelves with positions,Exclusive Shelf,My Review,Spoiler,Private Notes,Read Count,Owned Copies\n"
    '1,Dune,Frank Herbert,"Herbert, Frank",,="0441172717",="9780441172719",5,4.3,Ace,Paperback,604,1990,1965,'
    "2024/01/02,2023/12/01,sci-fi,,read,,,,1,0\n"
    '2,"The Way of Kings (The Stormlight Archive, #1)",Brandon Sanderson,"Sanderson, Brandon",,="",'
    '="9780765326355",0,4.6,Tor,Hardcover,1007,2010,2010,,2021/12/01,,,to-read,,,,0,0\n'
    '3,Dune,Frank Herbert,"Herbert, Frank",,="0441172717",="9780441172719",0,4.3,Ace,Paperback,604,1990,1965,'
    ",2023/12/01,,,read,,,,1,0\n"
)
# the wizard's column mapping (field → 0-based column), as its mapping step builds it for this header
MAPPING = {"title": 1, "author": 2, "isbn_10": 5, "isbn_13": 6, "publisher": 9, "page_count": 11,
           "publish_date": 12, "acquired_date": 15}  # fmt: skip


def test_the_import_wizard_over_http(tmp_path, database_url):
    env = server_env(tmp_path / "data", database_url)
    with serve(env, tmp_path / "server.log") as base, httpx.Client(base_url=base + "/api/v1", timeout=30) as http:
        auth = admin_headers(http)
        library = http.post("/libraries", headers=auth, json={"name": "Imported"}).json()["data"]
        form = {"mapping": json.dumps(MAPPING), "skip_duplicates": "true", "enrich_metadata": "false",
                "enrich_covers": "false", "default_format": "paperback"}  # fmt: skip
        files = {"file": ("goodreads_library_export.csv", EXPORT.encode(), "text/csv")}
        r = http.post(f"/libraries/{library['id']}/imports", headers=auth, data=form, files=files)
        assert r.status_code == 201, r.text
        job = r.json()["data"]
        assert {"id", "status", "total_rows", "processed_rows", "failed_rows", "skipped_rows"} <= set(job)
        detail: dict = {}
        for _ in range(300):  # the wizard polls until the job is done or failed
            detail = http.get(f"/libraries/{library['id']}/imports/{job['id']}", headers=auth).json()["data"]
            if detail["status"] in ("done", "failed"):
                break
            time.sleep(0.1)
        assert (detail["status"], detail["processed_rows"], detail["skipped_rows"]) == ("done", 2, 1), detail
        assert [(i["row_number"], i["status"]) for i in detail["items"]] == [(1, "done"), (2, "done"), (3, "skipped")]
        assert detail["items"][2]["message"] == "duplicate ISBN 9780441172719 — already in the library"
        jobs = http.get("/imports", headers=auth).json()["data"]  # the Jobs page
        assert [(j["id"], j["library_name"]) for j in jobs] == [(job["id"], "Imported")]
        books = http.get(f"/libraries/{library['id']}/books?sort=title", headers=auth).json()["data"]["items"]
        assert [b["title"] for b in books] == ["Dune", "The Way of Kings"]
        series = http.get(f"/libraries/{library['id']}/series", headers=auth).json()["data"]
        assert [s["name"] for s in series] == ["The Stormlight Archive"]  # from "Title (Series, #1)"
