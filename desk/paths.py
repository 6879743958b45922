"""Where the program keeps data, backups and logs: per-user folders, never beside the program."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "CADesk"
APP_AUTHOR = "CADesk"


def data_dir() -> Path:
    override = os.environ.get("CADESK_HOME")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def backup_dir() -> Path:
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_sqlite_path() -> Path:
    return data_dir() / "cadesk.sqlite3"


def default_db_url() -> str:
    """The database the GUI and CLI open when nothing else is said: $CADESK_DB, the GUI's
    saved choice, or the embedded SQLite file."""
    env = os.environ.get("CADESK_DB")
    if env:
        return env
    from desk.connection import load_saved_url  # local: avoids a cycle at import

    saved = load_saved_url()
    return saved or sqlite_url(default_sqlite_path())


def sqlite_url(path: Path | str) -> str:
    text = str(path)
    # A UNC path must stay recognisable so desk.db refuses it: resolve() on POSIX would turn
    # //server/share into /server/share.
    if text.startswith(("\\\\", "//")):
        return f"sqlite:///{text.replace(chr(92), '/')}"
    return f"sqlite:///{Path(path).resolve().as_posix()}"
