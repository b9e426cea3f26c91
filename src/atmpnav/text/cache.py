"""Fast loading of the text data: the C YAML loader where present, and an on-disk cache of
derived structures (the precedent index), keyed by the hash of the files they are built from.

The cache lives in ``$ATMPNAV_CACHE_DIR`` or ``~/.cache/atmpnav`` (``XDG_CACHE_HOME`` respected).
A cache file is only ever written by this module under a name of its own; it is used only when its
key (the content hash of every source file and the code version) matches, and a cache that cannot
be read or written is simply rebuilt in memory: the cache changes speed, never results.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
FORMAT = 1  # bump when the layout of a cached object changes


def load_yaml(name: str, text: str) -> Any:
    """Parse YAML with libyaml's C loader when PyYAML was built with it (5-10x faster)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:  # a packaging error, not user input
        raise RuntimeError(f"{name} is not valid YAML: {exc}") from exc


def cache_dir() -> Path | None:
    if os.environ.get("ATMPNAV_NO_CACHE"):
        return None
    explicit = os.environ.get("ATMPNAV_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "atmpnav"


def content_key(*parts: str | bytes) -> str:
    digest = hashlib.sha256(str(FORMAT).encode())
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()[:32]


def cached(name: str, key: str, build: Callable[[], T]) -> T:
    """``build()``'s result, loaded from the cache file ``name`` when it was built from the same key."""
    folder = cache_dir()
    path = folder / f"{name}.pickle" if folder else None
    if path is not None:
        try:
            with path.open("rb") as handle:
                stored_key, value = pickle.load(handle)  # noqa: S301 - our own file, checked by key
            if stored_key == key:
                return value  # type: ignore[no-any-return]
        except Exception:  # missing, stale, truncated or from another version: rebuild
            pass
    value = build()
    if path is not None:
        _write(path, key, value)
    return value


def _write(path: Path, key: str, value: Any) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((key, value), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass  # read-only home, full disk: run without the cache
