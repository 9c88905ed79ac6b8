"""SQL of the providers domain: instance settings and the lookup cache."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.db.base import utcnow
from librarium.models import InstanceSetting, LookupCacheEntry

PROVIDER_PREFIX = "provider:"
ORDER_KEY = "metadata_provider_order"


def _decode(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return None


async def provider_settings(session: AsyncSession) -> tuple[dict[str, dict[str, str]], list[str] | None]:
    """Every provider's stored configuration (string → string) and the saved priority order, in one query."""
    stmt = select(InstanceSetting.key, InstanceSetting.value).where(
        or_(InstanceSetting.key.startswith(PROVIDER_PREFIX), InstanceSetting.key == ORDER_KEY)
    )
    configs: dict[str, dict[str, str]] = {}
    order: list[str] | None = None
    for key, value in (await session.execute(stmt)).all():
        decoded = _decode(value)
        if key == ORDER_KEY:
            order = [n for n in decoded if isinstance(n, str)] if isinstance(decoded, list) else None
        elif isinstance(decoded, dict):
            configs[key[len(PROVIDER_PREFIX) :]] = {k: v for k, v in decoded.items() if isinstance(v, str)}
    return configs, order


async def put_setting(session: AsyncSession, key: str, value: Any) -> None:
    row = await session.get(InstanceSetting, key)
    text = json.dumps(value)
    if row is None:
        session.add(InstanceSetting(key=key, value=text))
    else:
        row.value = text
        row.updated_at = utcnow()
    await session.flush()


async def cached(session: AsyncSession, keys: list[str], now: datetime) -> dict[str, str]:
    if not keys:
        return {}
    stmt = select(LookupCacheEntry.key, LookupCacheEntry.value).where(
        LookupCacheEntry.key.in_(keys), LookupCacheEntry.expires_at > now
    )
    return {key: value for key, value in (await session.execute(stmt)).all()}


async def store_cached(session: AsyncSession, entries: dict[str, tuple[str, datetime]]) -> None:
    """Replaces the entries (a concurrent writer of the same key makes the flush fail; the caller ignores it)."""
    await session.execute(delete(LookupCacheEntry).where(LookupCacheEntry.key.in_(list(entries))))
    session.add_all(LookupCacheEntry(key=k, value=v, expires_at=exp) for k, (v, exp) in entries.items())
    await session.flush()


async def purge_expired(session: AsyncSession, now: datetime) -> int:
    result = await session.execute(delete(LookupCacheEntry).where(LookupCacheEntry.expires_at <= now))
    return int(getattr(result, "rowcount", 0) or 0)
