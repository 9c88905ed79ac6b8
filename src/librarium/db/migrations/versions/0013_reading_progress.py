"""KOReader progress sync: reading progress per user and document, and each edition file's KOReader document id.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("edition_files") as batch:
        batch.add_column(sa.Column("koreader_digest", sa.String(length=32), nullable=True))
        batch.create_index(batch.f("ix_edition_files_koreader_digest"), ["koreader_digest"])
    op.create_table(
        "reading_progress",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("document", sa.String(length=64), nullable=False),
        sa.Column("progress", sa.Text(), nullable=False),
        sa.Column("percentage", sa.Double(), nullable=False),
        sa.Column("device", sa.String(length=128), nullable=False),
        sa.Column("device_id", sa.String(length=128), nullable=False),
        sa.Column("timestamp", sa.Integer(), nullable=False),
        sa.Column("edition_file_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_reading_progress_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["edition_file_id"],
            ["edition_files.id"],
            name=op.f("fk_reading_progress_edition_file_id_edition_files"),
            ondelete="SET NULL",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("user_id", "document", name=op.f("pk_reading_progress")),
    )


def downgrade() -> None:
    op.drop_table("reading_progress")
    with op.batch_alter_table("edition_files") as batch:
        batch.drop_index(batch.f("ix_edition_files_koreader_digest"))
        batch.drop_column("koreader_digest")
