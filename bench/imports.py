"""CSV import benchmark: a real `librarium serve` (its in-process worker doing the work) importing a CSV of
new books with authors, tags and ISBNs; prints rows/s from the upload to the end of the job, and the server's
memory. Usage: python bench/imports.py [--rows 5000] [--database-url postgresql://…]"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

from server import admin_session, memory_mb, print_load, start, stop  # bench/server.py, next to this script

from librarium.kit.isbn import to_isbn13


def csv_text(rows: int) -> str:
    lines = ["Title,Author,ISBN,Tags,Pages"]
    for n in range(rows):
        lines.append(f'"Book {n}","Writer {n % 500}",{to_isbn13(f"{n:09d}0")},"tag{n % 40}, fantasy",{100 + n % 400}')
    return "\n".join(lines) + "\n"


async def measure(base: str, rows: int) -> float:
    http, library, _ = await admin_session(base)
    try:
        mapping = {"title": 0, "author": 1, "isbn_13": 2, "tags": 3, "page_count": 4}
        started = time.perf_counter()
        files = {"file": ("books.csv", csv_text(rows).encode(), "text/csv")}
        r = await http.post(f"/libraries/{library}/imports", data={"mapping": json.dumps(mapping)}, files=files)
        r.raise_for_status()
        job = r.json()["data"]["id"]
        while True:
            await asyncio.sleep(0.5)
            data = next(j for j in (await http.get("/imports")).json()["data"] if j["id"] == job)
            if data["status"] not in ("pending", "processing"):
                break
        elapsed = time.perf_counter() - started
        assert (data["status"], data["processed_rows"]) == ("done", rows), data
        return rows / elapsed
    finally:
        await http.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    print_load()
    with tempfile.TemporaryDirectory(prefix="librarium-bench-") as tmp:
        env = {"LIBRARIUM_DATA_DIR": str(Path(tmp) / "data"), "LIBRARIUM_ARGON2_MEMORY_KIB": "8192",
               "LIBRARIUM_JOB_POLL_INTERVAL": "0.2"}  # fmt: skip
        if args.database_url:
            env["LIBRARIUM_DATABASE_URL"] = args.database_url
        process, base = start(env)
        try:
            rate = asyncio.run(measure(base, args.rows))
            print(f"database: {'PostgreSQL' if args.database_url else 'SQLite'}")
            print(f"{args.rows} rows: {rate:.0f} rows/s; server memory at the end: {memory_mb(process.pid):.0f} MB")
        finally:
            stop(process)


if __name__ == "__main__":
    main()
