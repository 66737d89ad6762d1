#!/usr/bin/env bash
# Build the example portfolio in audits/ into output/ (site and PDFs), installing what it needs.
# Extra arguments go to build.py, e.g. `scripts/build-example.sh check`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-lib.sh

ensure_weasyprint_libraries
ensure_venv ""
.venv/bin/python build.py "$@"
