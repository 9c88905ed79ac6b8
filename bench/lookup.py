"""Metadata lookup benchmark: a real `librarium serve` with three providers (Open Library, Google Books,
Hardcover) pointed at a local stand-in that answers after 50, 200 and 800 ms.

Prints, with the machine's load average:
* the merged ISBN lookup of a first-time ISBN (min/median/max over the rounds) against the slowest
  provider alone and the sum of the three, both asked directly by this script in the same run (goal: the
  slowest provider bounds it, not the sum);
* the same lookup answered from the shared cache, against the cheapest signed-in request (`/auth/me`),
  interleaved (goal: under 5 ms).

Usage: python bench/lookup.py [--rounds 7] [--cached 200] [--database-url postgresql://…]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
from server import print_load, send_json, serve_asgi, start, stop  # bench/server.py, next to this script

from librarium.kit.isbn import to_isbn13

DELAYS = {"/ol": 0.05, "/gb": 0.2, "/hc": 0.8}


def _book(isbn: str) -> dict[str, Any]:
    return {"title": f"Book {isbn}", "authors": [{"name": "A. Writer"}], "publishers": [{"name": "P"}],
            "identifiers": {"isbn_13": [isbn]}, "number_of_pages": 300}  # fmt: skip


async def stand_in(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    path, query = scope["path"], parse_qs(scope["query_string"].decode())
    await asyncio.sleep(next((d for prefix, d in DELAYS.items() if path.startswith(prefix)), 0))
    status, answer = 404, {"error": "not found"}
    if path == "/ol/api/books":
        isbn = query["bibkeys"][0].removeprefix("ISBN:")
        status, answer = 200, {f"ISBN:{isbn}": _book(isbn)}
    elif path == "/gb/volumes":
        isbn = query["q"][0].removeprefix("isbn:")
        info = {"title": f"Book {isbn}", "authors": ["A. Writer"], "pageCount": 320,
                "industryIdentifiers": [{"type": "ISBN_13", "identifier": isbn}]}  # fmt: skip
        status, answer = 200, {"totalItems": 1, "items": [{"volumeInfo": info}]}
    elif path == "/hc":
        isbn = json.loads(body)["variables"]["isbn"]
        edition = {"isbn_13": isbn, "pages": 310, "book": {"title": f"Book {isbn}", "description": "From Hardcover"}}
        status, answer = 200, {"data": {"editions": [edition]}}
    await send_json(send, status, answer)


def isbns() -> Any:
    n = int(time.time()) % 1_000_000
    while True:
        n += 1
        yield to_isbn13(f"{n:09d}0")


def ms(values: list[float]) -> str:
    low, mid, high = (1000 * f(values) for f in (min, statistics.median, max))
    return f"min {low:7.1f}  median {mid:7.1f}  max {high:7.1f} ms"


async def timed(http: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> float:
    started = time.perf_counter()
    r = await http.request(method, url, **kwargs)
    elapsed = time.perf_counter() - started
    r.raise_for_status()
    return elapsed


async def measure(base: str, stand: str, rounds: int, cached: int) -> None:
    async with httpx.AsyncClient(base_url=base + "/api/v1", timeout=60) as http:
        user = {"username": "bench", "email": "bench@example.org", "password": "bench-password"}
        token = (await http.post("/setup/admin", json=user)).json()["data"]["access_token"]
        http.headers["Authorization"] = f"Bearer {token}"
        for name in ("google_books", "hardcover"):
            await http.put(f"/admin/providers/{name}", json={"api_key": "bench", "enabled": "true"})
        codes = isbns()
        await http.get(f"/lookup/isbn/{next(codes)}/merged")  # warm-up (connections, caches of the process)
        merged, slowest, total = [], [], []
        async with httpx.AsyncClient(timeout=60) as direct:
            for _ in range(rounds):
                code = next(codes)
                r = await http.get(f"/lookup/isbn/{code}/merged")
                assert set(r.json()["data"]["page_count"]["alternatives"][0]) >= {"value"}, r.text
                merged.append(r.elapsed.total_seconds())
                hc = {"query": "q", "variables": {"isbn": code}}
                slowest.append(await timed(direct, "POST", f"{stand}/hc", json=hc))
                one = await timed(direct, "GET", f"{stand}/ol/api/books", params={"bibkeys": f"ISBN:{code}"})
                two = await timed(direct, "GET", f"{stand}/gb/volumes", params={"q": f"isbn:{code}"})
                total.append(one + two + slowest[-1])
        print(f"merged lookup, first time : {ms(merged)}")
        print(f"slowest provider alone    : {ms(slowest)}")
        print(f"sum of the three          : {ms(total)}")
        print(f"ratio to the slowest      : {statistics.median(merged) / statistics.median(slowest):.2f}x "
              f"(to the sum: {statistics.median(merged) / statistics.median(total):.2f}x)")  # fmt: skip
        code = next(codes)
        await http.get(f"/lookup/isbn/{code}/merged")
        hits, me = [], []
        for _ in range(cached):
            hits.append(await timed(http, "GET", f"/lookup/isbn/{code}/merged"))
            me.append(await timed(http, "GET", "/auth/me"))
        print(f"merged lookup, cached     : {ms(hits)}")
        print(f"GET /auth/me (baseline)   : {ms(me)}")
        print(f"cached / baseline         : {statistics.median(hits) / statistics.median(me):.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--cached", type=int, default=200)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    print_load()
    stand_server, stand = serve_asgi(stand_in)
    with tempfile.TemporaryDirectory(prefix="librarium-bench-") as tmp:
        env = {
            "LIBRARIUM_DATA_DIR": str(Path(tmp) / "data"),
            "LIBRARIUM_OPEN_LIBRARY_URL": stand + "/ol",
            "LIBRARIUM_GOOGLE_BOOKS_URL": stand + "/gb",
            "LIBRARIUM_HARDCOVER_URL": stand + "/hc",
            "LIBRARIUM_ARGON2_MEMORY_KIB": "8192",
        }
        if args.database_url:
            env["LIBRARIUM_DATABASE_URL"] = args.database_url
        process, base = start(env)
        try:
            print(f"database: {'PostgreSQL' if args.database_url else 'SQLite'}")
            asyncio.run(measure(base, stand, args.rounds, args.cached))
        finally:
            stop(process)
            stand_server.should_exit = True


if __name__ == "__main__":
    main()
