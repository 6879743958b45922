#!/usr/bin/env bash
# Re-resolve the Windows dependencies: requirements-win.in → requirements-win.txt (with hashes).
# Resolved for Windows itself (uv's --python-platform), not for this Linux host: pip's own
# --platform still evaluates markers for the host and would miss keyring's pywin32-ctypes.
# Run after changing the dependencies in pyproject.toml (keep requirements-win.in in step;
# tests/test_packaging.py compares them), then rebuild and run the Wine smoke test.
set -euo pipefail
cd "$(dirname "$0")"
command -v uv >/dev/null || python -m pip install -q uv
uv pip compile requirements-win.in \
  --python-platform x86_64-pc-windows-msvc --python-version 3.11 \
  --only-binary :all: --generate-hashes --no-header --quiet \
  -o requirements-win.txt
echo "requirements-win.txt: $(grep -c '^[a-zA-Z]' requirements-win.txt) packages"
