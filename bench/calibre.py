"""Calibre API benchmark: a 10,000-book Calibre library served by `librarium serve` at /calibre.

Times get, list page, search, update and export over HTTP, next to one `calibredb` run (the floor of
calibre-rest, which starts calibredb for every request) and, when installed, calibre's own content
server (`calibre-server`, /ajax endpoints) on the same library, all measured in this run. Usage:

    python bench/calibre.py [--books 10000] [--runs 30]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from server import free_port, start, stop, wait_for  # bench/server.py, next to this script

from librarium.calibre.library import Library
from librarium.calibre.writer import add_format, create_book, transaction

WORDS = "storm night river glass iron silent crimson garden empire ocean forest hollow machine paper golden".split()
AUTHORS = [
    f"{first} {last}" for first in ("Ann", "Bob", "Cleo", "Dan", "Eve") for last in ("Lee", "Moss", "Ng", "Ortiz")
]


def build(root: Path, books: int) -> Path:
    library = root / "library"
    library.mkdir()
    subprocess.run(["calibredb", "--with-library", str(library), "list"], capture_output=True, check=True)
    sample = root / "sample.txt"
    sample.write_text("It was a dark and stormy night.\n" * 50)
    lib = Library(library)
    with transaction(lib) as con:
        for i in range(books):
            words = [WORDS[(i * 7 + k) % len(WORDS)] for k in range(1 + i % 3)]
            data = {
                "title": " ".join(words).title() + f" {i}",
                "authors": [AUTHORS[i % len(AUTHORS)]],
                "tags": [WORDS[i % len(WORDS)], WORDS[(i + 3) % len(WORDS)]],
                "series": "Saga " + WORDS[i % 5] if i % 4 == 0 else "",
                "identifiers": {"isbn": f"978{i:010d}"},
            }
            book_id = create_book(con, lib, data)
            if i % 10 == 0:
                add_format(con, lib, book_id, sample, "TXT")
    return library


def timed(fn, runs: int) -> float:  # noqa: ANN001
    fn()  # warm up
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--books", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    if not shutil.which("calibredb"):
        sys.exit("calibredb is needed for the baseline (apt-get install calibre)")

    work = Path(tempfile.mkdtemp(prefix="librarium-calibre-bench-"))
    t0 = time.perf_counter()
    library = build(work, args.books)
    print(f"built a {args.books:,}-book Calibre library natively in {time.perf_counter() - t0:.1f}s")

    server, root = start(
        {
            "LIBRARIUM_DATA_DIR": str(work / "data"),
            "LIBRARIUM_CALIBRE_LIBRARY": str(library),
            "LIBRARIUM_CALIBRE_AUTH": "none",
        }
    )
    calibre_server = None
    try:
        base = f"{root}/calibre"
        http = httpx.Client(timeout=120)
        mid = args.books // 2
        ours = {
            "get one book": lambda: http.get(f"{base}/books/{mid}").raise_for_status(),
            "list page (20)": lambda: http.get(f"{base}/books?start=101&limit=20").raise_for_status(),
            "search title:storm": lambda: http.get(
                f"{base}/books", params={"search": "title:storm"}
            ).raise_for_status(),
            "search tags:=iron and not series:true": lambda: http.get(
                f"{base}/books", params={"search": "tags:=iron and not series:true"}
            ).raise_for_status(),
            "update (PUT comments)": lambda: http.put(
                f"{base}/books/{mid + 1}",
                content=b'{"comments": "benchmarked"}',
                headers={"Content-Type": "application/json"},
            ).raise_for_status(),  # fmt: skip
            "export one file": lambda: http.get(f"{base}/export/1").raise_for_status(),
        }
        results = {name: timed(fn, args.runs) for name, fn in ours.items()}

        def calibredb(*cmd: str) -> None:
            subprocess.run(["calibredb", "--with-library", str(library), *cmd], capture_output=True, check=True)

        floor_runs = max(3, args.runs // 6)
        floor_read = timed(lambda: calibredb("list", "--for-machine", "--fields=all", f"--search=id:{mid}"), floor_runs)
        floor_write = timed(lambda: calibredb("set_metadata", str(mid + 2), "--field", "comments:x"), floor_runs)

        cs = {}
        if shutil.which("calibre-server"):
            cport = free_port()
            calibre_server = subprocess.Popen(
                ["calibre-server", "--port", str(cport), "--listen-on", "127.0.0.1", str(library)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            cbase = f"http://127.0.0.1:{cport}"
            wait_for(cbase + "/ajax/library-info")
            cs = {
                "get one book": timed(lambda: http.get(f"{cbase}/ajax/book/{mid}").raise_for_status(), args.runs),
                "search title:storm": timed(
                    lambda: http.get(
                        f"{cbase}/ajax/search", params={"query": "title:storm", "num": 20}
                    ).raise_for_status(),
                    args.runs,
                ),
                "list page (20)": timed(
                    lambda: http.get(f"{cbase}/ajax/search", params={"offset": 100, "num": 20}).raise_for_status(),
                    args.runs,
                ),
            }

        print(f"\n{'request':40} {'librarium':>10} {'calibredb':>10} {'speed-up':>9} {'calibre-server':>15}")
        for name, ms in results.items():
            floor = floor_write if name.startswith("update") else floor_read
            server_ms = f"{cs[name]:12.1f}ms" if name in cs else f"{'-':>14}"
            print(f"{name:40} {ms:8.2f}ms {floor:8.0f}ms {floor / ms:8.0f}x {server_ms}")
    finally:
        stop(server)
        if calibre_server is not None:
            calibre_server.terminate()
            calibre_server.wait(timeout=15)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
