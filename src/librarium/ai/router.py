"""AI suggestions: admin connections (/admin/connections/ai…), the admin's job (/admin/jobs…) and each user's
preferences, suggestions and runs (/me/…)."""

import uuid
from typing import Annotated, Any

from fastapi import Body, Request, Response

from librarium.ai import service
from librarium.ai.llm.base import AIError
from librarium.ai.schemas import (
    AIPermissions,
    AIPrefs,
    AIProviderStatus,
    AISuggestionsJobConfig,
    AITest,
    Deleted,
    JobSummary,
    ModelList,
    Quota,
    RunAll,
    RunDetail,
    RunView,
    SuggestionView,
)
from librarium.auth.deps import AdminCaller, CurrentCaller, Session
from librarium.errors import BadRequest
from librarium.kit.routing import NO_CONTENT, api_router, fast_ok, no_content, ok, settings_of
from librarium.kit.schema import Envelope

router = api_router()
AI = "/admin/connections/ai"
JOB = "/admin/jobs/ai-suggestions"
Json = Annotated[Any, Body()]


def _id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise BadRequest("invalid id") from None


# --- admin: connections -----------------------------------------------------------------------------


@router.get(AI, tags=["admin"])
async def list_connections(request: Request, _: AdminCaller, session: Session) -> Envelope[list[AIProviderStatus]]:
    return ok(await service.connections(session, settings_of(request)))


# fixed paths before /{provider}
@router.post(AI + "/active", tags=["admin"], status_code=204, responses=NO_CONTENT, response_class=Response)
async def set_active(request: Request, _: AdminCaller, session: Session, body: Json = None) -> Response:
    if not isinstance(body, dict):
        raise BadRequest("invalid request body")
    await service.set_active(session, settings_of(request), body.get("provider"))
    return no_content()


@router.get(AI + "/permissions", tags=["admin"])
async def get_permissions(request: Request, _: AdminCaller, session: Session) -> Envelope[AIPermissions]:
    return ok(await service.permissions(session, settings_of(request)))


@router.put(AI + "/permissions", tags=["admin"])
async def put_permissions(_: AdminCaller, session: Session, body: Json = None) -> Envelope[AIPermissions]:
    return ok(await service.set_permissions(session, body))


@router.get(AI + "/{provider}/models", tags=["admin"], response_model=Envelope[ModelList])
async def list_models(provider: str, request: Request, _: AdminCaller, session: Session) -> Response:
    """Ollama and Osaurus only. A server that cannot be asked answers 503 with upstream's shape:
    `{"data": {"error": …, "reachable": false}}`."""
    try:
        found = await service.models(session, settings_of(request), provider)
    except AIError as exc:
        return fast_ok({"error": str(exc), "reachable": False}, status_code=503)
    return fast_ok({"models": found})


@router.put(AI + "/{provider}", tags=["admin"])
async def configure(
    provider: str, request: Request, _: AdminCaller, session: Session, body: Json = None
) -> Envelope[list[AIProviderStatus]]:
    return ok(await service.configure(session, settings_of(request), provider, body))


@router.post(AI + "/{provider}/test", tags=["admin"])
async def test(provider: str, request: Request, _: AdminCaller, session: Session) -> Envelope[AITest]:
    return ok(await service.test(session, settings_of(request), provider))


# --- admin: jobs ------------------------------------------------------------------------------------


@router.get("/admin/jobs", tags=["admin"])
async def list_jobs(request: Request, _: AdminCaller, session: Session) -> Envelope[list[JobSummary]]:
    return ok(await service.job_list(session, settings_of(request)))


@router.get(JOB, tags=["admin"])
async def get_job_config(request: Request, _: AdminCaller, session: Session) -> Envelope[AISuggestionsJobConfig]:
    return ok(await service.job_config(session, settings_of(request)))


@router.put(JOB, tags=["admin"])
async def put_job_config(
    request: Request, _: AdminCaller, session: Session, body: Json = None
) -> Envelope[AISuggestionsJobConfig]:
    return ok(await service.set_job_config(session, settings_of(request), body))


