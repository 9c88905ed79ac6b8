"""The four AI providers in upstream's registration order (the order of GET /admin/connections/ai)."""

from __future__ import annotations

from librarium.ai.llm.anthropic import Anthropic
from librarium.ai.llm.base import AIProvider
from librarium.ai.llm.ollama import Ollama
from librarium.ai.llm.openai import OpenAI
from librarium.ai.llm.osaurus import Osaurus
from librarium.config import Settings

PROVIDERS: tuple[AIProvider, ...] = (Anthropic(), OpenAI(), Ollama(), Osaurus())
BY_NAME = {p.name: p for p in PROVIDERS}
LISTS_MODELS = ("ollama", "osaurus")


def env_url(settings: Settings, name: str) -> str:
    """LIBRARIUM_<PROVIDER>_URL (e.g. LIBRARIUM_OLLAMA_URL), or "" for the provider's default."""
    value = getattr(settings, f"{name}_url", "")
    return value if isinstance(value, str) else ""
