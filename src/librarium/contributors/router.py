"""Contributors: instance-wide search/create/edit, and per-library lists and detail."""

import uuid
from typing import Annotated

from fastapi import Request, Response

from librarium.auth.deps import Caller, CurrentCaller, Session, can
from librarium.contributors import metadata, service
from librarium.contributors.schemas import (
    ContributorCreate,
    ContributorDetail,
    ContributorLibraryDetail,
    ContributorMetadataApply,
    ContributorPage,
    ContributorPatch,
    ContributorRef,
)
from librarium.kit.routing import NO_CONTENT, api_router, no_content, ok, settings_of
from librarium.kit.schema import Envelope
from librarium.kit.validate import lenient_int
from librarium.providers import service as providers
from librarium.providers.deps import Lookups
from librarium.providers.schemas import ContributorRecord

router = api_router(tags=["contributors"])
LIB = "/libraries/{library_id}/contributors"


@router.get("/contributors")
async def search_contributors(_: CurrentCaller, session: Session, q: str = "") -> Envelope[list[ContributorRef]]:
    return ok(await service.search(session, q))


@router.post("/contributors", status_code=201)
async def create_contributor(body: ContributorCreate, _: CurrentCaller, session: Session) -> Envelope[ContributorRef]:
    return ok(await service.create(session, body.name))


@router.patch("/contributors/{contributor_id}")
async def patch_contributor(
    contributor_id: uuid.UUID, body: ContributorPatch, _: CurrentCaller, session: Session
) -> Envelope[ContributorDetail]:
    return ok(await service.patch(session, contributor_id, body))


@router.delete("/contributors/{contributor_id}", status_code=204, responses=NO_CONTENT, response_class=Response)
async def delete_contributor(contributor_id: uuid.UUID, _: CurrentCaller, session: Session) -> Response:
    await service.delete(session, contributor_id)
    return no_content()


@router.delete(
    "/contributors/{contributor_id}/works/{work_id}", status_code=204, responses=NO_CONTENT, response_class=Response
)
async def delete_work(contributor_id: uuid.UUID, work_id: uuid.UUID, _: CurrentCaller, session: Session) -> Response:
    await service.delete_work(session, contributor_id, work_id)
    return no_content()


@router.get("/contributors/{contributor_id}/metadata/fetch")
async def fetch_metadata(
    contributor_id: uuid.UUID,
    _: CurrentCaller,
    session: Session,
    lookup: Lookups,
    provider: str = "",
    external_id: str = "",
) -> Envelope[ContributorRecord]:
    """A provider's record of the person; nothing is saved (upstream does not look at the path id; we
    answer 404 for a contributor that does not exist)."""
    await service.get(session, contributor_id)
    return ok(await providers.fetch_contributor(lookup, provider, external_id))


@router.post("/contributors/{contributor_id}/metadata/apply")
async def apply_metadata(
    contributor_id: uuid.UUID, body: ContributorMetadataApply, request: Request, caller: CurrentCaller, session: Session
) -> Envelope[ContributorDetail]:
    user_id = caller.id
    return ok(await metadata.apply(session, settings_of(request), contributor_id, body, user_id))


@router.get(LIB)
async def library_contributors(
    library_id: uuid.UUID,
    _: Annotated[Caller, can("books:read")],
    session: Session,
    q: str = "",
    letter: str = "",
    sort: str = "",
    sort_dir: str = "",
    page: str = "1",
    per_page: str = "25",
) -> Envelope[ContributorPage]:
    return Envelope(
        data=await service.library_page(
            session,
            library_id,
            q=q,
            letter=letter,
            sort=sort,
            sort_dir=sort_dir,
            page=lenient_int(page),
            per_page=lenient_int(per_page),
        )
    )


@router.get(LIB + "/letters")
async def library_contributor_letters(
    library_id: uuid.UUID, _: Annotated[Caller, can("books:read")], session: Session
) -> Envelope[list[str]]:
    return ok(await service.library_letters(session, library_id))


@router.get(LIB + "/{contributor_id}")
async def library_contributor(
    library_id: uuid.UUID,
    contributor_id: uuid.UUID,
    caller: Annotated[Caller, can("books:read")],
    session: Session,
) -> Envelope[ContributorLibraryDetail]:
    return ok(await service.library_detail(session, library_id, contributor_id, caller.id))
