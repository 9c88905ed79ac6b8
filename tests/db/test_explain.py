"""The planner's choice for a book list's page (db/explain.py, books/repository.looks_up_matches): PostgreSQL
tells whether the page sorts every match or walks the sorted index; SQLite has no such question to answer."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import CompileError

from librarium.books import repository as repo
from librarium.db import explain
from librarium.models import Book


async def test_the_page_plan_says_whether_every_match_is_sorted(api, database_url):
    owner = await api.user("owner")
    library_id = uuid.UUID((await api.library(owner))["id"])
    where = Book.library_id == library_id
    order = repo.order_by("", False)
    async with api.app.state.db.unit_of_work(write=False) as session:
        if not database_url.startswith("postgresql"):
            with pytest.raises(CompileError):
                await explain.plan(session, select(Book.id))
            return
        found = await explain.plan(session, select(Book.id).where(where).order_by(*order).limit(25))
        assert found["Node Type"] == "Limit" and len(list(explain.nodes(found))) >= 2
        await session.execute(text("SET LOCAL enable_sort = off"))  # the library's sorted index, walked
        assert await repo.looks_up_matches(session, where, order, 0, 25) is False
        await session.execute(text("SET LOCAL enable_sort = on"))
        await session.execute(text("SET LOCAL enable_indexscan = off"))  # every book read, then sorted
        await session.execute(text("SET LOCAL enable_bitmapscan = off"))
        assert await repo.looks_up_matches(session, where, order, 0, 25) is True
