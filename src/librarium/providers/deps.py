"""The `Lookups` dependency: a provider lookup bound to the app's database and settings."""

from typing import Annotated

from fastapi import Depends, Request

from librarium.auth.deps import Session
from librarium.kit.routing import settings_of
from librarium.providers.lookup import Lookup


async def get_lookup(request: Request, session: Session) -> Lookup:
    """Bound to the request's own session (the same one the route and its auth check use)."""
    return Lookup(request.app.state.db, settings_of(request), session=session)


Lookups = Annotated[Lookup, Depends(get_lookup)]
