"""A library's text version (migration 0018) grows when a book's sort keys change too, not only its search text:
the book list's totals kept under it (books/counts.py) then include those of a letter (the books whose sort
title starts with it), which a title change moves a book into or out of. The application changes both with
the title; this holds whatever path the change takes.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 15:30:00
"""

# ruff: noqa: S608 (the SQL below is built from constants of this file only)
from __future__ import annotations

from alembic import op

from librarium.db import migrate

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

COLUMNS = ("search_text", "sort_key", "sort_title")
SQLITE_CHANGED = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in COLUMNS)
POSTGRESQL_CHANGED = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in COLUMNS)
SQLITE = f"""CREATE TRIGGER trg_books_text_changed AFTER UPDATE OF {", ".join(COLUMNS)} ON books
    WHEN {SQLITE_CHANGED} BEGIN
    UPDATE libraries SET text_version = text_version + 1 WHERE id = NEW.library_id; END"""
# at commit, as in 0018 (librarium_books_text_changed() is 0018's)
POSTGRESQL = (
    f"CREATE CONSTRAINT TRIGGER trg_books_text_changed AFTER UPDATE OF {', '.join(COLUMNS)} ON books "
    f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ({POSTGRESQL_CHANGED}) "
    "EXECUTE FUNCTION librarium_books_text_changed()"
)


def _replace(sqlite: str, postgresql: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS trg_books_text_changed")
        op.execute(sqlite)
    else:
        op.execute("DROP TRIGGER IF EXISTS trg_books_text_changed ON books")
        op.execute(postgresql)


def upgrade() -> None:
    _replace(SQLITE, POSTGRESQL)


def downgrade() -> None:
    # migration 0018's trigger as it was, read from its file
    versioned = migrate.revision_module("0018_library_text_version.py")
    _replace(versioned.SQLITE[3], versioned.POSTGRESQL[4])