@router.post(JOB + "/run", tags=["admin"], status_code=202)
async def run_for_all(_: AdminCaller, session: Session) -> Envelope[RunAll]:
    return ok(await service.run_for_all(session))


@router.get(JOB + "/runs", tags=["admin"])
async def all_runs(_: AdminCaller, session: Session) -> Envelope[list[RunView]]:
    return ok(await service.runs(session, None))


@router.delete(JOB + "/runs", tags=["admin"])
async def delete_finished_runs(_: AdminCaller, session: Session) -> Envelope[Deleted]:
    return ok(await service.delete_finished(session))


@router.get(JOB + "/runs/{id}", tags=["admin"])
async def any_run(id: str, _: AdminCaller, session: Session) -> Envelope[RunDetail]:
    return ok(await service.run_detail(session, _id(id), None))


@router.delete(JOB + "/runs/{id}", tags=["admin"], status_code=204, responses=NO_CONTENT, response_class=Response)
async def cancel_run(id: str, _: AdminCaller, session: Session) -> Response:
    """Cancels a running run (upstream's meaning of this DELETE); the row stays, as `cancelled`."""
    await service.cancel_run(session, _id(id))
    return no_content()


# --- the user's side --------------------------------------------------------------------------------


@router.get("/me/ai-prefs", tags=["ai"])
async def get_prefs(caller: CurrentCaller, session: Session) -> Envelope[AIPrefs]:
    return ok(await service.prefs(session, caller.id))


@router.put("/me/ai-prefs", tags=["ai"])
async def put_prefs(caller: CurrentCaller, session: Session, body: Json = None) -> Envelope[AIPrefs]:
    return ok(await service.set_prefs(session, caller.id, body))


# Upstream 26.4 sent the taste profile without the envelope, which its own web client could not read; the
# envelope is what the client expects (and what upstream sends since).
@router.get("/me/taste-profile", tags=["ai"])
async def get_taste(caller: CurrentCaller, session: Session) -> Envelope[dict[str, Any]]:
    return ok(await service.taste(session, caller.id))


@router.put("/me/taste-profile", tags=["ai"])
async def put_taste(caller: CurrentCaller, session: Session, body: Json = None) -> Envelope[dict[str, Any]]:
    return ok(await service.set_taste(session, caller.id, body))


@router.get("/me/suggestions", tags=["ai"])
async def my_suggestions(
    caller: CurrentCaller, session: Session, status: str = "", type: str = ""
) -> Envelope[list[SuggestionView]]:
    return ok(await service.suggestions(session, caller.id, status, type))


@router.get("/me/suggestions/quota", tags=["ai"])
async def my_quota(request: Request, caller: CurrentCaller, session: Session) -> Envelope[Quota]:
    return ok(await service.quota(session, settings_of(request), caller.id))


@router.post("/me/suggestions/run", tags=["ai"], status_code=202, response_class=Response)
async def run_now(request: Request, caller: CurrentCaller, session: Session) -> Response:
    """202 with an empty body, as upstream (the web client does not read it)."""
    await service.run_now(session, settings_of(request), caller.id)
    return Response(status_code=202)


@router.get("/me/suggestions/runs", tags=["ai"])
async def my_runs(caller: CurrentCaller, session: Session) -> Envelope[list[RunView]]:
    return ok(await service.runs(session, caller.id))


@router.get("/me/suggestions/runs/{id}", tags=["ai"])
async def my_run(id: str, caller: CurrentCaller, session: Session) -> Envelope[RunDetail]:
    return ok(await service.run_detail(session, _id(id), caller.id))


@router.put("/me/suggestions/{id}/status", tags=["ai"], status_code=204, responses=NO_CONTENT, response_class=Response)
async def set_status(id: str, caller: CurrentCaller, session: Session, body: Json = None) -> Response:
    await service.set_status(session, caller.id, _id(id), body)
    return no_content()


@router.post("/me/suggestions/{id}/block", tags=["ai"], status_code=204, responses=NO_CONTENT, response_class=Response)
async def block(id: str, caller: CurrentCaller, session: Session, body: Json = None) -> Response:
    await service.block(session, caller.id, _id(id), body)
    return no_content()
