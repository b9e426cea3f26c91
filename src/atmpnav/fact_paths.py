"""Reading a fact by its dotted path (``cells_or_tissues.source``), as the rules do on every step.

Apart from the pydantic models of ``facts.py`` so that it is compiled with the rules (``atmpnav/compiled.py``):
a compiled rule then reads a fact without a call into the interpreter."""

from __future__ import annotations

from typing import Any

PATHS_KEPT = 4096  # split paths remembered; the model has a few dozen, a caller may pass others
_parts: dict[str, tuple[str, ...]] = {}


def path_parts(path: str) -> tuple[str, ...]:
    """``"a.b"`` -> ``("a", "b")``, split once per path."""
    parts = _parts.get(path)
    if parts is None:
        if len(_parts) >= PATHS_KEPT:
            _parts.clear()
        parts = _parts[path] = tuple(path.split("."))
    return parts


def get_fact(facts: Any, path: str) -> Any:
    """Value at a dotted path; an absent sub-record reads as None."""
    node = facts
    for part in path_parts(path):
        if node is None:
            return None
        node = getattr(node, part)
    return node
