"""Asking the providers: fan-out to every enabled provider with the capability, a collection deadline, the
shared cache, and results in priority order.

The configuration is read from the database at the start of every lookup, so an admin's change reaches
every process and every worker at once. No database transaction is open while a provider is asked; the
cache is read before the fan-out and written after it, each in its own short unit.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from pydantic import ConfigDict, TypeAdapter
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.config import Settings
from librarium.db import unit
from librarium.db.base import utcnow
from librarium.db.unit import Database
from librarium.kit import http
from librarium.providers import registry
from librarium.providers import repository as repo
from librarium.providers.base import Call, Provider, ProviderError
from librarium.providers.registry import Live
from librarium.providers.schemas import BookResult, ContributorHit, ContributorRecord, SeriesResult, VolumeResult

log = logging.getLogger("librarium.providers")

T = TypeVar("T")


@dataclass(frozen=True)
class Operation:
    """One kind of question: which capability answers it, how its answer is (de)serialised, and what
    counts as a miss (cached for the shorter time)."""

    name: str
    capability: str
    adapter: TypeAdapter[Any]
    ask: Callable[[Provider, Call, str], Awaitable[Any]]
    max_ttl: int | None = None  # seconds; answers that change often (release dates) are kept shorter


def _adapter(answer: Any) -> TypeAdapter[Any]:
    """How an answer is cached, built when first used (as every wire model is: kit/schema.Model)."""
    return TypeAdapter(answer, config=ConfigDict(defer_build=True))


ISBN = Operation("isbn", "book_isbn", _adapter(BookResult | None), lambda p, c, a: p.lookup_isbn(c, a))
BOOKS = Operation("books", "book_search", _adapter(list[BookResult]), lambda p, c, a: p.search_books(c, a))
SERIES = Operation("series", "series_name", _adapter(list[SeriesResult]), lambda p, c, a: p.search_series(c, a))
VOLUMES = Operation(
    "volumes",
    "series_volumes",
    _adapter(list[VolumeResult] | None),
    lambda p, c, a: p.series_volumes(c, a),
    max_ttl=6 * 3600,  # the release checker looks daily; a week-old answer would hide new volumes
)
CONTRIBUTORS = Operation(
    "contributors", "contributor", _adapter(list[ContributorHit]), lambda p, c, a: p.search_contributors(c, a)
)
CONTRIBUTOR = Operation(
    "contributor", "contributor", _adapter(ContributorRecord | None), lambda p, c, a: p.fetch_contributor(c, a)
)


def cache_key(provider: Provider, operation: Operation, argument: str) -> str:
    """`<provider>:<operation>:<digest of the argument>` (queries can be long; keys stay short)."""
    return f"{provider.name}:{operation.name}:{hashlib.sha256(argument.encode()).hexdigest()[:40]}"


def _is_miss(value: Any) -> bool:
    return value is None or value == []


class Lookup:
    """Lookups for one request or job. Bound to a request's `session`, it reads through it (no second
    connection) and ends its transaction while providers are asked; otherwise it opens short units."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        client: http.HttpClient | None = None,
        session: AsyncSession | None = None,
    ):
        self.db = db
        self.settings = settings
        self.client = client
        self.session = session

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        if self.session is not None:
            yield self.session
        else:
            async with self.db.unit_of_work(write=False) as session:
                yield session

    @asynccontextmanager
    async def waiting(self) -> AsyncIterator[None]:
        """While another server answers: no transaction open (nor SQLite's write turn held)."""
        if self.session is not None:
            async with unit.outside(self.session):
                yield
        else:
            yield

    async def providers(self) -> list[Live]:
        async with self.reading() as session:
            stored, order = await repo.provider_settings(session)
        return registry.live(self.settings, stored, order)

    def call(self, live: Live, retries: int | None = None) -> Call:
        return Call(live.provider, live.config, self.client or http.client(), self.settings.provider_timeout, retries)

    async def ask(
        self,
        operation: Operation,
        argument: str,
        *,
        only: str | None = None,
        deadline: float | None = None,
        errors: dict[str, str] | None = None,
    ) -> list[tuple[Live, Any]]:
        """(provider, answer) for every enabled provider with the capability (or just `only`) that answered in
        time, misses included, in priority order. Errors and late providers are left out (and reported in
        `errors`, by provider name, when given)."""
        candidates = [
            p for p in registry.PROVIDERS if operation.capability in p.capabilities and only in (None, p.name)
        ]
        keys = {p.name: cache_key(p, operation, argument) for p in candidates if p.remote}
        use_cache = self.settings.lookup_cache_ttl > 0
        async with self.reading() as session:  # one statement: the configuration and the cached answers
            (stored, order), hits = await repo.settings_and_cached(
                session, list(keys.values()) if use_cache else [], utcnow()
            )
        askable = [
            live
            for live in registry.live(self.settings, stored, order)
            if live.config.enabled and live.provider in candidates
        ]
        answers: dict[str, Any] = {}
        for live in askable:
            base_url, value = hits.get(keys.get(live.provider.name, ""), ("", None))
            if value is not None and base_url == live.config.base_url:
                answers[live.provider.name] = operation.adapter.validate_json(value)
        pending = [live for live in askable if live.provider.name not in answers]
        failed: dict[str, str] = {} if errors is None else errors
        limit = deadline or self.settings.lookup_deadline
        urls = {live.provider.name: live.config.base_url for live in askable}
        if any(live.provider.remote for live in pending):
            # outside the bound session's transaction: while providers answer, and while the cache is written
            # in its own unit (which, on SQLite, needs the write turn a bound write session would be holding)
            async with self.waiting():
                fresh = await self._fan_out(operation, argument, pending, limit, failed)
                await self._remember({keys[n]: (operation, urls[n], v) for n, v in fresh.items() if n in keys})
        else:  # nothing to wait for (the test provider answers from memory) and nothing to cache
            fresh = await self._fan_out(operation, argument, pending, limit, failed)
        answers.update(fresh)
        ordered = sorted((live for live in askable if live.provider.name in answers), key=lambda live: live.rank)
        return [(live, answers[live.provider.name]) for live in ordered]

    async def _fan_out(
        self, operation: Operation, argument: str, lives: list[Live], deadline: float, errors: dict[str, str]
    ) -> dict[str, Any]:
        if not lives:
            return {}
        tasks = {
            asyncio.ensure_future(operation.ask(live.provider, self.call(live), argument)): live.provider.name
            for live in lives
        }
        done, late = await asyncio.wait(tasks, timeout=deadline)
        for task in late:
            task.cancel()
            errors[tasks[task]] = f"{tasks[task]} did not answer in time"
            log.info("%s did not answer %s within %.1f s", tasks[task], operation.name, deadline)
        if late:
            await asyncio.gather(*late, return_exceptions=True)
        answers: dict[str, Any] = {}
        for task in done:
            name = tasks[task]
            error = task.exception()
            if error is None:
                answers[name] = task.result()
            elif isinstance(error, ProviderError):
                errors[name] = str(error)
                log.info("%s %s failed: %s", name, operation.name, error)
            else:  # a bug in a client must not take the lookup down with it, but it must be seen
                errors[name] = f"{name} failed"
                log.error("%s %s raised", name, operation.name, exc_info=error)
        return answers

    async def _remember(self, fresh: dict[str, tuple[Operation, str, Any]]) -> None:
        hit_ttl, miss_ttl = self.settings.lookup_cache_ttl, self.settings.lookup_cache_miss_ttl
        now = utcnow()
        entries = {}
        for key, (operation, base_url, value) in fresh.items():
            ttl = miss_ttl if _is_miss(value) else hit_ttl
            ttl = min(ttl, operation.max_ttl) if operation.max_ttl is not None else ttl
            if ttl > 0 and hit_ttl > 0:
                entries[key] = (base_url, operation.adapter.dump_json(value).decode(), now + timedelta(seconds=ttl))
        if not entries:
            return
        try:
            async with self.db.unit_of_work() as session:
                await repo.store_cached(session, entries)
        except SQLAlchemyError as exc:  # the cache is a help, never a reason to fail the lookup
            log.warning("lookup cache not written: %s", type(exc).__name__)
