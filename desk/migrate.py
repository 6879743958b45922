"""Schema migrations at start-up: back up an SQLite file first, migrate on a dedicated
connection with foreign keys off (batch table copies would otherwise cascade deletes), then
check foreign keys. Refuse a database whose schema is newer than this program."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from desk.errors import DatabaseOpenError, SchemaTooNewError

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# alembic's ``context`` and ``op`` are module-level proxies: one migration at a time per process.
_ALEMBIC_LOCK = threading.RLock()
# Key of the PostgreSQL advisory lock that serialises migrations between desks.
_PG_MIGRATION_LOCK_KEY = 0x6361_6465  # "cade"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


@dataclass(frozen=True)
class MigrationResult:
    before: str | None
    after: str
    backup: Path | None


def check_not_newer(rev: str | None) -> None:
    if rev is not None and rev not in known_revisions():
        raise SchemaTooNewError(
            f"数据库的结构版本（{rev}）比本程序新：它已被更新版本的消协工作台使用过。"
            "请先把本程序升级到最新版本，再打开这个数据库。"
        )


def _set_sqlite_foreign_keys(conn: Connection, on: bool) -> None:
    # On the driver connection, outside any transaction: inside BEGIN (which the app engine's
    # begin hook emits on first use) "PRAGMA foreign_keys" is silently ignored.
    conn.connection.driver_connection.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")  # type: ignore[union-attr]


def _run(engine: Engine, fn_name: str, target: str) -> None:
    cfg = alembic_config()
    with _ALEMBIC_LOCK, engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            _set_sqlite_foreign_keys(conn, False)
            # BEGIN IMMEDIATE (app engine): a second program opening the same file at the same
            # moment waits here, then finds the schema already migrated, instead of failing.
            conn.execution_options(cadesk_write=True)
        try:
            # Our own transaction (alembic joins it): the foreign key check below runs before
            # the commit, so a migration that breaks references is rolled back whole.
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    # Same for desks migrating one server database at once; alembic reads the
                    # current revision only after this lock is held.
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK_KEY})
                cfg.attributes["connection"] = conn
                getattr(command, fn_name)(cfg, target)
                if sqlite:
                    bad = conn.execute(text("PRAGMA foreign_key_check")).fetchall()
                    if bad:
                        raise DatabaseOpenError(
                            f"数据库升级后外键检查失败（{len(bad)} 处），升级已撤销。请联系技术支持。"
                        )
        finally:
            if sqlite:
                # The connection goes back to the pool: it must enforce foreign keys again.
                _set_sqlite_foreign_keys(conn, True)


def upgrade(engine: Engine, *, backup: bool = True, target: str = "head") -> MigrationResult:
    """Bring the schema to ``target``; for SQLite with existing tables, back the file up first."""
    from desk import backup as backup_mod

    with _ALEMBIC_LOCK:
        return _upgrade(engine, backup_mod, backup=backup, target=target)


def _upgrade(engine: Engine, backup_mod, *, backup: bool, target: str) -> MigrationResult:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        before = current_revision(conn)
    check_not_newer(before)
    head = head_revision() if target == "head" else target
    if before == head:
        return MigrationResult(before, head, None)
    backup_path: Path | None = None
    if backup and before is not None and engine.dialect.name == "sqlite":
        backup_path = backup_mod.backup_before_migration(engine, before)
        log.info("backed up %s before migrating", backup_path)
    _run(engine, "upgrade", target)
    return MigrationResult(before, head, backup_path)


def downgrade(engine: Engine, target: str) -> None:
    _run(engine, "downgrade", target)
