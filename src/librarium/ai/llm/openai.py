"""OpenAI's Chat Completions API (`POST /v1/chat/completions`), also spoken by Osaurus and most gateways."""

from __future__ import annotations

import contextlib
from typing import Any, ClassVar

from librarium.ai.llm.base import (
    DEFAULT_MAX_TOKENS,
    AIConfig,
    AIError,
    AIProvider,
    ConfigField,
    Reply,
    clipped,
    cost,
    decoded,
    error_message,
    items,
    obj,
)
from librarium.kit.http import HttpClient

MODELS = ("gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "gpt-4.1")


def messages(system: str, prompt: str) -> list[dict[str, str]]:
    first = [{"role": "system", "content": system}] if system else []
    return [*first, {"role": "user", "content": prompt}]


class OpenAI(AIProvider):
    name = "openai"
    display_name = "OpenAI"
    description = "GPT models through OpenAI's API (billed per token)."
    help_text = "Create an API key on the OpenAI platform and paste it here."
    help_url = "https://platform.openai.com/api-keys"
    default_model = "gpt-4o-mini"
    default_url = "https://api.openai.com"
    fields: ClassVar[tuple[ConfigField, ...]] = (
        ConfigField("api_key", "API key", "password", True, "sk-..."),
        ConfigField("model", "Model", "model", True, default_model, None, MODELS),
    )
    priced = True  # the pricing table applies (Osaurus runs locally: no cost)

    def headers(self, config: AIConfig) -> dict[str, str]:
        return {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}

    def clean(self, text: str) -> str:
        return text

    async def generate(self, http: HttpClient, config: AIConfig, system: str, prompt: str, max_tokens: int) -> Reply:
        if not config.base_url or (self.keyed and not config.api_key):
            raise AIError(f"{self.name} provider not configured")
        body = {
            "model": config.model,
            "messages": messages(system, prompt),
            "max_tokens": max_tokens if max_tokens > 0 else DEFAULT_MAX_TOKENS,
        }
        response = await self.post(http, config, "/v1/chat/completions", body, self.headers(config))
        if response.status_code != 200:
            data: Any = None
            with contextlib.suppress(AIError):
                data = decoded(self.name, response)
            message = error_message(data)
            if message:
                raise AIError(f"{self.name} {response.status_code}: {message}")
            raise AIError(f"{self.name} returned status {response.status_code}: {clipped(response.content)}")
        data = obj(decoded(self.name, response))
        choices = items(data.get("choices"))
        if not choices or not isinstance(choices[0], dict):
            raise AIError(f"{self.name} returned no choices")
        message_obj = obj(choices[0].get("message"))
        text = self.clean(str(message_obj.get("content") or ""))
        usage = obj(data.get("usage"))
        tokens_in, tokens_out = int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)
        price = cost(config.model, tokens_in, tokens_out) if self.priced else 0.0
        return Reply(text, config.model, tokens_in, tokens_out, price, choices[0].get("finish_reason") == "length")
