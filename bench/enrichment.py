"""Enrichment benchmark: a real `librarium serve` (with its in-process worker) enriching a batch of books
against a local stand-in Open Library that answers every request after 100 ms.

The same run measures upstream's order — one book at a time (`LIBRARIUM_ENRICHMENT_CONCURRENCY=1`) — on
its own books (so the lookup cache cannot help either run), then ours with the default concurrency.
Prints books/s for both, their ratio, and the server's memory at the end.

Usage: python bench/enrichment.py [--books 1000] [--baseline-books 200] [--database-url postgresql://…]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
from server import (  # bench/server.py, next to this script
    admin_session,
    memory_mb,
    print_load,
    send_json,
    serve_asgi,
    start,
    stop,
)

from librarium.kit.isbn import to_isbn13

DELAY = 0.1


async def stand_in(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    await asyncio.sleep(DELAY)
    status, answer = 404, {"error": "not found"}
    if scope["path"] == "/api/books":
        key = parse_qs(scope["query_string"].decode())["bibkeys"][0]
        status = 200
        isbn = key.removeprefix("ISBN:")
        # a complete record, as Open Library has for most books (nothing left for the edition record to fill)
        answer = {key: {"title": f"Title {isbn}", "notes": f"About {isbn}", "number_of_pages": 200,
                        "publishers": [{"name": "Bench Press"}], "authors": [{"name": "A. Writer"}],
                        "publish_date": "2001", "languages": [{"key": "/languages/eng"}],
                        "identifiers": {"isbn_13": [isbn], "isbn_10": ["0000000000"]},
                        "subjects": [{"name": "Fantasy"}]}}  # fmt: skip
    await send_json(send, status, answer)


async def add_books(http: httpx.AsyncClient, library: str, media: str, first: int, count: int) -> list[str]:
    ids: list[str] = []

    async def one(n: int) -> None:
        isbn = to_isbn13(f"{n:09d}0")
        body = {"title": f"Book {n}", "media_type_id": media, "edition": {"format": "paperback", "isbn_13": isbn}}
        r = await http.post(f"/libraries/{library}/books", json=body)
        r.raise_for_status()
        ids.append(r.json()["data"]["id"])

    for start_at in range(first, first + count, 16):
        await asyncio.gather(*(one(n) for n in range(start_at, min(start_at + 16, first + count))))
    return ids


async def enrich(http: httpx.AsyncClient, library: str, ids: list[str]) -> float:
    started = time.perf_counter()
    batch = (await http.post(f"/libraries/{library}/books/bulk/enrich", json={"book_ids": ids})).json()["data"]
    while True:  # the list, as the web client's Jobs page polls it (the detail carries every item and change)
        await asyncio.sleep(0.5)
        data = next(b for b in (await http.get("/enrichment-batches")).json()["data"] if b["id"] == batch["id"])
        if data["status"] not in ("pending", "processing"):
            break
    elapsed = time.perf_counter() - started
    assert (data["status"], data["processed_books"], data["failed_books"]) == ("done", len(ids), 0), data
    return len(ids) / elapsed


def run(env: dict[str, str], first: int, count: int) -> tuple[float, float]:
    process, base = start(env)
    try:

        async def go() -> float:
            http, library, media = await admin_session(base)
            try:
                ids = await add_books(http, library, media, first, count)
                return await enrich(http, library, ids)
            finally:
                await http.aclose()

        rate = asyncio.run(go())
        return rate, memory_mb(process.pid)
    finally:
        stop(process)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--books", type=int, default=1000)
    parser.add_argument("--baseline-books", type=int, default=200)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    print_load()
    stand_server, stand = serve_asgi(stand_in)
    with tempfile.TemporaryDirectory(prefix="librarium-bench-") as tmp:
        env = {"LIBRARIUM_DATA_DIR": str(Path(tmp) / "data"), "LIBRARIUM_OPEN_LIBRARY_URL": stand,
               "LIBRARIUM_ARGON2_MEMORY_KIB": "8192", "LIBRARIUM_JOB_POLL_INTERVAL": "0.2"}  # fmt: skip
        if args.database_url:
            env["LIBRARIUM_DATABASE_URL"] = args.database_url
        print(
            f"database: {'PostgreSQL' if args.database_url else 'SQLite'}; provider answers after {DELAY * 1000:.0f} ms"
        )
        sequential, _ = run(env | {"LIBRARIUM_ENRICHMENT_CONCURRENCY": "1"}, 0, args.baseline_books)
        print(f"one book at a time (upstream's order), {args.baseline_books} books: {sequential:6.1f} books/s")
        concurrent, rss = run(env, 100_000, args.books)
        print(f"default concurrency (8), {args.books} books           : {concurrent:6.1f} books/s")
        print(f"ratio: {concurrent / sequential:.1f}x; server memory at the end: {rss:.0f} MB")
    stand_server.should_exit = True


if __name__ == "__main__":
    main()
