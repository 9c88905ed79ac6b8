"""The `librarium` command, run as a real process."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).with_name("librarium")


def _run(args, tmp_path, **env):
    full = os.environ | {"LIBRARIUM_DATA_DIR": str(tmp_path / "data"), "LIBRARIUM_ARGON2_MEMORY_KIB": "1024"} | env
    full.pop("LIBRARIUM_DATABASE_URL", None)
    full.pop("DATABASE_URL", None)
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, env=full, timeout=120, check=False)


@pytest.fixture(autouse=True)
def _needs_console_script():
    if not BIN.exists():
        pytest.skip("console script not installed")


def test_version(tmp_path):
    r = _run(["--version"], tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("librarium ")


def test_help_lists_commands(tmp_path):
    r = _run(["--help"], tmp_path)
    for command in ("serve", "migrate", "create-admin"):
        assert command in r.stdout


def test_migrate_and_create_admin(tmp_path):
    r = _run(["migrate"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "data" / "librarium.db").exists()
    r = _run(["create-admin", "--username", "boss", "--email", "b@x.org", "--password", "pw"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "created instance admin 'boss'" in r.stdout
    r = _run(["create-admin", "--username", "boss", "--email", "b@x.org", "--password", "pw2"], tmp_path)
    assert "now an instance admin" in r.stdout


def test_create_admin_prompts_for_password(tmp_path):
    full = os.environ | {"LIBRARIUM_DATA_DIR": str(tmp_path / "data"), "LIBRARIUM_ARGON2_MEMORY_KIB": "1024"}
    full.pop("LIBRARIUM_DATABASE_URL", None)
    r = subprocess.run(
        [str(BIN), "create-admin", "--username", "p", "--email", "p@x.org"],
        input="secret\nsecret\n",
        capture_output=True,
        text=True,
        env=full,
        timeout=120,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    assert "Password" in r.stdout and "secret" not in r.stdout
