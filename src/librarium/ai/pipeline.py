"""One suggestions run for one user, as a job attempt: preconditions (no run row when they fail), the run row,
the first model call, parsing, buy verification and read-next matching, up to two backfill calls, and the
save — with the event log written as the run goes, so the run page shows progress live.

Cancelling (DELETE /admin/jobs/ai-suggestions/runs/{id}) is honoured within `LIBRARIUM_AI_CANCEL_POLL`
seconds, also while the model is answering (the call is abandoned). Nothing of a cancelled run is saved.
The save, the run's completion and its last event are one transaction, guarded by the run still being
`running`: a run is saved once or not at all, and a cancel that lands late is never overwritten.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from librarium.ai import parse, picks
from librarium.ai import repository as repo
from librarium.ai.llm.base import AIError, Reply
from librarium.ai.match import normal_title
from librarium.ai.policy import POOL_CAP, Live, Policy, load
from librarium.ai.prompt import PromptInput, backfill_prompt, system_prompt, user_prompt
from librarium.config import Settings
from librarium.db.base import utcnow
from librarium.db.unit import Database
from librarium.kit import http
from librarium.models import Suggestion
from librarium.providers.lookup import Lookup

log = logging.getLogger("librarium.ai")

T = TypeVar("T")
BACKFILL_PASSES = 2


class Skipped(Exception):
    """A precondition failed: nothing ran and no run row exists (the reason is logged)."""


class Cancelled(Exception):
    """The run was cancelled; its row already says so."""


@dataclass
class Totals:
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0

    def add(self, reply: Reply) -> None:
        self.tokens_in += reply.tokens_in
        self.tokens_out += reply.tokens_out
        self.cost_usd += reply.cost_usd


def rate_limited(policy: Policy, used: int) -> bool:
    limit = policy.job.user_run_rate_limit_per_day
    return limit == 0 or (limit > 0 and used >= limit)


class Run:
    def __init__(self, db: Database, settings: Settings, job_id: uuid.UUID | None, user_id: uuid.UUID, trigger: str):
        self.db = db
        self.settings = settings
        self.job_id = job_id
        self.user_id = user_id
        self.trigger = trigger
        self.run_id: uuid.UUID | None = None
        self.totals = Totals()
        self.seen: set[str] = set()  # normalised titles already in the pool or picked in this run

    # --- the stages ---------------------------------------------------------------------------------

    async def execute(self) -> str:
        """The run's final status, or raises Skipped."""
        policy, data, live = await self._preconditions()
        started = time.monotonic()
        await self._start(policy, live, data)
        try:
            return await self._stages(policy, live, data, started)
        except Cancelled:
            await self.event("cancelled", {"reason": "admin_request"})
            return "cancelled"

    async def _preconditions(self) -> tuple[Policy, PromptInput, Live]:
        if self.job_id is not None:  # an earlier attempt of this job died mid-run: that run is over, whatever follows
            async with self.db.unit_of_work() as session:
                for old in await repo.runs_of_job(session, self.job_id, "running"):
                    old.status, old.finished_at = "failed", utcnow()
                    old.error = "the worker stopped during the run; the run was started again"
        async with self.db.unit_of_work() as session:
            policy = await load(session, self.settings)
            opted_in, active, taste, libraries = await repo.user_state(session, self.user_id)
            if not (opted_in and active and libraries):
                raise Skipped("the user has not opted in, is inactive or has no library")
            live = policy.active
            if live is None:
                raise Skipped("no active, enabled AI provider")
            if self.trigger == "user":
                used, _ = await repo.user_runs_since(session, self.user_id, repo.window_start())
                if rate_limited(policy, used):
                    raise Skipped("the user's daily run limit is reached")
            await repo.close_stale_runs(session, self.user_id)
            if await repo.running_run(session, self.user_id) is not None:
                raise Skipped("a run of this user is already in progress")
            titles = await repo.titles(session, self.user_id, libraries)
            if not titles and not taste:
                raise Skipped("nothing to base suggestions on (no books, no taste profile)")
            blocks = await repo.blocks(session, self.user_id)
            pool = await repo.new_suggestions(session, self.user_id)
        suggested = [s.title for s in pool if s.type == "buy"] + [s.title for s in pool if s.type == "read_next"]
        data = PromptInput(policy.permissions, policy.job, titles, taste, blocks, suggested)
        self.seen = {s.title_key for s in pool}
        return policy, data, live

    async def _start(self, policy: Policy, live: Live, data: PromptInput) -> None:
        async with self.db.unit_of_work() as session:
            run = repo.add_run(
                session, user_id=self.user_id, triggered_by=self.trigger, provider_type=live.provider.name,
                model_id=live.config.model, status="running", job_id=self.job_id, started_at=utcnow(),
            )  # fmt: skip
            await session.flush()
            self.run_id = run.id
            await repo.add_event(session, run.id, "pipeline_start", {
                "triggered_by": self.trigger, "provider": live.provider.name, "model": live.config.model,
                "library_titles": len(data.titles), "blocks": len(data.blocks),
                "permissions": policy.permissions.view(), "max_buy": policy.job.max_buy_per_user,
                "max_read_next": policy.job.max_read_next_per_user, "include_taste": policy.job.include_taste_profile,
            })  # fmt: skip

    async def _stages(self, policy: Policy, live: Live, data: PromptInput, started: float) -> str:
        system, prompt = system_prompt(), user_prompt(data)
        job = policy.job
        await self.event("prompt", {"pass": "initial", "system": system, "prompt": prompt,
                                    "max_tokens": job.max_tokens_initial})  # fmt: skip
        try:
            reply = await self._generate(live, system, prompt, job.max_tokens_initial)
        except AIError as exc:
            await self.event("error", {"stage": "ai_generate_initial", "error": str(exc)})
            await self._finish("failed", str(exc))
            return "failed"
        self.totals.add(reply)
        await self.event("ai_response", self._reply_event("initial", reply))
        await self._checkpoint()
        if reply.truncated:
            message = (
                f"provider stopped at max_tokens ({job.max_tokens_initial}) — raise max_tokens_initial in the job "
                "config or pick a smaller/faster model"
            )
            await self.event("error", {"stage": "ai_generate_initial", "error": message, "reason": "max_tokens"})
            await self._finish("failed", message)
            return "failed"

        buy_picks, read_picks = parse.split(reply.text)
        library = picks.Library(data.titles)
        lookup = Lookup(self.db, self.settings)
        blocked = picks.Blocks.of(data.blocks)
        checker = picks.BuyChecker(lookup, library, self.seen, self.event, blocked)
        buys = await checker.check(buy_picks, job.max_buy_per_user)
        reads = await picks.read_next(read_picks, job.max_read_next_per_user, library, self.seen, self.event, blocked)

        passes = 0
        while passes < BACKFILL_PASSES and len(buys) < job.max_buy_per_user and checker.rejected:
            await self._checkpoint()
            passes += 1
            need = job.max_buy_per_user - len(buys)
            extra_prompt = backfill_prompt(prompt, need, checker.rejected)
            await self.event("backfill_prompt", {
                "attempt": passes, "need": need, "exclusions": list(checker.rejected), "prompt": extra_prompt,
                "max_tokens": job.max_tokens_backfill,
            })  # fmt: skip
            try:
                extra = await self._generate(live, system, extra_prompt, job.max_tokens_backfill)
            except AIError as exc:
                await self.event("error", {"stage": "ai_generate_backfill", "attempt": passes, "error": str(exc)})
                break
            self.totals.add(extra)
            await self.event("backfill_response", {"attempt": passes, **self._reply_event(None, extra)})
            if extra.truncated:
                await self.event("error", {
                    "stage": "ai_generate_backfill", "attempt": passes, "reason": "max_tokens",
                    "error": f"backfill stopped at max_tokens ({job.max_tokens_backfill})",
                })  # fmt: skip
                break
            more, under_other_heading = parse.split(extra.text)  # a backfill reply holds buys only
            buys += await checker.check(more + under_other_heading, need)
        await self._checkpoint()
        await self._save(buys, reads, passes, started)
        return "completed"

    @staticmethod
    def _reply_event(stage: str | None, reply: Reply) -> dict[str, Any]:
        out: dict[str, Any] = {"pass": stage} if stage else {}
        return {**out, "model": reply.model_id, "text": reply.text, "tokens_in": reply.tokens_in,
                "tokens_out": reply.tokens_out, "cost_usd": reply.cost_usd, "truncated": reply.truncated}  # fmt: skip

    async def _save(self, buys: list[picks.Accepted], reads: list[picks.Accepted], passes: int, started: float) -> None:
        """Adds the run's picks to the user's `new` pool (first pick listed first), keeps the newest 30 of each
        type, and completes the run — or, if it was cancelled meanwhile, none of it."""
        assert self.run_id is not None
        async with self.db.unit_of_work() as session:
            if not await repo.end_run(session, self.run_id, status="completed", **self._totals()):
                raise Cancelled()  # the transaction rolls back: nothing of the run is saved
            taken = {(s.type, s.title_key) for s in await repo.new_suggestions(session, self.user_id)}
            now = utcnow()
            rows: list[Suggestion] = []
            for n, item in enumerate([*buys, *reads]):
                key = normal_title(item.title) or item.title.lower()
                if (item.type, key) in taken:
                    continue
                taken.add((item.type, key))
                rows.append(Suggestion(
                    user_id=self.user_id, run_id=self.run_id, type=item.type, book_id=item.book_id,
                    title=item.title[:512], title_key=key[:512], author=item.author[:512], isbn=item.isbn[:20],
                    cover_url=item.cover_url, reasoning=item.reasoning, status="new",
                    created_at=now - timedelta(microseconds=n),  # newest first lists the run in the model's order
                ))  # fmt: skip
            repo.add_suggestions(session, rows)
            await session.flush()
            for kind in ("buy", "read_next"):
                await repo.keep_newest(session, self.user_id, kind, POOL_CAP)
            await repo.add_event(session, self.run_id, "pipeline_end", {
                "buy_count": len(buys), "read_next_count": len(reads), "tokens_in": self.totals.tokens_in,
                "tokens_out": self.totals.tokens_out, "cost_usd": self.totals.cost_usd,
                "duration_ms": int((time.monotonic() - started) * 1000), "backfill_passes": passes,
            })  # fmt: skip

    def _totals(self) -> dict[str, Any]:
        totals = self.totals
        return {"tokens_in": totals.tokens_in, "tokens_out": totals.tokens_out,
                "estimated_cost_usd": round(totals.cost_usd, 6)}  # fmt: skip

    async def _finish(self, status: str, error: str) -> None:
        """Ends the run unless it already ended (a cancel wins)."""
        assert self.run_id is not None
        async with self.db.unit_of_work() as session:
            await repo.end_run(session, self.run_id, status=status, error=error[:4000], **self._totals())

    async def fail(self, error: str) -> None:
        """For an attempt that stops on an unexpected error: the run is never left `running`."""
        if self.run_id is not None:
            with contextlib.suppress(Exception):
                await self.event("error", {"stage": "internal", "error": error})
                await self._finish("failed", error)

    # --- events, cancellation, the model call -------------------------------------------------------

    async def event(self, kind: str, content: dict[str, Any]) -> None:
        assert self.run_id is not None
        async with self.db.unit_of_work() as session:
            await repo.add_event(session, self.run_id, kind, content)

    async def _cancelled(self) -> bool:
        assert self.run_id is not None
        async with self.db.unit_of_work(write=False) as session:
            return await repo.run_status(session, self.run_id) != "running"

    async def _checkpoint(self) -> None:
        if await self._cancelled():
            raise Cancelled()

    async def _generate(self, live: Live, system: str, prompt: str, max_tokens: int) -> Reply:
        call = live.provider.generate(http.client(), live.config, system, prompt, max_tokens)
        return await self._watched(call)

    async def _watched(self, work: Awaitable[T]) -> T:
        """Awaits `work`, looking for a cancel every poll interval; a cancel abandons it."""
        task = asyncio.ensure_future(work)
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=self.settings.ai_cancel_poll)
                if done:
                    return task.result()
                if await self._cancelled():
                    raise Cancelled()
        finally:
            if not task.done():
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
