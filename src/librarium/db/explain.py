"""PostgreSQL: the plan the planner chooses for a statement, without running it (EXPLAIN (FORMAT JSON))."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.elements import ClauseElement


class Explain(Executable, ClauseElement):
    """EXPLAIN (FORMAT JSON) of a statement, with the statement's own parameters. Not cached: a cached statement's
    result columns are matched to the new one's, and an EXPLAIN has none of the statement's columns."""

    inherit_cache = False

    def __init__(self, statement: Any) -> None:
        self.statement = statement


@compiles(Explain, "postgresql")
def _explain(element: Explain, compiler: Any, **kw: Any) -> str:
    return "EXPLAIN (FORMAT JSON) " + str(compiler.process(element.statement, **kw))


async def plan(session: AsyncSession, statement: Any) -> dict[str, Any]:
    """The top node of the statement's plan."""
    found = (await session.execute(Explain(statement))).scalar_one()
    return dict((json.loads(found) if isinstance(found, str) else found)[0]["Plan"])


def nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A plan node and every node below it."""
    yield node
    for child in node.get("Plans", ()):
        yield from nodes(child)
