"""Registry lists as CSV or JSON (CLI `registry list --csv/--json`, web `/registry.csv`, `/registry.json`)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from atmpnav.registry.queries import ProductSummary

LIST_COLUMNS = (
    "name",
    "region",
    "category",
    "combined",
    "category_mapped",
    "own_outcome",
    "own_agrees",
    "status",
    "status_since",
    "authorised_on",
    "inn",
    "holder",
    "product_type",
    "conditional",
    "orphan",
    "prime",
    "linked",
    "data_quality",
)


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def to_csv(rows: Iterable[ProductSummary]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(LIST_COLUMNS)
    for row in rows:
        data = row.to_dict()
        writer.writerow([_cell(data[c]) for c in LIST_COLUMNS])
    return buffer.getvalue()


def to_json(rows: Iterable[ProductSummary]) -> str:
    return json.dumps([r.to_dict() for r in rows], indent=2, ensure_ascii=False)
