"""The compiled engine, rule sets and text reader (atmpnav/compiled.py, scripts/compile_rules.py): used only
while they are their sources' current text, and giving the same verdicts as the sources, byte for byte."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from atmpnav import compiled

ROOT = Path(__file__).resolve().parents[1]


def test_every_listed_module_has_its_source_and_none_is_a_package_init() -> None:
    for module in compiled.COMPILED_MODULES:
        assert compiled.source_path(module).is_file(), module
        assert not module.endswith("__init__")
    assert len(set(compiled.COMPILED_MODULES)) == len(compiled.COMPILED_MODULES)


def test_the_make_target_rebuilds_when_any_listed_source_changes() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")  # continued lines joined
    rule_sources = next(line for line in makefile.splitlines() if line.startswith("RULE_SOURCES :="))
    for module in compiled.COMPILED_MODULES:
        path = compiled.source_path(module).relative_to(ROOT).as_posix()
        assert path in rule_sources or f"{path.rsplit('/', 1)[0]}/*.py" in rule_sources, path


def test_the_status_says_what_runs() -> None:
    import atmpnav.engine

    if compiled.STATUS.startswith("compiled"):
        assert Path(atmpnav.engine.__file__).name.endswith(compiled.EXT_SUFFIX)
    else:
        assert compiled.STATUS.startswith("interpreted: ")
        assert atmpnav.engine.__file__.endswith(".py")


def _manifest(tmp_path: Path, **changes: object) -> Path:
    recorded = {**compiled.manifest_of(), **changes}
    path = tmp_path / "compiled.json"
    path.write_text(json.dumps(recorded), encoding="utf-8")
    return path


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if every module were compiled (the check of the manifest is what is tested, not a build)."""
    monkeypatch.setattr(compiled, "compiled_path", lambda module: Path(compiled.__file__))  # a file that exists
    monkeypatch.delenv(compiled.INTERPRETED_VARIABLE, raising=False)


@pytest.mark.usefixtures("built")
def test_a_current_build_is_used(tmp_path: Path) -> None:
    assert compiled.why_not_compiled(_manifest(tmp_path)) is None


@pytest.mark.usefixtures("built")
def test_a_source_changed_since_the_build_runs_from_its_source(tmp_path: Path) -> None:
    modules = dict(compiled.manifest_of()["modules"])  # type: ignore[call-overload]
    modules["atmpnav.law.eu.scope"] = {"sha256": "0" * 64, "size": 1, "mtime_ns": 1}
    reason = compiled.why_not_compiled(_manifest(tmp_path, modules=modules))
    assert reason is not None and "atmpnav.law.eu.scope" in reason and "make compile" in reason


@pytest.mark.usefixtures("built")
def test_a_source_touched_but_unchanged_is_still_the_build(tmp_path: Path) -> None:
    """Size and time as recorded: unchanged (as Python's bytecode cache reads them); else the sha256 decides."""
    modules = dict(compiled.manifest_of()["modules"])  # type: ignore[call-overload]
    modules["atmpnav.law.eu.scope"] = {**modules["atmpnav.law.eu.scope"], "mtime_ns": 1}
    assert compiled.why_not_compiled(_manifest(tmp_path, modules=modules)) is None


@pytest.mark.usefixtures("built")
@pytest.mark.parametrize(("changes", "said"), [
    ({"interpreter": "cpython-299"}, "another Python"),
    ({"ext_suffix": ".cpython-299-x.so"}, "another Python"),
    ({"modules": {"atmpnav.engine": {"sha256": "0" * 64}}}, "another list of modules"),
    ({"modules": {"atmpnav.engine": "0" * 64}}, "cannot be read"),
])
def test_a_build_for_another_python_or_list_is_not_used(tmp_path: Path, changes: dict[str, object],
                                                        said: str) -> None:
    assert said in (compiled.why_not_compiled(_manifest(tmp_path, **changes)) or "")


@pytest.mark.usefixtures("built")
def test_no_or_an_unreadable_manifest_means_the_sources(tmp_path: Path) -> None:
    assert "not compiled" in (compiled.why_not_compiled(tmp_path / "absent.json") or "")
    unreadable = tmp_path / "compiled.json"
    unreadable.write_text("{not json", encoding="utf-8")
    assert "cannot be read" in (compiled.why_not_compiled(unreadable) or "")


