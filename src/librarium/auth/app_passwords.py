"""App passwords: named secrets a user gives a reading app (OPDS catalogues, KOReader progress sync) instead of
the account password. They open only the reader routes (`/opds`, `/kosync`), never `/api/v1`.

The secret is shown once. The database keeps two keyed hashes (HMAC-SHA256 with a key derived from the
server's JWT secret): one of the secret, for HTTP Basic, and one of its MD5, which is what KOReader sends. A
check is one indexed lookup and an HMAC — microseconds, where an argon2 check would cost tens of milliseconds
on every request a reader makes. Failed attempts count against the sign-in rate limit.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from librarium.auth import repository as repo
from librarium.auth.ratelimit import AttemptLimiter
from librarium.auth.schemas import AppPasswordCreated, AppPasswordRead
from librarium.db.base import utcnow
from librarium.errors import BadRequest, NotFound, TooManyRequests, Unauthorized
from librarium.models import AppPassword

PREFIX = "lib_"
MAX_PER_USER = 50
TOUCH_EVERY = timedelta(minutes=5)  # last_used_at is written at most this often (not on every request)


CACHE_SECONDS = 10.0  # how long this process trusts a checked app password without asking the database


@dataclass(frozen=True)
class Account:
    """Who an app password belongs to (a plain snapshot: it outlives the session that read it)."""

    id: uuid.UUID
    username: str
    is_instance_admin: bool


@dataclass
class _Known:
    user: Account
    password_id: uuid.UUID
    until: float


# This process's memory of app passwords checked in the last few seconds (by keyed hash): a reader paging
# through a catalogue costs one HMAC per request, not a database round trip. A revocation or a deactivation in
# this process forgets the user at once; another process notices within CACHE_SECONDS.
_known: dict[str, _Known] = {}


def forget(user_id: uuid.UUID) -> None:
    for digest in [d for d, k in _known.items() if k.user.id == user_id]:
        _known.pop(digest, None)


@dataclass(frozen=True)
class Keyring:
    key: bytes

    @classmethod
    def from_secret(cls, jwt_secret: str) -> Keyring:
        return cls(hashlib.sha256(b"librarium app passwords\0" + jwt_secret.encode()).digest())

    def digest(self, value: str) -> str:
        return hmac.new(self.key, value.encode(), hashlib.sha256).hexdigest()

    def kosync_digest(self, secret: str) -> str:
        return self.digest("md5:" + hashlib.md5(secret.encode()).hexdigest())  # noqa: S324 (KOReader's scheme)


def view(row: AppPassword) -> AppPasswordRead:
    return AppPasswordRead(
        id=row.id, name=row.name, hint=row.hint + "…", created_at=row.created_at, last_used_at=row.last_used_at
    )


async def create(session: AsyncSession, keys: Keyring, user_id: uuid.UUID, name: str) -> AppPasswordCreated:
    name = name.strip()
    if not name:
        raise BadRequest("name is required")
    if len(name) > 128:
        raise BadRequest("name must be at most 128 characters")
    if await repo.count_app_passwords(session, user_id) >= MAX_PER_USER:
        raise BadRequest(f"at most {MAX_PER_USER} app passwords per user")
    secret = PREFIX + secrets.token_urlsafe(24)
    row = AppPassword(
        user_id=user_id, name=name, secret_hash=keys.digest(secret), kosync_hash=keys.kosync_digest(secret),
        hint=secret[: len(PREFIX) + 4],
    )  # fmt: skip
    session.add(row)
    await session.flush()
    return AppPasswordCreated(**view(row).model_dump(), password=secret)  # the only time the secret is shown


async def mine(session: AsyncSession, user_id: uuid.UUID) -> list[AppPasswordRead]:
    return [view(row) for row in await repo.app_passwords_of(session, user_id)]


async def revoke(session: AsyncSession, user_id: uuid.UUID, password_id: uuid.UUID) -> None:
    if not await repo.delete_app_password(session, user_id, password_id):
        raise NotFound("app password not found")
    forget(user_id)


async def revoke_all(session: AsyncSession, user_id: uuid.UUID) -> None:
    await repo.delete_app_passwords_of(session, user_id)
    forget(user_id)


async def check(
    session: AsyncSession, keys: Keyring, limiter: AttemptLimiter, client: str, username: str | None, secret: str,
    *, kosync: bool = False, stale: list[uuid.UUID],
) -> Account:  # fmt: skip
    """The active user `username` if `secret` is one of their app passwords (for kosync: the MD5 of one; with no
    username, from a URL path: whoever it belongs to). Unauthorized otherwise — also for the account password,
    another user's app password or a revoked one. A password whose last use should be recorded is added to
    `stale` (the caller records it in a write unit of its own: reader requests are reads)."""
    attempt_keys = (f"ip:{client}", f"id:{client}:{(username or '').lower()}")
    wait = limiter.retry_after(*attempt_keys)
    if wait:
        raise TooManyRequests(
            f"too many failed sign-in attempts; try again in {wait} seconds", headers={"Retry-After": str(wait)}
        )
    digest = keys.digest("md5:" + secret.lower()) if kosync else keys.digest(secret)
    cached = _known.get(digest)
    fresh = cached is not None and cached.until > time.monotonic()
    if cached is not None and fresh and (username is None or cached.user.username.lower() == username.lower()):
        return cached.user
    found = await repo.app_password_user(session, digest, kosync=kosync)
    named = username is None or (found is not None and found[1].username.lower() == username.lower())
    if found is None or not named or not found[1].is_active:
        limiter.fail(*attempt_keys)
        raise Unauthorized("invalid credentials")
    row, user = found
    if row.last_used_at is None or utcnow() - row.last_used_at > TOUCH_EVERY:
        stale.append(row.id)
    if len(_known) > 10_000:
        _known.clear()
    account = Account(user.id, user.username, user.is_instance_admin)
    _known[digest] = _Known(account, row.id, time.monotonic() + CACHE_SECONDS)
    return account


async def touch(session: AsyncSession, password_ids: list[uuid.UUID]) -> None:
    """Records that these app passwords were used just now."""
    await repo.touch_app_passwords(session, password_ids, utcnow())
