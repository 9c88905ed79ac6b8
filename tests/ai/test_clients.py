"""Each AI provider client against recorded answers (tests/providers/recordings/ai_*.json): the request it
sends, the text, tokens, cost and truncation it reads back, and its errors in upstream's words."""

from __future__ import annotations

import json

import httpx
import pytest

from librarium.ai.llm.base import AIError, cost
from librarium.ai.llm.registry import BY_NAME
from librarium.kit.http import HttpClient

ANTHROPIC = "https://api.anthropic.com/v1/messages"
OPENAI = "https://api.openai.com/v1/chat/completions"
OLLAMA = "http://localhost:11434"
OSAURUS = "http://localhost:1337"


def http_for(stand_in) -> HttpClient:
    async def no_wait(_: float) -> None:
        return None

    return HttpClient(transport=stand_in.transport(), backoff=0, sleep=no_wait)


def config(name, **stored):
    return BY_NAME[name].configure(stored)


async def generate(stand_in, name, stored, system="Be brief.", prompt="Hello", max_tokens=0):
    provider = BY_NAME[name]
    return await provider.generate(http_for(stand_in), config(name, **stored), system, prompt, max_tokens)


async def test_anthropic_sends_a_messages_request_and_joins_the_text_blocks(stand_in):
    stand_in.on("POST", ANTHROPIC, recorded="ai_anthropic_message")
    reply = await generate(stand_in, "anthropic", {"api_key": "sk-ant-secret"})
    sent = stand_in.requests[0]
    body = json.loads(sent.content)
    assert sent.headers["x-api-key"] == "sk-ant-secret" and sent.headers["anthropic-version"] == "2023-06-01"
    assert body == {"model": "claude-opus-4-7", "max_tokens": 4096, "messages": [{"role": "user", "content": "Hello"}],
                    "system": [{"type": "text", "text": "Be brief."}]}  # fmt: skip
    assert (
        reply.text
        == "## Books to buy\n1. Project Hail Mary — Andy Weir — 9780593135204 — Because you loved The Martian."
    )
    assert (reply.tokens_in, reply.tokens_out, reply.truncated, reply.model_id) == (2095, 503, False, "claude-opus-4-7")
    assert reply.cost_usd == pytest.approx(2095 / 1e6 * 5 + 503 / 1e6 * 25)


async def test_anthropic_errors_and_rate_limits(stand_in):
    stand_in.on("POST", ANTHROPIC, recorded="ai_anthropic_error", status=401)
    with pytest.raises(AIError, match="anthropic messages: 401 invalid x-api-key"):
        await generate(stand_in, "anthropic", {"api_key": "wrong"})
    with pytest.raises(AIError, match="anthropic provider not configured"):
        await generate(stand_in, "anthropic", {})


async def test_openai_reads_choices_usage_and_the_pricing_table(stand_in):
    stand_in.on("POST", OPENAI, status=429, json_body={"error": {"message": "slow down"}}, once=True,
                headers={"retry-after": "0"})  # fmt: skip
    stand_in.on("POST", OPENAI, recorded="ai_openai_chat")
    reply = await generate(stand_in, "openai", {"api_key": "sk-1", "model": "gpt-4o"}, max_tokens=20)
    assert len(stand_in.requests) == 2  # the 429 was retried
    sent = stand_in.requests[-1]
    assert sent.headers["authorization"] == "Bearer sk-1"
    assert json.loads(sent.content) == {"model": "gpt-4o", "max_tokens": 20, "messages": [
        {"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hello"}]}  # fmt: skip
    assert (reply.text, reply.tokens_in, reply.tokens_out) == ("ready", 19, 10)
    assert reply.cost_usd == pytest.approx(cost("gpt-4o", 19, 10)) and reply.cost_usd > 0


async def test_openai_errors_in_upstream_words(stand_in):
    stand_in.on("POST", OPENAI, recorded="ai_openai_error", status=401)
    with pytest.raises(AIError, match=r"^openai 401: Incorrect API key provided"):
        await generate(stand_in, "openai", {"api_key": "sk-wrong"})
    stand_in.routes.clear()
    stand_in.on("POST", OPENAI, text="<html>bad gateway</html>", status=400)
    with pytest.raises(AIError, match=r"^openai returned status 400: <html>bad gateway</html>$"):
        await generate(stand_in, "openai", {"api_key": "sk-1"})
    stand_in.routes.clear()
    stand_in.on("POST", OPENAI, json_body={"choices": []})
    with pytest.raises(AIError, match="openai returned no choices"):
        await generate(stand_in, "openai", {"api_key": "sk-1"})
    stand_in.routes.clear()
    stand_in.on("POST", OPENAI, text="{not json")
    with pytest.raises(AIError, match="openai decode"):
        await generate(stand_in, "openai", {"api_key": "sk-1"})


