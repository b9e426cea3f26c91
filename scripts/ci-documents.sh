#!/usr/bin/env bash
# Installs what the document and PDF-report tests need on a fresh Debian machine: Pango and HarfBuzz
# (WeasyPrint renders the PDF report with them), the DejaVu and Liberation fonts the report and the
# Word templates name, and poppler-utils (pdftoppm/pdftotext, to look at a rendered report by eye).
# Idempotent: installs only what is missing. Run as root (CI runs as root).
set -euo pipefail

PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation poppler-utils)

missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "ci-documents: ${PACKAGES[*]} already installed"
  exit 0
fi
source "$(dirname "$0")/ci-apt.sh"
apt_install ci-documents "${missing[@]}"
