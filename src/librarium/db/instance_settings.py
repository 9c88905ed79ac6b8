"""Writing one instance setting (a JSON value under a key in `instance_settings`), shared by the domains that
keep their configuration there (metadata providers, AI)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from librarium.db.base import utcnow
from librarium.models import InstanceSetting


async def put_setting(session: AsyncSession, key: str, value: Any) -> None:
    row = await session.get(InstanceSetting, key)
    text = json.dumps(value)
    if row is None:
        session.add(InstanceSetting(key=key, value=text))
    else:
        row.value, row.updated_at = text, utcnow()
    await session.flush()
