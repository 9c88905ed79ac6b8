"""Loans of a library."""

import uuid
from typing import Annotated

from fastapi import Response

from librarium.auth.deps import Caller, Session, can
from librarium.kit.routing import NO_CONTENT, api_router, no_content, ok
from librarium.kit.schema import Envelope
from librarium.loans import service
from librarium.loans.schemas import LoanCreate, LoanRead, LoanUpdate

router = api_router(tags=["loans"])
LOANS = "/libraries/{library_id}/loans"


@router.get(LOANS)
async def list_loans(
    library_id: uuid.UUID,
    _: Annotated[Caller, can("loans:read")],
    session: Session,
    include_returned: str = "",
    search: str = "",
    tag: str = "",
) -> Envelope[list[LoanRead]]:
    everything = include_returned.lower() in ("true", "1")
    return ok(await service.list_loans(session, library_id, everything, search, tag))


@router.post(LOANS, status_code=201)
async def create_loan(
    library_id: uuid.UUID, body: LoanCreate, caller: Annotated[Caller, can("loans:create")], session: Session
) -> Envelope[LoanRead]:
    return ok(await service.create(session, library_id, caller.id, body))


@router.patch(LOANS + "/{loan_id}")
async def update_loan(
    library_id: uuid.UUID,
    loan_id: uuid.UUID,
    body: LoanUpdate,
    _: Annotated[Caller, can("loans:update")],
    session: Session,
) -> Envelope[LoanRead]:
    return ok(await service.update(session, library_id, loan_id, body))


@router.delete(LOANS + "/{loan_id}", status_code=204, responses=NO_CONTENT, response_class=Response)
async def delete_loan(
    library_id: uuid.UUID, loan_id: uuid.UUID, _: Annotated[Caller, can("loans:delete")], session: Session
) -> Response:
    await service.delete(session, library_id, loan_id)
    return no_content()
