"""Files the program ships (Word templates, icons). Found through importlib.resources, never
the working directory, so an installed or PyInstaller-built program finds them."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path


def template_path(name: str) -> Path:
    """Filesystem path of a shipped template (``resources/templates/<name>``)."""
    ref = files(__name__) / "templates" / name
    with as_file(ref) as p:
        return Path(p)


def icon_path(name: str = "cadesk.png") -> Path:
    """Filesystem path of a shipped icon (``resources/icons/<name>``: cadesk.png, cadesk.ico);
    regenerate them with ``python resources/icons/make_icon.py``."""
    ref = files(__name__) / "icons" / name
    with as_file(ref) as p:
        return Path(p)
