"""Property-based checks over our own OpenAPI document: schemathesis against a real `librarium serve`.

No generated request may answer 5xx, and every documented success must match its schema. Bounded and
reproducible: a fixed seed, deterministic generation, a few examples per operation. SQLite only (the
PostgreSQL pass runs the same code)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.fixtures.server import serve

BIN = Path(sys.executable).parent
EXAMPLES = os.environ.get("LIBRARIUM_SCHEMATHESIS_EXAMPLES", "6")


pytestmark = pytest.mark.once  # conftest: run on the first backend only


@pytest.fixture
def server(tmp_path, database_url):
    env = {
        "LIBRARIUM_DATA_DIR": str(tmp_path / "data"),
        "LIBRARIUM_DATABASE_URL": f"sqlite:///{tmp_path / 'st.db'}",
        "LIBRARIUM_ARGON2_MEMORY_KIB": "1024",
        "LIBRARIUM_ARGON2_TIME_COST": "1",
        "LIBRARIUM_LOGIN_RATE_LIMIT": "0",
        "LIBRARIUM_LOG_LEVEL": "error",
        "LIBRARIUM_WORKER": "false",
    }
    with serve(env, tmp_path / "server.log") as base:
        yield base, tmp_path


def test_no_request_answers_5xx_and_successes_match_their_schemas(server):
    base, tmp_path = server
    with httpx.Client(base_url=base + "/api/v1", timeout=30) as http:
        admin = {"username": "admin", "email": "admin@example.org", "password": "admin-password"}
        token = http.post("/setup/admin", json=admin).json()["data"]["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        library = http.post("/libraries", json={"name": "Home"}, headers=auth).json()["data"]["id"]
    # library-scoped operations reach past the permission check into a real library
    (tmp_path / "schemathesis.toml").write_text(f'[parameters]\nlibrary_id = "{library}"\n')
    st = shutil.which("st", path=str(BIN)) or str(BIN / "st")
    command = [
        st, "run", base + "/api/openapi.json",
        "--checks", "not_a_server_error,response_schema_conformance",
        "--max-examples", EXAMPLES,
        "--seed", "20261201",
        "--generation-deterministic",
        "--phases", "examples,coverage,fuzzing",
        # these end the admin's own session or account, which the rest of the run needs
        "--exclude-path", "/api/v1/auth/logout",
        "--exclude-path", "/api/v1/admin/users/{id}",
        "--exclude-path", "/api/v1/auth/me/password",
        "-H", f"Authorization: Bearer {token}",
        "--workers", "1",
        "--no-color",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=tmp_path)
    server_log = (tmp_path / "server.log").read_text(errors="replace")[-4000:]
    assert result.returncode == 0, result.stdout[-12000:] + result.stderr[-2000:] + "\n--- server ---\n" + server_log
