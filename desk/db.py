"""Engine factory: the SQLite and PostgreSQL settings others already paid for."""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import PureWindowsPath

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from desk.errors import DatabaseOpenError, NetworkPathError

SQLITE_BUSY_MS = 10_000
PG_CONNECT_TIMEOUT_S = 5
PG_STATEMENT_TIMEOUT_MS = 60_000

NETWORK_PATH_ADVICE = (
    "数据库文件不能放在网络共享文件夹（{path}）上：多台电脑同时使用会损坏文件。"
    "多台电脑共用数据时，请在“设置—数据库”中改用局域网 PostgreSQL 服务器。"
)


def normalise_url(url: str | URL) -> URL:
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        u = u.set(drivername="postgresql+psycopg")
    return u


def is_sqlite(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _windows_drive_is_remote(drive: str) -> bool:
    if sys.platform != "win32":
        return False
    import ctypes

    DRIVE_REMOTE = 4
    return ctypes.windll.kernel32.GetDriveTypeW(f"{drive}\\") == DRIVE_REMOTE  # type: ignore[attr-defined]


def is_network_path(path: str, drive_is_remote: Callable[[str], bool] = _windows_drive_is_remote) -> bool:
    """True for UNC paths (\\\\server\\share, //server/share) and drive letters mapped to a share."""
    if path.startswith(("\\\\", "//")) and not path.startswith(("\\\\?\\", "//?/", "\\\\.\\")):
        return True
    if path.startswith(("\\\\?\\UNC\\", "//?/UNC/")):
        return True
    drive = PureWindowsPath(path).drive
    if len(drive) == 2 and drive[1] == ":":
        return drive_is_remote(drive)
    return False


def check_sqlite_path(path: str) -> None:
    if is_network_path(path):
        raise NetworkPathError(NETWORK_PATH_ADVICE.format(path=path))


def _ensure_wal(cur: sqlite3.Cursor) -> None:
    # WAL is stored in the file, so usually there is nothing to do. Switching a new file to WAL
    # needs it to itself, and SQLite reports "database is locked" at once, without the busy
    # handler, while another program is creating the same file: retry for busy_timeout.
    if cur.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        return
    deadline = time.monotonic() + SQLITE_BUSY_MS / 1000
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy's "begin" hook below issue BEGIN itself: pysqlite's own implicit
        # transactions would start deferred, and a deferred read-then-write fails at once
        # with "database is locked" instead of waiting for busy_timeout.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        _ensure_wal(cur)
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        write = conn.get_execution_options().get("cadesk_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(url: str | URL, *, echo: bool = False) -> Engine:
    """Create an engine with the project's connection settings. Raises DatabaseOpenError for a
    path on a network share; connection failures surface on first use (see desk.facade)."""
    u = normalise_url(url)
    if u.get_backend_name() == "sqlite":
        db = u.database or ""
        if db and db != ":memory:" and not db.startswith("file:"):
            check_sqlite_path(db)
            parent = os.path.dirname(os.path.abspath(db))
            os.makedirs(parent, exist_ok=True)
        engine = create_engine(
            u,
            echo=echo,
            connect_args={"timeout": SQLITE_BUSY_MS / 1000, "check_same_thread": False},
            # A pool per process is fine for a desktop; NullPool would re-run the PRAGMAs each time.
        )
        _install_sqlite_hooks(engine)
        return engine
    if u.get_backend_name() == "postgresql":
        return create_engine(
            u,
            echo=echo,
            pool_pre_ping=True,
            pool_size=5,
            max_overflow=5,
            connect_args={
                "connect_timeout": PG_CONNECT_TIMEOUT_S,
                "options": f"-c statement_timeout={PG_STATEMENT_TIMEOUT_MS}",
                "application_name": "cadesk",
            },
        )
    raise DatabaseOpenError(f"不支持的数据库类型：{u.get_backend_name()}（只支持 SQLite 文件和 PostgreSQL 服务器）")


def make_maintenance_engine(url: str | URL) -> Engine:
    """Engine for migrations/backup: one connection, no pool, no implicit pragmas beyond busy wait."""
    u = normalise_url(url)
    if u.get_backend_name() == "sqlite":
        check_sqlite_path(u.database or "")
        eng = create_engine(u, poolclass=NullPool, connect_args={"timeout": SQLITE_BUSY_MS / 1000})
        return eng
    return create_engine(
        u,
        poolclass=NullPool,
        connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S, "application_name": "cadesk-maint"},
    )
