"""End to end, as the web client does it: `librarium serve` as a real process with Ollama pointed
(LIBRARIUM_OLLAMA_URL) at a local stand-in model server. The admin sets up Ollama on the AI connections page,
the reader opts in and presses "Run now" on the Suggestions page, which polls its runs until the run is over
and then shows the suggestions; the admin's Jobs page lists the run and its detail panel shows the events."""

from __future__ import annotations

import time

import httpx

from tests.ai.fake_llm import Script, fake_llm
from tests.fixtures.server import admin_headers, serve, server_env, signed_in

HAIL = "9780593135204"
REPLY = f"""## Books to buy
1. Project Hail Mary — Andy Weir — {HAIL} — More of the science-heavy adventure you rated highly.

## Books to read next
1. The Left Hand of Darkness — It has waited on your shelf long enough.
"""


def test_run_now_to_suggestions_over_http(tmp_path, database_url):
    script = Script(replies=[REPLY], books={HAIL: ("Project Hail Mary", ["Andy Weir"])})
    with fake_llm(script) as model_server:
        env = server_env(tmp_path / "data", database_url, LIBRARIUM_OLLAMA_URL=model_server,
                         LIBRARIUM_OPEN_LIBRARY_URL=model_server)  # fmt: skip
        with serve(env, tmp_path / "server.log") as base, httpx.Client(base_url=base + "/api/v1", timeout=30) as http:
            admin = admin_headers(http)
            http.put("/admin/providers/mangadex", headers=admin, json={"enabled": "false"})
            reader_body = {"username": "e2e-reader", "email": "e2e@example.org", "password": "reader-password",
                           "display_name": "Reader"}  # fmt: skip
            http.post("/admin/users", headers=admin, json=reader_body)
            reader = signed_in(http, "e2e-reader", "reader-password")

            # the admin's AI connections page: configure Ollama (the form sends every field as a string)
            providers = http.get("/admin/connections/ai", headers=admin).json()["data"]
            ollama = next(p for p in providers if p["name"] == "ollama")
            form = {f["key"]: "" for f in ollama["config_fields"]} | {"model": "llama3", "enabled": "true"}
            r = http.put("/admin/connections/ai/ollama", headers=admin, json=form)
            assert next(p for p in r.json()["data"] if p["name"] == "ollama")["enabled"] is True
            assert (
                http.post("/admin/connections/ai/active", headers=admin, json={"provider": "ollama"}).status_code == 204
            )
            flags = {"reading_history": True, "ratings": True, "favourites": True, "full_library": True,
                     "taste_profile": True}  # fmt: skip
            http.put("/admin/connections/ai/permissions", headers=admin, json=flags)
            config = http.get("/admin/jobs/ai-suggestions", headers=admin).json()["data"]
            http.put("/admin/jobs/ai-suggestions", headers=admin, json=config | {"user_run_rate_limit_per_day": -1})

            # the reader's library, profile and Suggestions page
            library = http.post("/libraries", headers=reader, json={"name": "Mine"}).json()["data"]
            media = http.get("/media-types", headers=reader).json()["data"][0]["id"]
            for title in ("The Left Hand of Darkness", "Dune"):
                r = http.post(f"/libraries/{library['id']}/books", headers=reader,
                              json={"title": title, "media_type_id": media})  # fmt: skip
                assert r.status_code == 201, r.text
            assert http.put("/me/ai-prefs", headers=reader, json={"opt_in": True}).json() == {"data": {"opt_in": True}}
            http.put("/me/taste-profile", headers=reader, json={"genres": {"love": ["science fiction"]}})
            r = http.post("/me/suggestions/run", headers=reader)
            assert (r.status_code, r.content) == (202, b"")
            runs: list[dict[str, object]] = []
            for _ in range(300):  # the page polls its runs until none is running
                runs = http.get("/me/suggestions/runs", headers=reader).json()["data"]
                if runs and runs[0]["status"] != "running":
                    break
                time.sleep(0.1)
            assert runs[0]["status"] == "completed", (tmp_path / "server.log").read_text()
            buys = http.get("/me/suggestions?status=new&type=buy", headers=reader).json()["data"]
            reads = http.get("/me/suggestions?status=new&type=read_next", headers=reader).json()["data"]
            assert [(s["title"], s["author"], s["isbn"]) for s in buys] == [("Project Hail Mary", "Andy Weir", HAIL)]
            assert [s["title"] for s in reads] == ["The Left Hand of Darkness"] and reads[0]["library_id"] == library[
                "id"
            ]
            quota = http.get("/me/suggestions/quota", headers=reader).json()["data"]
            assert (quota["used"], quota["unlimited"]) == (1, True)

            # the admin's Jobs page and the run's detail panel
            for path in ("/imports", "/enrichment-batches"):
                assert http.get(path, headers=admin).status_code == 200
            listed = http.get("/admin/jobs/ai-suggestions/runs", headers=admin).json()["data"]
            assert listed[0]["id"] == runs[0]["id"] and listed[0]["user_id"] and listed[0]["model_id"] == "llama3"
            detail = http.get(f"/admin/jobs/ai-suggestions/runs/{listed[0]['id']}", headers=admin).json()["data"]
            kinds = [e["type"] for e in detail["events"]]
            assert kinds[0] == "pipeline_start" and kinds[-1] == "pipeline_end" and "ai_response" in kinds
    assert script.requests[0]["path"] == "/api/chat" and script.requests[0]["body"]["model"] == "llama3"
