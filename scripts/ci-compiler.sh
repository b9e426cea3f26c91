#!/usr/bin/env bash
# Installs what `make compile` (the engine and the rule sets compiled by mypyc) needs on a fresh Debian machine:
# a C compiler and the headers of the Python that builds the venv ($PYTHON, default python3). Installs only what is
# missing (a Python with its own headers, e.g. one built by pyenv, needs only the compiler). Run as root (CI does).
set -euo pipefail

PYTHON="${PYTHON:-python3}"
has_headers() {
  "$PYTHON" -c 'import pathlib, sys, sysconfig; sys.exit(not (pathlib.Path(sysconfig.get_paths()["include"]) / "Python.h").exists())'
}

missing=()
command -v gcc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
has_headers || missing+=(python3-dev)
if [ "${#missing[@]}" -eq 0 ]; then
  echo "ci-compiler: a C compiler and the Python headers are present"
  exit 0
fi
source "$(dirname "$0")/ci-apt.sh"
apt_install ci-compiler "${missing[@]}"
