"""Edition files (uploads and links) and storage locations.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 17:33:46.605409
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "storage_locations",
        sa.Column("library_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("root_path", sa.String(length=1024), nullable=False),
        sa.Column("media_format", sa.String(length=32), nullable=False),
        sa.Column("path_template", sa.String(length=512), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["library_id"], ["libraries.id"], name=op.f("fk_storage_locations_library_id_libraries"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_storage_locations")),
    )
    with op.batch_alter_table("storage_locations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_storage_locations_library_id"), ["library_id"], unique=False)

    op.create_table(
        "edition_files",
        sa.Column("edition_id", sa.Uuid(), nullable=False),
        sa.Column("file_format", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("file_path", sa.Text(), nullable=False),
        sa.Column("storage_location_id", sa.Uuid(), nullable=True),
        sa.Column("file_size", sa.BigInteger(), nullable=True),
        sa.Column("display_order", sa.Integer(), nullable=False),
        sa.Column("owned", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["edition_id"],
            ["book_editions.id"],
            name=op.f("fk_edition_files_edition_id_book_editions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["storage_location_id"],
            ["storage_locations.id"],
            name=op.f("fk_edition_files_storage_location_id_storage_locations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_edition_files")),
    )
    with op.batch_alter_table("edition_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_edition_files_edition_id"), ["edition_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_edition_files_storage_location_id"), ["storage_location_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("edition_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_edition_files_storage_location_id"))
        batch_op.drop_index(batch_op.f("ix_edition_files_edition_id"))

    op.drop_table("edition_files")
    with op.batch_alter_table("storage_locations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_storage_locations_library_id"))

    op.drop_table("storage_locations")
