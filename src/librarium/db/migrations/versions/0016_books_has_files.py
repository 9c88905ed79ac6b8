"""A kept-up "has a file" flag on books, for the catalogue's listings (OPDS shows only books with a file).

Triggers keep it: a file added or removed, an edition removed (its files go with it), whatever path the change
takes (the API, an import, a scan, a bulk insert, a cascade). Existing books get it from their files.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 18:45:00
"""

# ruff: noqa: S608 (the SQL below is built from constants of this file only)
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

ANY_FILE = (
    "EXISTS (SELECT 1 FROM edition_files f JOIN book_editions e ON e.id = f.edition_id WHERE e.book_id = books.id)"
)
BOOK_OF_FILE = "(SELECT book_id FROM book_editions WHERE id = {row}.edition_id)"

SQLITE = [
    f"""CREATE TRIGGER trg_edition_files_added AFTER INSERT ON edition_files BEGIN
        UPDATE books SET has_files = 1 WHERE id = {BOOK_OF_FILE.format(row="NEW")} AND has_files = 0; END""",
    f"""CREATE TRIGGER trg_edition_files_removed AFTER DELETE ON edition_files BEGIN
        UPDATE books SET has_files = {ANY_FILE} WHERE id = {BOOK_OF_FILE.format(row="OLD")}; END""",
    f"""CREATE TRIGGER trg_book_editions_removed AFTER DELETE ON book_editions BEGIN
        UPDATE books SET has_files = {ANY_FILE} WHERE id = OLD.book_id AND has_files = 1; END""",
]
POSTGRESQL = [
    f"""CREATE FUNCTION librarium_file_added() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        UPDATE books SET has_files = true WHERE id = {BOOK_OF_FILE.format(row="NEW")} AND NOT has_files;
        RETURN NULL; END $$""",
    f"""CREATE FUNCTION librarium_file_removed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        UPDATE books SET has_files = {ANY_FILE} WHERE id = {BOOK_OF_FILE.format(row="OLD")};
        RETURN NULL; END $$""",
    f"""CREATE FUNCTION librarium_edition_removed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        UPDATE books SET has_files = {ANY_FILE} WHERE id = OLD.book_id AND has_files;
        RETURN NULL; END $$""",
    "CREATE TRIGGER trg_edition_files_added AFTER INSERT ON edition_files FOR EACH ROW "
    "EXECUTE FUNCTION librarium_file_added()",
    "CREATE TRIGGER trg_edition_files_removed AFTER DELETE ON edition_files FOR EACH ROW "
    "EXECUTE FUNCTION librarium_file_removed()",
    "CREATE TRIGGER trg_book_editions_removed AFTER DELETE ON book_editions FOR EACH ROW "
    "EXECUTE FUNCTION librarium_edition_removed()",
]


def upgrade() -> None:
    # plain ALTER TABLE, not a batch: on SQLite a batch would rebuild `books` and lose its full-text triggers
    op.add_column("books", sa.Column("has_files", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index("ix_books_library_files_sort", "books", ["library_id", "has_files", "sort_key", "id"])
    op.create_index("ix_books_library_files_created", "books", ["library_id", "has_files", "created_at"])
    op.execute(f"UPDATE books SET has_files = {ANY_FILE}")
    for statement in SQLITE if op.get_bind().dialect.name == "sqlite" else POSTGRESQL:
        op.execute(statement)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for name, table in (("trg_edition_files_added", "edition_files"), ("trg_edition_files_removed", "edition_files"),
                        ("trg_book_editions_removed", "book_editions")):  # fmt: skip
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + ("" if sqlite else f" ON {table}"))
    if not sqlite:
        for function in ("librarium_file_added", "librarium_file_removed", "librarium_edition_removed"):
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    op.drop_index("ix_books_library_files_created", "books")
    op.drop_index("ix_books_library_files_sort", "books")
    op.drop_column("books", "has_files")  # SQLite ≥ 3.35 drops a column in place (the triggers stay)