async def test_a_timeout_is_an_error_not_a_hang(stand_in):
    stand_in.on("POST", OPENAI, error=httpx.ReadTimeout)
    with pytest.raises(AIError, match=r"^openai request: api.openai.com did not answer \(ReadTimeout\)"):
        await generate(stand_in, "openai", {"api_key": "sk-1"})
    assert len(stand_in.requests) == 2  # one retry, then the error


async def test_ollama_strips_thinking_and_counts_no_cost(stand_in):
    stand_in.on("POST", OLLAMA + "/api/chat", recorded="ai_ollama_chat")
    reply = await generate(stand_in, "ollama", {}, max_tokens=2048)
    body = json.loads(stand_in.requests[0].content)
    assert body["stream"] is False and body["options"] == {"num_predict": 2048} and body["model"] == "llama3"
    assert (reply.text, reply.tokens_in, reply.tokens_out, reply.cost_usd) == ("ready", 26, 282, 0.0)


async def test_ollama_falls_back_to_the_thinking_text_and_reports_errors(stand_in):
    message = {"content": "<think>only thoughts</think>", "thinking": "I think: ready"}
    stand_in.on("POST", OLLAMA + "/api/chat", json_body={"message": message, "done_reason": "length"})
    reply = await generate(stand_in, "ollama", {})
    assert (reply.text, reply.truncated) == ("I think: ready", True)
    stand_in.routes.clear()
    stand_in.on("POST", OLLAMA + "/api/chat", text='{"error":"model \\"nope\\" not found"}', status=404)
    with pytest.raises(AIError, match=r'^ollama returned status 404: \{"error":"model \\"nope\\" not found"\}'):
        await generate(stand_in, "ollama", {"model": "nope"})


async def test_osaurus_cuts_the_stats_trailer_and_flags_truncation(stand_in):
    stand_in.on("POST", OSAURUS + "/v1/chat/completions", recorded="ai_osaurus_chat")
    reply = await generate(stand_in, "osaurus", {"model": "llama-3.2-3b-instruct-4bit"})
    assert "authorization" not in stand_in.requests[0].headers  # no key, no header
    assert (reply.text, reply.truncated, reply.cost_usd) == ("ready", True, 0.0)


async def test_model_lists(stand_in):
    stand_in.on("GET", OLLAMA + "/api/tags", recorded="ai_ollama_tags")
    stand_in.on("GET", OSAURUS + "/v1/models", recorded="ai_osaurus_models")
    http = http_for(stand_in)
    ollama = await BY_NAME["ollama"].models(http, config("ollama"))  # type: ignore[attr-defined]
    assert ollama == [{"name": "llama3:latest", "size": 4661224676, "modified": "2026-10-02T11:15:05.215Z",
                       "digest": "365c0bd3c000a25d28ddbf732fe1c6add414de7275464c4e4d1c3b5fcb5d8ad1",
                       "family": "llama", "parameter_size": "8.0B", "quantization": "Q4_0"}]  # fmt: skip
    osaurus = await BY_NAME["osaurus"].models(http, config("osaurus"))  # type: ignore[attr-defined]
    assert osaurus == [{"id": "llama-3.2-3b-instruct-4bit", "owned_by": "osaurus", "created": 1764000000},
                       {"id": "qwen3-4b"}]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "stored", "enabled"),
    [
        ("anthropic", {}, False), ("anthropic", {"api_key": "k"}, True),
        ("anthropic", {"api_key": "k", "enabled": "false"}, False),
        ("openai", {"api_key": "k", "enabled": "true"}, True),
        ("ollama", {}, True), ("ollama", {"enabled": "false"}, False),
        ("osaurus", {}, False), ("osaurus", {"model": "m"}, True),
        ("osaurus", {"model": "m", "enabled": "false"}, False),
    ],
)  # fmt: skip
def test_enabled_rules(name, stored, enabled):
    assert BY_NAME[name].configure(stored).enabled is enabled


def test_base_url_and_time_limit_come_from_the_admin_then_the_environment_then_the_default():
    ollama = BY_NAME["ollama"]
    assert ollama.configure({}).base_url == OLLAMA and ollama.configure({}).timeout == 600
    assert ollama.configure({}, "http://gpu-box:11434/").base_url == "http://gpu-box:11434"
    assert (
        ollama.configure({"base_url": "http://a:1/", "timeout_seconds": "1800"}, "http://b:2").base_url == "http://a:1"
    )
    assert ollama.configure({"timeout_seconds": "1800"}).timeout == 1800
    assert BY_NAME["openai"].configure({}, timeout=90).timeout == 90
