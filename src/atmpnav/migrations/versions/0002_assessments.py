"""Saved assessments: assessment heads and their append-only, hash-chained versions.

Revision ID: 0002_assessments
Revises: 0001_registry
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_assessments"
down_revision: str | None = "0001_registry"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_MESSAGE = "assessment versions are append-only: add a new version instead"


def upgrade() -> None:
    op.create_table(
        "assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("latest_version", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment")),
    )
    op.create_table(
        "assessment_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("input_kind", sa.String(length=8), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("indication", sa.Text(), nullable=True),
        sa.Column("jurisdictions", sa.JSON(), nullable=False),
        sa.Column("as_of", sa.String(length=10), nullable=False),
        sa.Column("ruleset", sa.String(length=100), nullable=False),
        sa.Column("software", sa.String(length=50), nullable=False),
        sa.Column("envelope", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=True),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["assessment.id"], name=op.f("fk_assessment_version_assessment_id_assessment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_version")),
        sa.UniqueConstraint("assessment_id", "n", name=op.f("uq_assessment_version_assessment_id_n")),
    )
    op.create_index(op.f("ix_assessment_version_assessment_id"), "assessment_version", ["assessment_id"])

    # The audit trail is append-only in the database too, not only in the application.
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER assessment_version_no_{action.lower()} BEFORE {action} ON assessment_version "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION assessment_version_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER assessment_version_append_only BEFORE UPDATE OR DELETE ON assessment_version "
            "FOR EACH ROW EXECUTE FUNCTION assessment_version_append_only()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS assessment_version_no_update")
        op.execute("DROP TRIGGER IF EXISTS assessment_version_no_delete")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS assessment_version_append_only ON assessment_version")
        op.execute("DROP FUNCTION IF EXISTS assessment_version_append_only()")
    op.drop_index(op.f("ix_assessment_version_assessment_id"), table_name="assessment_version")
    op.drop_table("assessment_version")
    op.drop_table("assessment")
