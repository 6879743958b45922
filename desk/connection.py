"""The GUI's saved database choice (a small JSON file in the user's data folder); the
PostgreSQL password lives in the system keyring, never in the file."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy.engine import URL

log = logging.getLogger(__name__)
KEYRING_SERVICE = "CADesk PostgreSQL"


@dataclass(frozen=True)
class ConnectionSettings:
    kind: str = "sqlite"  # sqlite | postgresql
    sqlite_path: str = ""
    host: str = ""
    port: int = 5432
    database: str = "cadesk"
    user: str = "cadesk"

    def url(self, password: str | None = None) -> str:
        from desk import paths

        if self.kind == "sqlite":
            return paths.sqlite_url(self.sqlite_path or paths.default_sqlite_path())
        if password is None:
            password = get_password(self)
        return URL.create(
            "postgresql+psycopg",
            username=self.user,
            password=password or None,
            host=self.host,
            port=self.port,
            database=self.database,
        ).render_as_string(hide_password=False)


def _file() -> Path:
    from desk import paths

    return paths.data_dir() / "connection.json"


def load() -> ConnectionSettings:
    try:
        data = json.loads(_file().read_text(encoding="utf-8"))
        known = set(ConnectionSettings.__dataclass_fields__)
        return ConnectionSettings(**{k: v for k, v in data.items() if k in known})
    except FileNotFoundError:
        return ConnectionSettings()
    except (ValueError, TypeError) as exc:
        log.warning("ignoring unreadable connection settings: %s", exc)
        return ConnectionSettings()


def save(settings: ConnectionSettings, password: str | None = None) -> None:
    _file().write_text(json.dumps(asdict(settings), ensure_ascii=False, indent=2), encoding="utf-8")
    if settings.kind == "postgresql" and password is not None:
        set_password(settings, password)


def _keyring_user(s: ConnectionSettings) -> str:
    return f"{s.user}@{s.host}:{s.port}/{s.database}"


def get_password(s: ConnectionSettings) -> str | None:
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, _keyring_user(s))
    except Exception as exc:  # noqa: BLE001 - no keyring backend (e.g. headless Linux)
        log.warning("keyring unavailable: %s", exc)
        return None


def set_password(s: ConnectionSettings, password: str) -> bool:
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, _keyring_user(s), password)
        return True
    except Exception as exc:  # noqa: BLE001
        log.warning("keyring unavailable, password not saved: %s", exc)
        return False


def load_saved_url() -> str | None:
    """The URL of the saved choice, or None when the user never chose (use the default file)."""
    if not _file().exists():
        return None
    return load().url()
