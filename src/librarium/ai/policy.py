"""The admin's AI policy: which parts of a user's data a prompt may contain (permissions), how the suggestions
job runs (job config), and which provider is active, all read from instance settings on every use."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from librarium.ai import repository as repo
from librarium.ai.llm.base import AIConfig, AIProvider
from librarium.ai.llm.registry import BY_NAME, PROVIDERS, env_url
from librarium.config import Settings
from librarium.errors import BadRequest

INITIAL_TOKENS = 6000
BACKFILL_TOKENS = 3000
POOL_CAP = 30  # `new` suggestions kept per user and type, across runs


@dataclass(frozen=True)
class Permissions:
    reading_history: bool = False
    ratings: bool = False
    favourites: bool = False
    full_library: bool = False
    taste_profile: bool = False

    @classmethod
    def from_stored(cls, value: Any) -> Permissions:
        stored = value if isinstance(value, dict) else {}
        return cls(**{f.name: stored.get(f.name) is True for f in fields(cls)})

    @classmethod
    def from_body(cls, body: Any) -> Permissions:
        """The whole object: a key left out is off (restrictive wins)."""
        if not isinstance(body, dict) or not all(isinstance(v, bool) for v in body.values()):
            raise BadRequest("invalid request body")
        return cls.from_stored(body)

    def view(self) -> dict[str, bool]:
        return asdict(self)


@dataclass(frozen=True)
class JobConfig:
    enabled: bool = False
    interval_minutes: int = 4320
    max_buy_per_user: int = 5
    max_read_next_per_user: int = 5
    include_taste_profile: bool = True
    user_run_rate_limit_per_day: int = 1  # -1 unlimited, 0 user runs off, N per rolling 24 h
    max_tokens_initial: int = INITIAL_TOKENS
    max_tokens_backfill: int = BACKFILL_TOKENS

    @classmethod
    def from_stored(cls, value: Any) -> JobConfig:
        """The stored values over the defaults; a token cap of 0 means the default."""
        stored = value if isinstance(value, dict) else {}
        defaults = cls()
        values: dict[str, Any] = {}
        for f in fields(cls):
            given = stored.get(f.name)
            wanted = bool if f.type in (bool, "bool") else int
            ok = isinstance(given, bool) if wanted is bool else isinstance(given, int) and not isinstance(given, bool)
            values[f.name] = given if ok else getattr(defaults, f.name)
        values["max_tokens_initial"] = values["max_tokens_initial"] or INITIAL_TOKENS
        values["max_tokens_backfill"] = values["max_tokens_backfill"] or BACKFILL_TOKENS
        return cls(**values)

    def updated(self, body: Any) -> JobConfig:
        """Upstream's validation and messages. Unlike upstream (where an omitted field became 0, and an omitted
        rate limit silently turned user runs off), a field left out keeps its current value."""
        if not isinstance(body, dict):
            raise BadRequest("invalid request body")
        values = asdict(self)
        for f in fields(self):
            if f.name not in body:
                continue
            given = body[f.name]
            if f.type in (bool, "bool"):
                if not isinstance(given, bool):
                    raise BadRequest("invalid request body")
            elif isinstance(given, bool) or not isinstance(given, int) or abs(given) > 2**31 - 1:
                raise BadRequest("invalid request body")
            values[f.name] = given
        new = JobConfig(**values)
        if new.interval_minutes < 0:
            raise BadRequest("interval_minutes must be >= 0")
        if new.max_buy_per_user < 0 or new.max_read_next_per_user < 0:
            raise BadRequest("per-user caps must be >= 0")
        if new.user_run_rate_limit_per_day < -1:
            raise BadRequest("user_run_rate_limit_per_day must be >= -1 (-1 = unlimited, 0 = disabled)")
        if new.max_tokens_initial < 0 or new.max_tokens_backfill < 0:
            raise BadRequest("token caps must be >= 0")
        return new

    def view(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Live:
    provider: AIProvider
    config: AIConfig
    stored: dict[str, str]


@dataclass(frozen=True)
class Policy:
    """Everything the AI code reads from instance settings, read in one query."""

    providers: list[Live]
    active_name: str
    permissions: Permissions
    job: JobConfig

    @property
    def active(self) -> Live | None:
        """The selected provider when it is enabled (a disabled selection counts as none)."""
        found = next((live for live in self.providers if live.provider.name == self.active_name), None)
        return found if found is not None and found.config.enabled else None

    def live(self, name: str) -> Live:
        found = next((live for live in self.providers if live.provider.name == name), None)
        if found is None:
            raise BadRequest(f'unknown AI provider "{name}"')
        return found


def stored_map(value: Any) -> dict[str, str]:
    return {k: v for k, v in value.items() if isinstance(v, str)} if isinstance(value, dict) else {}


async def load(session: Any, settings: Settings) -> Policy:
    stored = await repo.settings(session)
    providers = [
        Live(p, p.configure(own, env_url(settings, p.name), settings.ai_timeout), own)
        for p in PROVIDERS
        for own in [stored_map(stored.get(repo.PROVIDER_PREFIX + p.name))]
    ]
    active = stored.get(repo.ACTIVE_KEY)
    return Policy(
        providers,
        active if isinstance(active, str) and active in BY_NAME else "",
        Permissions.from_stored(stored.get(repo.PERMISSIONS_KEY)),
        JobConfig.from_stored(stored.get(repo.JOB_KEY)),
    )
