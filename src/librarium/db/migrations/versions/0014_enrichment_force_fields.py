"""Enrichment batches that replace only some fields (an import's `prefer_csv`).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("enrichment_batches") as batch:
        batch.add_column(sa.Column("force_fields", JSON, nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("enrichment_batches") as batch:
        batch.drop_column("force_fields")
