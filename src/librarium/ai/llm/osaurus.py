"""Osaurus, a local OpenAI-compatible server (MLX on Apple Silicon); no per-token cost."""

from __future__ import annotations

from typing import Any, ClassVar

from librarium.ai.llm.base import AIConfig, ConfigField, list_json, without_thinking
from librarium.ai.llm.openai import OpenAI
from librarium.kit.http import HttpClient

STATS_MARK = "\ufffe"  # Osaurus appends its performance figures after this character


class Osaurus(OpenAI):
    name = "osaurus"
    display_name = "Osaurus"
    description = "Local models through an Osaurus server; no per-request cost."
    help_text = (
        "Point this at a running Osaurus server (port 1337 by default) and pick a downloaded model. "
        "The API key is only needed behind an authenticating proxy."
    )
    help_url = "https://docs.osaurus.ai/"
    default_model = ""
    default_url = "http://localhost:1337"
    default_timeout = 600.0
    keyed = False
    priced = False
    fields: ClassVar[tuple[ConfigField, ...]] = (
        ConfigField("base_url", "Base URL", "url", True, "http://localhost:1337"),
        ConfigField(
            "model",
            "Model",
            "text",
            True,
            "llama-3.2-3b-instruct-4bit",
            "Any model downloaded in the Osaurus app; the list comes from the server's /v1/models.",
        ),  # fmt: skip
        ConfigField("api_key", "API key (optional)", "password", False, "only if fronted by an auth proxy"),
    )

    def clean(self, text: str) -> str:
        return without_thinking(text.split(STATS_MARK, 1)[0].rstrip(" \t\r\n"))

    async def models(self, http: HttpClient, config: AIConfig) -> list[dict[str, Any]]:
        data = await list_json(http, config.base_url + "/v1/models", "osaurus /v1/models", self.headers(config))
        entries = data.get("data") if isinstance(data, dict) else None
        out: list[dict[str, Any]] = []
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict) or not entry.get("id"):
                continue
            model: dict[str, Any] = {"id": str(entry["id"])}
            if entry.get("owned_by"):
                model["owned_by"] = str(entry["owned_by"])
            if isinstance(entry.get("created"), int) and entry["created"]:
                model["created"] = entry["created"]
            out.append(model)
        return out
