"""Catalog benchmark: a 100,000-book library as people have them (build(): editions, contributors with roles,
tags, genres, series, shelves, covers, reading records, descriptions of a few hundred words), queried through
a real `librarium serve`.

For each scenario it prints the median and p95 latency over HTTP next to the baseline: the very statements that
request runs (recorded through the app in this process, bench/request_replay.py) replayed on the plain driver
(sqlite3 or asyncpg), one HTTP request and one replay in turn each round; the ratio between the two; and how
many statements the request runs. Usage:

    python bench/catalog.py [--books 100000] [--runs 40] [--database-url postgresql://...] [--keep]

With --keep and a database URL, that database is the bench's own: it is filled once and kept for later runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import request_replay  # bench/request_replay.py, next to this script
from server import memory_mb, print_load, start, stop  # bench/server.py, next to this script
from sqlalchemy import insert, select, text

from librarium.auth.passwords import Passwords
from librarium.books.filters import search_document
from librarium.db import migrate
from librarium.db.base import utcnow
from librarium.db.engine import make_engine
from librarium.db.seed import seed_id
from librarium.kit.sorting import natural_sort_key, sort_title
from librarium.models import (
    Book,
    BookContributor,
    BookEdition,
    BookGenre,
    BookSeries,
    BookShelf,
    BookTag,
    Contributor,
    CoverImage,
    Genre,
    Library,
    LibraryMembership,
    Series,
    Shelf,
    Tag,
    User,
    UserBookInteraction,
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


ROLES = ("author", "author", "author", "illustrator", "translator", "editor")
FORMATS = ("ebook", "audiobook", "hardcover")
STATUSES = ("read", "read", "reading", "unread", "did_not_finish")
READERS = 3  # members besides the owner, each with reading records of some books


def _vocabulary(rng: random.Random) -> list[str]:
    """2,000 made-up words for descriptions (none of WORDS, so that title searches keep their selectivity)."""
    syllables = "ka lo mi ren tas vel dor pin qua sel mor tiv ban eru hol nax".split()
    return sorted({"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(2600)})[:2000]


def _description(rng: random.Random, vocabulary: list[str]) -> str:
    """A few hundred words; now and then one of the title words (a description mentions dragons too)."""
    return " ".join(rng.choice(WORDS) if rng.random() < 0.004 else rng.choice(vocabulary)
                    for _ in range(rng.randint(150, 350)))  # fmt: skip


async def build(url: str, n_books: int) -> dict[str, Any]:
    """A library as people have them: each book with 1–3 editions, 1–4 contributors with roles, 3–8 of 200 tags,
    1–3 genres, a description of a few hundred words, a cover for most, a series for a third, shelves for a
    fifth, and reading records of the owner and three members (about one book in twelve each)."""
    engine = make_engine(url, pool=False)
    rng = random.Random(42)
    vocabulary = _vocabulary(rng)
    user_id, library_id = uuid.uuid4(), uuid.uuid4()
    readers = [user_id] + [uuid.uuid4() for _ in range(READERS)]
    password = "bench-password"
    now = utcnow()
    async with engine.begin() as conn:
        hashed = await Passwords(1, 8192).hash(password)
        await conn.execute(
            insert(User),
            [{"id": uid, "username": "bench" if uid == user_id else f"reader{n}", "display_name": f"Reader {n}",
              "email": f"reader{n}@example.org", "password_hash": hashed, "is_active": True,
              "is_instance_admin": False, "created_at": now, "updated_at": now} for n, uid in enumerate(readers)],
        )  # fmt: skip
        await conn.execute(
            insert(Library),
            [{"id": library_id, "name": "Bench", "slug": f"bench-{library_id.hex[:6]}", "owner_id": user_id,
              "is_public": False, "settings": {}, "created_at": now, "updated_at": now}],
        )  # fmt: skip
        await conn.execute(
            insert(LibraryMembership),
            [{"id": uuid.uuid4(), "library_id": library_id, "user_id": uid, "joined_at": now,
              "role_id": seed_id("role", "library_owner" if uid == user_id else "library_viewer")}
             for uid in readers],
        )  # fmt: skip
        people = [f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()}son {i}" for i in range(5000)]
        contributor_ids = [uuid.uuid4() for _ in people]
        await conn.execute(
            insert(Contributor),
            [{"id": cid, "name": name, "name_lower": name.lower(), "sort_name": name, "is_corporate": False,
              "external_ids": {}, "created_at": now, "updated_at": now}
             for cid, name in zip(contributor_ids, people, strict=True)],
        )  # fmt: skip
        tag_ids = [uuid.uuid4() for _ in range(200)]
        await conn.execute(
            insert(Tag),
            [{"id": t, "library_id": library_id, "name": f"tag{i}", "created_at": now} for i, t in enumerate(tag_ids)],
        )
        genre_ids = list((await conn.execute(select(Genre.id))).scalars())
        series_ids = [uuid.uuid4() for _ in range(3000)]
        await conn.execute(
            insert(Series),
            [{"id": s, "library_id": library_id, "name": f"{rng.choice(WORDS).title()} Saga {i}", "genres": [],
              "status": "ongoing", "created_at": now, "updated_at": now} for i, s in enumerate(series_ids)],
        )  # fmt: skip
        shelf_ids = [uuid.uuid4() for _ in range(20)]
        await conn.execute(
            insert(Shelf),
            [{"id": s, "library_id": library_id, "name": f"Shelf {i}", "display_order": i, "created_by": user_id,
              "created_at": now, "updated_at": now} for i, s in enumerate(shelf_ids)],
        )  # fmt: skip
        chunk = 5000
        for start in range(0, n_books, chunk):
            rows: dict[Any, list[dict[str, Any]]] = {model: [] for model in (
                Book, BookContributor, BookTag, BookGenre, BookEdition, BookSeries, BookShelf, CoverImage,
                UserBookInteraction)}  # fmt: skip
            for i in range(start, min(start + chunk, n_books)):
                book_id = uuid.uuid4()
                title = _title(rng, i)
                description = _description(rng, vocabulary)
                authors = rng.sample(range(len(people)), rng.randint(1, 4))
                stamp = now.replace(microsecond=i % 1_000_000)
                rows[Book].append(
                    {"id": book_id, "library_id": library_id, "title": title, "description": description,
                     "media_type_id": seed_id("media_type", rng.choice(MEDIA)), "added_by": user_id,
                     "sort_title": sort_title(title).lower(), "sort_key": natural_sort_key(title),
                     "search_text": search_document(title, "", description, [people[a] for a in authors]),
                     "created_at": stamp, "updated_at": stamp}
                )  # fmt: skip
                rows[BookContributor] += [
                    {"book_id": book_id, "contributor_id": contributor_ids[a], "role": "author" if k == 0 else
                     rng.choice(ROLES), "display_order": k} for k, a in enumerate(authors)]  # fmt: skip
                rows[BookTag] += [{"book_id": book_id, "tag_id": t} for t in rng.sample(tag_ids, rng.randint(3, 8))]
                rows[BookGenre] += [{"book_id": book_id, "genre_id": g}
                                    for g in rng.sample(genre_ids, rng.randint(1, 3))]  # fmt: skip
                editions = []
                for k in range(rng.randint(1, 3)):
                    editions.append(uuid.uuid4())
                    rows[BookEdition].append(
                        {"id": editions[-1], "book_id": book_id, "format": "paperback" if k == 0 else FORMATS[k],
                         "copy_count": 1, "is_primary": k == 0, "language": rng.choice(["en", "en", "en", "fr", "de"]),
                         "publisher": rng.choice(["Penguin", "Tor", "Orbit", "Gollancz", "Kodansha"]),
                         "isbn_13": f"979{i:010d}" if k == 0 and rng.random() < 0.7 else None,
                         "page_count": rng.randint(90, 900), "created_at": now, "updated_at": now}
                    )  # fmt: skip
                if rng.random() < 0.33:
                    rows[BookSeries].append(
                        {"book_id": book_id, "series_id": rng.choice(series_ids), "position": rng.randint(1, 12)}
                    )
                if rng.random() < 0.2:
                    rows[BookShelf] += [{"book_id": book_id, "shelf_id": s, "added_by": user_id, "added_at": now}
                                        for s in rng.sample(shelf_ids, rng.randint(1, 2))]  # fmt: skip
                if rng.random() < 0.6:
                    rows[CoverImage].append(
                        {"id": uuid.uuid4(), "entity_type": "book", "entity_id": book_id, "filename": f"{book_id}.jpg",
                         "mime_type": "image/jpeg", "file_size": 48_000, "is_primary": True, "created_by": user_id,
                         "created_at": now}
                    )  # fmt: skip
                for reader in readers:
                    if rng.random() < 0.08:
                        status = rng.choice(STATUSES)
                        rows[UserBookInteraction].append(
                            {"id": uuid.uuid4(), "user_id": reader, "book_edition_id": editions[0],
                             "read_status": status, "rating": rng.randint(1, 10) if status == "read" else None,
                             "is_favorite": False, "reread_count": 0, "created_at": now, "updated_at": now}
                        )  # fmt: skip
            for model, found in rows.items():
                if found:
                    await conn.execute(insert(model), found)
    if engine.dialect.name == "postgresql":
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("VACUUM ANALYZE"))
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
    ("search q=dragon (broad)", "/books", {"q": "dragon"}),
    ("search q=crimson lantern", "/books", {"q": "crimson lantern"}),
    ("search q=wolfson", "/books", {"q": "wolfson"}),
    ("search q=<one author's full name>", "/books", {"q": "{author}"}),
    ("letters", "/books/letters", {}),
    ("fingerprint", "/books/fingerprint", {}),
]


def _stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


async def measure(base: str, url: str, settings: dict[str, Any], info: dict[str, Any], runs: int) -> None:
    """Each scenario over HTTP and as the same statements on the plain driver, one after the other each round."""
    replay = request_replay.Replay(url)
    await replay.open()
    if replay.pg is not None:  # whether the books fit in PostgreSQL's own cache changes every search's figure
        buffers = await replay.pg.fetchval("SHOW shared_buffers")
        size = await replay.pg.fetchval("SELECT pg_size_pretty(pg_relation_size('books'))")
        print(f"PostgreSQL shared_buffers {buffers}; the books table {size} (without its TOAST and indexes)")
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        r = await http.post("/api/v1/auth/login", json={"identifier": "bench", "password": info["password"]})
        r.raise_for_status()
        headers = {"Authorization": "Bearer " + r.json()["data"]["access_token"]}
        lib = f"/api/v1/libraries/{info['library_id']}"
        print(f"\n{'scenario':36} {'HTTP median':>12} {'HTTP p95':>10} {'driver':>8} {'ratio':>6} {'SQL':>4}  rows")
        for name, path, template in SCENARIOS:
            params = {k: v.format(author=info["author"]) for k, v in template.items()}
            statements = await request_replay.record(settings, lib + path, params, headers)
            (await http.get(lib + path, params=params, headers=headers)).raise_for_status()  # warm up
            await replay.run(statements)
            samples, raw = [], []
            body: Any = None
            for _ in range(runs):
                t = time.perf_counter()
                resp = await http.get(lib + path, params=params, headers=headers)
                samples.append((time.perf_counter() - t) * 1000)
                body = resp.json()["data"]
                raw.append(await replay.run(statements))
            median, p95 = _stats(samples)
            raw_median, _ = _stats(raw)
            rows = body["total"] if isinstance(body, dict) and "items" in body else len(body)
            print(f"{name:36} {median:10.2f}ms {p95:8.2f}ms {raw_median:6.2f}ms {median / raw_median:6.1f} "
                  f"{len(statements):>4}  {rows}")  # fmt: skip
        await first_time(http, lib, headers, await author_names(url, runs), runs)
    await replay.close()


async def first_time(http: httpx.AsyncClient, lib: str, headers: dict[str, str], authors: list[str], runs: int) -> None:
    """Searches asked for the first time, a different one each run: nothing the server keeps (a search's total,
    books/counts.py) can answer them. HTTP only: each would need its own recording for the driver's side."""
    fresh_words = [w for w in WORDS if w not in ("dragon", "crimson", "lantern")]  # each in a fifth of the titles
    for name, queries in (("first-time search, a title word", fresh_words[:runs]),
                          ("first-time search, an author's name", authors)):  # fmt: skip
        samples, totals = [], []
        for q in queries:
            t = time.perf_counter()
            resp = await http.get(lib + "/books", params={"q": q}, headers=headers)
            samples.append((time.perf_counter() - t) * 1000)
            totals.append(resp.raise_for_status().json()["data"]["total"])
        median, p95 = _stats(samples)
        print(f"{name:36} {median:10.2f}ms {p95:8.2f}ms {'—':>8} {'—':>6} {'':>4}  "
              f"{min(totals)}–{max(totals)} ({len(queries)} searches)")  # fmt: skip


