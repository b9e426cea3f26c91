#!/usr/bin/env bash
# Installs what the browser tests need on a fresh Debian machine: Debian's Chromium at
# /usr/bin/chromium (Playwright drives it; it never downloads a browser of its own).
# Idempotent: does nothing when Chromium is already there. Run as root (CI runs as root).
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "ci-browser: $(/usr/bin/chromium --version 2>/dev/null || echo chromium) already installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "ci-browser: /usr/bin/chromium is missing and this is not root; the browser tests will be skipped" >&2
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
echo "ci-browser: installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
