"""Migrations apply, roll back and apply again on every backend; the models match the schema."""

import asyncio
import gc

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from librarium.app import create_app
from librarium.config import Settings
from librarium.db import migrate
from librarium.db.engine import make_engine
from librarium.db.migrate import include_name
from librarium.models import Base
from tests.fixtures.db import BACKENDS, fresh_database


async def _tables(url: str) -> set[str]:
    engine = make_engine(url, pool=False)
    try:
        async with engine.connect() as conn:
            return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await engine.dispose()


async def _diff(url: str) -> list:
    engine = make_engine(url, pool=False)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda c: compare_metadata(
                    MigrationContext.configure(c, opts={"include_name": include_name}), Base.metadata
                )
            )
    finally:
        await engine.dispose()


async def _count(url: str, table: str) -> int:
    engine = make_engine(url, pool=False)
    try:
        async with engine.connect() as conn:
            return int((await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())
    finally:
        await engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_up_down_up(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        migrate.upgrade(url)
        assert {"users", "libraries", "roles", "genres"} <= asyncio.run(_tables(url))
        assert asyncio.run(_count(url, "media_types")) == 20
        assert asyncio.run(_diff(url)) == []
        migrate.downgrade(url, "base")
        assert asyncio.run(_tables(url)) <= {"alembic_version"}
        migrate.upgrade(url)
        assert asyncio.run(_count(url, "role_permissions")) > 100


def test_0015_gives_existing_files_their_koreader_name_id(tmp_path):
    """Files stored before 0015 get the MD5 of their name (KOReader's "file name" document id)."""
    import hashlib
    import sqlite3
    import uuid

    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrate.upgrade(url, "0014")
    db = sqlite3.connect(tmp_path / "old.db")  # foreign keys off: a lone file row is enough here
    file_id = uuid.uuid4().hex
    db.execute(
        "INSERT INTO edition_files (id, edition_id, file_format, file_name, file_path, display_order, owned, "
        "created_at) VALUES (?, ?, 'epub', 'Dune.epub', 'Dune.epub', 0, 0, '2026-01-01 00:00:00')",
        (file_id, uuid.uuid4().hex),
    )
    db.commit()
    migrate.upgrade(url)
    (found,) = db.execute("SELECT koreader_name_digest FROM edition_files").fetchone()
    assert found == hashlib.md5(b"Dune.epub").hexdigest()  # noqa: S324 (KOReader's id)


async def _current(url: str) -> bool:
    engine = make_engine(url, pool=False)
    try:
        return await migrate.is_current(engine)
    finally:
        await engine.dispose()


def test_the_head_read_from_file_names_is_alembics_head():
    assert migrate.head_revision() == migrate.current_head()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_start_migrates_only_a_database_that_is_not_at_the_head(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        assert asyncio.run(_current(url)) is False  # empty: no alembic_version table yet
        migrate.upgrade(url, "0016")
        assert asyncio.run(_current(url)) is False
        migrate.upgrade(url)
        assert asyncio.run(_current(url)) is True


async def test_a_server_start_brings_an_older_database_to_the_head_and_collects_garbage_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    await asyncio.to_thread(migrate.upgrade, url, "0016")
    settings = Settings(data_dir=tmp_path / "data", database_url=url, jwt_secret="t" * 40, worker=False)  # type: ignore[call-arg]
    app = create_app(settings)
    gc.disable()  # as `librarium serve` starts
    try:
        async with app.router.lifespan_context(app):
            assert gc.isenabled()
            assert await _current(url)
    finally:
        gc.enable()
