"""The `Lookups` dependency: a provider lookup bound to the app's database and settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from librarium.providers.lookup import Lookup


def get_lookup(request: Request) -> Lookup:
    return Lookup(request.app.state.db, request.app.state.settings)


Lookups = Annotated[Lookup, Depends(get_lookup)]
