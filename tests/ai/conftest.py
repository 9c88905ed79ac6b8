"""A library with reading records, an admin who set up a provider (pointed at a local stand-in model server),
and a user who opted in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from librarium.jobs.runner import Worker
from tests.ai.fake_llm import Script, fake_llm
from tests.conftest import make_settings
from tests.fixtures.api import Api, User


@dataclass
class Setup:
    api: Api
    admin: User
    reader: User
    library: dict[str, Any]
    books: dict[str, dict[str, Any]]
    script: Script
    base: str

    async def configure(self, **job: Any) -> None:
        config = {"user_run_rate_limit_per_day": -1, "max_buy_per_user": 3, "max_read_next_per_user": 2, **job}
        r = await self.api.put("/admin/jobs/ai-suggestions", self.admin, json=config)
        assert r.status_code == 200, r.text

    async def allow(self, **flags: bool) -> None:
        r = await self.api.put("/admin/connections/ai/permissions", self.admin, json=flags)
        assert r.status_code == 200, r.text

    async def run(self, user: User | None = None) -> dict[str, Any]:
        """Run now, then a worker until idle; the user's newest run with its events."""
        user = user or self.reader
        r = await self.api.post("/me/suggestions/run", user)
        assert r.status_code == 202, r.text
        await self.work()
        return await self.newest(user)

    async def work(self, database_url: str | None = None) -> None:
        settings = make_settings(self.api.app.state.settings.data_dir.parent, self.api.app.state.settings.database_url,
                                 ai_cancel_poll=0.05)  # fmt: skip
        await Worker(self.api.app.state.db, settings).run_until_idle()

    async def newest(self, user: User | None = None) -> dict[str, Any]:
        runs = (await self.api.get("/me/suggestions/runs", user or self.reader)).json()["data"]
        r = await self.api.get(f"/me/suggestions/runs/{runs[0]['id']}", user or self.reader)
        assert r.status_code == 200, r.text
        data: dict[str, Any] = r.json()["data"]
        return data

    async def suggestions(self, query: str = "", user: User | None = None) -> list[dict[str, Any]]:
        r = await self.api.get(f"/me/suggestions{query}", user or self.reader)
        assert r.status_code == 200, r.text
        data: list[dict[str, Any]] = r.json()["data"]
        return data


async def _record(api: Api, user: User, library: dict[str, Any], book: dict[str, Any], **record: Any) -> None:
    path = f"/libraries/{library['id']}/books/{book['id']}/editions"
    edition = (await api.get(path, user)).json()["data"][0]
    r = await api.put(f"{path}/{edition['id']}/my-interaction", user, json=record)
    assert r.status_code == 200, r.text


@pytest.fixture
async def setup(api: Api):
    admin = await api.admin()
    reader = await api.user("reader")
    library = await api.library(reader)
    herbert = await api.contributor(reader, "Frank Herbert")
    books = {}
    for title, author, isbn in [
        ("Dune", herbert, "9780441172719"), ("The Left Hand of Darkness", None, None), ("Neuromancer", None, None),
        ("Twilight", None, None),
    ]:  # fmt: skip
        fields: dict[str, Any] = {"edition": {"format": "paperback", **({"isbn_13": isbn} if isbn else {})}}
        if author:
            fields["contributors"] = [{"contributor_id": author, "role": "author"}]
        books[title] = await api.book(library, reader, title, **fields)
    await _record(api, reader, library, books["Dune"], read_status="read", rating=9, is_favorite=True)
    await _record(api, reader, library, books["Twilight"], read_status="read", rating=2)
    script = Script()
    with fake_llm(script) as base:
        for name, body in [("open_library", {"base_url": base}), ("mangadex", {"enabled": "false"})]:
            assert (await api.put(f"/admin/providers/{name}", admin, json=body)).status_code == 200
        r = await api.put("/admin/connections/ai/openai", admin, json={"api_key": "sk-test", "base_url": base})
        assert r.status_code == 200, r.text
        assert (await api.post("/admin/connections/ai/active", admin, json={"provider": "openai"})).status_code == 204
        assert (await api.put("/me/ai-prefs", reader, json={"opt_in": True})).status_code == 200
        yield Setup(api, admin, reader, library, books, script, base)
