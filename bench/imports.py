"""CSV import benchmark: a real `librarium serve` (its in-process worker doing the work) importing Goodreads
exports of new books — authors, ISBNs (`="…"`), shelves, reading status, ratings, reviews, series in titles;
prints rows/s from the upload to the end of the job and the server's peak memory, for each file size. The
baseline (SQLite) is the raw driver: the statements of an in-process import of the smallest file replayed
through the plain sqlite3 module (bench/import_replay.py), measured in the same run.

Usage: python bench/imports.py [--rows 1000,10000,100000] [--database-url postgresql://…]"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import import_replay  # bench/import_replay.py
from server import admin_session, memory_mb, print_load, start, stop  # bench/server.py, next to this script

from librarium.kit.isbn import to_isbn13

HEADER = (
    "Book Id,Title,Author,Author l-f,Additional Authors,ISBN,ISBN13,My Rating,Average Rating,Publisher,Binding,"
    "Number of Pages,Year Published,Original Publication Year,Date Read,Date Added,Bookshelves,"
    "Bookshelves with positions,Exclusive Shelf,My Review,Spoiler,Private Notes,Read Count,Owned Copies"
)
SHELVES = ("read", "to-read", "currently-reading")


def goodreads(rows: int, offset: int) -> str:
    lines = [HEADER]
    for i in range(rows):
        n = offset + i
        isbn = to_isbn13(f"{n:09d}0")
        title = f"Book {n} (Saga {n % 300}, #{n % 12 + 1})" if n % 3 == 0 else f"Book {n}"
        shelf = SHELVES[n % 3]
        rating, review = (n % 5 + 1, "Good.<br/>Really.") if shelf == "read" else (0, "")
        lines.append(
            f'{n},"{title}",Writer {n % 500},"{n % 500}, Writer",,="",="{isbn}",{rating},3.9,Publisher {n % 50},'
            f'Paperback,{100 + n % 400},2001,2001,2022/01/0{n % 9 + 1},2021/12/01,"shelf{n % 20}, {shelf}",,'
            f'{shelf},"{review}",,,1,0'
        )
    return "\n".join(lines) + "\n"


async def measure(base: str, rows: int, offset: int) -> tuple[float, float]:
    """(rows/s from the start of the upload to the end of the job, seconds the upload took to answer)"""
    http, library, _ = await admin_session(base)
    try:
        started = time.perf_counter()
        files = {"file": ("goodreads_library_export.csv", goodreads(rows, offset).encode(), "text/csv")}
        r = await http.post(f"/libraries/{library}/imports", files=files)
        r.raise_for_status()
        uploaded = time.perf_counter() - started
        job = r.json()["data"]["id"]
        while True:
            await asyncio.sleep(0.02)  # the end of the job is seen within 20 ms (a 1,000-row file takes 0.4 s)
            found = next(j for j in (await http.get("/imports")).json()["data"] if j["id"] == job)
            if found["status"] not in ("pending", "processing"):
                break
        elapsed = time.perf_counter() - started
        assert (found["status"], found["processed_rows"]) == ("done", rows), found
        return rows / elapsed, uploaded
    finally:
        await http.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="1000,10000,100000")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(n) for n in args.rows.split(",")]
    print_load()
    with tempfile.TemporaryDirectory(prefix="librarium-bench-") as tmp:
        env = {"LIBRARIUM_DATA_DIR": str(Path(tmp) / "data"), "LIBRARIUM_ARGON2_MEMORY_KIB": "8192",
               "LIBRARIUM_JOB_POLL_INTERVAL": "0.2"}  # fmt: skip
        if args.database_url:
            env["LIBRARIUM_DATABASE_URL"] = args.database_url
        process, base = start(env)
        try:
            print(f"database: {'PostgreSQL' if args.database_url else 'SQLite'}")
            if not args.database_url:
                with tempfile.TemporaryDirectory(prefix="librarium-replay-") as folder:
                    ours, raw = import_replay.measure(Path(folder), goodreads(sizes[0], 0))
                print(f"in process, {sizes[0]} rows: {sizes[0] / ours:.0f} rows/s; the same statements on sqlite3: "
                      f"{sizes[0] / raw:.0f} rows/s (ours take {ours / raw:.1f}× the raw driver's time)")  # fmt: skip
            offset = 0
            for rows in sizes:
                rates, uploads = [], []
                for _ in range(args.rounds):
                    rate, upload = asyncio.run(measure(base, rows, offset))
                    rates.append(rate)
                    uploads.append(upload)
                    offset += rows
                now, peak = memory_mb(process.pid), memory_mb(process.pid, "VmHWM")
                low, mid, high = min(rates), statistics.median(rates), max(rates)
                print(f"{rows} rows over HTTP: {low:.0f} / {mid:.0f} / {high:.0f} rows/s (min/median/max of "
                      f"{len(rates)}; the upload's answer took {statistics.median(uploads):.1f} s); "
                      f"server memory {now:.0f} MB now, {peak:.0f} MB peak")  # fmt: skip
        finally:
            stop(process)


if __name__ == "__main__":
    main()
