"""Many plain rows inserted into one table, or updated, at once: with the column types' own conversions but
without the statement layer's per-row work (importers).

- Through `session.execute(insert(table), rows)` SQLAlchemy rebuilds a parameter dictionary per row and calls
  each column's converter through several layers. Here the statement is compiled once per (table, columns,
  database) and each row becomes a tuple in the compiled order.
- PostgreSQL: one `INSERT … SELECT * FROM unnest($1::uuid[], $2::varchar[], …)` with a list per column
  instead of an executemany, which the server runs as one statement per row: 500 books went in 31 ms instead
  of 61. Tables with JSON or array columns keep the executemany."""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import JSON, Table, bindparam, insert, update
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import ARRAY, TypeEngine

Convert = Callable[[Any], Any] | None


class _Statement:
    """A statement over given columns, compiled for one database: the driver's SQL and how a row (a tuple in
    the given column order) becomes its parameters."""

    def __init__(self, table: Table, columns: tuple[str, ...], dialect: Dialect, key: str = ""):
        if key:  # an update of the other columns where `key` matches (bind names distinct from column names)
            stmt: Any = (
                update(table)
                .where(table.c[key] == bindparam("k_" + key))
                .values({name: bindparam("v_" + name) for name in columns if name != key})
            )
            compiled = stmt.compile(dialect=dialect)
        else:
            compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))  # as executemany does
        self.names: list[str] = list(compiled.positiontup or ()) if dialect.positional else list(compiled.params)
        if key and any(not name.startswith(("k_", "v_")) for name in self.names):
            raise ValueError(f"{table.name}: give a value for each column with an onupdate default")
        order = [name[2:] if key else name for name in self.names]  # the bind parameters carry column names
        self.position = [columns.index(name) for name in order]
        types: list[TypeEngine[Any]] = [table.c[name].type.dialect_impl(dialect) for name in order]
        self.converters: list[Convert] = [kind.bind_processor(dialect) for kind in types]
        # a column whose values repeat (a library, a user, a timestamp) converts each distinct value once
        self.repeats = [
            not (table.c[name].primary_key or table.c[name].unique or isinstance(kind, JSON | ARRAY))
            for name, kind in zip(order, types, strict=True)
        ]
        self.sql = compiled.string
        self.arrays = dialect.name == "postgresql" and not any(isinstance(k, JSON | ARRAY) for k in types)
        self.positional = dialect.positional
        if self.arrays:
            self.sql = _with_arrays(table, order, types, dialect, key)

    def params(self, columns: Sequence[Sequence[Any]]) -> Any:
        """The driver's parameters for these rows, given as a list of values per column (in the given order)."""
        converted: list[Sequence[Any]] = []
        for i, convert, repeats in zip(self.position, self.converters, self.repeats, strict=True):
            values = columns[i]
            if convert is not None and repeats:
                once = {value: convert(value) for value in set(values)}
                values = [once[value] for value in values]
            elif convert is not None:  # given None too (a JSON column writes it as JSON's null, as SQLAlchemy does)
                values = [convert(value) for value in values]
            converted.append(values)
        if self.arrays:
            return tuple(list(values) for values in converted)  # one statement, a list per column
        rows = list(zip(*converted, strict=True))
        if not self.positional:
            return [dict(zip(self.names, row, strict=True)) for row in rows]
        return rows


def _with_arrays(table: Table, order: list[str], types: list[TypeEngine[Any]], dialect: Dialect, key: str) -> str:
    """PostgreSQL: the insert or update of all rows in one statement over `unnest` of a list per column. Names
    and types come from the table's own metadata, quoted by the dialect; the values are parameters."""
    quote = dialect.identifier_preparer.quote
    target = dialect.identifier_preparer.format_table(table)
    types_sql = [dialect.type_compiler_instance.process(kind) for kind in types]
    arrays = ", ".join(f"${n}::{kind}[]" for n, kind in enumerate(types_sql, start=1))
    names = [quote(name) for name in order]
    if not key:
        return f"INSERT INTO {target} ({', '.join(names)}) SELECT * FROM unnest({arrays})"  # noqa: S608
    sets = ", ".join(f"{name} = v.{name}" for name, column in zip(names, order, strict=True) if column != key)
    return (
        f"UPDATE {target} SET {sets} FROM unnest({arrays}) AS v({', '.join(names)}) "  # noqa: S608
        f"WHERE {target}.{quote(key)} = v.{quote(key)}"
    )


@functools.lru_cache(maxsize=256)
def _statement(table: Table, columns: tuple[str, ...], dialect: Dialect, key: str = "") -> _Statement:
    return _Statement(table, columns, dialect, key)


def _filled(table: Table, rows: Sequence[dict[str, Any]]) -> tuple[tuple[str, ...], list[Sequence[Any]]]:
    """The columns named by the first row plus those with a Python default that it leaves out, and the values
    of each column. Every row must name the same columns as the first. A key's default (a new id) is computed
    for each row, any other (a timestamp) once: the rows go in together."""
    given = tuple(rows[0])
    missing = [c for c in table.columns if c.name not in rows[0] and c.default is not None]
    for column in missing:
        default = column.default
        if not (default.is_scalar or default.is_callable):  # type: ignore[union-attr]
            raise ValueError(f"{table.name}.{column.name}: a default that bulk.insert_rows cannot compute")
    pick = operator.itemgetter(*given)
    values: list[Sequence[Any]] = (
        list(zip(*map(pick, rows), strict=True)) if len(given) > 1 else [list(map(pick, rows))]
    )
    for column in missing:
        if column.primary_key:
            values.append([_default(column) for _ in rows])
        else:
            values.append([_default(column)] * len(rows))
    return given + tuple(c.name for c in missing), values


def _default(column: Any) -> Any:
    default = column.default
    return default.arg(None) if default.is_callable else default.arg  # SQLAlchemy wraps a callable to take a context


async def insert_rows(session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (dictionaries naming the same columns) into `table`, in the session's transaction."""
    if not rows:
        return
    connection = await session.connection()
    columns, values = _filled(table, rows)
    statement = _statement(table, columns, connection.dialect)
    await connection.exec_driver_sql(statement.sql, statement.params(values))


async def update_rows(session: AsyncSession, table: Table, key: str, rows: Sequence[dict[str, Any]]) -> None:
    """Set the other columns of each of `rows` (dictionaries naming the same columns, `key` among them) on the
    table's row whose `key` column matches."""
    if not rows:
        return
    connection = await session.connection()
    columns = tuple(rows[0])
    statement = _statement(table, columns, connection.dialect, key)
    values = [list(map(operator.itemgetter(name), rows)) for name in columns]
    await connection.exec_driver_sql(statement.sql, statement.params(values))
