"""Enrichment batches, their items and the record of every change they made.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 12:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "enrichment_batches",
        sa.Column("library_id", sa.Uuid(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("force", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("book_ids", JSON, nullable=False),
        sa.Column("total_books", sa.Integer(), nullable=False),
        sa.Column("processed_books", sa.Integer(), nullable=False),
        sa.Column("failed_books", sa.Integer(), nullable=False),
        sa.Column("skipped_books", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_enrichment_batches_created_by_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["library_id"],
            ["libraries.id"],
            name=op.f("fk_enrichment_batches_library_id_libraries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrichment_batches")),
    )
    op.create_index(op.f("ix_enrichment_batches_library_id"), "enrichment_batches", ["library_id"])
    op.create_index(op.f("ix_enrichment_batches_created_by"), "enrichment_batches", ["created_by"])
    op.create_table(
        "enrichment_batch_items",
        sa.Column("batch_id", sa.Uuid(), nullable=False),
        sa.Column("book_id", sa.Uuid(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("book_title", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["enrichment_batches.id"],
            name=op.f("fk_enrichment_batch_items_batch_id_enrichment_batches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["book_id"], ["books.id"], name=op.f("fk_enrichment_batch_items_book_id_books"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrichment_batch_items")),
    )
    op.create_index("ix_enrichment_batch_items_batch_position", "enrichment_batch_items", ["batch_id", "position"])
    op.create_index(op.f("ix_enrichment_batch_items_book_id"), "enrichment_batch_items", ["book_id"])
    op.create_table(
        "enrichment_changes",
        sa.Column("batch_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("book_id", sa.Uuid(), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("old_value", JSON, nullable=True),
        sa.Column("new_value", JSON, nullable=True),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("reverted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["enrichment_batches.id"],
            name=op.f("fk_enrichment_changes_batch_id_enrichment_batches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["book_id"], ["books.id"], name=op.f("fk_enrichment_changes_book_id_books"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["enrichment_batch_items.id"],
            name=op.f("fk_enrichment_changes_item_id_enrichment_batch_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrichment_changes")),
    )
    for column in ("batch_id", "item_id", "book_id"):
        op.create_index(op.f(f"ix_enrichment_changes_{column}"), "enrichment_changes", [column])


def downgrade() -> None:
    op.drop_table("enrichment_changes")
    op.drop_table("enrichment_batch_items")
    op.drop_table("enrichment_batches")
