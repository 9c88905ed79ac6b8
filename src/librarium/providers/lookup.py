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
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from pydantic import TypeAdapter
from sqlalchemy.exc import SQLAlchemyError

from librarium.config import Settings
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


ISBN = Operation("isbn", "book_isbn", TypeAdapter(BookResult | None), lambda p, c, a: p.lookup_isbn(c, a))
BOOKS = Operation("books", "book_search", TypeAdapter(list[BookResult]), lambda p, c, a: p.search_books(c, a))
SERIES = Operation("series", "series_name", TypeAdapter(list[SeriesResult]), lambda p, c, a: p.search_series(c, a))
VOLUMES = Operation(
    "volumes", "series_volumes", TypeAdapter(list[VolumeResult] | None), lambda p, c, a: p.series_volumes(c, a)
)
CONTRIBUTORS = Operation(
    "contributors", "contributor", TypeAdapter(list[ContributorHit]), lambda p, c, a: p.search_contributors(c, a)
)
CONTRIBUTOR = Operation(
    "contributor", "contributor", TypeAdapter(ContributorRecord | None), lambda p, c, a: p.fetch_contributor(c, a)
)


def cache_key(live: Live, operation: Operation, argument: str) -> str:
    """`<provider>:<operation>:<digest>`; the digest covers the base URL too, so a mirror's answers are
    not mistaken for the service's."""
    digest = hashlib.sha256(f"{live.config.base_url}\n{argument}".encode()).hexdigest()[:40]
    return f"{live.provider.name}:{operation.name}:{digest}"


def _is_miss(value: Any) -> bool:
    return value is None or value == []


class Lookup:
    def __init__(self, db: Database, settings: Settings, client: http.HttpClient | None = None):
        self.db = db
        self.settings = settings
        self.client = client

    async def providers(self) -> list[Live]:
        async with self.db.unit_of_work(write=False) as session:
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
        askable = [
            live
            for live in await self.providers()
            if live.config.enabled
            and operation.capability in live.provider.capabilities
            and (only is None or live.provider.name == only)
        ]
        keys = {lv.provider.name: cache_key(lv, operation, argument) for lv in askable if lv.provider.remote}
        hits = await self._cached(list(keys.values()))
        answers: dict[str, Any] = {}
        for name, key in keys.items():
            if key in hits:
                answers[name] = operation.adapter.validate_json(hits[key])
        pending = [live for live in askable if live.provider.name not in answers]
        failed: dict[str, str] = {} if errors is None else errors
        fresh = await self._fan_out(operation, argument, pending, deadline or self.settings.lookup_deadline, failed)
        answers.update(fresh)
        await self._remember({keys[name]: (operation, value) for name, value in fresh.items() if name in keys})
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

    async def _cached(self, keys: list[str]) -> dict[str, str]:
        if not keys or self.settings.lookup_cache_ttl == 0:
            return {}
        async with self.db.unit_of_work(write=False) as session:
            return await repo.cached(session, keys, utcnow())

    async def _remember(self, fresh: dict[str, tuple[Operation, Any]]) -> None:
        hit_ttl, miss_ttl = self.settings.lookup_cache_ttl, self.settings.lookup_cache_miss_ttl
        now = utcnow()
        entries = {}
        for key, (operation, value) in fresh.items():
            ttl = miss_ttl if _is_miss(value) else hit_ttl
            if ttl > 0 and hit_ttl > 0:
                entries[key] = (operation.adapter.dump_json(value).decode(), now + timedelta(seconds=ttl))
        if not entries:
            return
        try:
            async with self.db.unit_of_work() as session:
                await repo.store_cached(session, entries)
        except SQLAlchemyError as exc:  # the cache is a help, never a reason to fail the lookup
            log.warning("lookup cache not written: %s", type(exc).__name__)
