"""Writing to the registry with a trace: every change goes through a :class:`Recorder`, which
applies it and appends one ``registry_change`` row per field (old value, new value, when, source).
Nothing in the registry is written any other way."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from atmpnav.registry.models import TRACKED_FIELDS, Change, Import, Link, Product, StatusEvent
from atmpnav.registry.types import PartialDate, Status, name_key, slugify


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Timestamps read back from SQLite are naive; they were written in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def format_value(value: Any) -> str | None:
    """The text stored in the history for a field value."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@dataclass(frozen=True)
class FieldChange:
    """One field of one product that changed (as reported to the user)."""

    region: str
    product: str
    field: str
    old: str | None
    new: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"region": self.region, "product": self.product, "field": self.field, "old": self.old, "new": self.new}


class Recorder:
    """Applies changes from one source within the caller's session and records them."""

    def __init__(
        self,
        session: Session,
        *,
        kind: str,
        source: str,
        source_as_of: str | None,
        sha256: str | None = None,
    ) -> None:
        self.session = session
        self.source = source
        self.source_as_of = source_as_of
        self.moment = utcnow()
        self.changes: list[FieldChange] = []
        self.created: list[Product] = []
        self._import = Import(
            kind=kind, source=source, source_as_of=source_as_of, sha256=sha256, imported_at=self.moment, summary={}
        )

    @property
    def label(self) -> str:
        return f"{self.source} (as of {self.source_as_of})" if self.source_as_of else self.source

    # ------------------------------------------------------------------ bookkeeping

    def _log(self, product: Product, action: str, field: str, old: Any, new: Any) -> None:
        old_text, new_text = format_value(old), format_value(new)
        if self._import.id is None:
            self.session.add(self._import)
            self.session.flush()
        self.session.add(
            Change(
                product_id=product.id,
                import_id=self._import.id,
                action=action,
                field=field,
                old_value=old_text,
                new_value=new_text,
                changed_at=self.moment,
                source=self.source,
                source_as_of=self.source_as_of,
            )
        )
        self.changes.append(FieldChange(product.region, product.name, field, old_text, new_text))

    def finish(self, summary: dict[str, Any], *, always: bool = False) -> Import | None:
        """Store the summary on the import row. Without ``always``, a load that changed nothing
        leaves no row (None)."""
        if self._import.id is None:
            if not always:
                return None
            self.session.add(self._import)
        self._import.summary = summary
        self.session.flush()
        # Imports are configuration of what the tool shows: an event in the records' audit trail too.
        from atmpnav.records import audit

        audit.append(self.session, "registry.imported", actor=None,
                     details={"import_id": self._import.id, "kind": self._import.kind, "source": self.source,
                              "source_as_of": self.source_as_of, "sha256": self._import.sha256})
        return self._import

    # ------------------------------------------------------------------ products

    def create_product(self, values: dict[str, Any]) -> Product:
        unknown = set(values) - set(TRACKED_FIELDS)
        if unknown:
            raise ValueError(f"not product fields: {sorted(unknown)}")
        full = {field: values.get(field) for field in TRACKED_FIELDS}
        full["aliases"] = list(full["aliases"] or [])
        full["source_urls"] = list(full["source_urls"] or [])
        product = Product(
            **full,
            name_key=name_key(full["name"]),
            slug=slugify(full["name"]),
            created_at=self.moment,
            updated_at=self.moment,
        )
        self.session.add(product)
        self.session.flush()
        for field in TRACKED_FIELDS:
            if full[field] not in (None, []):
                self._log(product, "create", field, None, full[field])
        self._create_events(product)
        self.created.append(product)
        return product

    def update_product(self, product: Product, values: dict[str, Any]) -> list[FieldChange]:
        """Set the given fields; only real differences are applied and recorded. The status
        timeline follows changes of status and dates."""
        before = len(self.changes)
        old = product.tracked_values()
        for field, new in values.items():
            if field not in TRACKED_FIELDS:
                raise ValueError(f"not a product field: {field}")
            if old[field] == new:
                continue
            setattr(product, field, new)
            if field == "name":
                product.name_key = name_key(new)
                product.slug = slugify(new)
            self._log(product, "update", field, old[field], new)
        if len(self.changes) > before:
            product.updated_at = self.moment
            self._sync_events(product, old)
            self.session.flush()
        return self.changes[before:]

    def link(self, eu: Product, us: Product, *, kind: str, basis: str | None) -> Link | None:
        existing = (
            self.session.query(Link).filter(Link.eu_product_id == eu.id, Link.us_product_id == us.id).one_or_none()
        )
        if existing is not None:
            return None
        link = Link(
            eu_product_id=eu.id, us_product_id=us.id, kind=kind, basis=basis, source=self.label, created_at=self.moment
        )
        self.session.add(link)
        self.session.flush()
        self._log(eu, "link", "linked_product", None, f"US: {us.name} ({kind})")
        self._log(us, "link", "linked_product", None, f"EU: {eu.name} ({kind})")
        return link

    # ------------------------------------------------------------------ status timeline

    def add_status_event(self, product: Product, status: str, on: date, precision: str) -> bool:
        """Add an intermediate status period (e.g. a suspension) to the timeline, in date order.
        False when the timeline already has it."""
        if any(e.status == status and e.effective_on == on for e in product.events):
            return False
        self._event(product, status, on, precision)
        _resequence(product)
        self.session.flush()
        self._log(product, "event", "status_timeline", None, f"{status} from {partial(on, precision)}")
        return True

    def _event(self, product: Product, status: str, on: date | None, precision: str | None) -> None:
        seq = max((e.seq for e in product.events), default=0) + 1
        product.events.append(
            StatusEvent(
                seq=seq,
                status=status,
                effective_on=on,
                precision=precision if on is not None else None,
                source=self.label,
                recorded_at=self.moment,
            )
        )

    def _create_events(self, product: Product) -> None:
        self._event(product, Status.authorised, product.authorised_on, product.authorised_on_precision)
        if product.status != Status.authorised:
            self._event(product, product.status, product.status_date, product.status_date_precision)
        self.session.flush()

    def _sync_events(self, product: Product, old: dict[str, Any]) -> None:
        events = sorted(product.events, key=lambda e: e.seq)
        if not events:
            self._create_events(product)
            return
        first = events[0]
        if (old["authorised_on"], old["authorised_on_precision"]) != (
            product.authorised_on,
            product.authorised_on_precision,
        ):
            first.effective_on = product.authorised_on
            first.precision = product.authorised_on_precision if product.authorised_on else None
        status_changed = old["status"] != product.status
        date_changed = (old["status_date"], old["status_date_precision"]) != (
            product.status_date,
            product.status_date_precision,
        )
        if status_changed:
            self._event(product, product.status, product.status_date, product.status_date_precision)
            _resequence(product)
        elif date_changed and product.status != Status.authorised:
            last = events[-1]
            last.effective_on = product.status_date
            last.precision = product.status_date_precision if product.status_date else None


def _resequence(product: Product) -> None:
    """Number the events in date order; an undated event stays right after its predecessor."""
    ordered = sorted(product.events, key=lambda e: e.seq)
    keyed = []
    last = date.min
    for event in ordered:
        last = event.effective_on or last
        keyed.append((last, event.effective_on is None, event.seq, event))
    for seq, (*_, event) in enumerate(sorted(keyed, key=lambda k: k[:3]), start=1):
        event.seq = seq


def partial(value: date | None, precision: str | None) -> str | None:
    """Display form of a stored date and its precision (``2025-07`` for a month)."""
    found = PartialDate.of(value, precision)
    return str(found) if found else None
