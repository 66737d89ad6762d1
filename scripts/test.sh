#!/usr/bin/env bash
# Check lint, format, types (mypy) and layers (import-linter's contracts), then run the full test
# suite, installing what it needs (Pango, Chromium, Poppler, Java and the npm site-check tools,
# veraPDF's JAXB libraries, test packages).
# Extra arguments go to pytest, e.g. `scripts/test.sh -k validation`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-lib.sh

ensure_weasyprint_libraries
apt_install poppler-utils chromium
ensure_site_check_tools
ensure_verapdf_libraries
ensure_venv "[test]"
.venv/bin/python -m ruff check klantspiegel tests benchmarks build.py
.venv/bin/python -m ruff format --check klantspiegel tests benchmarks build.py
.venv/bin/python -m mypy
.venv/bin/lint-imports
.venv/bin/python -m pytest "$@"
