"""Cold start: the time from starting `librarium serve` on an existing database to its first answer (GET /health),
next to the same for a bare FastAPI app with one route under the same uvicorn (the floor any FastAPI server pays:
the interpreter, FastAPI, pydantic, uvicorn) — measured in this run, rounds interleaved.

Our package's bytecode is compiled first, as any install has it after its first run (`make run` compiles it even
where PYTHONDONTWRITEBYTECODE is set, as on this machine; without it each start compiled 200 modules, 0.25 s).

Usage: python bench/startup.py [--rounds 5]"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from server import free_port, print_load  # bench/server.py, next to this script

import librarium as librarium_package

BARE_APP = """
import uvicorn
from fastapi import FastAPI
app = FastAPI()
@app.get("/health")
async def health():
    return {"status": "ok"}
uvicorn.run(app, host="127.0.0.1", port={port}, log_level="warning")
"""


def first_answer(command: list[str], url: str, env: dict[str, str]) -> float:
    """Seconds from starting `command` to the first 200 from `url`; the process is stopped afterwards."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    return time.perf_counter() - started
            except httpx.TransportError:
                pass
            if process.poll() is not None:
                raise RuntimeError(f"{command[0]} stopped before answering")
            time.sleep(0.005)
    finally:
        process.terminate()
        process.wait(timeout=15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print_load()
    package = Path(librarium_package.__file__).parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
    librarium = str(Path(sys.executable).with_name("librarium"))
    with tempfile.TemporaryDirectory(prefix="librarium-bench-") as tmp:
        env = os.environ | {"LIBRARIUM_DATA_DIR": str(Path(tmp) / "data"), "LIBRARIUM_LOG_LEVEL": "warning"}
        env.pop("LIBRARIUM_DATABASE_URL", None)

        def ours() -> float:
            port = free_port()
            return first_answer([librarium, "serve", "--port", str(port)], f"http://127.0.0.1:{port}/health", env)

        def bare() -> float:
            port = free_port()
            code = BARE_APP.replace("{port}", str(port))
            return first_answer([sys.executable, "-c", code], f"http://127.0.0.1:{port}/health", env)

        ours()  # the first start creates and migrates the database; the rounds start on an existing one
        results: dict[str, list[float]] = {"librarium serve": [], "bare FastAPI app": []}
        for _ in range(args.rounds):
            results["librarium serve"].append(ours())
            results["bare FastAPI app"].append(bare())
    for name, times in results.items():
        print(f"{name:18} {min(times):.2f} / {statistics.median(times):.2f} / {max(times):.2f} s (min / median / max)")
    ratio = statistics.median(results["librarium serve"]) / statistics.median(results["bare FastAPI app"])
    print(f"ours take {ratio:.1f}× the bare app's start")


if __name__ == "__main__":
    main()
