"""The key that makes the record hashes tamper-evident: HMAC-SHA-256 with a key kept outside the database.

The key is 32 random bytes (hex) in ``$ATMPNAV_KEY_FILE`` or ``chain.key`` in the data directory,
created (mode 0600, never overwritten) the first time records are used. Whoever can read the
database but not this file cannot recompute a valid hash for a forged or altered row. Several
server processes or machines sharing one database must share the same key file.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
from pathlib import Path
from typing import Any

from atmpnav.errors import StorageError

ENV_KEY_FILE = "ATMPNAV_KEY_FILE"
KEY_FILENAME = "chain.key"
KEY_BYTES = 32

_cache: dict[Path, bytes] = {}
_lock = threading.Lock()


def key_path() -> Path:
    """Where the chain key lives: ``$ATMPNAV_KEY_FILE`` or ``chain.key`` in the data directory."""
    override = os.environ.get(ENV_KEY_FILE, "").strip()
    if override:
        return Path(override).expanduser()
    from atmpnav.store import data_dir

    return data_dir() / KEY_FILENAME


def _read(path: Path) -> bytes:
    try:
        raw = path.read_text(encoding="ascii").strip()
        key = bytes.fromhex(raw)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise StorageError(f"cannot read the chain key {path}: {exc}") from None
    if len(key) < KEY_BYTES:
        raise StorageError(f"the chain key {path} is shorter than {KEY_BYTES} bytes")
    return key


def load_key(create: bool = True) -> bytes:
    """The chain key, created on first use when ``create`` (an existing file is never replaced)."""
    path = key_path()
    with _lock:
        found = _cache.get(path)
        if found is not None:
            return found
        if not path.exists():
            if not create:
                raise StorageError(f"the chain key {path} does not exist")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass  # another process created it first: use theirs
            except OSError as exc:
                raise StorageError(f"cannot create the chain key {path}: {exc}") from None
            else:
                with os.fdopen(descriptor, "w", encoding="ascii") as out:
                    out.write(secrets.token_hex(KEY_BYTES) + "\n")
        key = _read(path)
        _cache[path] = key
        return key


def forget_keys() -> None:
    """Drop cached keys (tests; after changing ``$ATMPNAV_KEY_FILE``)."""
    with _lock:
        _cache.clear()


def canonical_json(value: Any) -> bytes:
    """The canonical JSON of a value: sorted keys, no insignificant whitespace, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def mac(kind: str, content: dict[str, Any]) -> str:
    """HMAC-SHA-256 (hex) of ``content`` as canonical JSON, bound to ``kind`` (so a row of one table
    cannot pass for another's)."""
    message = canonical_json({"kind": kind, "content": content})
    return hmac.new(load_key(), message, hashlib.sha256).hexdigest()


def mac_ok(kind: str, content: dict[str, Any], expected: str | None) -> bool:
    return expected is not None and hmac.compare_digest(mac(kind, content), expected)


def derived_secret(purpose: str) -> str:
    """A secret for ``purpose`` (e.g. CSRF token signing) derived from the chain key, the same in
    every process that shares the key file."""
    return hmac.new(load_key(), f"atmpnav:{purpose}".encode(), hashlib.sha256).hexdigest()


def json_round_trip(value: Any) -> Any:
    """``value`` as it reads back from a JSON column, so that it hashes the same before and after."""
    return json.loads(canonical_json(value))
