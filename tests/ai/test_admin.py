"""The admin's AI endpoints: connections (masking, merge, enabled rules, test probe, active provider, model
lists), permissions, the job list and config with upstream's validation — and who may call them."""

from __future__ import annotations

import pytest

from tests.ai.fake_llm import Script, fake_llm

AI = "/admin/connections/ai"
JOB = "/admin/jobs/ai-suggestions"
DEFAULTS = {
    "enabled": False, "interval_minutes": 4320, "max_buy_per_user": 5, "max_read_next_per_user": 5,
    "include_taste_profile": True, "user_run_rate_limit_per_day": 1, "max_tokens_initial": 6000,
    "max_tokens_backfill": 3000,
}  # fmt: skip


async def test_connections_list_the_four_providers_with_their_fields_and_masked_secrets(api):
    admin = await api.admin()
    data = (await api.get(AI, admin)).json()["data"]
    assert [p["name"] for p in data] == ["anthropic", "openai", "ollama", "osaurus"]
    anthropic, openai, ollama, osaurus = data
    assert anthropic["config_fields"][0] == {"key": "api_key", "label": "API key", "type": "password",
                                             "required": True, "placeholder": "sk-ant-..."}  # fmt: skip
    assert anthropic["config_fields"][1]["options"][0] == "claude-opus-4-7"
    assert (anthropic["enabled"], anthropic["active"], anthropic["has_api_key"]) == (False, False, False)
    assert "config" not in anthropic
    assert ollama["enabled"] is True and osaurus["enabled"] is False  # upstream's fresh-install rules
    assert [f["key"] for f in osaurus["config_fields"]] == ["base_url", "model", "api_key"]

    r = await api.put(AI + "/anthropic", admin, json={"api_key": "sk-ant-secret", "model": "claude-haiku-4-5"})
    assert r.status_code == 200
    anthropic = r.json()["data"][0]
    assert anthropic["config"] == {"api_key": "***", "model": "claude-haiku-4-5"}
    assert (anthropic["enabled"], anthropic["has_api_key"]) == (True, True)
    assert "sk-ant-secret" not in r.text
    # the mask sent back keeps the key; an enabled flag of "false" turns it off
    r = await api.put(AI + "/anthropic", admin, json={"api_key": "***", "enabled": "false"})
    anthropic = r.json()["data"][0]
    assert (anthropic["enabled"], anthropic["has_api_key"], anthropic["config"]["enabled"]) == (False, True, "false")


@pytest.mark.parametrize(
    ("path", "body", "status", "message"),
    [
        (AI + "/nope", {"a": "b"}, 400, 'unknown AI provider "nope"'),
        (AI + "/openai", {"enabled": True}, 400, "invalid request body"),
        (AI + "/openai", ["x"], 400, "invalid request body"),
    ],
)
async def test_configure_refuses_bad_input(api, path, body, status, message):
    r = await api.put(path, await api.admin(), json=body)
    assert (r.status_code, r.json()) == (status, {"error": message})


