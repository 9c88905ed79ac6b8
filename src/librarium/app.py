"""The ASGI application: routers, middleware, error handlers and lifespan."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import anyio
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.ext.asyncio import AsyncEngine

from librarium import __version__, web
from librarium.ai.router import router as ai_router
from librarium.auth.app_passwords import Keyring
from librarium.auth.passwords import Passwords
from librarium.auth.ratelimit import AttemptLimiter
from librarium.auth.router import router as auth_router
from librarium.auth.service import AuthContext
from librarium.auth.tokens import TokenSigner
from librarium.books.router import router as books_router
from librarium.calibre.import_router import router as calibre_import_router
from librarium.calibre.mount import check_settings as check_calibre_settings
from librarium.calibre.mount import mount_calibre
from librarium.config import Settings
from librarium.contributors.router import router as contributors_router
from librarium.dashboard.router import router as dashboard_router
from librarium.db import migrate
from librarium.db.engine import engine_for
from librarium.db.unit import Database
from librarium.editions.router import router as editions_router
from librarium.enrichment.router import router as enrichment_router
from librarium.errors import install_error_handlers
from librarium.files.router import router as files_router
from librarium.genres.router import router as genres_router
from librarium.imports.router import router as imports_router
from librarium.inputguard import InputGuard
from librarium.jobs.runner import Worker
from librarium.kit.schema import Model
from librarium.kosync.router import error_response as kosync_error
from librarium.kosync.router import router as kosync_router
from librarium.kosync.service import KosyncError
from librarium.libraries.router import router as libraries_router
from librarium.loans.router import router as loans_router
from librarium.media_types.router import router as media_types_router
from librarium.middleware import SecurityHeaders, SlowRequestLog
from librarium.opds.router import router as opds_router
from librarium.providers.router import router as providers_router
from librarium.series.router import router as series_router
from librarium.shelves.router import router as shelves_router
from librarium.tags.router import router as tags_router
from librarium.users.router import router as users_router

log = logging.getLogger("librarium")

API_PREFIX = "/api/v1"


class Health(Model):
    status: str
    version: str
    started_at: str


def create_app(settings: Settings, *, engine: AsyncEngine | None = None, migrate_on_start: bool = True) -> FastAPI:
    started_at = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    owns_engine = engine is None
    engine = engine or engine_for(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if migrate_on_start:
            if not await migrate.is_current(engine):
                await anyio.to_thread.run_sync(migrate.upgrade, settings.effective_database_url)
            await web.greet(app.state.db, settings)
        worker = Worker(app.state.db, settings) if settings.worker else None
        running = asyncio.create_task(worker.run()) if worker is not None else None
        # what start-up made (the app, its routes, the models, SQLAlchemy's caches: about 200,000 objects) lives
        # as long as the process: moved out of the collector's reach, a full collection no longer walks it
        # during a request (one over them took 116 ms on a 2-core VM)
        gc.freeze()
        gc.enable()  # `librarium serve` turns collection off while it starts
        yield
        if worker is not None and running is not None:
            worker.stop()
            await running
        if owns_engine:
            await engine.dispose()

    app = FastAPI(
        title="Librarium",
        version=__version__,
        description='Librarium API 26.4 (every JSON answer is {"data": ...} or {"error": "..."}).',
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        redirect_slashes=False,
        lifespan=lifespan,
    )
    bind(app, settings, engine)
    install_error_handlers(app)
    app.add_middleware(InputGuard, max_body_bytes=settings.max_json_kb * 1024)
    app.add_middleware(SecurityHeaders, script_hashes=web.inline_script_hashes(settings.web_dir))
    app.add_middleware(SlowRequestLog, threshold_ms=settings.slow_request_ms)

    async def health() -> Health:  # a coroutine: FastAPI would run a plain function in a worker thread
        return Health(status="ok", version=__version__, started_at=started_at)

    # Upstream serves /health at the root; its OpenAPI document lists it under /api/v1. Both answer.
    app.add_api_route("/health", health, methods=["GET"], tags=["health"], response_model=Health)
    app.add_api_route(API_PREFIX + "/health", health, methods=["GET"], tags=["health"], response_model=Health)

    # FastAPI tries routes in order, router by router (each route a few µs; a router nested in another router
    # costs more again, so each is included in the app itself); the lookups, answered from the cache in a few ms,
    # come early
    routers = (
        auth_router,
        providers_router,
        users_router,
        libraries_router,
        genres_router,
        media_types_router,
        books_router,
        editions_router,
        contributors_router,
        tags_router,
        series_router,
        shelves_router,
        loans_router,
        dashboard_router,
        files_router,
        enrichment_router,
        imports_router,
        calibre_import_router,
        ai_router,
    )
    for router in routers:
        app.include_router(router, prefix=API_PREFIX)
    # the catalogue for reading apps (app passwords, not Bearer tokens): OPDS 1.2 and, under /v2, OPDS 2.0; and the
    # weaker form for readers that cannot send credentials, the app password in the path
    for prefix in ("/opds/v2", "/opds/t/{token}/v2", "/opds", "/opds/t/{token}"):
        app.include_router(opds_router, prefix=prefix)
    app.include_router(kosync_router)  # /kosync, KOReader progress sync (app passwords)
    app.add_exception_handler(KosyncError, kosync_error)
    _mount_docs(app)
    check_calibre_settings(settings, settings.host)
    mount_calibre(app, settings)
    web.install(app, settings)  # last: the web client's catch-all comes after every API route
    return app


def from_environment() -> FastAPI:
    """The app of one process of `librarium serve --processes N` (uvicorn builds it in each process): the
    settings from the environment; the parent process migrated the database and greeted already."""
    from librarium.logs import RedactSecrets, configure

    settings = Settings()
    configure(settings.log_level)
    logging.getLogger("uvicorn.access").addFilter(RedactSecrets())
    return create_app(settings, migrate_on_start=False)


def bind(app: FastAPI, settings: Settings, engine: AsyncEngine) -> None:
    """The app's per-process state: settings, database, auth (also used by the tests to reuse one app
    between tests with a fresh database engine and fresh rate-limit counters)."""
    app.state.settings = settings
    app.state.engine = engine
    app.state.db = Database(engine)
    secret = settings.resolve_jwt_secret()
    app.state.auth = AuthContext(
        passwords=Passwords(settings.argon2_time_cost, settings.argon2_memory_kib),
        signer=TokenSigner(secret, settings.jwt_access_ttl),
        refresh_ttl=settings.jwt_refresh_ttl,
        registration_enabled=settings.registration_enabled,
        login_limiter=AttemptLimiter(settings.login_rate_limit, settings.login_rate_window),
        app_keys=Keyring.from_secret(secret),
    )


def _mount_docs(app: FastAPI) -> None:
    """Swagger UI from the installed package, so the docs work on a server without internet."""
    from swagger_ui_bundle import swagger_ui_path

    app.mount("/api/docs/static", StaticFiles(directory=swagger_ui_path), name="docs-static")

    @app.get("/api/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/api/openapi.json",
            title="Librarium API",
            swagger_js_url="/api/docs/static/swagger-ui-bundle.js",
            swagger_css_url="/api/docs/static/swagger-ui.css",
            swagger_favicon_url="/api/docs/static/favicon-32x32.png",
        )

    @app.get("/api/openapi.json", include_in_schema=False)
    async def openapi() -> JSONResponse:
        return JSONResponse(app.openapi(), headers={"Access-Control-Allow-Origin": "*"})
