"""Load benchmark: many concurrent clients mixing reads and writes against a real `librarium serve`.

Each client loops for the given time over: list a page of books, create a book, read it, lend it, list the
open loans, return the loan. Prints requests/s, p50/p99 latency for reads and writes, and every answer
that was not a success, by status. Goal: no errors at all (no 500 "database is locked"), on SQLite and
PostgreSQL. Usage:

    python bench/load.py [--clients 64] [--seconds 60] [--database-url postgresql://…]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
from server import start, stop  # bench/server.py, next to this script


class Tally:
    def __init__(self) -> None:
        self.reads: list[float] = []
        self.writes: list[float] = []
        self.failures: Counter[str] = Counter()

    async def call(self, http: httpx.AsyncClient, method: str, url: str, **kwargs: object) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            r = await http.request(method, url, **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError as exc:
            self.failures[type(exc).__name__] += 1
            return None
        (self.reads if method == "GET" else self.writes).append(time.perf_counter() - started)
        if r.status_code >= 400:
            self.failures[f"{r.status_code} {r.text[:60]}"] += 1
            return None
        return r


async def client(n: int, base: str, headers: dict[str, str], media: str, until: float, tally: Tally) -> None:
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=120) as http:
        i = 0
        while time.monotonic() < until:
            i += 1
            await tally.call(http, "GET", "/books", params={"per_page": 25})
            r = await tally.call(http, "POST", "/books", json={"title": f"load {n}-{i}", "media_type_id": media})
            if r is None:
                continue
            book = r.json()["data"]["id"]
            await tally.call(http, "GET", f"/books/{book}")
            loan = await tally.call(http, "POST", "/loans", json={"book_id": book, "loaned_to": f"friend {n}"})
            await tally.call(http, "GET", "/loans")
            if loan is not None:
                await tally.call(
                    http,
                    "PATCH",
                    f"/loans/{loan.json()['data']['id']}",
                    json={"loaned_to": f"friend {n}", "returned_at": "2099-01-01"},
                )


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


async def run(base: str, clients: int, seconds: float) -> Tally:
    async with httpx.AsyncClient(base_url=base + "/api/v1", timeout=60) as http:
        user = {"username": "load", "email": "load@example.org", "password": "load-password"}
        token = (await http.post("/setup/admin", json=user)).json()["data"]["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        lib = (await http.post("/libraries", json={"name": "Load"}, headers=headers)).json()["data"]["id"]
        media = (await http.get("/media-types", headers=headers)).json()["data"][0]["id"]
    tally = Tally()
    until = time.monotonic() + seconds
    lib_base = f"{base}/api/v1/libraries/{lib}"
    await asyncio.gather(*(client(n, lib_base, headers, media, until, tally) for n in range(clients)))
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--database-url", default="", help="default: SQLite in a temporary folder")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="librarium-load-"))
    env = {"LIBRARIUM_DATA_DIR": str(work / "data"), "LIBRARIUM_ARGON2_MEMORY_KIB": "8192"}
    if args.database_url:
        env["LIBRARIUM_DATABASE_URL"] = args.database_url
    server, base = start(env)
    try:
        started = time.perf_counter()
        tally = asyncio.run(run(base, args.clients, args.seconds))
        elapsed = time.perf_counter() - started
    finally:
        stop(server)
        shutil.rmtree(work, ignore_errors=True)
    total = len(tally.reads) + len(tally.writes)
    engine = "PostgreSQL" if args.database_url else "SQLite"
    print(f"{engine}, {args.clients} clients, {elapsed:.0f} s, load average {os.getloadavg()[0]:.2f}")
    print(f"requests: {total} ({total / elapsed:.0f}/s); errors: {sum(tally.failures.values())}")
    for name, values in (("reads", tally.reads), ("writes", tally.writes)):
        median = statistics.median(values) * 1000 if values else 0.0
        print(f"{name:6}: {len(values):6}  p50 {median:7.1f} ms  p99 {percentile(values, 0.99):7.1f} ms  "
              f"max {percentile(values, 1.0):7.1f} ms")  # fmt: skip
    for failure, count in tally.failures.most_common():
        print(f"  {count:5} × {failure}")


if __name__ == "__main__":
    main()
