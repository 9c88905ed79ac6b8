"""OPDS benchmark: a library of books with files (bench/catalog.py's builder plus one EPUB per book), served by
a real `librarium serve`; times catalogue pages and searches over HTTP with an app password, next to the same
books as a page of the JSON book list (the web client's view, the baseline) in the same run — and the
app-password check itself, next to an argon2 check of the account password.

Usage: python bench/opds.py [--books 100000] [--runs 30] [--database-url postgresql://…]"""

from __future__ import annotations

import argparse
import asyncio
import base64
import html
import re
import shutil
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from catalog import build  # bench/catalog.py, next to this script
from server import print_load, start, stop
from sqlalchemy import insert, select

from librarium.auth import app_passwords
from librarium.auth.passwords import Passwords
from librarium.auth.ratelimit import AttemptLimiter
from librarium.db import migrate
from librarium.db.base import utcnow
from librarium.db.engine import make_engine
from librarium.db.unit import Database
from librarium.models import BookEdition, EditionFile

EPUB = b"PK\x03\x04" + b"\0" * 26 + b"mimetypeapplication/epub+zip" + b"\0" * 2000


async def add_files(url: str, data_dir: Path) -> None:
    folder = data_dir / "media" / "ebooks"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bench.epub").write_bytes(EPUB)
    engine = make_engine(url, pool=False)
    async with engine.begin() as conn:
        editions = list((await conn.execute(select(BookEdition.id))).scalars())
        now = utcnow()
        for start_at in range(0, len(editions), 5000):
            rows = [{"id": uuid.uuid4(), "edition_id": e, "file_format": "epub", "file_name": "bench.epub",
                     "file_path": "bench.epub", "file_size": len(EPUB), "display_order": 0, "owned": False,
                     "created_at": now} for e in editions[start_at : start_at + 5000]]  # fmt: skip
            await conn.execute(insert(EditionFile), rows)
    await engine.dispose()


async def key_checks(url: str, secret: str, runs: int) -> tuple[float, float]:
    """(median µs of an app-password check, median µs of an argon2 check at the server's default cost)."""
    db = Database(make_engine(url))
    keys = app_passwords.Keyring.from_secret("bench-" + "x" * 40)
    limiter = AttemptLimiter(0, 60)
    checks = []
    async with db.unit_of_work(write=False) as session:
        for _ in range(runs):
            started = time.perf_counter()
            await app_passwords.check(session, keys, limiter, "bench", "bench", secret, stale=[])
            checks.append((time.perf_counter() - started) * 1e6)
    await db.engine.dispose()
    passwords = Passwords(3, 65536)
    hashed = await passwords.hash("bench-password")
    argon = []
    for _ in range(5):
        started = time.perf_counter()
        await passwords.verify(hashed, "bench-password")
        argon.append((time.perf_counter() - started) * 1e6)
    return statistics.median(checks), statistics.median(argon)


def timed(http: httpx.Client, path: str, headers: dict[str, str], runs: int) -> list[float]:
    http.get(path, headers=headers).raise_for_status()  # warm up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        http.get(path, headers=headers).raise_for_status()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def next_link(http: httpx.Client, path: str, headers: dict[str, str]) -> str:
    """The `next` link of a feed page, as a reader follows it (it names the page's last book)."""
    found = re.search(r'<link rel="next" href="([^"]+)"', http.get(path, headers=headers).text)
    assert found, path
    return httpx.URL(html.unescape(found.group(1))).raw_path.decode()


def line(name: str, samples: list[float], baseline: list[float] | None) -> str:
    mid = statistics.median(samples)
    low, high = min(samples), max(samples)
    ratio = f"{mid / statistics.median(baseline):5.2f}×" if baseline else "      "
    return f"{name:44} {low:7.2f} {mid:7.2f} {high:7.2f} ms  {ratio}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--books", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    print_load()
    work = Path(tempfile.mkdtemp(prefix="librarium-opds-"))
    url = args.database_url or f"sqlite:///{work / 'bench.db'}"
    migrate.upgrade(url)
    info = asyncio.run(build(url, args.books))
    asyncio.run(add_files(url, work / "data"))
    server, base = start({"LIBRARIUM_DATA_DIR": str(work / "data"), "LIBRARIUM_DATABASE_URL": url,
                          "LIBRARIUM_JWT_SECRET": "bench-" + "x" * 40})  # fmt: skip
    try:
        with httpx.Client(base_url=base, timeout=60) as http:
            r = http.post("/api/v1/auth/login", json={"identifier": "bench", "password": info["password"]})
            bearer = {"Authorization": "Bearer " + r.json()["data"]["access_token"]}
            created = http.post("/api/v1/auth/me/app-passwords", json={"name": "bench"}, headers=bearer)
            secret = created.json()["data"]["password"]
            basic = {"Authorization": "Basic " + base64.b64encode(f"bench:{secret}".encode()).decode()}
            lib, feeds = f"/api/v1/libraries/{info['library_id']}/books", f"/opds/libraries/{info['library_id']}"
            middle = args.books // 100  # a page in the middle of the library (50 per page)
            print(f"{args.books:,} books, each with a file; {'PostgreSQL' if args.database_url else 'SQLite'}")
            print(f"{'request':44} {'min':>7} {'median':>7} {'max':>7}     vs the JSON book list")
            crimson, author = "q=crimson%20lantern", f"q={info['author']}"
            followed = next_link(http, f"{feeds}/all?page={middle - 1}", basic)
            for name, opds, api in [
                ("all books, page 1", f"{feeds}/all", f"{lib}?per_page=50"),
                (f"all books, page {middle} (its number)", f"{feeds}/all?page={middle}",
                 f"{lib}?per_page=50&page={middle}"),
                (f"all books, page {middle} (a next link)", followed, f"{lib}?per_page=50&page={middle}"),
                ("recently added", f"{feeds}/recent", f"{lib}?per_page=50&sort=created_at&sort_dir=desc"),
                ("search q=crimson lantern", f"{feeds}/search?{crimson}", f"{lib}?per_page=50&{crimson}"),
                ("search: one author's name", f"{feeds}/search?{author}", f"{lib}?per_page=50&{author}"),
            ]:  # fmt: skip
                baseline = timed(http, api, bearer, args.runs)
                print(line(name, timed(http, opds, basic, args.runs), baseline))
        check_us, argon_us = asyncio.run(key_checks(url, secret, 2000))
        print(f"app-password check (lookup + HMAC, in process): {check_us:.0f} µs median; an argon2 check "
              f"of the account password: {argon_us / 1000:.0f} ms ({argon_us / check_us:.0f}×)")  # fmt: skip
    finally:
        stop(server)
        shutil.rmtree(work, ignore_errors=True)  # a 100,000-book library is 220 MB


if __name__ == "__main__":
    main()
