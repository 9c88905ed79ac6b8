"""AI suggestions: user opt-in and taste profile, runs and their events, suggestions, blocks.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TIME = sa.DateTime(timezone=True)
NEW_ONLY = sa.text("status = 'new'")


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "user_ai_settings",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("opt_in", sa.Boolean(), nullable=False),
        sa.Column("taste_profile", JSON, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        _fk("user_ai_settings", "user_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_user_ai_settings")),
    )
    op.create_table(
        "ai_suggestion_runs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("triggered_by", sa.String(length=16), nullable=False),
        sa.Column("provider_type", sa.String(length=32), nullable=False),
        sa.Column("model_id", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("tokens_in", sa.Integer(), nullable=False),
        sa.Column("tokens_out", sa.Integer(), nullable=False),
        sa.Column("estimated_cost_usd", sa.Double(), nullable=False),
        sa.Column("started_at", TIME, nullable=False),
        sa.Column("finished_at", TIME, nullable=True),
        sa.Column("job_id", sa.Uuid(), nullable=True),
        _fk("ai_suggestion_runs", "user_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_suggestion_runs")),
    )
    op.create_index(op.f("ix_ai_suggestion_runs_job_id"), "ai_suggestion_runs", ["job_id"])
    op.create_index(op.f("ix_ai_suggestion_runs_status"), "ai_suggestion_runs", ["status"])
    op.create_index("ix_ai_suggestion_runs_user_started", "ai_suggestion_runs", ["user_id", "started_at"])
    op.create_table(
        "ai_run_events",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("content", JSON, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["ai_suggestion_runs.id"],
            name=op.f("fk_ai_run_events_run_id_ai_suggestion_runs"),
            ondelete="CASCADE",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("run_id", "seq", name=op.f("pk_ai_run_events")),
    )
    op.create_table(
        "ai_suggestions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=True),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("book_id", sa.Uuid(), nullable=True),
        sa.Column("book_edition_id", sa.Uuid(), nullable=True),
        sa.Column("title", sa.String(length=512), nullable=False),
        sa.Column("title_key", sa.String(length=512), nullable=False),
        sa.Column("author", sa.String(length=512), nullable=False),
        sa.Column("isbn", sa.String(length=20), nullable=False),
        sa.Column("cover_url", sa.Text(), nullable=False),
        sa.Column("reasoning", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        _fk("ai_suggestions", "user_id", "users", "CASCADE"),
        _fk("ai_suggestions", "book_id", "books", "SET NULL"),
        _fk("ai_suggestions", "book_edition_id", "book_editions", "SET NULL"),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["ai_suggestion_runs.id"],
            name=op.f("fk_ai_suggestions_run_id_ai_suggestion_runs"),
            ondelete="SET NULL",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_suggestions")),
    )
    op.create_index("ix_ai_suggestions_user_status", "ai_suggestions", ["user_id", "status", "created_at"])
    op.create_index(
        "uq_ai_suggestions_new_title", "ai_suggestions", ["user_id", "type", "title_key"], unique=True,
        sqlite_where=NEW_ONLY, postgresql_where=NEW_ONLY,
    )  # fmt: skip
    op.create_table(
        "ai_blocked_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=512), nullable=False),
        sa.Column("author", sa.String(length=512), nullable=False),
        sa.Column("isbn", sa.String(length=20), nullable=False),
        sa.Column("series_id", sa.Uuid(), nullable=True),
        sa.Column("series_name", sa.String(length=256), nullable=False),
        sa.Column("blocked_at", TIME, nullable=False),
        _fk("ai_blocked_items", "user_id", "users", "CASCADE"),
        _fk("ai_blocked_items", "series_id", "series", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_blocked_items")),
    )
    op.create_index(op.f("ix_ai_blocked_items_user_id"), "ai_blocked_items", ["user_id"])


def downgrade() -> None:
    for table in ("ai_blocked_items", "ai_suggestions", "ai_run_events", "ai_suggestion_runs", "user_ai_settings"):
        op.drop_table(table)