async def test_the_active_provider_and_the_test_probe(api):
    admin = await api.admin()
    r = await api.post(AI + "/active", admin, json={"provider": "nope"})
    assert (r.status_code, r.json()) == (400, {"error": 'unknown AI provider "nope"'})
    assert (await api.post(AI + "/active", admin, json=["x"])).status_code == 400
    assert (await api.post(AI + "/active", admin, json={"provider": "anthropic"})).status_code == 204
    assert [p["active"] for p in (await api.get(AI, admin)).json()["data"]] == [True, False, False, False]
    r = await api.post(AI + "/anthropic/test", admin)
    assert r.json() == {"data": {"ok": False, "error": "provider is disabled — save config and enable it first"}}
    assert (await api.post(AI + "/nope/test", admin)).json() == {
        "data": {"ok": False, "error": 'unknown AI provider "nope"'}
    }
    script = Script(replies=["ready"])
    with fake_llm(script) as base:
        await api.put(AI + "/osaurus", admin, json={"base_url": base, "model": "local-model"})
        r = await api.post(AI + "/osaurus/test", admin)
        assert r.json() == {"data": {"ok": True, "reply": "ready"}}
        sent = script.requests[0]["body"]
        assert sent["max_tokens"] == 2048 and sent["messages"] == [
            {"role": "user", "content": "Reply with the single word: ready."}]  # fmt: skip
        r = await api.get(AI + "/osaurus/models", admin)
        assert r.json() == {"data": {"models": [{"id": "local-model", "owned_by": "me", "created": 1}]}}
        await api.put(AI + "/ollama", admin, json={"base_url": base})
        models = (await api.get(AI + "/ollama/models", admin)).json()["data"]["models"]
        assert models[0]["name"] == "llama3:latest" and models[0]["family"] == "llama"
    # the server is gone: upstream's 503 shape, the error inside `data`
    r = await api.get(AI + "/ollama/models", admin)
    assert r.status_code == 503 and r.json()["data"]["reachable"] is False
    assert r.json()["data"]["error"].startswith("ollama /api/tags: ")
    assert (await api.get(AI + "/anthropic/models", admin)).status_code == 404


async def test_permissions_replace_the_whole_object(api):
    admin = await api.admin()
    assert (await api.get(AI + "/permissions", admin)).json()["data"] == dict.fromkeys(
        ("reading_history", "ratings", "favourites", "full_library", "taste_profile"), False
    )
    r = await api.put(AI + "/permissions", admin, json={"ratings": True, "favourites": True})
    assert r.json()["data"] == {"reading_history": False, "ratings": True, "favourites": True,
                                "full_library": False, "taste_profile": False}  # fmt: skip
    r = await api.put(AI + "/permissions", admin, json={"ratings": True})
    assert r.json()["data"]["favourites"] is False  # left out = off
    for body in ({"ratings": "yes"}, [True]):
        r = await api.put(AI + "/permissions", admin, json=body)
        assert (r.status_code, r.json()) == (400, {"error": "invalid request body"})


async def test_the_job_list_and_config(api):
    admin = await api.admin()
    assert (await api.get("/admin/jobs", admin)).json()["data"] == [{
        "id": "ai-suggestions", "display_name": "AI suggestions",
        "description": "Generates per-user book suggestions using the active AI provider.", "kind": "scheduled",
        "enabled": False,
    }]  # fmt: skip
    assert (await api.get(JOB, admin)).json()["data"] == DEFAULTS
    r = await api.put(JOB, admin, json={**DEFAULTS, "enabled": True, "max_tokens_initial": 0})
    assert r.status_code == 200 and r.json()["data"]["max_tokens_initial"] == 0
    got = (await api.get(JOB, admin)).json()["data"]
    assert got["enabled"] is True and got["max_tokens_initial"] == 6000  # 0 means the default
    # a field left out keeps its value (upstream set it to 0: an omitted rate limit turned user runs off)
    r = await api.put(JOB, admin, json={"interval_minutes": 60})
    assert r.json()["data"]["user_run_rate_limit_per_day"] == 1 and r.json()["data"]["interval_minutes"] == 60
    assert (await api.get("/admin/jobs", admin)).json()["data"][0]["enabled"] is True


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"interval_minutes": -1}, "interval_minutes must be >= 0"),
        ({"max_buy_per_user": -1}, "per-user caps must be >= 0"),
        (
            {"user_run_rate_limit_per_day": -2},
            "user_run_rate_limit_per_day must be >= -1 (-1 = unlimited, 0 = disabled)",
        ),
        ({"max_tokens_backfill": -5}, "token caps must be >= 0"),
        ({"enabled": "yes"}, "invalid request body"),
        ({"interval_minutes": 1.5}, "invalid request body"),
        ({"interval_minutes": 10**12}, "invalid request body"),
        ([1], "invalid request body"),
    ],
)
async def test_job_config_validation(api, body, message):
    r = await api.put(JOB, await api.admin(), json=body)
    assert (r.status_code, r.json()) == (400, {"error": message})


