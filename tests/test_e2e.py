"""End to end: `librarium serve` as a real process on a free port, signed into over HTTP."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

BIN = Path(sys.executable).with_name("librarium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path, database_url):
    if not BIN.exists():
        pytest.skip("console script not installed")
    port = _free_port()
    env = os.environ | {
        "LIBRARIUM_DATA_DIR": str(tmp_path / "data"),
        "LIBRARIUM_DATABASE_URL": database_url,
        "LIBRARIUM_ARGON2_MEMORY_KIB": "1024",
        "LIBRARIUM_LOG_LEVEL": "warning",
    }
    env.pop("LIBRARIUM_JWT_SECRET", None)
    env.pop("JWT_SECRET", None)
    proc = subprocess.Popen(
        [str(BIN), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            proc.kill()
            pytest.fail("server did not start: " + proc.stdout.read().decode(errors="replace"))
        yield base, tmp_path / "data"
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def test_sign_in_over_http(server):
    base, data_dir = server
    with httpx.Client(base_url=base, timeout=10) as http:
        status = http.get("/api/v1/setup/status").json()["data"]["initialized"]
        if not status:
            body = {"username": "admin", "email": "admin@example.org", "password": "admin-password"}
            assert http.post("/api/v1/setup/admin", json=body).status_code in (201, 409)
        r = http.post("/api/v1/auth/login", json={"identifier": "admin", "password": "admin-password"})
        assert r.status_code == 200, r.text
        token = r.json()["data"]["access_token"]
        r = http.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200 and r.json()["data"]["username"] == "admin"
        r = http.get("/api/docs")
        assert r.status_code == 200
    secret = data_dir / "jwt_secret"
    assert secret.exists() and oct(secret.stat().st_mode & 0o777) == "0o600"
