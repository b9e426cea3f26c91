"""Set-up as a new user meets it: `make run` installs the runtime only and honours PORT; a busy
port is refused with a clear message; the package metadata carries an SPDX licence."""

from __future__ import annotations

import socket
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def dry_run(*args: str) -> str:
    result = subprocess.run(["make", "-n", "-B", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_run_installs_the_runtime_only_and_honours_port() -> None:
    commands = dry_run("run", "PORT=8123")
    assert "pip install --quiet -e ." in commands
    assert ".[dev]" not in commands
    assert "atmpnav serve --host 127.0.0.1 --port 8123" in commands
    assert ".[dev]" in dry_run("test")


def test_a_busy_port_is_refused_with_what_to_do() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "atmpnav.cli", "serve", "--port", str(port)],
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert f"PORT={port + 1} make run" in result.stderr
    assert "Traceback" not in result.stderr


def test_licence_is_an_spdx_expression() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["license"] == "Apache-2.0"
    assert any(req.startswith("setuptools>=77") for req in project["build-system"]["requires"])
