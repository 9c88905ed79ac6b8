"""Catalog: contributors, books and their links, editions, reading records, series, shelves,
cover images, and the full-text search index (FTS5 on SQLite, a tsvector GIN index on PostgreSQL).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 16:55:42.878424
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "contributors",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("sort_name", sa.Text(), nullable=False),
        sa.Column("is_corporate", sa.Boolean(), nullable=False),
        sa.Column("bio", sa.Text(), nullable=True),
        sa.Column("born_date", sa.Date(), nullable=True),
        sa.Column("died_date", sa.Date(), nullable=True),
        sa.Column("nationality", sa.String(length=64), nullable=True),
        sa.Column(
            "external_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("name_lower", sa.String(length=255), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contributors")),
    )
    with op.batch_alter_table("contributors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contributors_name_lower"), ["name_lower"], unique=False)

    op.create_table(
        "contributor_works",
        sa.Column("contributor_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("isbn_13", sa.String(length=13), nullable=True),
        sa.Column("isbn_10", sa.String(length=10), nullable=True),
        sa.Column("publish_year", sa.Integer(), nullable=True),
        sa.Column("cover_url", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contributor_id"],
            ["contributors.id"],
            name=op.f("fk_contributor_works_contributor_id_contributors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contributor_works")),
    )
    with op.batch_alter_table("contributor_works", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contributor_works_contributor_id"), ["contributor_id"], unique=False)

    op.create_table(
        "cover_images",
        sa.Column("entity_type", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=False),
        sa.Column("filename", sa.String(length=512), nullable=False),
        sa.Column("mime_type", sa.String(length=64), nullable=False),
        sa.Column("file_size", sa.Integer(), nullable=True),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_cover_images_created_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cover_images")),
    )
    with op.batch_alter_table("cover_images", schema=None) as batch_op:
        batch_op.create_index("ix_cover_images_entity", ["entity_type", "entity_id"], unique=False)

    op.create_table(
        "books",
        sa.Column("library_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=512), nullable=False),
        sa.Column("subtitle", sa.String(length=512), nullable=True),
        sa.Column("media_type_id", sa.Uuid(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("added_by", sa.Uuid(), nullable=True),
        sa.Column("sort_title", sa.String(length=512), nullable=False),
        sa.Column("sort_key", sa.String(length=1024), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["added_by"], ["users.id"], name=op.f("fk_books_added_by_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["library_id"], ["libraries.id"], name=op.f("fk_books_library_id_libraries"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["media_type_id"], ["media_types.id"], name=op.f("fk_books_media_type_id_media_types")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_books")),
    )
    with op.batch_alter_table("books", schema=None) as batch_op:
        batch_op.create_index("ix_books_library_created", ["library_id", "created_at"], unique=False)
        batch_op.create_index("ix_books_library_sort", ["library_id", "sort_key", "id"], unique=False)
        batch_op.create_index("ix_books_library_sort_title", ["library_id", "sort_title"], unique=False)
        batch_op.create_index("ix_books_library_updated", ["library_id", "updated_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_books_media_type_id"), ["media_type_id"], unique=False)

    op.create_table(
        "series",
        sa.Column("library_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("total_count", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("original_language", sa.String(length=16), nullable=True),
        sa.Column("publication_year", sa.Integer(), nullable=True),
        sa.Column("demographic", sa.String(length=32), nullable=True),
        sa.Column(
            "genres", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("external_id", sa.Text(), nullable=True),
        sa.Column("external_source", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_series_created_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["library_id"], ["libraries.id"], name=op.f("fk_series_library_id_libraries"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series")),
    )
    with op.batch_alter_table("series", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_series_library_id"), ["library_id"], unique=False)

    op.create_table(
        "shelves",
        sa.Column("library_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("color", sa.String(length=16), nullable=True),
        sa.Column("icon", sa.String(length=64), nullable=True),
        sa.Column("display_order", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_shelves_created_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["library_id"], ["libraries.id"], name=op.f("fk_shelves_library_id_libraries"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shelves")),
    )
    with op.batch_alter_table("shelves", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shelves_library_id"), ["library_id"], unique=False)

    op.create_table(
        "book_contributors",
        sa.Column("book_id", sa.Uuid(), nullable=False),
        sa.Column("contributor_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=64), nullable=False),
        sa.Column("display_order", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["book_id"], ["books.id"], name=op.f("fk_book_contributors_book_id_books"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["contributor_id"],
            ["contributors.id"],
            name=op.f("fk_book_contributors_contributor_id_contributors"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("book_id", "contributor_id", "role", name=op.f("pk_book_contributors")),
    )
    with op.batch_alter_table("book_contributors", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_book_contributors_contributor_id"), ["contributor_id", "book_id"], unique=False
        )

    op.create_table(
        "book_editions",
        sa.Column("book_id", sa.Uuid(), nullable=False),
        sa.Column("format", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("edition_name", sa.String(length=255), nullable=True),
        sa.Column("narrator", sa.String(length=255), nullable=True),
        sa.Column("narrator_contributor_id", sa.Uuid(), nullable=True),
        sa.Column("publisher", sa.String(length=255), nullable=True),
        sa.Column("publish_date", sa.Date(), nullable=True),
        sa.Column("isbn_10", sa.String(length=10), nullable=True),
        sa.Column("isbn_13", sa.String(length=13), nullable=True),
        sa.Column("isbn_key", sa.String(length=13), nullable=True),
        sa.Column("copy_count", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("duration_seconds", sa.Integer(), nullable=True),
        sa.Column("page_count", sa.Integer(), nullable=True),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("acquired_at", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["book_id"], ["books.id"], name=op.f("fk_book_editions_book_id_books"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["narrator_contributor_id"],
            ["contributors.id"],
            name=op.f("fk_book_editions_narrator_contributor_id_contributors"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_book_editions")),
    )
    with op.batch_alter_table("book_editions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_book_editions_book_id"), ["book_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_book_editions_isbn_key"), ["isbn_key"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_book_editions_narrator_contributor_id"), ["narrator_contributor_id"], unique=False
        )

    op.create_table(
        "book_genres",
        sa.Column("book_id", sa.Uuid(), nullable=False),
        sa.Column("genre_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["book_id"], ["books.id"], name=op.f("fk_book_genres_book_id_books"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["genre_id"], ["genres.id"], name=op.f("fk_book_genres_genre_id_genres"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("book_id", "genre_id", name=op.f("pk_book_genres")),
    )
    with op.batch_alter_table("book_genres", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_book_genres_genre_id"), ["genre_id", "book_id"], unique=False)

    op.create_table(
        "book_series",
        sa.Column("book_id", sa.Uuid(), nullable=False),
        sa.Column("series_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Numeric(precision=6, scale=1), nullable=False),
        sa.ForeignKeyConstraint(
            ["book_id"], ["books.id"], name=op.f("fk_book_series_book_id_books"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["series_id"], ["series.id"], name=op.f("fk_book_series_series_id_series"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("book_id", "series_id", name=op.f("pk_book_series")),
    )
    with op.batch_alter_table("book_series", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_book_series_series_id"), ["series_id", "book_id"], unique=False)

    op.create_table(
        "book_shelves",
        sa.Column("book_id", sa.Uuid(), nullable=False),
        sa.Column("shelf_id", sa.Uuid(), nullable=False),
        sa.Column("added_by", sa.Uuid(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by"], ["users.id"], name=op.f("fk_book_shelves_added_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["book_id"], ["books.id"], name=op.f("fk_book_shelves_book_id_books"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["shelf_id"], ["shelves.id"], name=op.f("fk_book_shelves_shelf_id_shelves"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("book_id", "shelf_id", name=op.f("pk_book_shelves")),
    )
    with op.batch_alter_table("book_shelves", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_book_shelves_shelf_id"), ["shelf_id", "book_id"], unique=False)

    op.create_table(
        "book_tags",
        sa.Column("book_id", sa.Uuid(), nullable=False),
        sa.Column("tag_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["book_id"], ["books.id"], name=op.f("fk_book_tags_book_id_books"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tag_id"], ["tags.id"], name=op.f("fk_book_tags_tag_id_tags"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("book_id", "tag_id", name=op.f("pk_book_tags")),
    )
    with op.batch_alter_table("book_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_book_tags_tag_id"), ["tag_id", "book_id"], unique=False)

    op.create_table(
        "series_volumes",
        sa.Column("series_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Double(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("release_date", sa.Date(), nullable=True),
        sa.Column("cover_url", sa.Text(), nullable=True),
        sa.Column("external_id", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["series_id"], ["series.id"], name=op.f("fk_series_volumes_series_id_series"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series_volumes")),
    )
    with op.batch_alter_table("series_volumes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_series_volumes_series_id"), ["series_id"], unique=False)

    op.create_table(
        "user_book_interactions",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("book_edition_id", sa.Uuid(), nullable=False),
        sa.Column("read_status", sa.String(length=32), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("review", sa.Text(), nullable=True),
        sa.Column("date_started", sa.Date(), nullable=True),
        sa.Column("date_finished", sa.Date(), nullable=True),
        sa.Column(
            "progress", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=True
        ),
        sa.Column("is_favorite", sa.Boolean(), nullable=False),
        sa.Column("reread_count", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["book_edition_id"],
            ["book_editions.id"],
            name=op.f("fk_user_book_interactions_book_edition_id_book_editions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_book_interactions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_book_interactions")),
        sa.UniqueConstraint(
            "user_id", "book_edition_id", name=op.f("uq_user_book_interactions_user_id_book_edition_id")
        ),
    )
    with op.batch_alter_table("user_book_interactions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_book_interactions_book_edition_id"), ["book_edition_id"], unique=False
        )
    _create_search_index()


def _create_search_index() -> None:
    """Word-prefix full-text search over books.search_text (kit.search builds the queries)."""
    if op.get_bind().dialect.name == "sqlite":
        # External-content FTS5 keyed by the books rowid; triggers keep it in step.
        op.execute(
            "CREATE VIRTUAL TABLE books_fts USING fts5(search_text, content='books', content_rowid='rowid', "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        op.execute(
            "CREATE TRIGGER books_fts_insert AFTER INSERT ON books BEGIN "
            "INSERT INTO books_fts(rowid, search_text) VALUES (new.rowid, new.search_text); END"
        )
        op.execute(
            "CREATE TRIGGER books_fts_update AFTER UPDATE OF search_text ON books BEGIN "
            "INSERT INTO books_fts(books_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text); "
            "INSERT INTO books_fts(rowid, search_text) VALUES (new.rowid, new.search_text); END"
        )
        op.execute(
            "CREATE TRIGGER books_fts_delete AFTER DELETE ON books BEGIN "
            "INSERT INTO books_fts(books_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text); END"
        )
    else:
        op.execute(
            "ALTER TABLE books ADD COLUMN search_vector tsvector "
            "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED"
        )
        op.execute("CREATE INDEX ix_books_search_vector ON books USING gin (search_vector)")


def _drop_search_index() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("books_fts_insert", "books_fts_update", "books_fts_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS books_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_books_search_vector")
        op.execute("ALTER TABLE books DROP COLUMN IF EXISTS search_vector")


def downgrade() -> None:
    _drop_search_index()

    with op.batch_alter_table("user_book_interactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_book_interactions_book_edition_id"))

    op.drop_table("user_book_interactions")
    with op.batch_alter_table("series_volumes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_series_volumes_series_id"))

    op.drop_table("series_volumes")
    with op.batch_alter_table("book_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_book_tags_tag_id"))

    op.drop_table("book_tags")
    with op.batch_alter_table("book_shelves", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_book_shelves_shelf_id"))

    op.drop_table("book_shelves")
    with op.batch_alter_table("book_series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_book_series_series_id"))

    op.drop_table("book_series")
    with op.batch_alter_table("book_genres", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_book_genres_genre_id"))

    op.drop_table("book_genres")
    with op.batch_alter_table("book_editions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_book_editions_narrator_contributor_id"))
        batch_op.drop_index(batch_op.f("ix_book_editions_isbn_key"))
        batch_op.drop_index(batch_op.f("ix_book_editions_book_id"))

    op.drop_table("book_editions")
    with op.batch_alter_table("book_contributors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_book_contributors_contributor_id"))

    op.drop_table("book_contributors")
    with op.batch_alter_table("shelves", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shelves_library_id"))

    op.drop_table("shelves")
    with op.batch_alter_table("series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_series_library_id"))

    op.drop_table("series")
    with op.batch_alter_table("books", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_books_media_type_id"))
        batch_op.drop_index("ix_books_library_updated")
        batch_op.drop_index("ix_books_library_sort_title")
        batch_op.drop_index("ix_books_library_sort")
        batch_op.drop_index("ix_books_library_created")

    op.drop_table("books")
    with op.batch_alter_table("cover_images", schema=None) as batch_op:
        batch_op.drop_index("ix_cover_images_entity")

    op.drop_table("cover_images")
    with op.batch_alter_table("contributor_works", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contributor_works_contributor_id"))

    op.drop_table("contributor_works")
    with op.batch_alter_table("contributors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contributors_name_lower"))

    op.drop_table("contributors")
