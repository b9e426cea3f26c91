"""How a command names a saved assessment: ``12`` or ``#12`` (a file of that name wins)."""

from __future__ import annotations

import re
from pathlib import Path

_ASSESSMENT_ID = re.compile(r"^#?(\d{1,12})$")


def assessment_ref(source: str) -> int | None:
    """The assessment id ``source`` names, or None when it is a file (or not an id)."""
    match = _ASSESSMENT_ID.match(source.strip())
    return int(match.group(1)) if match and not Path(source).exists() else None
