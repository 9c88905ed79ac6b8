"""Metadata providers: admin configuration (/admin/providers…) and lookups (/lookup…)."""

from typing import Annotated, Any

from fastapi import Body, Response

from librarium.auth.deps import AdminCaller, CurrentCaller, Session
from librarium.kit.routing import NO_CONTENT, api_router, fast_ok, no_content, ok
from librarium.kit.schema import Envelope
from librarium.providers import service
from librarium.providers.deps import Lookups
from librarium.providers.schemas import (
    BookResult,
    ContributorHit,
    MergedBookResult,
    ProviderOrder,
    ProviderStatus,
    ProviderTest,
    SeriesResult,
)

router = api_router()
ADMIN = "/admin/providers"


@router.get(ADMIN, tags=["admin"])
async def list_providers(_: AdminCaller, session: Session, lookup: Lookups) -> Envelope[list[ProviderStatus]]:
    return ok(await service.statuses(session, lookup.settings))


# the order routes come before /{name}, which would otherwise take "order" for a provider name
@router.get(ADMIN + "/order", tags=["admin"])
async def get_order(_: AdminCaller, session: Session) -> Envelope[ProviderOrder]:
    return ok(ProviderOrder(order=await service.order(session)))


@router.put(ADMIN + "/order", tags=["admin"], status_code=204, responses=NO_CONTENT, response_class=Response)
async def put_order(body: ProviderOrder, _: AdminCaller, session: Session) -> Response:
    await service.set_order(session, body.order)
    return no_content()


@router.put(ADMIN + "/{name}", tags=["admin"])
async def configure_provider(
    name: str, _: AdminCaller, session: Session, lookup: Lookups, body: Annotated[Any, Body()] = None
) -> Envelope[list[ProviderStatus]]:
    return ok(await service.configure(session, lookup.settings, name, body))


@router.post(ADMIN + "/{name}/test", tags=["admin"], response_model=Envelope[ProviderTest])
async def test_provider(name: str, _: AdminCaller, session: Session, lookup: Lookups) -> Response:
    result = await service.test(lookup, name)
    return fast_ok(result.model_dump(exclude_none=True))  # {ok, title} or {ok, error}, as upstream


@router.get("/lookup/isbn/{isbn}", tags=["lookup"])
async def lookup_isbn(isbn: str, _: CurrentCaller, session: Session, lookup: Lookups) -> Envelope[list[BookResult]]:
    return ok(await service.by_isbn(lookup, isbn))


@router.get("/lookup/isbn/{isbn}/merged", tags=["lookup"], response_model=Envelope[MergedBookResult])
async def lookup_isbn_merged(isbn: str, _: CurrentCaller, session: Session, lookup: Lookups) -> Response:
    result = await service.merged_by_isbn(lookup, isbn)
    # fields no provider had are left out, but `categories` and `covers` are always there (null when empty)
    data = result.model_dump(exclude_none=True)
    return fast_ok({**data, "categories": data.get("categories"), "covers": data.get("covers")})


@router.get("/lookup/books", tags=["lookup"])
async def lookup_books(_: CurrentCaller, session: Session, lookup: Lookups, q: str = "") -> Envelope[list[BookResult]]:
    return ok(await service.search_books(lookup, q))


@router.get("/lookup/series", tags=["lookup"])
async def lookup_series(
    _: CurrentCaller, session: Session, lookup: Lookups, q: str = ""
) -> Envelope[list[SeriesResult]]:
    return ok(await service.search_series(lookup, q))


@router.get("/lookup/contributors", tags=["lookup"])
async def lookup_contributors(
    _: CurrentCaller, session: Session, lookup: Lookups, q: str = ""
) -> Envelope[list[ContributorHit]]:
    return ok(await service.search_contributors(lookup, q))
