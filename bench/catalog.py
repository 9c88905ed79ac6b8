"""Catalog benchmark: a 100,000-book library, queried through a real `librarium serve`.

For each scenario it prints the median and p95 latency over HTTP, next to the same SQL (the count and
the page-of-ids query the service runs) executed directly on the database in the same run, and the
ratio between the two. Usage:

    python bench/catalog.py [--books 100000] [--runs 40] [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from server import memory_mb, start, stop  # bench/server.py, next to this script
from sqlalchemy import insert, text

from librarium.auth.passwords import Passwords
from librarium.books import repository as repo
from librarium.books import service as books_service
from librarium.books.filters import search_document
from librarium.db import migrate
from librarium.db.base import utcnow
from librarium.db.engine import make_engine, make_sessionmaker
from librarium.db.seed import seed_id
from librarium.kit.sorting import natural_sort_key, sort_title
from librarium.models import (
    Book,
    BookContributor,
    BookEdition,
    BookTag,
    Contributor,
    Library,
    LibraryMembership,
    Tag,
    User,
)

WORDS = (
    "shadow dragon river winter glass iron silent crimson garden empire star ocean forest hollow machine "
    "paper golden broken last first night city storm wolf crown secret lantern echo"
).split()
MEDIA = ["novel", "manga", "comic", "light_novel", "non_fiction"]


def _title(rng: random.Random, i: int) -> str:
    article = rng.choice(["The ", "A ", "", "", ""])
    words = " ".join(rng.choice(WORDS).title() for _ in range(rng.randint(1, 4)))
    return f"{article}{words} {i % 97 + 1}" if rng.random() < 0.3 else f"{article}{words}"


async def build(url: str, n_books: int) -> dict[str, Any]:
    engine = make_engine(url, pool=False)
    rng = random.Random(42)
    user_id, library_id = uuid.uuid4(), uuid.uuid4()
    password = "bench-password"
    now = utcnow()
    async with engine.begin() as conn:
        hashed = await Passwords(1, 8192).hash(password)
        await conn.execute(
            insert(User),
            [{"id": user_id, "username": "bench", "display_name": "Bench", "email": "bench@example.org",
              "password_hash": hashed, "is_active": True, "is_instance_admin": False, "created_at": now,
              "updated_at": now}],
        )  # fmt: skip
        await conn.execute(
            insert(Library),
            [{"id": library_id, "name": "Bench", "slug": f"bench-{library_id.hex[:6]}", "owner_id": user_id,
              "is_public": False, "settings": {}, "created_at": now, "updated_at": now}],
        )  # fmt: skip
        await conn.execute(
            insert(LibraryMembership),
            [{"id": uuid.uuid4(), "library_id": library_id, "user_id": user_id,
              "role_id": seed_id("role", "library_owner"), "joined_at": now}],
        )  # fmt: skip
        people = [f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()}son {i}" for i in range(5000)]
        contributor_ids = [uuid.uuid4() for _ in people]
        await conn.execute(
            insert(Contributor),
            [{"id": cid, "name": name, "name_lower": name.lower(), "sort_name": name, "is_corporate": False,
              "external_ids": {}, "created_at": now, "updated_at": now}
             for cid, name in zip(contributor_ids, people, strict=True)],
        )  # fmt: skip
        tag_ids = [uuid.uuid4() for _ in range(40)]
        await conn.execute(
            insert(Tag),
            [{"id": t, "library_id": library_id, "name": f"tag{i}", "created_at": now} for i, t in enumerate(tag_ids)],
        )
        chunk = 5000
        for start in range(0, n_books, chunk):
            books, links, tags, editions = [], [], [], []
            for i in range(start, min(start + chunk, n_books)):
                book_id = uuid.uuid4()
                title = _title(rng, i)
                authors = rng.sample(range(len(people)), rng.randint(1, 2))
                stamp = now.replace(microsecond=i % 1_000_000)
                books.append(
                    {"id": book_id, "library_id": library_id, "title": title,
                     "media_type_id": seed_id("media_type", rng.choice(MEDIA)), "added_by": user_id,
                     "sort_title": sort_title(title).lower(), "sort_key": natural_sort_key(title),
                     "search_text": search_document(title, "", "A story of " + rng.choice(WORDS),
                                                    [people[a] for a in authors]),
                     "created_at": stamp, "updated_at": stamp}
                )  # fmt: skip
                links += [{"book_id": book_id, "contributor_id": contributor_ids[a], "role": "author",
                           "display_order": k} for k, a in enumerate(authors)]  # fmt: skip
                tags.append({"book_id": book_id, "tag_id": rng.choice(tag_ids)})
                editions.append(
                    {"id": uuid.uuid4(), "book_id": book_id, "format": "paperback", "copy_count": 1,
                     "is_primary": True, "publisher": rng.choice(["Penguin", "Tor", "Orbit"]), "created_at": now,
                     "updated_at": now}
                )  # fmt: skip
            await conn.execute(insert(Book), books)
            await conn.execute(insert(BookContributor), links)
            await conn.execute(insert(BookTag), tags)
            await conn.execute(insert(BookEdition), editions)
    if engine.dialect.name == "postgresql":
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("ANALYZE"))
    else:
        async with engine.begin() as conn:
            await conn.execute(text("ANALYZE"))
    await engine.dispose()
    return {"library_id": str(library_id), "password": password, "author": people[1234]}


SCENARIOS: list[tuple[str, str, dict[str, str]]] = [
    ("list, default sort", "/books", {}),
    ("list, letter=S", "/books", {"letter": "S"}),
    ("list, tag=tag7", "/books", {"tag": "tag7"}),
    ("list, sort=created_at desc", "/books", {"sort": "created_at", "sort_dir": "desc"}),
    ("search q=dragon (21% of books)", "/books", {"q": "dragon"}),
    ("search q=crimson lantern (4%)", "/books", {"q": "crimson lantern"}),
    ("search q=wolfson (5% of books)", "/books", {"q": "wolfson"}),
    ("search q=<one author's full name>", "/books", {"q": "{author}"}),
    ("letters", "/books/letters", {}),
    ("fingerprint", "/books/fingerprint", {}),
]


def _stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


async def direct_sql(url: str, library_id: str, params: dict[str, str], path: str, runs: int) -> list[float]:
    """The SQL statements the service runs for this request (built by the same code, with bound
    parameters), executed straight on the database: no HTTP, no auth, no loading of related rows."""
    engine = make_engine(url)
    maker = make_sessionmaker(engine)
    lib = uuid.UUID(library_id)
    samples = []
    async with maker() as session:
        for _ in range(runs + 1):
            t0 = time.perf_counter()
            if path == "/books":
                p = books_service.ListParams(**params)  # type: ignore[arg-type]
                where = books_service._where(session, lib, p)
                await repo.page_ids(session, where, repo.order_by(p.sort, p.sort_dir == "desc"), 0, 25)
            elif path == "/books/letters":
                await repo.letters(session, lib)
            else:
                await repo.fingerprint(session, lib)
            samples.append((time.perf_counter() - t0) * 1000)
    await engine.dispose()
    return samples[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--books", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="librarium-bench-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    t0 = time.perf_counter()
    migrate.upgrade(url)
    info = asyncio.run(build(url, args.books))
    build_s = time.perf_counter() - t0
    engine_name = "sqlite" if url.startswith("sqlite") else "postgresql"
    print(f"built {args.books:,} books on {engine_name} in {build_s:.1f}s ({args.books / build_s:,.0f} books/s)")

    server, base = start({"LIBRARIUM_DATA_DIR": str(workdir / "data"), "LIBRARIUM_DATABASE_URL": url})
    try:
        idle_rss = memory_mb(server.pid)
        with httpx.Client(base_url=base, timeout=30) as http:
            r = http.post("/api/v1/auth/login", json={"identifier": "bench", "password": info["password"]})
            r.raise_for_status()
            headers = {"Authorization": "Bearer " + r.json()["data"]["access_token"]}
            lib = f"/api/v1/libraries/{info['library_id']}"
            print(f"\n{'scenario':36} {'HTTP median':>12} {'HTTP p95':>10} {'SQL median':>11} {'ratio':>6}  rows")
            for name, path, template in SCENARIOS:
                params = {k: v.format(author=info["author"]) for k, v in template.items()}
                http.get(lib + path, params=params, headers=headers).raise_for_status()  # warm up
                samples = []
                body: Any = None
                for _ in range(args.runs):
                    t = time.perf_counter()
                    resp = http.get(lib + path, params=params, headers=headers)
                    samples.append((time.perf_counter() - t) * 1000)
                    body = resp.json()["data"]
                median, p95 = _stats(samples)
                sql_median, _ = _stats(asyncio.run(direct_sql(url, info["library_id"], params, path, args.runs)))
                rows = body["total"] if isinstance(body, dict) and "items" in body else len(body)
                ratio = median / sql_median if sql_median else float("inf")
                print(f"{name:36} {median:10.2f}ms {p95:8.2f}ms {sql_median:9.2f}ms {ratio:6.1f}  {rows}")
        print(f"\nserver RSS: idle {idle_rss:.0f} MB, after the run {memory_mb(server.pid):.0f} MB")
    finally:
        stop(server)
        shutil.rmtree(workdir, ignore_errors=True)  # a 100,000-book library is 220 MB


if __name__ == "__main__":
    main()