def test_missing_compiled_modules_mean_the_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(compiled.INTERPRETED_VARIABLE, raising=False)
    monkeypatch.setattr(compiled, "compiled_path", lambda module: tmp_path / f"{module}.so")
    assert "compiled modules missing" in (compiled.why_not_compiled(_manifest(tmp_path)) or "")


@pytest.mark.usefixtures("built")
def test_the_variable_runs_the_sources_regardless(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(compiled.INTERPRETED_VARIABLE, "1")
    assert compiled.INTERPRETED_VARIABLE in (compiled.why_not_compiled(_manifest(tmp_path)) or "")
    assert compiled.why_not_compiled(_manifest(tmp_path), environment=False) is None


def test_the_finder_serves_the_build_of_the_listed_modules_only() -> None:
    finder = compiled._Compiled()
    for module in ("atmpnav.law.eu.scope", compiled.GROUP_LIBRARY):
        spec = finder.find_spec(module, None)
        assert spec is not None and spec.origin == str(compiled.compiled_path(module))
    assert finder.find_spec("atmpnav.facts", None) is None


def test_the_build_is_never_beside_the_sources() -> None:
    """Python would import a compiled module found beside its source in preference to it, stale or not (and a
    checkout older than atmpnav.compiled would not check): only the finder, when the build is current, uses it."""
    assert compiled.SOURCE_ROOT not in compiled.COMPILED_DIR.parents
    assert not list((ROOT / "src").rglob(f"*{compiled.EXT_SUFFIX}"))


PINNED = ("tests/test_engine_output_pinned.py", "tests/text/test_text_output_pinned.py")


def test_the_sources_give_the_pinned_output_where_this_run_is_compiled() -> None:
    """This run's mode is pinned by the tests of PINNED; the sources are pinned by the same tests here."""
    if not compiled.STATUS.startswith("compiled"):
        pytest.skip(f"nothing compiled to compare with ({compiled.STATUS}); CI compiles (tests/test_ci_services.py)")
    env = {**os.environ, compiled.INTERPRETED_VARIABLE: "1"}
    status = subprocess.run([sys.executable, "-c", "from atmpnav import compiled; print(compiled.STATUS)"],
                            env=env, capture_output=True, text=True, check=True, timeout=60).stdout.strip()
    assert status == f"interpreted: {compiled.INTERPRETED_VARIABLE} is set"
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *PINNED], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:]


def test_the_classes_made_on_every_step_construct_in_compiled_code() -> None:
    """A dataclass's generated __init__ runs in the interpreter even in a compiled module (a third of a step's
    cost): these classes write theirs out. Checked where this run is compiled."""
    from atmpnav.law import base

    if not compiled.STATUS.startswith("compiled"):
        pytest.skip(compiled.STATUS)
    for cls in (base.Answer, base.Derivation, base.Decision, base.StepRecord, base.Inquiry):
        assert not hasattr(cls.__init__, "__code__"), f"{cls.__name__}.__init__ is interpreted"


def test_no_compiled_module_reads_its_own_file() -> None:
    """Compiled, ``__file__`` names the extension module, not the source (nor always a real path): a module that
    needs its source (e.g. for a cache key) reads it as a resource (atmpnav.text.cache.source_files)."""
    for module in compiled.COMPILED_MODULES:
        lines = compiled.source_path(module).read_text(encoding="utf-8").splitlines()
        assert not [line for line in lines if "__file__" in line.split("#", 1)[0]], module


# Modules of the law that stay interpreted, and why. A new rule set must be compiled with the others: a class of it
# that subclasses a compiled one (RuleSet, Inquiry) could not be defined in an interpreted module.
LAW_NOT_COMPILED = {
    "atmpnav.law.__init__": "registers the rule sets",
    "atmpnav.law.eu.__init__": "imports the EU rule set's topics",
    "atmpnav.law.ambiguities": "data: the list of open points of law",
    "atmpnav.law.priors": "reads its data files beside it by __file__",
}


def test_every_module_of_the_law_is_compiled_but_the_listed_few() -> None:
    law = ROOT / "src" / "atmpnav" / "law"
    modules = {".".join(path.relative_to(ROOT / "src").with_suffix("").parts) for path in law.rglob("*.py")}
    assert modules - set(compiled.COMPILED_MODULES) == set(LAW_NOT_COMPILED)
