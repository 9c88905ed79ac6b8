"""A number each library's text searches can be cached by: it grows whenever a book of the library is added,
removed, moved away or has its search text changed, so a word search's count kept under it is exact until it
grows (books/counts.py). A broad search spent most of its time counting its matches: 25,000 of 100,000 books
take 30 ms to count on PostgreSQL, paging through them recounted them on every page.

The book count's triggers (migration 0017) grow it too; one more trigger follows changes of the search text (on
PostgreSQL at commit).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 11:40:00
"""

# ruff: noqa: S608 (the SQL below is built from constants of this file only)
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from librarium.db import migrate

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

COUNTED = ("trg_books_counted_in", "trg_books_counted_out", "trg_books_counted_moved")
SQLITE = [
    """CREATE TRIGGER trg_books_counted_in AFTER INSERT ON books BEGIN
        UPDATE libraries SET book_count = book_count + 1, text_version = text_version + 1
        WHERE id = NEW.library_id; END""",
    """CREATE TRIGGER trg_books_counted_out AFTER DELETE ON books BEGIN
        UPDATE libraries SET book_count = book_count - 1, text_version = text_version + 1
        WHERE id = OLD.library_id; END""",
    """CREATE TRIGGER trg_books_counted_moved AFTER UPDATE OF library_id ON books
        WHEN OLD.library_id <> NEW.library_id BEGIN
        UPDATE libraries SET book_count = book_count - 1, text_version = text_version + 1 WHERE id = OLD.library_id;
        UPDATE libraries SET book_count = book_count + 1, text_version = text_version + 1 WHERE id = NEW.library_id;
        END""",
    """CREATE TRIGGER trg_books_text_changed AFTER UPDATE OF search_text ON books
        WHEN OLD.search_text IS NOT NEW.search_text BEGIN
        UPDATE libraries SET text_version = text_version + 1 WHERE id = NEW.library_id; END""",
]
CHANGE = """UPDATE libraries SET book_count = book_count {sign} changed.n, text_version = text_version + 1
        FROM (SELECT library_id, count(*) AS n FROM {rows} GROUP BY library_id) AS changed
        WHERE libraries.id = changed.library_id"""
POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION librarium_books_counted_in() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        {CHANGE.format(sign="+", rows="added")}; RETURN NULL; END $$""",
    f"""CREATE OR REPLACE FUNCTION librarium_books_counted_out() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        {CHANGE.format(sign="-", rows="removed")}; RETURN NULL; END $$""",
    """CREATE OR REPLACE FUNCTION librarium_books_counted_moved() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        UPDATE libraries SET book_count = book_count - 1, text_version = text_version + 1 WHERE id = OLD.library_id;
        UPDATE libraries SET book_count = book_count + 1, text_version = text_version + 1 WHERE id = NEW.library_id;
        RETURN NULL; END $$""",
    """CREATE FUNCTION librarium_books_text_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        UPDATE libraries SET text_version = text_version + 1 WHERE id = NEW.library_id; RETURN NULL; END $$""",
    # at commit (deferred): an edit does not hold the library's row from its first change on, where another
    # transaction changing the same books in another order would deadlock with it
    "CREATE CONSTRAINT TRIGGER trg_books_text_changed AFTER UPDATE OF search_text ON books "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
    "WHEN (OLD.search_text IS DISTINCT FROM NEW.search_text) EXECUTE FUNCTION librarium_books_text_changed()",
]


def upgrade() -> None:
    op.add_column("libraries", sa.Column("text_version", sa.BigInteger(), nullable=False, server_default="0"))
    if op.get_bind().dialect.name == "sqlite":
        for name in COUNTED:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        for statement in SQLITE:
            op.execute(statement)
    else:
        for statement in POSTGRESQL:
            op.execute(statement)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.execute("DROP TRIGGER IF EXISTS trg_books_text_changed" + ("" if sqlite else " ON books"))
    if sqlite:
        for name in COUNTED:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP FUNCTION IF EXISTS librarium_books_text_changed()")
    # migration 0017's triggers and functions as they were; then the column they no longer name
    counted = migrate.revision_module("0017_library_book_count.py")
    for statement in counted.SQLITE if sqlite else counted.POSTGRESQL[:3]:
        op.execute(statement.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"))
    op.drop_column("libraries", "text_version")
