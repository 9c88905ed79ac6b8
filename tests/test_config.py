"""Settings: defaults, upstream aliases, durations and the generated JWT secret."""

import os
import stat

import pytest

from librarium.config import Settings, parse_duration
from librarium.db.engine import async_url


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("15m", 900), ("168h", 604800), ("1h30m", 5400), ("90", 90), ("7d", 604800), ("500ms", 0)],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "abc", "15x", "m15"])
def test_parse_duration_rejects(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_defaults(monkeypatch, tmp_path):
    for key in list(os.environ):
        if key.startswith("LIBRARIUM_") or key in {"DATABASE_URL", "JWT_SECRET", "REGISTRATION_ENABLED"}:
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    s = Settings()
    assert (s.host, s.port, s.jwt_access_ttl, s.jwt_refresh_ttl) == ("127.0.0.1", 8080, 900, 604800)
    assert s.effective_database_url == "sqlite:///data/librarium.db"
    assert s.registration_enabled is True
    assert str(s.covers_dir) == "data/covers"


def test_upstream_aliases(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db:5432/lib?sslmode=disable")
    monkeypatch.setenv("JWT_ACCESS_TTL", "30m")
    monkeypatch.setenv("REGISTRATION_ENABLED", "false")
    monkeypatch.setenv("COVER_STORAGE_PATH", "/srv/covers")
    s = Settings()
    assert s.jwt_access_ttl == 1800
    assert s.registration_enabled is False
    assert str(s.covers_dir) == "/srv/covers"
    assert async_url(s.effective_database_url) == "postgresql+asyncpg://u:p@db:5432/lib"


def test_prefixed_name_wins_over_alias(monkeypatch):
    monkeypatch.setenv("JWT_ACCESS_TTL", "30m")
    monkeypatch.setenv("LIBRARIUM_JWT_ACCESS_TTL", "5m")
    assert Settings().jwt_access_ttl == 300


def test_generated_secret_is_private_and_stable(tmp_path, monkeypatch):
    monkeypatch.delenv("LIBRARIUM_JWT_SECRET", raising=False)
    monkeypatch.delenv("JWT_SECRET", raising=False)
    s = Settings(data_dir=tmp_path, jwt_secret="")
    first = s.resolve_jwt_secret()
    assert len(first) >= 32
    assert stat.S_IMODE((tmp_path / "jwt_secret").stat().st_mode) == 0o600
    assert Settings(data_dir=tmp_path, jwt_secret="  ").resolve_jwt_secret() == first


def test_sqlite_url_mapping():
    assert async_url("sqlite:///data/x.db") == "sqlite+aiosqlite:///data/x.db"


async def test_the_app_engine_maps_the_configured_share_of_a_sqlite_file(monkeypatch, tmp_path):
    from sqlalchemy import text

    from librarium.db.engine import engine_for

    monkeypatch.setenv("LIBRARIUM_SQLITE_MMAP_MB", "64")
    engine = engine_for(Settings(database_url=f"sqlite:///{tmp_path / 'mapped.db'}"))
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA mmap_size"))).scalar() == 64 * 1024 * 1024
    finally:
        await engine.dispose()


def test_a_negative_memory_map_is_refused(monkeypatch):
    monkeypatch.setenv("LIBRARIUM_SQLITE_MMAP_MB", "-1")
    with pytest.raises(ValueError):
        Settings()
