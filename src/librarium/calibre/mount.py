"""Wiring the Calibre API into the main application: settings, authorization, mount point."""

from __future__ import annotations

import ipaddress
from typing import Any

from fastapi import FastAPI, Request

from librarium.auth import service as auth
from librarium.calibre import opds as calibre_opds
from librarium.calibre.api import CalibreError, create_calibre_app
from librarium.calibre.engines import CalibredbEngine, Engine, NativeEngine
from librarium.calibre.library import Library
from librarium.config import Settings
from librarium.errors import AppError


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_settings(settings: Settings, host: str) -> None:
    hosts = [host] + ([settings.calibre_listen_address[0]] if settings.calibre_listen else [])
    for address in hosts:
        if settings.calibre_auth == "none" and not is_loopback(address):
            raise SystemExit(
                "LIBRARIUM_CALIBRE_AUTH=none opens the Calibre API to anyone who can connect; "
                f"it is only allowed when serving on a loopback address, not {address!r}"
            )


def mount_calibre(app: FastAPI, settings: Settings) -> None:
    if settings.calibre_library is None:
        return
    library = Library(settings.calibre_library)
    engine: Engine = CalibredbEngine(library) if settings.calibre_engine == "calibredb" else NativeEngine(library)

    async def authorize(request: Request) -> None:
        if settings.calibre_auth == "none":
            return
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer "):
            raise CalibreError(401, "missing or invalid authorization header")
        try:
            claims = app.state.auth.signer.decode(header[7:].strip())
        except AppError as exc:
            raise CalibreError(401, exc.message) from exc
        async with app.state.db.unit_of_work(write=False) as session:
            user: Any = await auth.user_for_token(session, claims)
        if user is None:
            raise CalibreError(401, "invalid or expired token")
        if not user.is_instance_admin:
            raise CalibreError(403, "instance admin access required")

    reader = engine if isinstance(engine, NativeEngine) else NativeEngine(library)  # the catalogue reads natively
    for prefix in calibre_opds.MOUNTS:
        app.include_router(calibre_opds.router(reader, settings), prefix=prefix)
    calibre_app = create_calibre_app(engine, authorize)
    app.mount("/calibre", calibre_app)
    app.state.calibre_app = calibre_app  # also served at the root of LIBRARIUM_CALIBRE_LISTEN, if set
