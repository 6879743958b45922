#!/usr/bin/env bash
# Build the Windows installer on Linux: dist/CADesk-Setup-<version>.exe (see packaging/README.md).
#   packaging/build_windows.sh [--fast] [--previous]
#     --fast      zlib instead of LZMA: about half the build time, a larger file (CI uses it)
#     --previous  also build the previous release (packaging/upgrade-from.txt) into
#                 dist/previous/, which the upgrade test installs first
# Needs: python3.11 with pip, and Debian's nsis and mingw-w64.
set -euo pipefail
cd "$(dirname "$0")/.."
compression=lzma
previous=0
for arg in "$@"; do
  case "$arg" in
    --fast) compression=zlib ;;
    --previous) previous=1 ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done
python packaging/winbuild.py --compression "$compression" --out dist
if [ "$previous" = 1 ]; then
  rev=$(grep -v '^#' packaging/upgrade-from.txt | head -n1)
  if ! git cat-file -e "${rev}^{commit}" 2>/dev/null; then
    echo "commit $rev (packaging/upgrade-from.txt) is not in this clone: the upgrade test needs the history (no shallow clone)" >&2
    exit 1
  fi
  rm -rf build/previous-src dist/previous
  mkdir -p build/previous-src
  git archive "$rev" | tar -x -C build/previous-src
  python packaging/winbuild.py --source build/previous-src --compression "$compression" --out dist/previous
fi
