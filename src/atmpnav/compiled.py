"""The engine, the rule sets and the text reader compiled to C by mypyc, used only while they are exactly their
sources.

``make compile`` (``scripts/compile_rules.py``; it needs a C compiler and the dev extra) compiles the modules of
:data:`COMPILED_MODULES` into :data:`COMPILED_DIR` (``build/compiled-rules`` of the checkout, never beside the
sources, so that no Python import, and no older checkout without this module, can pick them up by accident) and
writes :data:`MANIFEST` there: each source's sha256, size and modification time, and the interpreter it was
compiled for. :func:`choose`, called when ``atmpnav`` is first imported (before any of these modules), makes Python
import the compiled modules only if every source is still the text it was compiled from (its size and time as
recorded, as Python's own bytecode cache checks, else its sha256); otherwise the sources run. The results are the
same either way (``tests/test_compiled_rules.py`` compares them); only the speed differs. ``ATMPNAV_INTERPRETED=1``
runs the sources regardless. See docs/jurisdictions.md, "Compiled rules".
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from importlib.machinery import EXTENSION_SUFFIXES, ExtensionFileLoader, ModuleSpec
from pathlib import Path
from types import ModuleType

# Imported by every start (atmpnav/__init__.py): only what the interpreter has loaded already, the rest when needed.

SOURCE_ROOT = Path(__file__).resolve().parent.parent  # src/ of the checkout
COMPILED_DIR = SOURCE_ROOT.parent / "build" / "compiled-rules"  # absent for an installed package: the sources run
MANIFEST = COMPILED_DIR / "manifest.json"
GROUP = "atmpnav.compiled_rules"  # mypyc's group: its shared library is the module atmpnav.compiled_rules__mypyc
GROUP_LIBRARY = f"{GROUP}__mypyc"
INTERPRETED_VARIABLE = "ATMPNAV_INTERPRETED"

# The code each verdict runs: the engine, every rule set with the helpers they share, and the reading of free text.
# Not the package __init__ modules (they only register rule sets), nor the pydantic models (pydantic-core validates
# them already), nor a module whose classes the text cache pickles (text/concepts.py: an instance of a compiled
# frozen class cannot be unpickled; precedents.py caches plain data for that reason).
COMPILED_MODULES = (
    "atmpnav.engine",
    "atmpnav.fact_paths",
    "atmpnav.law.base",
    "atmpnav.law.judgements",
    "atmpnav.law.processing",
    "atmpnav.law.shared_tests",
    "atmpnav.law.eu.common",
    "atmpnav.law.eu.scope",
    "atmpnav.law.eu.demarcation",
    "atmpnav.law.eu.gene_therapy",
    "atmpnav.law.eu.manipulation",
    "atmpnav.law.eu.essential_function",
    "atmpnav.law.eu.cell_therapy",
    "atmpnav.law.eu.tissue_engineering",
    "atmpnav.law.eu.combined",
    "atmpnav.law.eu.pathway",
    "atmpnav.law.eu.procedure",
    "atmpnav.law.uk",
    "atmpnav.law.us",
    "atmpnav.law.ch",
    "atmpnav.law.jp",
    "atmpnav.law.ca",
    "atmpnav.law.au",
    "atmpnav.law.kr",
    "atmpnav.text.extract",
    "atmpnav.text.defaults",
    "atmpnav.text.classify",
    "atmpnav.precedents",
)

STATUS = "interpreted (not checked yet)"  # set by choose(): what this process runs


EXT_SUFFIX = EXTENSION_SUFFIXES[0]  # this interpreter's, e.g. .cpython-311-x86_64-linux-gnu.so


def source_path(module: str) -> Path:
    return SOURCE_ROOT.joinpath(*module.split(".")).with_suffix(".py")


def compiled_path(module: str) -> Path:
    return COMPILED_DIR.joinpath(*module.split(".")).with_suffix(EXT_SUFFIX)


def digest(path: Path) -> str:
    import hashlib

    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def recorded_source(module: str) -> dict[str, object]:
    path = source_path(module)
    status = path.stat()
    return {"sha256": digest(path), "size": status.st_size, "mtime_ns": status.st_mtime_ns}


def manifest_of(modules: Sequence[str] = COMPILED_MODULES) -> dict[str, object]:
    """What a build of ``modules`` from the current sources records (scripts/compile_rules.py writes it)."""
    return {"interpreter": sys.implementation.cache_tag, "ext_suffix": EXT_SUFFIX,
            "modules": {module: recorded_source(module) for module in modules}}


def _unchanged(module: str, recorded: dict[str, object]) -> bool:
    path = source_path(module)
    try:
        status = path.stat()
    except OSError:
        return False
    if (status.st_size, status.st_mtime_ns) == (recorded.get("size"), recorded.get("mtime_ns")):
        return True
    return digest(path) == recorded.get("sha256")  # touched (a checkout, a copy) but maybe the same text


def why_not_compiled(manifest_file: Path = MANIFEST, *, environment: bool = True) -> str | None:
    """None when the compiled modules may be used; otherwise the reason the sources run instead (``environment``:
    whether :data:`INTERPRETED_VARIABLE` counts)."""
    if environment and os.environ.get(INTERPRETED_VARIABLE, "") not in ("", "0"):
        return f"{INTERPRETED_VARIABLE} is set"
    if not manifest_file.exists():
        return "not compiled (make compile)"
    import json

    try:
        recorded = json.loads(manifest_file.read_text(encoding="utf-8"))
        modules = recorded["modules"]
        if not all(isinstance(entry, dict) for entry in modules.values()):
            raise TypeError("an entry is not a record")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return f"{manifest_file.name} cannot be read"
    if (recorded.get("interpreter"), recorded.get("ext_suffix")) != (sys.implementation.cache_tag, EXT_SUFFIX):
        return "compiled for another Python"
    if sorted(modules) != sorted(COMPILED_MODULES):
        return "compiled from another list of modules"
    missing = [m for m in (*COMPILED_MODULES, GROUP_LIBRARY) if not compiled_path(m).exists()]
    if missing:
        return f"compiled modules missing: {', '.join(missing)}"
    changed = [m for m in COMPILED_MODULES if not _unchanged(m, modules[m])]
    if changed:
        return f"sources changed since compiled: {', '.join(changed)} (make compile)"
    return None


class _Compiled:
    """Imports the listed modules (and the group's shared library) from the compiled build (a meta path finder:
    only ``find_spec`` is needed, importlib.abc would cost every start some 10 ms to import)."""

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None,
                  ) -> ModuleSpec | None:
        if fullname not in COMPILED_MODULES and fullname != GROUP_LIBRARY:
            return None
        location = str(compiled_path(fullname))
        spec = ModuleSpec(fullname, ExtensionFileLoader(fullname, location), origin=location)
        spec.has_location = True  # sets __file__, as a file finder's spec does
        return spec


def choose() -> str:
    """Use the compiled modules if they are current, else the sources (all or none: compiled modules call each
    other directly, so one stale module would be called by the others). Returns and keeps :data:`STATUS`."""
    global STATUS
    reason = why_not_compiled()
    if reason is None:
        if not any(isinstance(finder, _Compiled) for finder in sys.meta_path):
            sys.meta_path.insert(0, _Compiled())
        STATUS = "compiled (mypyc)"
    else:
        STATUS = f"interpreted: {reason}"
    return STATUS
