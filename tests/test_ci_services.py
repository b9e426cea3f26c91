"""In CI the storage and browser tests must run, not skip: the services they need must be there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not os.environ.get("CI"), reason="checked in CI only (.ci/run starts the services)")


def test_postgresql_is_available_for_the_storage_tests() -> None:
    assert os.environ.get("ATMPNAV_TEST_POSTGRES_URL"), ".ci/run must start PostgreSQL (scripts/ci-postgres.sh)"


def test_chromium_is_available_for_the_browser_tests() -> None:
    assert Path("/usr/bin/chromium").exists(), ".ci/run must install Debian's chromium (scripts/ci-browser.sh)"


def test_pango_and_fonts_are_available_for_the_pdf_report() -> None:
    from weasyprint import HTML

    assert HTML(string="<p>ok</p>").write_pdf(), ".ci/run must install Pango and fonts (scripts/ci-documents.sh)"
    assert Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").exists()


def test_the_engine_and_the_rule_sets_run_compiled() -> None:
    from atmpnav import compiled

    assert compiled.STATUS == "compiled (mypyc)", (
        f"`make test` compiles them (scripts/compile_rules.py; .ci/run installs a C compiler): {compiled.STATUS}")
