"""The `librarium` command."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from librarium import __version__
from librarium.config import Settings
from librarium.logs import configure

log = logging.getLogger("librarium")
app = typer.Typer(
    help="Librarium: a self-hosted book collection server. Configuration: LIBRARIUM_* environment "
    "variables (see README).",
    no_args_is_help=True,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"librarium {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Librarium server and admin commands."""


def _settings() -> Settings:
    settings = Settings()
    configure(settings.log_level)
    return settings


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on (default: LIBRARIUM_HOST or 127.0.0.1)")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (default: LIBRARIUM_PORT or 8080)")] = None,
    processes: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=64,
            help="Server processes sharing the port (default: LIBRARIUM_PROCESSES or 1); each answers requests and "
            "runs a job worker. More than one uses more cores: with SQLite too, best with PostgreSQL.",
        ),
    ] = None,  # fmt: skip
) -> None:
    """Apply pending migrations and serve: the Librarium API under /api/v1, the docs at /api/docs, the landing
    page (or the web client of LIBRARIUM_WEB_DIR) at /, the Calibre API at /calibre when LIBRARIUM_CALIBRE_LIBRARY
    is set, and a background-job worker (LIBRARIUM_WORKER=false turns it off). Prints the URL on start."""
    settings = _settings()
    chosen = {"host": host or settings.host, "port": port or settings.port}
    settings = settings.model_copy(update=chosen | {"processes": processes or settings.processes})
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if settings.processes > 1:
        _serve_processes(settings)
        return
    # no garbage collection while the app's long-lived objects are made (a tenth of the start); the app's
    # start-up moves them out of the collector's reach and turns it back on (app.create_app)
    gc.disable()
    import uvicorn

    from librarium.app import create_app

    application = create_app(settings)
    configs = [
        uvicorn.Config(
            application, host=settings.host, port=settings.port, log_level=settings.server_log_level, proxy_headers=True
        )
    ]
    calibre_app = getattr(application.state, "calibre_app", None)
    if settings.calibre_listen and calibre_app is not None:
        # A second listener serving the Calibre API at its root: a drop-in replacement for calibre-rest.
        calibre_host, calibre_port = settings.calibre_listen_address
        configs.append(
            uvicorn.Config(
                calibre_app, host=calibre_host, port=calibre_port, log_level=settings.server_log_level, lifespan="off"
            )
        )

    from librarium.logs import RedactSecrets

    logging.getLogger("uvicorn.access").addFilter(RedactSecrets())  # configured by uvicorn.Config above

    async def run_all() -> None:
        await asyncio.gather(*(uvicorn.Server(config).serve() for config in configs))

    asyncio.run(run_all())


def _serve_processes(settings: Settings) -> None:
    """`serve --processes N`: the database migrated and the signing key made once, here; then uvicorn starts N
    processes on one socket, each building the app from the environment (app.from_environment)."""
    import uvicorn

    from librarium import web
    from librarium.db import migrate
    from librarium.db.engine import engine_for
    from librarium.db.unit import Database

    if settings.calibre_listen:
        raise SystemExit("LIBRARIUM_CALIBRE_LISTEN (a second listener) needs a single process: drop --processes")
    migrate.upgrade(settings.effective_database_url)
    settings.resolve_jwt_secret()  # made now, or every process would make its own

    async def greet() -> None:
        engine = engine_for(settings)
        await web.greet(Database(engine), settings)
        await engine.dispose()

    asyncio.run(greet())
    log.info("serving with %d processes", settings.processes)
    os.environ |= {"LIBRARIUM_HOST": settings.host, "LIBRARIUM_PORT": str(settings.port)}
    uvicorn.run(
        "librarium.app:from_environment", factory=True, host=settings.host, port=settings.port,
        workers=settings.processes, log_level=settings.server_log_level, proxy_headers=True,
    )  # fmt: skip


@app.command()
def worker(
    concurrency: Annotated[
        int | None, typer.Option(help="Jobs run at once (default: LIBRARIUM_WORKER_CONCURRENCY or 4; 1 on SQLite)")
    ] = None,
    once: Annotated[bool, typer.Option("--once", help="Run the jobs that are due now, then exit")] = False,
) -> None:
    """Run background jobs (imports, enrichment, suggestions…) next to `serve`, here or on other machines.

    `serve` already runs one worker in-process; start more against PostgreSQL to share the load. Stop with Ctrl-C
    or SIGTERM: running jobs get LIBRARIUM_JOB_SHUTDOWN_GRACE seconds, then resume elsewhere later."""
    import signal

    from librarium.db import migrate
    from librarium.db.engine import engine_for
    from librarium.db.unit import Database
    from librarium.jobs.runner import Worker

    settings = _settings()
    migrate.upgrade(settings.effective_database_url)

    async def run() -> None:
        engine = engine_for(settings)
        runner = Worker(Database(engine), settings, concurrency=concurrency)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, runner.stop)
        try:
            await (runner.run_until_idle() if once else runner.run())
        finally:
            await engine.dispose()

    asyncio.run(run())


