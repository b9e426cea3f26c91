"""The project's own data files (the YAML shipped in the package): one way to parse them.

libyaml's C parser is used where PyYAML was built with it (5-10x faster than the pure-Python one;
same safe constructor, so the same values). User input never comes here: it goes through
:mod:`atmpnav.untrusted` (bounded, aliases refused).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from atmpnav.errors import DataFormatError


def parse_yaml(text: str, name: str) -> Any:
    """Parse the text of shipped data file ``name``; a malformed file is a :class:`DataFormatError`."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        raise DataFormatError(name, f"invalid YAML: {exc}") from None


def load_yaml(path: Path | str) -> Any:
    """Parse a shipped YAML data file."""
    return parse_yaml(Path(path).read_text(encoding="utf-8"), str(path))