ADMIN_ROUTES = [
    ("GET", AI), ("PUT", AI + "/openai"), ("POST", AI + "/openai/test"), ("POST", AI + "/active"),
    ("GET", AI + "/permissions"), ("PUT", AI + "/permissions"), ("GET", AI + "/ollama/models"),
    ("GET", AI + "/osaurus/models"), ("GET", "/admin/jobs"), ("GET", JOB), ("PUT", JOB), ("POST", JOB + "/run"),
    ("GET", JOB + "/runs"), ("DELETE", JOB + "/runs"), ("GET", JOB + "/runs/00000000-0000-0000-0000-000000000001"),
    ("DELETE", JOB + "/runs/00000000-0000-0000-0000-000000000001"),
]  # fmt: skip
USER_ROUTES = [
    ("GET", "/me/ai-prefs"), ("PUT", "/me/ai-prefs"), ("GET", "/me/taste-profile"), ("PUT", "/me/taste-profile"),
    ("GET", "/me/suggestions"), ("GET", "/me/suggestions/quota"), ("POST", "/me/suggestions/run"),
    ("GET", "/me/suggestions/runs"), ("GET", "/me/suggestions/runs/00000000-0000-0000-0000-000000000001"),
    ("PUT", "/me/suggestions/00000000-0000-0000-0000-000000000001/status"),
    ("POST", "/me/suggestions/00000000-0000-0000-0000-000000000001/block"),
]  # fmt: skip


async def test_admin_routes_need_an_admin_and_user_routes_a_user(api):
    user = await api.user()
    for method, path in ADMIN_ROUTES:
        r = await api.request(method, path, user, json={})
        assert (r.status_code, r.json()) == (403, {"error": "instance admin access required"}), path
        r = await api.request(method, path, json={})
        assert r.status_code == 401, path
    for method, path in USER_ROUTES:
        assert (await api.request(method, path, json={})).status_code == 401, path


async def test_not_found_and_bad_ids(api):
    admin = await api.admin()
    missing = "00000000-0000-0000-0000-000000000001"
    assert (await api.get(f"{JOB}/runs/{missing}", admin)).json() == {"error": "run not found"}
    assert (await api.get(f"{JOB}/runs/nope", admin)).json() == {"error": "invalid id"}
    assert (await api.delete(f"{JOB}/runs/{missing}", admin)).json() == {"error": "run not found or not running"}
    assert (await api.get(f"/me/suggestions/runs/{missing}", admin)).json() == {"error": "run not found"}
    r = await api.put(f"/me/suggestions/{missing}/status", admin, json={"status": "new"})
    assert (r.status_code, r.json()) == (404, {"error": "suggestion not found"})


async def test_user_prefs_and_taste_profile(api):
    user = await api.user()
    assert (await api.get("/me/ai-prefs", user)).json() == {"data": {"opt_in": False}}
    assert (await api.put("/me/ai-prefs", user, json={"opt_in": True})).json() == {"data": {"opt_in": True}}
    assert (await api.get("/me/ai-prefs", user)).json() == {"data": {"opt_in": True}}
    assert (await api.put("/me/ai-prefs", user, json={"opt_in": "yes"})).status_code == 400
    assert (await api.get("/me/taste-profile", user)).json() == {"data": {}}
    taste = {"genres": {"love": ["fantasy"], "avoid": ["horror"]}, "era": "modern", "hard_nos": "gore"}
    assert (await api.put("/me/taste-profile", user, json=taste)).json() == {"data": taste}
    assert (await api.get("/me/taste-profile", user)).json() == {"data": taste}
    r = await api.put("/me/taste-profile", user, json=["not", "an", "object"])
    assert (r.status_code, r.json()) == (400, {"error": "the taste profile must be a JSON object"})
    other = await api.user()
    assert (await api.get("/me/taste-profile", other)).json() == {"data": {}}
    assert (await api.get("/me/ai-prefs", other)).json() == {"data": {"opt_in": False}}
