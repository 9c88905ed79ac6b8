"""No route hides another: the app tries its routes in order and takes the first whose path and method fit, so a
route listed after a more general one of the same method would never be reached. The routers are included in
an order chosen for speed (app.py); this checks every route against every route tried before it."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from fastapi.routing import APIRoute
from starlette.routing import compile_path

from librarium.app import create_app
from tests.conftest import make_settings


def tried_in_order(app) -> list[tuple[str, set[str]]]:
    """(path, methods) of every API route, in the order requests are matched against them."""
    out: list[tuple[str, set[str]]] = []

    def visit(route) -> None:
        if isinstance(route, APIRoute):
            out.append((route.path, set(route.methods)))
        elif hasattr(route, "effective_route_contexts"):  # an included router (FastAPI keeps them nested)
            for context in route.effective_route_contexts():
                if isinstance(context.original_route, APIRoute):
                    out.append((context.path_format, set(context.original_route.methods)))

    for route in app.router.routes:
        visit(route)
    return out


def a_path_of(template: str) -> str:
    """A concrete path of a route: every parameter filled with a value no literal segment has."""
    return re.sub(r"\{[^}]+\}", "value-7f3a", template)


def test_every_route_is_reached_by_its_own_paths():
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(make_settings(Path(folder), "sqlite:///" + folder + "/x.db"), migrate_on_start=False)
        routes = tried_in_order(app)
    assert len(routes) > 150 and any(path.startswith("/opds/") for path, _ in routes)
    hidden = []
    for n, (path, methods) in enumerate(routes):
        target = a_path_of(path)
        for earlier, earlier_methods in routes[:n]:
            if methods & earlier_methods and compile_path(earlier)[0].match(target):
                hidden.append(f"{sorted(methods & earlier_methods)} {path} is taken by {earlier}")
    assert hidden == []
