"""KOReader's file-name document id of each edition file (the MD5 of its name), filled in for existing files.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 18:40:00
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("edition_files") as batch:
        batch.add_column(sa.Column("koreader_name_digest", sa.String(length=32), nullable=True))
        batch.create_index(batch.f("ix_edition_files_koreader_name_digest"), ["koreader_name_digest"])
    files = sa.table("edition_files", sa.column("id", sa.Uuid()), sa.column("file_name", sa.Text()),
                     sa.column("koreader_name_digest", sa.String()))  # fmt: skip
    bind = op.get_bind()
    rows = bind.execute(sa.select(files.c.id, files.c.file_name)).all()
    if rows:
        bind.execute(
            files.update().where(files.c.id == sa.bindparam("file_id")).values(koreader_name_digest=sa.bindparam("d")),
            [{"file_id": i, "d": hashlib.md5((name or "").encode(), usedforsecurity=False).hexdigest()}
             for i, name in rows],
        )  # fmt: skip


def downgrade() -> None:
    with op.batch_alter_table("edition_files") as batch:
        batch.drop_index(batch.f("ix_edition_files_koreader_name_digest"))
        batch.drop_column("koreader_name_digest")
