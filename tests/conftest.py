from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine
from xdist.scheduler import LoadScopeScheduling

from librarium.app import bind, create_app
from librarium.config import Settings
from librarium.db import migrate
from librarium.db.engine import make_engine
from librarium.kit import http
from tests.fixtures import calibre as calibre_fixtures
from tests.fixtures.api import Api
from tests.fixtures.db import BACKENDS, fresh_database, reset
from tests.fixtures.stand_in import Offline, StandIn


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One migrated database per backend for the whole session."""
    with fresh_database(request.param, tmp_path_factory.mktemp("db")) as url:
        migrate.upgrade(url)
        yield url


def make_settings(tmp_path: Path, database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": tmp_path / "data",
        "database_url": database_url,
        "jwt_secret": "test-secret-" + "x" * 32,
        "argon2_time_cost": 1,
        "argon2_memory_kib": 1024,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def offline() -> Iterator[None]:
    """No test reaches the network: outbound calls other than to loopback fail as if it were down."""
    http.use_transport(Offline())
    yield
    http.use_transport(None)


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    """Outbound calls go to recorded answers (tests/providers/recordings) for the test's duration."""
    fake = StandIn()
    http.use_transport(fake.transport())
    yield fake
    http.use_transport(None)


@pytest.fixture
def settings_overrides() -> dict[str, object]:
    """Override in a test module to change the app's settings."""
    return {}


# One app per (database, settings overrides): building one costs ~0.1 s, so tests reuse it with a fresh engine,
# fresh settings (their own data directory) and fresh auth state (librarium.app.bind).
_APPS: dict[tuple[str, str], FastAPI] = {}


def _app(database_url: str, settings: Settings, overrides: dict[str, object], engine: AsyncEngine) -> FastAPI:
    key = (database_url, repr(sorted(overrides.items())))
    app = _APPS.get(key)
    if app is None:
        if len(_APPS) >= 8:
            _APPS.pop(next(iter(_APPS)))
        app = _APPS[key] = create_app(settings, engine=engine, migrate_on_start=False)
    else:
        bind(app, settings, engine)
    return app


@pytest.fixture
def engine_options() -> dict[str, Any]:
    """Override in a test module to change how the app's engine is made (librarium.db.engine.make_engine)."""
    return {}


@asynccontextmanager
async def _serving(
    database_url: str, tmp: Path, settings_overrides: dict[str, object], engine_options: dict[str, Any]
) -> AsyncIterator[Api]:
    """An emptied database and the app over it, with a client."""
    engine = make_engine(database_url, **engine_options)  # pooled: the requests share connections
    await reset(engine)
    app = _app(database_url, make_settings(tmp, database_url, **settings_overrides), settings_overrides, engine)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield Api(client, app)
    await engine.dispose()


@pytest.fixture
async def api(
    database_url: str, tmp_path: Path, settings_overrides: dict[str, object], engine_options: dict[str, Any]
) -> AsyncIterator[Api]:
    async with _serving(database_url, tmp_path, settings_overrides, engine_options) as client:
        yield client


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def module_api(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Api]:
    """One app and database state for a whole module, for tests that only read or are refused (their tests
    are marked `@pytest.mark.asyncio(loop_scope="module")`): setting up a world per test cost ~0.3 s each."""
    async with _serving(database_url, tmp_path_factory.mktemp("module"), {}, {}) as client:
        yield client


CALIBRE_ENGINES = ["native", "calibredb"]


@pytest.fixture(params=CALIBRE_ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """The Calibre HTTP tests run against both engines."""
    return str(request.param)


# calibredb refuses to run while another calibre program runs (one lock per user): the tests that run it, or
# start a server that does, all go to the same test process
CALIBREDB_TESTS = ("tests/calibre/", "tests/imports/test_calibre_import.py", "tests/test_cli.py::test_import_calibre")


class _CalibredbTogether(LoadScopeScheduling):
    """pytest-xdist's load scheduling, except that the calibredb tests are one unit of work."""

    def _split_scope(self, nodeid: str) -> str:
        return "calibredb" if nodeid.startswith(CALIBREDB_TESTS) else nodeid


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> _CalibredbTogether:
    return _CalibredbTogether(config, log)


def pytest_configure(config: pytest.Config) -> None:
    """Names this test run for the folder its processes share (tests/fixtures/calibre.py); test processes
    started by pytest-xdist inherit the name."""
    os.environ.setdefault("LIBRARIUM_TEST_RUN", uuid.uuid4().hex[:12])


def pytest_unconfigure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # the main process, after every test process has ended
        shutil.rmtree(calibre_fixtures.shared_dir(), ignore_errors=True)


# The longest units of work start first, so that no process is left with one of them at the end: the calibredb
# tests (one unit, about 3 minutes), then the tests that each run for tens of seconds.
FIRST = (*CALIBREDB_TESTS, "tests/test_schemathesis.py", "tests/imports/test_worker_kill.py", "tests/test_web.py")


@pytest.hookimpl(trylast=True)  # after pytest's own ordering by fixture parameters
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The calibredb engine never touches Librarium's database: run its tests once, on SQLite. The longest
    units of work go first."""

    def params(item: pytest.Item) -> dict[str, object]:
        spec = getattr(item, "callspec", None)
        return dict(spec.params) if spec is not None else {}

    def on_postgresql(item: pytest.Item) -> bool:
        return params(item).get("database_url") == "postgresql"

    # the calibredb engine, and tests marked `once` (they run their own server on SQLite), run on SQLite only
    dropped = [
        i
        for i in items
        if on_postgresql(i) and (params(i).get("engine") == "calibredb" or i.get_closest_marker("once") is not None)
    ]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [i for i in items if i not in dropped]

    def rank(item: pytest.Item) -> int:
        return next((n for n, prefix in enumerate(FIRST) if item.nodeid.startswith(prefix)), len(FIRST))

    items.sort(key=rank)
