"""Registry of authorised products: products, status timeline, EU-US links, change history, imports.

Revision ID: 0001_registry
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_registry"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "registry_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("source_as_of", sa.String(length=32), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_import")),
    )
    op.create_index(op.f("ix_registry_import_sha256"), "registry_import", ["sha256"])

    op.create_table(
        "registry_product",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("inn", sa.Text(), nullable=True),
        sa.Column("category", sa.String(length=16), nullable=True),
        sa.Column("combined", sa.Boolean(), nullable=True),
        sa.Column("category_note", sa.Text(), nullable=True),
        sa.Column("product_type", sa.Text(), nullable=True),
        sa.Column("holder", sa.Text(), nullable=True),
        sa.Column("authorised_on", sa.Date(), nullable=True),
        sa.Column("authorised_on_precision", sa.String(length=5), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_date", sa.Date(), nullable=True),
        sa.Column("status_date_precision", sa.String(length=5), nullable=True),
        sa.Column("conditional", sa.Boolean(), nullable=True),
        sa.Column("orphan", sa.Boolean(), nullable=True),
        sa.Column("prime", sa.Boolean(), nullable=True),
        sa.Column("exceptional_circumstances", sa.Boolean(), nullable=True),
        sa.Column("indication", sa.Text(), nullable=True),
        sa.Column("therapeutic_area", sa.Text(), nullable=True),
        sa.Column("source_urls", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("ema_product_number", sa.String(length=40), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_product")),
        sa.UniqueConstraint("region", "name_key", name=op.f("uq_registry_product_region_name_key")),
    )
    op.create_index(op.f("ix_registry_product_name_key"), "registry_product", ["name_key"])

    op.create_table(
        "registry_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("source_as_of", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["import_id"], ["registry_import.id"], name=op.f("fk_registry_change_import_id_registry_import")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["registry_product.id"],
            name=op.f("fk_registry_change_product_id_registry_product"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_change")),
    )
    op.create_index(op.f("ix_registry_change_import_id"), "registry_change", ["import_id"])
    op.create_index(op.f("ix_registry_change_product_id"), "registry_change", ["product_id"])

    op.create_table(
        "registry_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("eu_product_id", sa.Integer(), nullable=False),
        sa.Column("us_product_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("basis", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["eu_product_id"],
            ["registry_product.id"],
            name=op.f("fk_registry_link_eu_product_id_registry_product"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["us_product_id"],
            ["registry_product.id"],
            name=op.f("fk_registry_link_us_product_id_registry_product"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_link")),
        sa.UniqueConstraint(
            "eu_product_id", "us_product_id", name=op.f("uq_registry_link_eu_product_id_us_product_id")
        ),
    )
    op.create_index(op.f("ix_registry_link_eu_product_id"), "registry_link", ["eu_product_id"])
    op.create_index(op.f("ix_registry_link_us_product_id"), "registry_link", ["us_product_id"])

    op.create_table(
        "registry_status_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.Column("precision", sa.String(length=5), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["registry_product.id"],
            name=op.f("fk_registry_status_event_product_id_registry_product"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_status_event")),
    )
    op.create_index(op.f("ix_registry_status_event_product_id"), "registry_status_event", ["product_id"])


def downgrade() -> None:
    op.drop_table("registry_status_event")
    op.drop_table("registry_link")
    op.drop_table("registry_change")
    op.drop_table("registry_product")
    op.drop_table("registry_import")
