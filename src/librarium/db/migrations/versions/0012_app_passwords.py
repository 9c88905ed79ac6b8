"""App passwords for reading apps (OPDS, KOReader sync).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_passwords",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("kosync_hash", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_app_passwords_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_passwords")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_app_passwords_secret_hash")),
        sa.UniqueConstraint("kosync_hash", name=op.f("uq_app_passwords_kosync_hash")),
    )
    op.create_index(op.f("ix_app_passwords_user_id"), "app_passwords", ["user_id"])


def downgrade() -> None:
    op.drop_table("app_passwords")
