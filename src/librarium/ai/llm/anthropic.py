"""Anthropic's Messages API (`POST /v1/messages`)."""

from __future__ import annotations

from typing import ClassVar

from librarium.ai.llm.base import (
    DEFAULT_MAX_TOKENS,
    AIConfig,
    AIError,
    AIProvider,
    ConfigField,
    Reply,
    cost,
    decoded,
    error_message,
    items,
    obj,
)
from librarium.kit.http import HttpClient

API_VERSION = "2023-06-01"
MODELS = ("claude-opus-4-7", "claude-opus-4-6", "claude-sonnet-4-6", "claude-haiku-4-5")


class Anthropic(AIProvider):
    name = "anthropic"
    display_name = "Anthropic"
    description = "Claude models through Anthropic's API (billed per token)."
    help_text = "Create an API key in the Anthropic console and paste it here."
    help_url = "https://console.anthropic.com/settings/keys"
    default_model = "claude-opus-4-7"
    default_url = "https://api.anthropic.com"
    default_timeout = 300.0
    fields: ClassVar[tuple[ConfigField, ...]] = (
        ConfigField("api_key", "API key", "password", True, "sk-ant-..."),
        ConfigField(
            "model", "Model", "model", True, default_model, "Larger models suggest better and cost more.", MODELS
        ),
    )

    async def generate(self, http: HttpClient, config: AIConfig, system: str, prompt: str, max_tokens: int) -> Reply:
        if not config.api_key:
            raise AIError("anthropic provider not configured")
        body: dict[str, object] = {
            "model": config.model,
            "max_tokens": max_tokens if max_tokens > 0 else DEFAULT_MAX_TOKENS,
            "messages": [{"role": "user", "content": prompt}],
        }
        if system:
            body["system"] = [{"type": "text", "text": system}]
        headers = {"x-api-key": config.api_key, "anthropic-version": API_VERSION}
        response = await self.post(http, config, "/v1/messages", body, headers)
        data = decoded("anthropic", response) if response.content else None
        if response.status_code != 200:
            message = error_message(data) or f"status {response.status_code}"
            raise AIError(f"anthropic messages: {response.status_code} {message}")
        if not isinstance(data, dict):
            raise AIError("anthropic messages: malformed response")
        blocks = items(data.get("content"))
        text = "".join(b.get("text", "") for b in blocks if isinstance(b, dict) and b.get("type") == "text")
        usage = obj(data.get("usage"))
        tokens_in, tokens_out = int(usage.get("input_tokens") or 0), int(usage.get("output_tokens") or 0)
        return Reply(
            text, config.model, tokens_in, tokens_out, cost(config.model, tokens_in, tokens_out),
            data.get("stop_reason") == "max_tokens",
        )  # fmt: skip
