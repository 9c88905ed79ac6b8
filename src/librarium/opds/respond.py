"""How a catalogue answers: OPDS 1.2 (Atom) or, under a /v2 mount, OPDS 2.0 (JSON), with every link under the
mount the request came through (/opds, or /opds/t/<app password> for readers that cannot send credentials).
Shared by the libraries' catalogue and the Calibre library's."""

from __future__ import annotations

from fastapi import Request, Response

from librarium.opds import atom, opds2
from librarium.opds.atom import NAVIGATION


def mount(request: Request) -> str:
    """/opds, or /opds/t/<app password> for a reader that got here that way (its links stay there)."""
    token = request.path_params.get("token")
    return f"{atom.HOME}/t/{token}" if token else atom.HOME


def v2(request: Request) -> bool:
    """Whether the request came through an OPDS 2.0 (JSON) mount (<mount>/v2/…)."""
    rest = request.url.path[len(mount(request)) :]
    return rest == "/v2" or rest.startswith("/v2/")


def base(request: Request) -> str:
    """Where this catalogue is: the mount, with /v2 for OPDS 2.0."""
    return mount(request) + ("/v2" if v2(request) else "")


def xml(body: bytes, kind: str) -> Response:
    return Response(body, media_type=kind, headers={"Cache-Control": "private, no-cache"})


def feed(request: Request, document: atom.Feed, kind: str) -> Response:
    if v2(request):
        origin = str(request.base_url).rstrip("/")  # (uvicorn honours X-Forwarded-Proto/For behind a proxy)
        return xml(opds2.render(document, origin + base(request), navigation=kind == NAVIGATION), opds2.FEED)
    return xml(atom.render(document, base(request)), kind)
