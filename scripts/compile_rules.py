"""Compile the engine, the rule sets and the text reader with mypyc into build/compiled-rules (``make compile``).

Needs the dev extra (mypy, setuptools) and a C compiler. mypyc type-checks the modules first and refuses to
compile on a type error. On success it writes ``build/compiled-rules/manifest.json``, by which ``atmpnav.compiled``
uses the compiled modules only while every source is unchanged. Without a C compiler it says so and exits 1, and
the sources keep running (the same results, slower).

Run: .venv/bin/python scripts/compile_rules.py [--clean]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import sysconfig
import tempfile
from pathlib import Path

from atmpnav import compiled


def _remove_compiled() -> list[Path]:
    """Remove the manifest first (so no half-removed build is ever used), then every compiled module."""
    removed = []
    if compiled.MANIFEST.exists():
        compiled.MANIFEST.unlink()
        removed.append(compiled.MANIFEST)
    for module in (*compiled.COMPILED_MODULES, compiled.GROUP_LIBRARY):
        target = compiled.compiled_path(module)
        if target.exists():
            target.unlink()
            removed.append(target)
    for folder in sorted({p.parent for p in removed}, key=lambda p: len(p.parts), reverse=True):
        while folder != compiled.COMPILED_DIR.parent and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()  # only folders this script made and emptied
            folder = folder.parent
    return removed


def _c_compiler() -> str | None:
    command = (os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc").split()[0]
    return shutil.which(command)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clean", action="store_true", help="only remove the compiled modules and the manifest")
    args = parser.parse_args()
    removed = _remove_compiled()
    if args.clean:
        print(f"removed {len(removed)} compiled files")
        return 0
    if _c_compiler() is None:
        print("compile_rules: no C compiler found: the engine and the rules run from their sources (same results, "
              "slower); install gcc and the Python headers, then `make compile`", file=sys.stderr)
        return 1
    include = Path(sysconfig.get_paths()["include"]) / "Python.h"
    if not include.exists():
        print(f"compile_rules: no Python headers ({include}): install them (Debian: python3-dev), then "
              "`make compile`", file=sys.stderr)
        return 1
    from mypyc.build import mypycify  # the dev extra
    from setuptools import Distribution

    sources = [str(compiled.source_path(m).relative_to(compiled.SOURCE_ROOT)) for m in compiled.COMPILED_MODULES]
    before = compiled.manifest_of()  # the sources as compiled; rechecked after, in case one changed meanwhile
    os.chdir(compiled.SOURCE_ROOT)  # mypyc names the modules by their paths from the source root
    with tempfile.TemporaryDirectory(prefix="atmpnav-mypyc-") as build:
        extensions = mypycify(sources, opt_level="3", group_name=compiled.GROUP, target_dir=build)
        distribution = Distribution({"name": "atmpnav-compiled-rules", "ext_modules": extensions})
        command = distribution.get_command_obj("build_ext")
        command.build_lib = str(compiled.COMPILED_DIR)  # type: ignore[attr-defined]
        command.build_temp = build  # type: ignore[attr-defined]
        distribution.run_command("build_ext")
    if compiled.manifest_of() != before:
        print("compile_rules: a source changed while compiling; run it again", file=sys.stderr)
        _remove_compiled()
        return 1
    compiled.MANIFEST.write_text(json.dumps(before, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    reason = compiled.why_not_compiled(environment=False)
    if reason is not None:
        print(f"compile_rules: the build is not usable: {reason}", file=sys.stderr)
        _remove_compiled()
        return 1
    print(f"compiled {len(sources)} modules with mypyc into {compiled.COMPILED_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
