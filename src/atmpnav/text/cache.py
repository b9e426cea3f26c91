"""Fast loading of the text data: an on-disk cache of derived structures (the precedent index, the
compiled vocabulary), keyed by the hash of the files they are built from. The files themselves are
parsed by :func:`atmpnav.datafiles.parse_yaml` (libyaml's C parser where present).

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
KEEP = 4  # cache files kept per name: one per version of the data in use on this machine


def cache_dir() -> Path | None:
    if os.environ.get("ATMPNAV_NO_CACHE"):
        return None
    explicit = os.environ.get("ATMPNAV_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "atmpnav"


def source_files(package: str, *files: str) -> list[bytes]:
    """The source files of ``package`` whose code builds a cached value, for its key. Read as resources, not by a
    module's ``__file__``: compiled (atmpnav/compiled.py), that names the extension module, not the source."""
    from importlib import resources

    folder = resources.files(package)
    return [folder.joinpath(name).read_bytes() for name in files]


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
    # One file per key: two versions in use side by side (two installs, a checkout and a release) each
    # find their own file instead of rebuilding over each other's on every start.
    path = folder / f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.pickle" if folder else None
    if path is not None:
        try:
            with path.open("rb") as handle:
                stored_key, value = pickle.load(handle)
            if stored_key == key:
                return value  # type: ignore[no-any-return]
        except Exception:  # missing, stale, truncated or from another version: rebuild
            pass
    value = build()
    if path is not None:
        _write(path, key, value)
        _prune(path.parent, name)
    return value


def _prune(folder: Path, name: str) -> None:
    """Keep the ``KEEP`` most recently written files of ``name`` (older versions' files go)."""
    try:
        # exactly a key of 16 hex digits after the name ("defaults-*" must not take "defaults-regex-*")
        files = sorted(folder.glob(f"{name}-{'[0-9a-f]' * 16}.pickle"), key=lambda p: p.stat().st_mtime,
                       reverse=True)
        for old in files[KEEP:]:
            old.unlink()
    except OSError:  # raced with another process, or a read-only folder: harmless
        pass


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
    except Exception:  # read-only home, full disk, an unpicklable value: run without the cache
        pass


# --- compiled regular expressions -------------------------------------------------------------------
#
# Compiling the vocabulary's large alternations costs far more than matching with them. Python
# cannot pickle a compiled pattern (it pickles the source and recompiles), so the cache keeps what
# the compiler produced (the regex engine's code) and rebuilds the pattern from it directly. The
# key includes the Python version and the regex engine's MAGIC number; if any of this fails, the
# pattern is compiled the normal way, so results never depend on the cache.


def regex_engine_key() -> str:
    import sys
    from re import _constants  # type: ignore[attr-defined]

    return f"{sys.version}|{_constants.MAGIC}|code as bytes"


def regex_program(source: str, flags: int) -> tuple[Any, ...] | None:
    """What ``re.compile(source, flags)`` builds, in a picklable form (None if not available)."""
    try:
        from re import _compiler, _parser  # type: ignore[attr-defined]

        parsed = _parser.parse(source, flags)
        code = _compiler._code(parsed, flags)
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, number in groupindex.items():
            indexgroup[number] = name
        # the code as the bytes of 32-bit words: loading bytes costs far less than a list of ints
        return (int(flags | parsed.state.flags), _code_words(code).tobytes(), parsed.state.groups - 1, groupindex,
                tuple(indexgroup))
    except Exception:
        return None


def _code_words(code: list[int]) -> Any:
    from array import array

    words = array("I", code)  # the regex engine's code words are 32 bits (SRE_CODE)
    if words.itemsize != 4:
        raise ValueError("no 32-bit array type")
    return words


def compile_program(source: str, flags: int, program: tuple[Any, ...] | None) -> Any:
    """The compiled pattern from a cached program, or compiled anew."""
    import re

    if program is not None:
        try:
            import _sre

            flags_used, code, *groups = program
            words = _code_words([])
            words.frombytes(code)
            pattern = _sre.compile(source, flags_used, words.tolist(), *groups)
            if pattern.pattern == source:
                return pattern
        except Exception:
            pass
    return re.compile(source, flags)


def compile_all(name: str, key: str, sources: list[str], flags: int) -> dict[str, Any]:
    """Every source compiled with ``flags``, the compiled programs cached under ``name`` and ``key``."""
    unique = list(dict.fromkeys(sources))
    programs = cached(name, content_key(key, regex_engine_key(), str(flags), *unique),
                      lambda: {src: regex_program(src, flags) for src in unique})
    return {src: compile_program(src, flags, programs.get(src)) for src in unique}
