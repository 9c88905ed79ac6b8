"""End to end: `librarium serve` as a real process on a free port, signed into over HTTP."""

import httpx
import pytest

from tests.fixtures.server import serve, server_env


@pytest.fixture
def server(tmp_path, database_url):
    # no JWT secret: the server generates and stores one
    env = server_env(tmp_path / "data", database_url, LIBRARIUM_JWT_SECRET="", JWT_SECRET="")
    with serve(env, tmp_path / "server.log") as base:
        yield base, tmp_path / "data"


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
