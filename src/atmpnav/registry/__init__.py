"""Registry of authorised ATMPs (EU) and cell and gene therapies (US): storage, queries, EMA
import, charts.

The public functions are re-exported here lazily, so that ``import atmpnav.registry`` (and the
CLI) does not import SQLAlchemy, openpyxl or matplotlib:

- :func:`list_products`, :func:`show_product`, :func:`stats`, :func:`status_on`
  (:mod:`atmpnav.registry.queries`)
- :func:`import_ema` (:mod:`atmpnav.registry.ema`)
- :func:`render_chart` (:mod:`atmpnav.registry.charts`)
- :func:`load_product_facts`, :func:`facts_path` (:mod:`atmpnav.registry.facts_files`)
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "list_products": "atmpnav.registry.queries",
    "show_product": "atmpnav.registry.queries",
    "stats": "atmpnav.registry.queries",
    "status_on": "atmpnav.registry.queries",
    "status_at": "atmpnav.registry.queries",
    "import_ema": "atmpnav.registry.ema",
    "render_chart": "atmpnav.registry.charts",
    "chart_data": "atmpnav.registry.charts",
    "load_product_facts": "atmpnav.registry.facts_files",
    "facts_path": "atmpnav.registry.facts_files",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
