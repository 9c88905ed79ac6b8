"""Response shapes of the AI endpoints; the fields upstream leaves out when empty are left out here too."""

from __future__ import annotations

from typing import Any

from librarium.kit.schema import Model, Omitting


class ConfigFieldRead(Omitting):
    OMIT_EMPTY = ("placeholder", "help_text", "options")

    key: str
    label: str
    type: str
    required: bool
    placeholder: str | None = None
    help_text: str | None = None
    options: list[str] | None = None


class AIProviderStatus(Omitting):
    OMIT_EMPTY = ("help_text", "help_url", "config")

    name: str
    display_name: str
    description: str
    help_text: str | None = None
    help_url: str | None = None
    config_fields: list[ConfigFieldRead]
    enabled: bool
    active: bool
    has_api_key: bool
    config: dict[str, str] | None = None


class AITest(Omitting):
    OMIT_NULL = ("reply", "error")  # {ok, reply} or {ok: false, error}: a reply may be empty text

    ok: bool
    reply: str | None = None
    error: str | None = None


class AIPermissions(Model):
    reading_history: bool = False
    ratings: bool = False
    favourites: bool = False
    full_library: bool = False
    taste_profile: bool = False


class ModelList(Model):
    models: list[dict[str, Any]]


class JobSummary(Model):
    id: str
    display_name: str
    description: str
    kind: str
    enabled: bool


class AISuggestionsJobConfig(Model):
    enabled: bool
    interval_minutes: int
    max_buy_per_user: int
    max_read_next_per_user: int
    include_taste_profile: bool
    user_run_rate_limit_per_day: int
    max_tokens_initial: int
    max_tokens_backfill: int


class RunAll(Model):
    enqueued: int
    skipped: int


class Deleted(Model):
    deleted: int


class RunView(Omitting):
    OMIT_EMPTY = ("user_id", "model_id", "error", "finished_at")

    id: str
    user_id: str | None = None
    triggered_by: str
    provider_type: str
    model_id: str | None = None
    status: str
    error: str | None = None
    tokens_in: int
    tokens_out: int
    estimated_cost_usd: float
    started_at: str
    finished_at: str | None = None


class EventView(Model):
    seq: int
    type: str
    content: dict[str, Any]
    created_at: str


class RunDetail(Model):
    run: RunView
    events: list[EventView]


class AIPrefs(Model):
    opt_in: bool


class SuggestionView(Omitting):
    OMIT_EMPTY = ("book_id", "book_edition_id", "library_id", "author", "isbn", "cover_url", "reasoning")

    id: str
    type: str
    book_id: str | None = None
    book_edition_id: str | None = None
    library_id: str | None = None
    title: str
    author: str | None = None
    isbn: str | None = None
    cover_url: str | None = None
    reasoning: str | None = None
    status: str
    created_at: str


class Quota(Omitting):
    OMIT_EMPTY = ("resets_at",)

    used: int
    limit: int
    resets_at: str | None = None
    unlimited: bool
