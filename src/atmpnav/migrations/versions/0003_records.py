"""Records: users, API tokens, sessions, signatures, the audit chain, idempotency keys; keyed versions
with actor, reason and product fields; every record table append-only (UPDATE, DELETE and, on
PostgreSQL, TRUNCATE refused by triggers).

The assessment head loses its mutable columns (title, updated_at, latest_version, head_hash): the
current state of an assessment is its latest version, so the record tables never need UPDATE and
the application can run as a database role with INSERT and SELECT only on them.

Revision ID: 0003_records
Revises: 0002_assessments
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_records"
down_revision: str | None = "0002_assessments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_MESSAGE = "records are append-only: add a new version or event instead"
NEW_APPEND_ONLY = ("assessment", "signature", "audit_event", "idempotency_key")
ALL_APPEND_ONLY = ("assessment", "assessment_version", "signature", "audit_event", "idempotency_key")
DROPPED_HEAD_COLUMNS = ("title", "updated_at", "latest_version", "head_hash")
TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for column in DROPPED_HEAD_COLUMNS:
        if dialect == "sqlite":  # SQLite >= 3.35 drops a plain column in place (no table rebuild)
            op.execute(f"ALTER TABLE assessment DROP COLUMN {column}")
        else:
            op.drop_column("assessment", column)
    op.add_column("assessment", sa.Column("created_by", sa.String(64), nullable=True))
    op.add_column("assessment", sa.Column("mac", sa.String(64), nullable=True))
    op.create_index(op.f("ix_assessment_created_by"), "assessment", ["created_by"])

    op.add_column("assessment_version", sa.Column("schema", sa.String(40), nullable=False,
                                                  server_default="atmpnav.assessment-version/1"))
    for name, kind in (("actor", sa.String(64)), ("reason", sa.Text()), ("product_name", sa.String(200)),
                       ("description", sa.Text()), ("intended_use", sa.Text())):
        op.add_column("assessment_version", sa.Column(name, kind, nullable=True))

    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", TZ, nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("password_changed_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("username", name=op.f("uq_app_user_username")),
    )
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("revoked_at", TZ, nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_api_token_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    op.create_index(op.f("ix_api_token_user_id"), "api_token", ["user_id"])
    op.create_table(
        "web_session",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("last_seen_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_web_session_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_session")),
    )
    op.create_index(op.f("ix_web_session_user_id"), "web_session", ["user_id"])
    op.create_table(
        "signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("version_n", sa.Integer(), nullable=False),
        sa.Column("version_hash", sa.String(64), nullable=False),
        sa.Column("signer", sa.String(64), nullable=False),
        sa.Column("signer_name", sa.String(200), nullable=False),
        sa.Column("meaning", sa.String(16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("signed_at", TZ, nullable=False),
        sa.Column("mac", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessment.id"],
                                name=op.f("fk_signature_assessment_id_assessment")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signature")),
    )
    op.create_index(op.f("ix_signature_assessment_id"), "signature", ["assessment_id"])
    op.create_table(
        "audit_event",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.String(64), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=True),
        sa.Column("version_n", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("prev_mac", sa.String(64), nullable=True),
        sa.Column("mac", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_event")),
    )
    for column in ("at", "actor", "action", "assessment_id"):
        op.create_index(op.f(f"ix_audit_event_{column}"), "audit_event", [column])
    op.create_table(
        "idempotency_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("version_n", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_key")),
        sa.UniqueConstraint("actor", "key", name=op.f("uq_idempotency_key_actor_key")),
    )

    if dialect == "sqlite":
        for table in NEW_APPEND_ONLY:
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
                )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$"
        )
        for table in NEW_APPEND_ONLY:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION records_append_only()")
        for table in ALL_APPEND_ONLY:
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION records_append_only()")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in NEW_APPEND_ONLY:
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
    elif dialect == "postgresql":
        for table in ALL_APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        for table in NEW_APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS records_append_only()")
    for table in ("idempotency_key", "audit_event", "signature", "web_session", "api_token", "app_user"):
        op.drop_table(table)
    for name in ("intended_use", "description", "product_name", "reason", "actor", "schema"):
        op.drop_column("assessment_version", name)
    op.drop_index(op.f("ix_assessment_created_by"), table_name="assessment")
    op.drop_column("assessment", "mac")
    op.drop_column("assessment", "created_by")
    op.add_column("assessment", sa.Column("title", sa.String(200), nullable=False, server_default=""))
    op.add_column("assessment", sa.Column("updated_at", TZ, nullable=True))
    op.add_column("assessment", sa.Column("latest_version", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("assessment", sa.Column("head_hash", sa.String(64), nullable=False, server_default=""))
