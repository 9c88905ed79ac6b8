"""Ollama's chat API (`POST /api/chat`, not streamed) and its model list (`GET /api/tags`)."""

from __future__ import annotations

from typing import Any, ClassVar

from librarium.ai.llm.base import (
    DEFAULT_MAX_TOKENS,
    AIConfig,
    AIError,
    AIProvider,
    ConfigField,
    Reply,
    clipped,
    decoded,
    list_json,
    obj,
    without_thinking,
)
from librarium.ai.llm.openai import messages
from librarium.kit.http import HttpClient

NEVER = "0001-01-01T00:00:00Z"


class Ollama(AIProvider):
    name = "ollama"
    display_name = "Ollama"
    description = "Local models through an Ollama server; no per-request cost."
    help_text = "Install Ollama, pull a model (ollama pull llama3) and point this at the server."
    help_url = "https://ollama.com"
    default_model = "llama3"
    default_url = "http://localhost:11434"
    default_timeout = 600.0  # local generations are slow; never cut at a minute
    keyed = False
    fields: ClassVar[tuple[ConfigField, ...]] = (
        ConfigField("base_url", "Base URL", "url", True, "http://localhost:11434"),
        ConfigField("model", "Model", "text", True, "llama3", "Any model pulled on the Ollama server."),
    )

    async def generate(self, http: HttpClient, config: AIConfig, system: str, prompt: str, max_tokens: int) -> Reply:
        if not config.base_url:
            raise AIError("ollama provider not configured")
        body = {
            "model": config.model,
            "messages": messages(system, prompt),
            "stream": False,
            "options": {"num_predict": max_tokens if max_tokens > 0 else DEFAULT_MAX_TOKENS},
        }
        response = await self.post(http, config, "/api/chat", body, {})
        if response.status_code != 200:
            raise AIError(f"ollama returned status {response.status_code}: {clipped(response.content)}")
        data = decoded("ollama", response)
        if not isinstance(data, dict):
            raise AIError("ollama decode: not an object")
        message = obj(data.get("message"))
        text = without_thinking(str(message.get("content") or ""))
        if not text and message.get("thinking"):
            text = str(message["thinking"])  # a thinking model that spent its budget reasoning
        tokens_in, tokens_out = int(data.get("prompt_eval_count") or 0), int(data.get("eval_count") or 0)
        return Reply(text, config.model, tokens_in, tokens_out, 0.0, data.get("done_reason") == "length")

    async def models(self, http: HttpClient, config: AIConfig) -> list[dict[str, Any]]:
        data = await list_json(http, config.base_url + "/api/tags", "ollama /api/tags")
        entries = data.get("models") if isinstance(data, dict) else None
        out: list[dict[str, Any]] = []
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict):
                continue
            details = obj(entry.get("details"))
            model: dict[str, Any] = {
                "name": str(entry.get("name") or ""),
                "size": int(entry.get("size") or 0),
                "modified": str(entry.get("modified_at") or NEVER),
                "digest": str(entry.get("digest") or ""),
            }
            for key, source in (("family", "family"), ("parameter_size", "parameter_size"),
                                ("quantization", "quantization_level")):  # fmt: skip
                if details.get(source):
                    model[key] = str(details[source])
            out.append(model)
        return out
