"""Where a request's time goes: a book-list page, a selective search and the smallest signed-in request (the
library's fingerprint), each split into layers measured in the same rounds, on the library of bench/catalog.py
(`--keep`: built once, kept under bench/.cache).

Each round measures, one after another:
  http      the request over HTTP to a real `librarium serve` (httpx on loopback, as bench/catalog.py);
  floor     GET /health over the same connection: the client, the socket, uvicorn, the middleware and routing —
            what any answer costs;
  unit      in this process, a unit of work as the route opens one: the session, BEGIN, and at the end ROLLBACK
            and the session closed;
  auth      within it, the caller's check (one statement: token, user, permission);
  service   within it, the service the route calls (books/service.py), without HTTP or JSON;
  shape     of that, the book shape alone (books/repository.py `load`: the page's books and their related rows),
            timed again apart;
  json      encoding the answer (orjson, as the route does);
  sql       the request's statements replayed on the plain driver (sqlite3 / asyncpg), as bench/catalog.py.
What is left of `http` once floor, unit, auth, service and json are taken away is FastAPI's own work for the route
(its parameters, its dependencies, the response).

Usage: python bench/breakdown.py [--books 100000] [--runs 30] [--database-url postgresql://...]"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import orjson
import request_replay  # bench/request_replay.py, next to this script
from catalog import cached_library  # bench/catalog.py
from pydantic import BaseModel
from server import print_load, start, stop  # bench/server.py

from librarium.app import create_app
from librarium.auth import repository as tokens_repo
from librarium.books import repository, service
from librarium.config import load_settings

LAYERS = ("http", "floor", "unit", "auth", "service", "shape", "json", "sql")


def encode(answer: Any) -> bytes:
    """The answer's JSON as the route writes it: a plain dict with orjson (kit/routing.fast_ok), a model by
    pydantic (FastAPI's response model)."""
    if isinstance(answer, BaseModel):
        return answer.model_dump_json().encode()
    return orjson.dumps({"data": answer}, default=str)


async def _ms(work: Awaitable[Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = await work
    return (time.perf_counter() - started) * 1000, result


async def measure(base: str, url: str, settings: dict[str, Any], info: dict[str, Any], runs: int) -> None:
    library = uuid.UUID(info["library_id"])
    replay = request_replay.Replay(url)
    await replay.open()
    app = create_app(load_settings(**settings, worker=False), migrate_on_start=False)
    async with app.router.lifespan_context(app), httpx.AsyncClient(base_url=base, timeout=30) as http:
        db = app.state.db
        login = {"identifier": "bench", "password": info["password"]}
        token = (await http.post("/api/v1/auth/login", json=login)).raise_for_status().json()["data"]["access_token"]
        headers = {"Authorization": "Bearer " + token}
        claims = app.state.auth.signer.decode(token)
        lib = f"/api/v1/libraries/{library}"

        scenarios: list[tuple[str, str, dict[str, str], Callable[[Any], Awaitable[Any]]]] = [
            ("fingerprint", "/books/fingerprint", {}, lambda s: service.fingerprint(s, library)),
            ("list, default sort", "/books", {}, lambda s: service.list_books(s, library, claims.user_id,
                                                                              service.ListParams())),
            ("search, one author's full name", "/books", {"q": info["author"]},
             lambda s: service.list_books(s, library, claims.user_id, service.ListParams(q=info["author"]))),
        ]  # fmt: skip
        print(f"\n{'request':32}" + "".join(f"{name:>9}" for name in LAYERS) + "   (medians, ms)")
        for name, path, params, call in scenarios:
            statements = await request_replay.record(settings, lib + path, params, headers)

            async def in_process(call: Callable[[Any], Awaitable[Any]] = call) -> tuple[dict[str, float], Any]:
                """One unit of work as the route has it: opened, the caller checked, the service run, closed;
                then, apart, the shape of the same page once more (in its own unit, as a part of `service`)."""
                took: dict[str, float] = {}
                started = time.perf_counter()
                unit = await db.open(write=False)
                try:
                    opened = time.perf_counter()
                    args = (claims.user_id, claims.jti, library, "books:read")
                    took["auth"], _ = await _ms(tokens_repo.active_user_with_permission(unit.session, *args))
                    took["service"], answer = await _ms(call(unit.session))
                finally:
                    closing = time.perf_counter()
                    await unit.finish(commit=False)
                took["unit"] = (opened - started + time.perf_counter() - closing) * 1000
                took["shape"] = 0.0
                if isinstance(answer, dict):
                    ids = [uuid.UUID(str(item["id"])) for item in answer["items"]]
                    async with db.unit_of_work(write=False) as session:
                        took["shape"], _ = await _ms(repository.load(session, ids, claims.user_id))
                return took, answer

            samples: dict[str, list[float]] = {layer: [] for layer in LAYERS}
            for round_ in range(runs + 1):  # the first round warms every layer up and is not counted
                took, answer = await in_process()
                took["http"], _ = await _ms(http.get(lib + path, params=params, headers=headers))
                took["floor"], _ = await _ms(http.get("/health"))
                started = time.perf_counter()
                encode(answer)
                took["json"] = (time.perf_counter() - started) * 1000
                took["sql"] = await replay.run(statements)
                if round_:
                    for layer, ms in took.items():
                        samples[layer].append(ms)
            medians = {layer: statistics.median(values) for layer, values in samples.items()}
            print(f"{name:32}" + "".join(f"{medians[layer]:9.2f}" for layer in LAYERS))
            inside = medians["unit"] + medians["auth"] + medians["service"]
            rest = medians["http"] - medians["floor"] - inside - medians["json"]
            print(
                f"{'':32} FastAPI's own work for the route (http − floor − unit − auth − service − json): "
                f"{rest:.2f} ms\n{'':32} our Python, SQLAlchemy and the driver around the statements "
                f"(unit + auth + service − sql): {inside - medians['sql']:.2f} ms"
            )
    await replay.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--books", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    print_load()
    url, info, _ = cached_library(args.books, args.database_url)
    workdir = Path(tempfile.mkdtemp(prefix="librarium-bench-"))
    settings = {"data_dir": workdir / "data", "database_url": url, "jwt_secret": "bench-" + "x" * 40}
    server, base = start({"LIBRARIUM_DATA_DIR": str(workdir / "data"), "LIBRARIUM_DATABASE_URL": url,
                          "LIBRARIUM_JWT_SECRET": settings["jwt_secret"], "LIBRARIUM_WORKER": "false"})  # fmt: skip
    try:
        asyncio.run(measure(base, url, settings, info, args.runs))
    finally:
        stop(server)
        shutil.rmtree(workdir, ignore_errors=True)
    print_load()


if __name__ == "__main__":
    main()
