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


def _library(tmp_path, slug="home"):
    """A library owned by the admin, written straight into the CLI's SQLite database."""
    import sqlite3
    import uuid

    db = sqlite3.connect(tmp_path / "data" / "librarium.db")
    owner = db.execute("SELECT id FROM users WHERE username = 'boss'").fetchone()[0]
    db.execute(
        "INSERT INTO libraries (id, name, slug, owner_id, is_public, settings, created_at, updated_at) "
        "VALUES (?, 'Home', ?, ?, 0, '{}', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
        (uuid.uuid4().hex, slug, owner),
    )
    db.commit()
    return db


def test_import_csv_with_a_dry_run_first(tmp_path):
    assert (
        _run(["create-admin", "--username", "boss", "--email", "b@x.org", "--password", "pw"], tmp_path).returncode == 0
    )
    db = _library(tmp_path)
    export = tmp_path / "goodreads_library_export.csv"
    export.write_text(
        "Book Id,Title,Author,Author l-f,Additional Authors,ISBN,ISBN13,My Rating,Average Rating,Publisher,"
        "Binding,Number of Pages,Year Published,Original Publication Year,Date Read,Date Added,Bookshelves,"
        "Bookshelves with positions,Exclusive Shelf,My Review,Spoiler,Private Notes,Read Count,Owned Copies\n"
        '1,Dune,Frank Herbert,"Herbert, Frank",,="0441172717",="9780441172719",5,4.3,Ace,Paperback,604,1990,1965,'
        "2024/01/02,2023/12/01,,,read,,,,1,0\n"
        '2,Bad ISBN,Some One,"One, Some",,="0441172718",="",0,3,X,Paperback,100,2000,2000,,2021/12/01,,,'
        "to-read,,,,0,0\n"
    )
    r = _run(["import", "csv", str(export), "--library", "home", "--dry-run"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "2 rows read from goodreads_library_export.csv (columns: goodreads)" in r.stdout
    assert "row 2: ISBN-10 '0441172718' is not valid" in r.stdout and "imported     2" in r.stdout
    assert db.execute("SELECT count(*) FROM books").fetchone()[0] == 0  # a dry run writes nothing
    r = _run(["import", "csv", str(export), "--library", "home"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "imported     2" in r.stdout and "failed       0" in r.stdout
    assert db.execute("SELECT count(*) FROM books").fetchone()[0] == 2
    r = _run(["import", "csv", str(export), "--library", "home", "--dry-run"], tmp_path)
    assert "imported     0" in r.stdout and "skipped      2" in r.stdout  # the dry run sees the same duplicates
    # again: Dune by its ISBN, "Bad ISBN" (none valid) by its title and author
    r = _run(["import", "csv", str(export), "--library", "home"], tmp_path)
    assert "imported     0" in r.stdout and "skipped      2" in r.stdout
    assert db.execute("SELECT count(*) FROM books").fetchone()[0] == 2
    r = _run(["import", "csv", str(export), "--library", "nowhere"], tmp_path)
    assert r.returncode == 2 and 'no library with the slug "nowhere"' in r.stderr


def test_import_calibre_links_the_files_and_imports_only_what_is_new(tmp_path):
    from tests.fixtures import calibre as ref

    if ref.CALIBREDB is None:
        pytest.skip("calibredb is not installed")
    (tmp_path / "calibre").mkdir()
    calibre_library = ref.build(tmp_path / "calibre")
    assert (
        _run(["create-admin", "--username", "boss", "--email", "b@x.org", "--password", "pw"], tmp_path).returncode == 0
    )
    db = _library(tmp_path)
    r = _run(["import", "calibre", str(calibre_library), "--library", "home", "--dry-run"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "8 rows read from" in r.stdout and "(columns: calibre)" in r.stdout and "imported     8" in r.stdout
    assert db.execute("SELECT count(*) FROM books").fetchone()[0] == 0
    r = _run(["import", "calibre", str(calibre_library), "--library", "home"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "imported     8" in r.stdout and "failed       0" in r.stdout
    linked = db.execute("SELECT file_path, owned FROM edition_files").fetchall()
    assert linked == [("Edward Bulwer-Lytton/Stormy Night (6)/Stormy Night - Edward Bulwer-Lytton.epub", 0)]
    ref.calibredb(calibre_library, "add", "--empty", "-t", "A New Book", "-a", "Someone")
    r = _run(["import", "calibre", str(calibre_library), "--library", "home"], tmp_path)
    assert "imported     1" in r.stdout and "skipped      8" in r.stdout
    assert db.execute("SELECT count(*) FROM books").fetchone()[0] == 9
    r = _run(["import", "calibre", str(tmp_path), "--library", "home"], tmp_path)
    assert r.returncode == 2 and "not a Calibre library (no metadata.db)" in r.stderr


def test_serve_with_two_processes_shares_one_port_one_database_and_one_signing_key(tmp_path):
    """`serve --processes 2`: both processes answer on the port, from the database the parent migrated, and a
    token one of them signed is good at the other (the key made once, in the data folder)."""
    import time

    import httpx

    from tests.fixtures.server import admin_headers, free_port, server_env

    port, children = free_port(), []
    env = os.environ | server_env(tmp_path / "data", f"sqlite:///{tmp_path / 'data' / 'two.db'}")
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen([str(BIN), "serve", "--port", str(port), "--processes", "2"], env=env, stdout=log,
                               stderr=log)  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(600):
            try:
                httpx.get(base + "/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        children = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _parent(p) == process.pid]
        assert len(children) >= 2, (tmp_path / "serve.log").read_text()
        fresh = httpx.Limits(max_keepalive_connections=0)  # every request on a new connection: either process
        with httpx.Client(base_url=base + "/api/v1", limits=fresh, timeout=30) as http:
            headers = admin_headers(http)
            library = http.post("/libraries", json={"name": "Shared"}, headers=headers).json()["data"]
            media = http.get("/media-types", headers=headers).json()["data"][0]["id"]
            for n in range(6):
                r = http.post(f"/libraries/{library['id']}/books", headers=headers,
                              json={"title": f"Book {n}", "media_type_id": media})  # fmt: skip
                assert r.status_code == 201, r.text
            for _ in range(10):
                r = http.get(f"/libraries/{library['id']}/books", headers=headers)
                assert r.status_code == 200 and r.json()["data"]["total"] == 6, r.text
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
    for _ in range(150):  # the processes stop with the server (each finishes its requests and jobs first)
        if not [child for child in children if _parent(child) == process.pid or _running(child)]:
            break
        time.sleep(0.1)
    assert not [child for child in children if _running(child)]


def _running(proc: Path) -> bool:
    try:
        return (proc / "stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


def _parent(proc: Path) -> int:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1
