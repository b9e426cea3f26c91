"""Registry tables (SQLAlchemy 2 typed ORM). The schema itself is created by the migrations in
``atmpnav/migrations/versions``; a test checks that they agree with these models.

- ``registry_product``: one row per product and region (EU marketing authorisation or US licence).
- ``registry_status_event``: the regulatory timeline of a product (authorised on …, withdrawn on …);
  :func:`atmpnav.registry.queries.status_on` reads it.
- ``registry_link``: EU and US entries of the same product (or of the same active substance).
- ``registry_change``: the audit trail; every change to any of the above, field by field, with the
  old and new value, when it was recorded and from which source. Rows are only ever added.
- ``registry_import``: each data load (the shipped CSVs, each EMA spreadsheet) that changed something.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from atmpnav.orm import Base

#: Product fields whose changes are recorded in the history (everything a user sees).
TRACKED_FIELDS: tuple[str, ...] = (
    "region",
    "name",
    "aliases",
    "inn",
    "category",
    "combined",
    "category_note",
    "product_type",
    "holder",
    "authorised_on",
    "authorised_on_precision",
    "status",
    "status_date",
    "status_date_precision",
    "conditional",
    "orphan",
    "prime",
    "exceptional_circumstances",
    "indication",
    "therapeutic_area",
    "source_urls",
    "notes",
    "ema_product_number",
    "url",
)


class Product(Base):
    __tablename__ = "registry_product"
    __table_args__ = (UniqueConstraint("region", "name_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region: Mapped[str] = mapped_column(String(2))
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    slug: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    inn: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(16))
    combined: Mapped[bool | None] = mapped_column(Boolean)
    category_note: Mapped[str | None] = mapped_column(Text)
    product_type: Mapped[str | None] = mapped_column(Text)
    holder: Mapped[str | None] = mapped_column(Text)
    authorised_on: Mapped[date | None] = mapped_column(Date)
    authorised_on_precision: Mapped[str | None] = mapped_column(String(5))
    status: Mapped[str] = mapped_column(String(16))
    status_date: Mapped[date | None] = mapped_column(Date)
    status_date_precision: Mapped[str | None] = mapped_column(String(5))
    conditional: Mapped[bool | None] = mapped_column(Boolean)
    orphan: Mapped[bool | None] = mapped_column(Boolean)
    prime: Mapped[bool | None] = mapped_column(Boolean)
    exceptional_circumstances: Mapped[bool | None] = mapped_column(Boolean)
    indication: Mapped[str | None] = mapped_column(Text)
    therapeutic_area: Mapped[str | None] = mapped_column(Text)
    source_urls: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str | None] = mapped_column(Text)
    ema_product_number: Mapped[str | None] = mapped_column(String(40))
    url: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    events: Mapped[list[StatusEvent]] = relationship(
        back_populates="product", order_by="StatusEvent.seq", cascade="all, delete-orphan"
    )
    changes: Mapped[list[Change]] = relationship(back_populates="product", order_by="Change.id")

    def tracked_values(self) -> dict[str, Any]:
        return {field: getattr(self, field) for field in TRACKED_FIELDS}

    def __repr__(self) -> str:
        return f"Product({self.region}:{self.name})"


class StatusEvent(Base):
    """From ``effective_on`` (known to ``precision``; None = date not known) the product's status
    is ``status``, until the next event."""

    __tablename__ = "registry_status_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("registry_product.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    effective_on: Mapped[date | None] = mapped_column(Date)
    precision: Mapped[str | None] = mapped_column(String(5))
    source: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    product: Mapped[Product] = relationship(back_populates="events")


class Link(Base):
    """An EU product and a US product that are the same medicine (``same_product``) or share the
    active substance but are different products (``same_active_substance``)."""

    __tablename__ = "registry_link"
    __table_args__ = (UniqueConstraint("eu_product_id", "us_product_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    eu_product_id: Mapped[int] = mapped_column(ForeignKey("registry_product.id", ondelete="CASCADE"), index=True)
    us_product_id: Mapped[int] = mapped_column(ForeignKey("registry_product.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    basis: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    eu_product: Mapped[Product] = relationship(foreign_keys=[eu_product_id])
    us_product: Mapped[Product] = relationship(foreign_keys=[us_product_id])


class Change(Base):
    """One field of one product changed (``action`` create/update/link), append-only."""

    __tablename__ = "registry_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("registry_product.id", ondelete="CASCADE"), index=True)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("registry_import.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    field: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(Text)
    source_as_of: Mapped[str | None] = mapped_column(String(32))

    product: Mapped[Product] = relationship(back_populates="changes")


class Import(Base):
    """A data load that changed the registry (``kind``: seed-eu, seed-us, seed-links, ema)."""

    __tablename__ = "registry_import"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(Text)
    source_as_of: Mapped[str | None] = mapped_column(String(32))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
