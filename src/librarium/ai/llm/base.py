"""What every AI provider client shares: its registry entry (config fields, defaults), the rules that turn a
stored configuration into a live one, and `Reply`, what one generation gave back.

The clients speak each vendor's HTTP API through the shared HTTP client (kit/http.py) rather than the
vendors' SDKs: one place for time limits, retries, logging without secrets, and the test transport; the
four APIs are small, stable JSON calls. Clients never touch the database.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, ClassVar

from librarium.errors import AppError
from librarium.kit.http import HttpClient

# USD per million tokens (input, output); an unknown model costs 0
PRICES: dict[str, tuple[float, float]] = {
    "claude-opus-4-7": (5.0, 25.0),
    "claude-opus-4-6": (5.0, 25.0),
    "claude-opus-4-5": (5.0, 25.0),
    "claude-sonnet-4-6": (3.0, 15.0),
    "claude-sonnet-4-5": (3.0, 15.0),
    "claude-haiku-4-5": (1.0, 5.0),
    "gpt-4o": (2.5, 10.0),
    "gpt-4o-mini": (0.15, 0.6),
    "gpt-4.1": (2.0, 8.0),
    "gpt-4.1-mini": (0.4, 1.6),
}

DEFAULT_MAX_TOKENS = 4096
THINK = re.compile(r"<think>.*?</think>\s*", re.IGNORECASE | re.DOTALL)


def cost(model: str, tokens_in: int, tokens_out: int) -> float:
    price_in, price_out = PRICES.get(model, (0.0, 0.0))
    return tokens_in / 1e6 * price_in + tokens_out / 1e6 * price_out


def without_thinking(text: str) -> str:
    """Removes closed <think>…</think> blocks (reasoning models put them before the answer)."""
    return THINK.sub("", text).strip()


def clipped(body: bytes, limit: int = 200) -> str:
    text = body.decode("utf-8", "replace")
    return text if len(text) <= limit else text[:limit] + "…"


class AIError(Exception):
    """The provider did not give a usable answer; the message is shown to the admin and in the run log."""


@dataclass(frozen=True)
class ConfigField:
    key: str
    label: str
    type: str
    required: bool
    placeholder: str | None = None
    help_text: str | None = None
    options: tuple[str, ...] | None = None

    def view(self) -> dict[str, Any]:
        out: dict[str, Any] = {"key": self.key, "label": self.label, "type": self.type, "required": self.required}
        if self.placeholder:
            out["placeholder"] = self.placeholder
        if self.help_text:
            out["help_text"] = self.help_text
        if self.options:
            out["options"] = list(self.options)
        return out


@dataclass(frozen=True)
class AIConfig:
    enabled: bool
    base_url: str
    model: str
    api_key: str
    timeout: float  # seconds one generation may take


@dataclass(frozen=True)
class Reply:
    text: str
    model_id: str
    tokens_in: int
    tokens_out: int
    cost_usd: float
    truncated: bool


class AIProvider:
    name: ClassVar[str]
    display_name: ClassVar[str]
    description: ClassVar[str]
    help_text: ClassVar[str | None] = None
    help_url: ClassVar[str | None] = None
    fields: ClassVar[tuple[ConfigField, ...]]
    default_model: ClassVar[str] = ""
    default_url: ClassVar[str]
    default_timeout: ClassVar[float] = 120.0
    keyed: ClassVar[bool] = True  # enabled only with an api_key (the hosted services)

    def configure(self, stored: dict[str, str], env_url: str = "", timeout: float = 0.0) -> AIConfig:
        """Upstream's enabled rules. Keyed providers: `enabled` (when present) must be "true" and a key must
        be set. Local ones: `enabled` when present decides, otherwise a base URL and a model must be set.
        `timeout_seconds` in the stored map, or `timeout` (LIBRARIUM_AI_TIMEOUT), overrides the default."""
        base_url = (stored.get("base_url") or env_url or self.default_url).strip().rstrip("/")
        model = stored.get("model") or self.default_model
        api_key = stored.get("api_key", "")
        if self.keyed:
            enabled = api_key != "" and stored.get("enabled", "true") == "true"
        elif "enabled" in stored:
            enabled = stored["enabled"] == "true"
        else:
            enabled = bool(base_url and model)
        return AIConfig(enabled, base_url, model, api_key, _timeout(stored, timeout, self.default_timeout))

    def info(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "display_name": self.display_name, "description": self.description}
        if self.help_text:
            out["help_text"] = self.help_text
        if self.help_url:
            out["help_url"] = self.help_url
        out["config_fields"] = [f.view() for f in self.fields]
        return out

    async def generate(self, http: HttpClient, config: AIConfig, system: str, prompt: str, max_tokens: int) -> Reply:
        raise NotImplementedError

    async def post(self, http: HttpClient, config: AIConfig, path: str, body: Any, headers: dict[str, str]) -> Any:
        """POST JSON and return the response; a transport failure after the retries is an AIError."""
        try:
            return await http.request(
                "POST", config.base_url + path, json=body, headers=headers, time_limit=config.timeout, retries=1
            )
        except AppError as exc:
            raise AIError(f"{self.name} request: {exc.message}") from exc


async def list_json(http: HttpClient, url: str, what: str, headers: dict[str, str] | None = None) -> Any:
    """GET a local server's model list (5 s at most, no retry); errors worded `<what>: …` as upstream."""
    try:
        response = await http.request("GET", url, headers=headers or {}, time_limit=5.0, retries=0)
    except AppError as exc:
        raise AIError(f"{what}: {exc.message}") from exc
    if response.status_code != 200:
        raise AIError(f"{what} returned status {response.status_code}: {clipped(response.content)}")
    return decoded(what, response)


def _timeout(stored: dict[str, str], override: float, default: float) -> float:
    try:
        own = float(stored.get("timeout_seconds", "") or 0)
    except ValueError:
        own = 0.0
    return own if own > 0 else override if override > 0 else default


def decoded(provider: str, response: Any) -> Any:
    try:
        return json.loads(response.content)
    except ValueError as exc:
        raise AIError(f"{provider} decode: {exc}") from exc


def error_message(body: Any) -> str:
    """`error.message` of an OpenAI- or Anthropic-style error body, or ""."""
    error = body.get("error") if isinstance(body, dict) else None
    message = error.get("message") if isinstance(error, dict) else None
    return message if isinstance(message, str) else ""


def obj(value: Any) -> dict[str, Any]:
    """`value` when it is a JSON object, else {} (provider bodies are not trusted to have the right shape)."""
    return value if isinstance(value, dict) else {}


def items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
