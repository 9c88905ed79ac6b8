"""Loans, and the tag links of loans, series and shelves.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 17:27:49.453099
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "loans",
        sa.Column("library_id", sa.Uuid(), nullable=False),
        sa.Column("book_id", sa.Uuid(), nullable=False),
        sa.Column("loaned_to", sa.String(length=256), nullable=False),
        sa.Column("loaned_at", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("returned_at", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["book_id"], ["books.id"], name=op.f("fk_loans_book_id_books"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_loans_created_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["library_id"], ["libraries.id"], name=op.f("fk_loans_library_id_libraries"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loans")),
    )
    with op.batch_alter_table("loans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_loans_book_id"), ["book_id"], unique=False)
        batch_op.create_index("ix_loans_library_open", ["library_id", "returned_at"], unique=False)

    op.create_table(
        "series_tags",
        sa.Column("series_id", sa.Uuid(), nullable=False),
        sa.Column("tag_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["series_id"], ["series.id"], name=op.f("fk_series_tags_series_id_series"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["tag_id"], ["tags.id"], name=op.f("fk_series_tags_tag_id_tags"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("series_id", "tag_id", name=op.f("pk_series_tags")),
    )
    with op.batch_alter_table("series_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_series_tags_tag_id"), ["tag_id"], unique=False)

    op.create_table(
        "shelf_tags",
        sa.Column("shelf_id", sa.Uuid(), nullable=False),
        sa.Column("tag_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shelf_id"], ["shelves.id"], name=op.f("fk_shelf_tags_shelf_id_shelves"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["tag_id"], ["tags.id"], name=op.f("fk_shelf_tags_tag_id_tags"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("shelf_id", "tag_id", name=op.f("pk_shelf_tags")),
    )
    with op.batch_alter_table("shelf_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shelf_tags_tag_id"), ["tag_id"], unique=False)

    op.create_table(
        "loan_tags",
        sa.Column("loan_id", sa.Uuid(), nullable=False),
        sa.Column("tag_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["loan_id"], ["loans.id"], name=op.f("fk_loan_tags_loan_id_loans"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tag_id"], ["tags.id"], name=op.f("fk_loan_tags_tag_id_tags"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("loan_id", "tag_id", name=op.f("pk_loan_tags")),
    )
    with op.batch_alter_table("loan_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_loan_tags_tag_id"), ["tag_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("loan_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_loan_tags_tag_id"))

    op.drop_table("loan_tags")
    with op.batch_alter_table("shelf_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shelf_tags_tag_id"))

    op.drop_table("shelf_tags")
    with op.batch_alter_table("series_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_series_tags_tag_id"))

    op.drop_table("series_tags")
    with op.batch_alter_table("loans", schema=None) as batch_op:
        batch_op.drop_index("ix_loans_library_open")
        batch_op.drop_index(batch_op.f("ix_loans_book_id"))

    op.drop_table("loans")
