"""SQL of the providers domain: instance settings and the lookup cache."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, literal, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.db import instance_settings
from librarium.models import InstanceSetting, LookupCacheEntry

PROVIDER_PREFIX = "provider:"
ORDER_KEY = "metadata_provider_order"


def _decode(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return None


Settings = tuple[dict[str, dict[str, str]], list[str] | None]
Cached = dict[str, tuple[str, str]]


def _settings_query() -> Select[str, str, str]:
    return select(InstanceSetting.key, InstanceSetting.value, literal("").label("base_url")).where(
        or_(InstanceSetting.key.startswith(PROVIDER_PREFIX), InstanceSetting.key == ORDER_KEY)
    )


def _settings(rows: list[tuple[str, str]]) -> Settings:
    configs: dict[str, dict[str, str]] = {}
    order: list[str] | None = None
    for key, value in rows:
        decoded = _decode(value)
        if key == ORDER_KEY:
            order = [n for n in decoded if isinstance(n, str)] if isinstance(decoded, list) else None
        elif isinstance(decoded, dict):
            configs[key[len(PROVIDER_PREFIX) :]] = {k: v for k, v in decoded.items() if isinstance(v, str)}
    return configs, order


async def provider_settings(session: AsyncSession) -> Settings:
    """Every provider's stored configuration (string → string) and the saved priority order, in one query."""
    rows = (await session.execute(_settings_query())).all()
    return _settings([(row[0], row[1]) for row in rows])


async def settings_and_cached(session: AsyncSession, keys: list[str], now: datetime) -> tuple[Settings, Cached]:
    """The provider settings and the unexpired cache entries among `keys` ({key: (base_url, value)}), in
    one statement: a lookup answered from the cache costs one round trip to the database."""
    stmt: Any = _settings_query()
    if keys:
        cache = select(LookupCacheEntry.key, LookupCacheEntry.value, LookupCacheEntry.base_url).where(
            LookupCacheEntry.key.in_(keys), LookupCacheEntry.expires_at > now
        )
        stmt = union_all(stmt, cache)
    rows = (await session.execute(stmt)).all()
    wanted = set(keys)
    cached = {key: (base_url, value) for key, value, base_url in rows if key in wanted}
    return _settings([(key, value) for key, value, _ in rows if key not in wanted]), cached


put_setting = instance_settings.put_setting


async def store_cached(session: AsyncSession, entries: dict[str, tuple[str, str, datetime]]) -> None:
    """Replaces the entries {key: (base_url, value, expires_at)} (a concurrent writer of the same key makes the
    flush fail; the caller ignores it)."""
    await session.execute(delete(LookupCacheEntry).where(LookupCacheEntry.key.in_(list(entries))))
    session.add_all(
        LookupCacheEntry(key=k, base_url=url, value=v, expires_at=exp) for k, (url, v, exp) in entries.items()
    )
    await session.flush()


async def purge_expired(session: AsyncSession, now: datetime) -> int:
    result = await session.execute(delete(LookupCacheEntry).where(LookupCacheEntry.expires_at <= now))
    return int(getattr(result, "rowcount", 0) or 0)
