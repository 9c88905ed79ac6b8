"""AI suggestions: the admin's connections, policy and runs, and each user's preferences, suggestions and runs.
Everything a user reaches is their own: another user's suggestion or run answers 404."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from librarium.ai import repository as repo
from librarium.ai.llm.base import AIError
from librarium.ai.llm.registry import LISTS_MODELS
from librarium.ai.policy import JobConfig, Live, Permissions, load
from librarium.ai.schemas import (
    AIPermissions,
    AIPrefs,
    AIProviderStatus,
    AISuggestionsJobConfig,
    AITest,
    Deleted,
    EventView,
    JobSummary,
    Quota,
    RunAll,
    RunDetail,
    RunView,
    SuggestionView,
)
from librarium.ai.tasks import KIND
from librarium.config import Settings
from librarium.db import unit
from librarium.errors import BadRequest, Conflict, Forbidden, NotFound, TooManyRequests
from librarium.jobs import service as jobs
from librarium.kit import http
from librarium.models import BlockedItem, RunEvent, SuggestionRun

log = logging.getLogger("librarium.ai")

MASK = "***"
PROBE = "Reply with the single word: ready."
PROBE_TOKENS = 2048
STATUSES = ("new", "dismissed", "interested", "added_to_library")
JOB_SUMMARY = {
    "id": "ai-suggestions",
    "display_name": "AI suggestions",
    "description": "Generates per-user book suggestions using the active AI provider.",
    "kind": "scheduled",
}

# --- admin: connections -----------------------------------------------------------------------------


def _status(live: Live, active: str) -> AIProviderStatus:
    secret = {f.key for f in live.provider.fields if f.type == "password"} | {"api_key"}
    return AIProviderStatus(
        **live.provider.info(),
        enabled=live.config.enabled,
        active=live.provider.name == active,
        has_api_key=bool(live.stored.get("api_key")),
        config={k: MASK if k in secret and v else v for k, v in live.stored.items()},
    )


async def connections(session: AsyncSession, settings: Settings) -> list[AIProviderStatus]:
    policy = await load(session, settings)
    return [_status(live, policy.active_name) for live in policy.providers]


async def configure(session: AsyncSession, settings: Settings, name: str, body: Any) -> list[AIProviderStatus]:
    if not isinstance(body, dict) or not all(isinstance(v, str) for v in body.values()):
        raise BadRequest("invalid request body")
    live = (await load(session, settings)).live(name)
    merged = {**live.stored, **body}
    for key, value in body.items():  # the mask read back and sent again keeps the stored secret
        if value == MASK:
            merged[key] = live.stored.get(key, "")
    await repo.put_setting(session, repo.PROVIDER_PREFIX + name, merged)
    log.info("AI provider %s configured (keys: %s)", name, ", ".join(sorted(body)))  # names, never values
    return await connections(session, settings)


async def set_active(session: AsyncSession, settings: Settings, name: Any) -> None:
    if not isinstance(name, str):
        raise BadRequest("invalid request body")
    if name:
        (await load(session, settings)).live(name)
    await repo.put_setting(session, repo.ACTIVE_KEY, name)


async def test(session: AsyncSession, settings: Settings, name: str) -> AITest:
    """Always an answer: {ok, reply} or {ok: false, error}."""
    try:
        live = (await load(session, settings)).live(name)
    except BadRequest as exc:
        return AITest(ok=False, error=exc.message)
    if not live.config.enabled:
        return AITest(ok=False, error="provider is disabled — save config and enable it first")
    try:
        async with unit.outside(session):
            reply = await live.provider.generate(http.client(), live.config, "", PROBE, PROBE_TOKENS)
    except AIError as exc:
        return AITest(ok=False, error=str(exc))
    return AITest(ok=True, reply=reply.text)


async def models(session: AsyncSession, settings: Settings, name: str) -> list[dict[str, Any]]:
    """The models a local server offers; AIError when it cannot be asked."""
    if name not in LISTS_MODELS:
        raise NotFound("not found")
    live = (await load(session, settings)).live(name)
    async with unit.outside(session):
        return await live.provider.models(http.client(), live.config)  # type: ignore[attr-defined, no-any-return]


async def permissions(session: AsyncSession, settings: Settings) -> AIPermissions:
    return AIPermissions(**(await load(session, settings)).permissions.view())


async def set_permissions(session: AsyncSession, body: Any) -> AIPermissions:
    allowed = Permissions.from_body(body)
    await repo.put_setting(session, repo.PERMISSIONS_KEY, allowed.view())
    return AIPermissions(**allowed.view())


# --- admin: the job ---------------------------------------------------------------------------------


async def job_list(session: AsyncSession, settings: Settings) -> list[JobSummary]:
    return [JobSummary(**JOB_SUMMARY, enabled=(await load(session, settings)).job.enabled)]


async def job_config(session: AsyncSession, settings: Settings) -> AISuggestionsJobConfig:
    return AISuggestionsJobConfig(**(await load(session, settings)).job.view())


async def set_job_config(session: AsyncSession, settings: Settings, body: Any) -> AISuggestionsJobConfig:
    config: JobConfig = (await load(session, settings)).job.updated(body)
    await repo.put_setting(session, repo.JOB_KEY, config.view())
    return AISuggestionsJobConfig(**config.view())


async def run_for_all(session: AsyncSession) -> RunAll:
    await repo.close_stale_runs(session)
    waiting = await jobs.live_args(session, KIND, "user_id")
    enqueued = skipped = 0
    for user_id in await repo.opted_in_users(session):
        if str(user_id) in waiting or await repo.running_run(session, user_id) is not None:
            skipped += 1
            continue
        await jobs.enqueue(session, KIND, {"user_id": str(user_id), "triggered_by": "admin"})
        enqueued += 1
    return RunAll(enqueued=enqueued, skipped=skipped)


async def cancel_run(session: AsyncSession, run_id: uuid.UUID) -> None:
    if not await repo.cancel_run(session, run_id):
        raise NotFound("run not found or not running")


async def delete_finished(session: AsyncSession) -> Deleted:
    return Deleted(deleted=await repo.delete_finished_runs(session))


# --- views ------------------------------------------------------------------------------------------


def _time(value: Any) -> str:
    """RFC 3339 without fractional seconds (upstream's AI views)."""
    return str(value.strftime("%Y-%m-%dT%H:%M:%SZ"))


def run_view(run: SuggestionRun, admin: bool = False) -> RunView:
    """A run; the user's id only for the admin's lists."""
    return RunView(
        id=str(run.id),
        user_id=str(run.user_id) if admin else None,
        triggered_by=run.triggered_by,
        provider_type=run.provider_type,
        model_id=run.model_id,
        status=run.status,
        error=run.error,
        tokens_in=run.tokens_in,
        tokens_out=run.tokens_out,
        estimated_cost_usd=run.estimated_cost_usd,
        started_at=_time(run.started_at),
        finished_at=None if run.finished_at is None else _time(run.finished_at),
    )


def _event_view(event: RunEvent) -> EventView:
    return EventView(seq=event.seq, type=event.type, content=event.content or {}, created_at=_time(event.created_at))


async def runs(session: AsyncSession, user_id: uuid.UUID | None) -> list[RunView]:
    admin = user_id is None
    return [run_view(r, admin) for r in await repo.runs(session, user_id, 50 if admin else 25)]


async def run_detail(session: AsyncSession, run_id: uuid.UUID, user_id: uuid.UUID | None) -> RunDetail:
    run = await repo.run(session, run_id, user_id)
    if run is None:
        raise NotFound("run not found")
    events = [_event_view(e) for e in await repo.events(session, run_id)]
    return RunDetail(run=run_view(run, user_id is None), events=events)


# --- the user's side --------------------------------------------------------------------------------


async def prefs(session: AsyncSession, user_id: uuid.UUID) -> AIPrefs:
    row = await repo.user_settings(session, user_id)
    return AIPrefs(opt_in=bool(row and row.opt_in))


async def set_prefs(session: AsyncSession, user_id: uuid.UUID, body: Any) -> AIPrefs:
    if not isinstance(body, dict) or not isinstance(body.get("opt_in"), bool):
        raise BadRequest("invalid request body")
    row = await repo.user_settings_for_update(session, user_id)
    row.opt_in = body["opt_in"]
    await session.flush()
    return AIPrefs(opt_in=row.opt_in)


async def taste(session: AsyncSession, user_id: uuid.UUID) -> dict[str, Any]:
    row = await repo.user_settings(session, user_id)
    return dict(row.taste_profile) if row is not None and isinstance(row.taste_profile, dict) else {}


async def set_taste(session: AsyncSession, user_id: uuid.UUID, body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise BadRequest("the taste profile must be a JSON object")
    row = await repo.user_settings_for_update(session, user_id)
    row.taste_profile = body
    await session.flush()
    return body


def _suggestion_view(item: Any, library_id: uuid.UUID | None) -> SuggestionView:
    return SuggestionView(
        id=str(item.id),
        type=item.type,
        book_id=str(item.book_id) if item.book_id else None,
        library_id=str(library_id) if library_id else None,
        title=item.title,
        author=item.author,
        isbn=item.isbn,
        cover_url=item.cover_url,
        reasoning=item.reasoning,
        status=item.status,
        created_at=_time(item.created_at),
    )


async def suggestions(session: AsyncSession, user_id: uuid.UUID, status: str, kind: str) -> list[SuggestionView]:
    """Upstream lists only one status (`new` by default); an unknown status or type is a 400 here, not an
    empty list."""
    status = status or "new"
    if status not in STATUSES:
        raise BadRequest("invalid status value")
    if kind and kind not in ("buy", "read_next"):
        raise BadRequest("invalid type value")
    return [_suggestion_view(s, lib) for s, lib in await repo.suggestions(session, user_id, status, kind or None)]


async def set_status(session: AsyncSession, user_id: uuid.UUID, suggestion_id: uuid.UUID, body: Any) -> None:
    if not isinstance(body, dict) or not isinstance(body.get("status"), str):
        raise BadRequest("invalid request body")
    if body["status"] not in STATUSES:
        raise BadRequest("invalid status value")
    item = await repo.suggestion(session, user_id, suggestion_id)
    if item is None:
        raise NotFound("suggestion not found")
    if body["status"] == "new" and item.status != "new" and await repo.new_title_taken(session, item):
        # upstream: a 500 from the unique index
        raise Conflict("this title is already among your new suggestions")
    item.status = body["status"]
    await session.flush()


async def block(session: AsyncSession, user_id: uuid.UUID, suggestion_id: uuid.UUID, body: Any) -> None:
    if not isinstance(body, dict) or not isinstance(body.get("scope"), str):
        raise BadRequest("invalid request body")
    scope = body["scope"]
    item = await repo.suggestion(session, user_id, suggestion_id)
    if item is None:
        raise NotFound("suggestion not found")
    if scope == "book":
        entry = BlockedItem(user_id=user_id, scope="book", title=item.title, author=item.author, isbn=item.isbn)
    elif scope == "author":
        if not item.author:
            raise BadRequest("cannot block by author: author unknown")
        entry = BlockedItem(user_id=user_id, scope="author", author=item.author)
    elif scope == "series":
        raise BadRequest("series blocks not yet supported from this endpoint")
    else:
        raise BadRequest("invalid scope value")
    repo.add_block(session, entry)
    item.status = "dismissed"
    await session.flush()


async def quota(session: AsyncSession, settings: Settings, user_id: uuid.UUID) -> Quota:
    limit = (await load(session, settings)).job.user_run_rate_limit_per_day
    used, earliest = await repo.user_runs_since(session, user_id, repo.window_start())
    resets_at = None
    if limit >= 0 and used > 0 and earliest is not None:
        resets_at = _time(earliest + timedelta(hours=24))
    return Quota(used=used, limit=limit, unlimited=limit < 0, resets_at=resets_at)


async def run_now(session: AsyncSession, settings: Settings, user_id: uuid.UUID) -> None:
    """Upstream's order: the daily limit (429), a run in progress (409). Where upstream answered 202 and the job
    then silently did nothing, we answer why: user runs turned off (limit 0: 403), not opted in (400), no
    active provider (409)."""
    policy = await load(session, settings)
    limit = policy.job.user_run_rate_limit_per_day
    if limit == 0:
        raise Forbidden("suggestion runs on request are turned off on this server")
    if limit > 0:
        used, _ = await repo.user_runs_since(session, user_id, repo.window_start())
        if used >= limit:
            raise TooManyRequests("daily suggestion run limit reached; try again tomorrow")
    await repo.close_stale_runs(session, user_id)
    waiting = await jobs.live_args(session, KIND, "user_id")
    if str(user_id) in waiting or await repo.running_run(session, user_id) is not None:
        raise Conflict("a suggestions run is already in progress")
    opted_in, _, _, libraries = await repo.user_state(session, user_id)
    if not opted_in:
        raise BadRequest("turn on AI suggestions in your profile first")
    if not libraries:
        raise BadRequest("suggestions need a library to be a member of")
    if policy.active is None:
        raise Conflict("no AI provider is active; an admin can set one up under AI connections")
    await jobs.enqueue(session, KIND, {"user_id": str(user_id), "triggered_by": "user"})