@app.command("migrate")
def migrate_command(
    revision: Annotated[str, typer.Argument(help="Target revision")] = "head",
    down: Annotated[bool, typer.Option("--down", help="Roll back to REVISION instead")] = False,
) -> None:
    """Apply (or roll back) database migrations."""
    from librarium.db import migrate

    settings = _settings()
    url = settings.effective_database_url
    if down:
        migrate.downgrade(url, "base" if revision == "head" else revision)
    else:
        migrate.upgrade(url, revision)
    typer.echo(f"database at revision {revision if not down else revision} ({_redact(url)})")


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@app.command("create-admin")
def create_admin(
    username: Annotated[str, typer.Option(prompt=True, help="Login name")],
    email: Annotated[str, typer.Option(prompt=True, help="E-mail address")],
    password: Annotated[
        str,
        typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, help="Asked for when not given"),
    ],
    display_name: Annotated[str, typer.Option(help="Shown name (default: the username)")] = "",
) -> None:
    """Create an instance administrator (or promote the existing user with that username)."""
    from librarium.users.admin_cli import create_or_promote_admin

    settings = _settings()
    message = asyncio.run(create_or_promote_admin(settings, username, email, password, display_name))
    typer.echo(message)


import_app = typer.Typer(help="Import books into a library.", no_args_is_help=True)
app.add_typer(import_app, name="import")


@import_app.command("csv")
def import_csv(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The CSV (or TSV) export")],
    library: Annotated[str, typer.Option("--library", help="The library's slug")],
    user: Annotated[str | None, typer.Option("--as", help="The importing user (default: the library's owner)")] = None,
    mapping: Annotated[
        str,
        typer.Option(
            help='Columns as JSON, e.g. {"title": 0, "author": 1}; default: '
            "recognised from the header (Goodreads, StoryGraph, LibraryThing, "
            "Libib, plain headers)"
        ),
    ] = "",  # fmt: skip
    preset: Annotated[
        str,
        typer.Option(
            help="The export's layout: goodreads, storygraph, librarything, libib or generic "
            "(default: recognised from the header)"
        ),
    ] = "",  # fmt: skip
    enrich: Annotated[bool, typer.Option("--enrich", help="Look up metadata and covers afterwards")] = False,
    keep_duplicates: Annotated[bool, typer.Option(help="Add another copy for an ISBN already there")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would happen; write nothing")] = False,
) -> None:
    """Import a spreadsheet export (as the web client's Import does), with progress and a summary."""
    from librarium.imports.command import csv_reader

    fields = {"mapping": mapping, "preset": preset, "skip_duplicates": "false" if keep_duplicates else "true",
              "enrich_metadata": str(enrich).lower(), "enrich_covers": str(enrich).lower()}  # fmt: skip
    _run_import(csv_reader(file, fields), library, user, dry_run)


@import_app.command("calibre")
def import_calibre(
    folder: Annotated[Path, typer.Argument(exists=True, file_okay=False, help="The Calibre library folder")],
    library: Annotated[str, typer.Option("--library", help="The library's slug")],
    user: Annotated[str | None, typer.Option("--as", help="The importing user (default: the library's owner)")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would happen; write nothing")] = False,
) -> None:
    """Import a Calibre library: its books, with their files linked in place (the Calibre library is only read).
    Run it again later to import only the books added since."""
    from librarium.calibre.importer import read

    resolved = folder.resolve()
    _run_import((str(resolved), lambda: read(resolved)), library, user, dry_run)


def _run_import(source: Any, library: str, user: str | None, dry_run: bool) -> None:
    from librarium.db import migrate
    from librarium.db.engine import engine_for
    from librarium.db.unit import Database
    from librarium.errors import AppError
    from librarium.imports.command import run

    settings = _settings()
    migrate.upgrade(settings.effective_database_url)

    async def go() -> dict[str, int]:
        engine = engine_for(settings)
        try:
            return await run(Database(engine), settings, source, library, user, dry_run=dry_run, echo=typer.echo)
        finally:
            await engine.dispose()

    started = time.monotonic()
    try:
        counts = asyncio.run(go())
    except AppError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from None
    elapsed, rows = time.monotonic() - started, sum(counts.values())
    verb = "would be" if dry_run else "were"
    typer.echo(f"{'row outcome':<12} count")
    for name in ("imported", "skipped", "failed"):
        typer.echo(f"{name:<12} {counts.get(name, 0)}")
    typer.echo(f"({rows} rows {verb} handled in {elapsed:.1f} s, {rows / max(elapsed, 1e-6):,.0f} rows/s)")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