async def author_names(url: str, n: int) -> list[str]:
    """`n` contributors' full names, each an author of some books, none the repeated scenario's."""
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            found = select(Contributor.name).where(Contributor.id.in_(select(BookContributor.contributor_id)))
            return list((await conn.execute(found.order_by(Contributor.name_lower).limit(n))).scalars())
    finally:
        await engine.dispose()


CACHE = Path(__file__).with_name(".cache")


def cached_library(books: int, database_url: str = "") -> tuple[str, dict[str, Any], float]:
    """`--keep`: the library of `books` books, built on first use and kept — on SQLite in a file under
    bench/.cache (a 1,000,000-book library takes half an hour to build and about 10 GB), on PostgreSQL in the
    database given, which is then the bench's own (its build info under bench/.cache names it); (url, build
    info, build seconds — 0 when it was there)."""
    if database_url:
        tag = database_url.rsplit("/", 1)[-1]
        path, info_path = None, CACHE / f"catalog-{books}-pg-{tag}.json"
        url = database_url
    else:
        path, info_path = CACHE / f"catalog-{books}.sqlite", CACHE / f"catalog-{books}.json"
        url = f"sqlite:///{path}"
    if info_path.exists():
        migrate.upgrade(url)  # a library kept from an older version of the schema
        return url, json.loads(info_path.read_text()), 0.0
    CACHE.mkdir(exist_ok=True)
    if path is not None:
        path.unlink(missing_ok=True)
    t0 = time.perf_counter()
    migrate.upgrade(url)
    info = asyncio.run(build(url, books))
    info_path.write_text(json.dumps(info))
    return url, info, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--books", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--keep", action="store_true",
        help="build the library once and keep it (SQLite: under bench/.cache; PostgreSQL: in the database given)",
    )  # fmt: skip
    args = parser.parse_args()
    print_load()
    workdir = Path(tempfile.mkdtemp(prefix="librarium-bench-"))
    if args.keep:
        url, info, build_s = cached_library(args.books, args.database_url)
    else:
        url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
        t0 = time.perf_counter()
        migrate.upgrade(url)
        info = asyncio.run(build(url, args.books))
        build_s = time.perf_counter() - t0
    engine_name = "sqlite" if url.startswith("sqlite") else "postgresql"
    if build_s:
        print(f"built {args.books:,} books on {engine_name} in {build_s:.1f}s ({args.books / build_s:,.0f} books/s)")
    else:
        print(f"{args.books:,} books on {engine_name}, kept from an earlier run ({url})")
    settings = {"data_dir": workdir / "data", "database_url": url, "jwt_secret": "bench-" + "x" * 40}
    server, base = start({"LIBRARIUM_DATA_DIR": str(workdir / "data"), "LIBRARIUM_DATABASE_URL": url,
                          "LIBRARIUM_JWT_SECRET": settings["jwt_secret"], "LIBRARIUM_WORKER": "false"})  # fmt: skip
    try:
        idle_rss = memory_mb(server.pid)
        asyncio.run(measure(base, url, settings, info, args.runs))
        mapped = " (the rest: pages of the database file it has read, mapped — the system's file cache)"
        mapped = mapped if engine_name == "sqlite" else ""
        print(f"\nserver RSS: idle {idle_rss:.0f} MB, after the run {memory_mb(server.pid):.0f} MB, of which "
              f"{memory_mb(server.pid, 'RssAnon'):.0f} MB its own{mapped}")  # fmt: skip
        print_load()
    finally:
        stop(server)
        shutil.rmtree(workdir, ignore_errors=True)  # a 100,000-book library is about 1 GB


if __name__ == "__main__":
    main()
