"""Entry of the frozen desktop program (cadesk.exe, windowed): the same ``ui.app:main`` as the
``cadesk`` gui-script. ui.app guards sys.stdout/stderr, which are None in a windowed build."""

from __future__ import annotations

import sys

from ui.app import main

if __name__ == "__main__":
    sys.exit(main())
