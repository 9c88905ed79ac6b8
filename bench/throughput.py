"""Throughput benchmark: requests/s and latency (p50 / p99) of the book list page (25 books, default sort) on a
100,000-book library (bench/catalog.py's builder), at 1, 8 and 32 concurrent connections, for a real
`librarium serve` with one process and with `--processes 2`; and the same for `/health`, the bare cost of a
request, as the baseline. The load comes from wrk (C, so that the client is not what is measured; Debian:
`apt-get install wrk`), run on the same machine.

Usage: python bench/throughput.py [--books 100000] [--seconds 10] [--database-url postgresql://…]"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import httpx
from catalog import build  # bench/catalog.py, next to this script
from server import print_load, start, stop

from librarium.db import migrate


def wrk(url: str, headers: dict[str, str], clients: int, seconds: int) -> tuple[float, str, str]:
    """(requests/s, p50, p99) of wrk against `url`; fails on any answer that is not a success."""
    args = ["wrk", "--latency", "-c", str(clients), "-t", str(min(clients, 2)), "-d", f"{seconds}s"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(out)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE).group(1)  # type: ignore[union-attr]
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE).group(1)  # type: ignore[union-attr]
    return rate, p50, p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--books", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed (Debian: apt-get install wrk)")
    print_load()
    work = Path(tempfile.mkdtemp(prefix="librarium-throughput-"))
    try:
        url = args.database_url or f"sqlite:///{work / 'bench.db'}"
        migrate.upgrade(url)
        info = asyncio.run(build(url, args.books))
        print(f"{args.books:,} books; {'PostgreSQL' if args.database_url else 'SQLite'}; wrk for {args.seconds} s each")
        print(f"{'request':22} {'processes':>9} {'clients':>7} {'requests/s':>11} {'p50':>9} {'p99':>9}")
        for processes in (1, 2):
            env = {"LIBRARIUM_DATA_DIR": str(work / "data"), "LIBRARIUM_DATABASE_URL": url, "LIBRARIUM_WORKER": "false",
                   "LIBRARIUM_JWT_SECRET": "bench-" + "x" * 40, "LIBRARIUM_PROCESSES": str(processes)}  # fmt: skip
            server, base = start(env)
            try:
                r = httpx.post(base + "/api/v1/auth/login", json={"identifier": "bench", "password": info["password"]})
                bearer = {"Authorization": "Bearer " + r.json()["data"]["access_token"]}
                page = f"{base}/api/v1/libraries/{info['library_id']}/books"
                for name, target, headers in (("book list page", page, bearer), ("/health", base + "/health", {})):
                    for clients in (1, 8, 32):
                        rate, p50, p99 = wrk(target, headers, clients, args.seconds)
                        print(f"{name:22} {processes:>9} {clients:>7} {rate:>11.0f} {p50:>9} {p99:>9}", flush=True)
            finally:
                stop(server)
        print_load()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
