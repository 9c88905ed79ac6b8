"""What the benchmarks share: a free port, a real `librarium serve` process, its memory."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f}s")


def start(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    """`librarium serve` on a free loopback port with `env` added; returns (process, base URL)."""
    port = free_port()
    full = os.environ | {"LIBRARIUM_LOG_LEVEL": "warning"} | env
    if "LIBRARIUM_DATABASE_URL" not in env:
        full.pop("LIBRARIUM_DATABASE_URL", None)
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("librarium")), "serve", "--port", str(port)],
        env=full,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    wait_for(base + "/health")
    return process, base


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=15)


def memory_mb(pid: int, key: str = "VmRSS") -> float:
    """VmRSS (now), VmHWM (peak) or RssAnon (its own memory, without mapped files) of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def serve_asgi(app: Any) -> tuple[Any, str]:
    """A stand-in service (an ASGI app) on a free loopback port, in a thread; returns (server, base URL)."""
    import threading

    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


async def send_json(send: Any, status: int, answer: Any) -> None:
    """An ASGI JSON response."""
    import json

    payload = json.dumps(answer).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def admin_session(base: str) -> tuple[Any, str, str]:
    """(client signed in as the instance admin, a library id, the `novel` media type id) on a fresh server."""
    import httpx

    http = httpx.AsyncClient(base_url=base + "/api/v1", timeout=120)
    user = {"username": "bench", "email": "bench@example.org", "password": "bench-password"}
    r = await http.post("/setup/admin", json=user)
    if r.status_code != 201:
        r = await http.post("/auth/login", json={"identifier": "bench", "password": "bench-password"})
    http.headers["Authorization"] = f"Bearer {r.json()['data']['access_token']}"
    libraries = (await http.get("/libraries")).json()["data"]
    if not libraries:
        libraries = [(await http.post("/libraries", json={"name": "Bench"})).json()["data"]]
    media = next(m["id"] for m in (await http.get("/media-types")).json()["data"] if m["name"] == "novel")
    return http, libraries[0]["id"], media


def print_load() -> None:
    """The machine's load average and cores, first line of every benchmark's report, and how fast one core runs
    plain Python just now: a shared VM's speed drifts from day to day, and with it every figure."""
    load = os.getloadavg()
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}  (cores: {os.cpu_count()}); "
          f"a reference loop of 10 million additions: {reference_loop_ms():.0f} ms")  # fmt: skip


def reference_loop_ms() -> float:
    """The best of three timings of a fixed loop of pure Python (sum(range(10**7)))."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        sum(range(10**7))
        best = min(best, time.perf_counter() - started)
    return best * 1000
