"""Calibre API benchmark: a 10,000-book Calibre library, built by calibre itself (bench/calibre_library.py through
`calibre-debug`, cached under bench/.cache), served by `librarium serve` at /calibre and by calibre's own content
server (`calibre-server`) on copies of the same library, next to one `calibredb` run (the floor of calibre-rest,
which starts calibredb for every request) — all measured in this run.

Like with like: our list and search pages answer the books' full records; calibre-server's /ajax/search answers
only ids, so its side is that search *plus* its /ajax/books call for those ids. Searches are timed twice: the
same string repeated (both servers may answer from a cache) and first-time strings (a different search each
run, the same sequence on both servers). Usage:

    python bench/calibre.py [--books 10000] [--runs 30]
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
from server import free_port, print_load, start, stop, wait_for  # bench/server.py, next to this script

CACHE = Path(__file__).with_name(".cache")
WORDS = "storm night river glass iron silent crimson garden empire ocean forest hollow machine paper golden".split()


def build(books: int) -> Path:
    """The cached library of `books` books, made by calibre on first use (about 20 s per 1,000 books)."""
    cached = CACHE / f"calibre-{books}"
    if (cached / "metadata.db").exists():
        return cached
    building = CACHE / f"calibre-{books}.building"
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    sample = CACHE / "sample.txt"
    sample.write_text("It was a dark and stormy night.\n" * 50)
    script = Path(__file__).with_name("calibre_library.py")
    subprocess.run(["calibre-debug", "-e", str(script), "--", str(building), str(books), str(sample)], check=True)
    building.rename(cached)
    return cached


def first_time_searches() -> list[str]:
    """225 distinct searches, each matching books: a title word and a phrase of the comments (every book's
    comments run through the words in order)."""
    phrases = [f"{a} {b}" for a, b in zip(WORDS, WORDS[1:] + WORDS[:1], strict=True)]
    return [f'title:"{word}" and comments:"{phrase}"' for word, phrase in itertools.product(WORDS, phrases)]


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
    for tool in ("calibredb", "calibre-debug", "calibre-server"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed (apt-get install calibre)")
    print_load()
    t0 = time.perf_counter()
    cached = build(args.books)
    print(
        f"a {args.books:,}-book library built by calibre (cached: {cached}), ready in {time.perf_counter() - t0:.1f}s"
    )
    work = Path(tempfile.mkdtemp(prefix="librarium-calibre-bench-"))
    ours_library, theirs_library = work / "ours", work / "theirs"
    shutil.copytree(cached, ours_library)
    shutil.copytree(cached, theirs_library)
    server, root = start({"LIBRARIUM_DATA_DIR": str(work / "data"), "LIBRARIUM_CALIBRE_LIBRARY": str(ours_library),
                          "LIBRARIUM_CALIBRE_AUTH": "none"})  # fmt: skip
    cport = free_port()
    calibre_server = subprocess.Popen(
        ["calibre-server", "--port", str(cport), "--listen-on", "127.0.0.1", str(theirs_library)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base, cbase = f"{root}/calibre", f"http://127.0.0.1:{cport}"
        wait_for(cbase + "/ajax/library-info")
        http = httpx.Client(timeout=120)
        mid = args.books // 2

        def ours_search(query: Callable[[], str]) -> Callable[[], object]:
            return lambda: http.get(f"{base}/books", params={"search": query()}).raise_for_status()

        def theirs_search(query: Callable[[], str], offset: int = 0) -> Callable[[], object]:
            def run() -> None:
                found = http.get(f"{cbase}/ajax/search", params={"query": query(), "offset": offset, "num": 20})
                ids = ",".join(str(i) for i in found.raise_for_status().json()["book_ids"])
                http.get(f"{cbase}/ajax/books", params={"ids": ids}).raise_for_status()

            return run

        def fresh() -> Callable[[], str]:
            queries: Iterator[str] = iter(first_time_searches())
            return lambda: next(queries)

        def same(query: str) -> Callable[[], str]:
            return lambda: query

        pairs = {
            "get one book": (lambda: http.get(f"{base}/books/{mid}").raise_for_status(),
                             lambda: http.get(f"{cbase}/ajax/book/{mid}").raise_for_status()),
            "list page (20 records)": (lambda: http.get(f"{base}/books?start=101&limit=20").raise_for_status(),
                                       theirs_search(same(""), offset=100)),
            "search title:storm, repeated": (ours_search(same("title:storm")), theirs_search(same("title:storm"))),
            "search title+comments, first-time": (ours_search(fresh()), theirs_search(fresh())),
        }  # fmt: skip
        results = {name: (timed(a, args.runs), timed(b, args.runs)) for name, (a, b) in pairs.items()}
        results["update (PUT comments)"] = (timed(lambda: http.put(
            f"{base}/books/{mid + 1}", content=b'{"comments": "benchmarked"}',
            headers={"Content-Type": "application/json"}).raise_for_status(), args.runs), float("nan"))  # fmt: skip
        results["export one file"] = (timed(lambda: http.get(f"{base}/export/1").raise_for_status(), args.runs),
                                      float("nan"))  # fmt: skip

        calibre_server.terminate()  # calibredb will not run beside another calibre program
        calibre_server.wait(timeout=15)

        def calibredb(*cmd: str) -> None:
            subprocess.run(["calibredb", "--with-library", str(theirs_library), *cmd], capture_output=True, check=True)

        floor_runs = max(3, args.runs // 6)
        floor_read = timed(lambda: calibredb("list", "--for-machine", "--fields=all", f"--search=id:{mid}"), floor_runs)
        floor_write = timed(lambda: calibredb("set_metadata", str(mid + 2), "--field", "comments:x"), floor_runs)

        print(f"\n{'request (medians of ' + str(args.runs) + ')':36} {'librarium':>10} {'calibre-server':>15} "
              f"{'ratio':>6} {'calibredb':>10} {'ratio':>6}")  # fmt: skip
        for name, (ms, theirs) in results.items():
            floor = floor_write if name.startswith("update") else floor_read
            server_ms = f"{theirs:12.1f} ms" if theirs == theirs else f"{'-':>15}"
            ratio = f"{theirs / ms:5.1f}x" if theirs == theirs else f"{'-':>6}"
            print(f"{name:36} {ms:7.2f} ms {server_ms} {ratio} {floor:7.0f} ms {floor / ms:5.0f}x")
        print("ratio: how many times longer the other took")
    finally:
        stop(server)
        if calibre_server.poll() is None:
            calibre_server.terminate()
            calibre_server.wait(timeout=15)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
