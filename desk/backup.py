"""Backups are always a CA Desk SQLite file: a copy of the embedded database (SQLite's online
backup API, safe while others read), or for PostgreSQL every table copied into a fresh file.
So one restore path serves both, and a backup can be opened and inspected like any database."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, MetaData, Table, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from desk import clock, paths
from desk.db import SQLITE_BUSY_MS, make_maintenance_engine, normalise_url
from desk.errors import DatabaseOpenError, DeskError

CHUNK = 2000
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6  # result codes passed to a backup progress callback


class BackupError(DeskError):
    pass


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    revision: str
    tables: int
    rows: int


def _stamp() -> str:
    return clock.now().strftime("%Y%m%d-%H%M%S")


def _unused(path: Path) -> Path:
    """``path``, or ``name-2.ext``, ``name-3.ext`` …: names are stamped to the second, and a
    second backup within it must not overwrite the first."""
    n = 2
    candidate = path
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        n += 1
    return candidate


def _sqlite_file(engine: Engine) -> Path:
    db = engine.url.database
    if not db or db == ":memory:":
        raise BackupError("内存数据库无法备份")
    return Path(db)


def _sqlite_copy(src: Path, dst: Path) -> None:
    """Copy ``src`` into a new file ``dst`` that stands alone: rollback-journal mode, so no
    -wal/-shm files are needed beside it (a WAL-mode copy would leave them wherever it is opened)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_suffix(dst.suffix + ".part")
    if tmp.exists():
        tmp.unlink()
    s = sqlite3.connect(src, timeout=SQLITE_BUSY_MS / 1000)
    d = sqlite3.connect(tmp)
    try:
        s.backup(d)
        d.execute("PRAGMA journal_mode=DELETE")
    finally:
        s.close()
        d.close()
    tmp.replace(dst)


def _sqlite_overwrite(src: Path, live: Path) -> None:
    """Replace the contents of the live database ``live`` with ``src`` in place, through
    SQLite's backup API. Renaming a file over it instead would leave the old -wal file beside
    the new data (SQLite replays it: the "restored" data comes back with the old changes) and
    open connections on the old file; on Windows the rename fails while the file is open."""
    live.parent.mkdir(parents=True, exist_ok=True)
    s = sqlite3.connect(src)
    d = sqlite3.connect(live, timeout=SQLITE_BUSY_MS / 1000)
    deadline = time.monotonic() + SQLITE_BUSY_MS / 1000

    def give_up_when_busy(status: int, _remaining: int, _total: int) -> None:
        # Python retries a busy backup step for ever: stop like any other write would.
        if status in (_SQLITE_BUSY, _SQLITE_LOCKED) and time.monotonic() > deadline:
            raise sqlite3.OperationalError("database is locked")

    try:
        s.backup(d, progress=give_up_when_busy)
    finally:
        s.close()
        d.close()


def backup_before_migration(engine: Engine, revision: str) -> Path:
    dst = _unused(paths.backup_dir() / f"before-migrate-{revision}-{_stamp()}.sqlite3")
    _sqlite_copy(_sqlite_file(engine), dst)
    return dst


def _metadata() -> MetaData:
    from desk.models import Base

    return Base.metadata


def _copy_rows(src: Connection, dst: Connection, tables: Iterable[Table]) -> int:
    """Copy every row of ``tables`` (in dependency order). A row may point at a later row of
    its own table (an office moved under an office created after it): such self-references
    are inserted empty and filled in at the end, because PostgreSQL checks foreign keys at
    once, row by row."""
    total = 0
    pending: list[tuple[Table, dict[str, object], dict[str, object]]] = []
    for table in tables:
        self_refs = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table and fk.parent.nullable]
        pk = [c.name for c in table.primary_key.columns]
        result = src.execution_options(yield_per=CHUNK).execute(select(table))
        for chunk in result.mappings().partitions(CHUNK):
            rows = [dict(r) for r in chunk]
            for row in rows:
                later = {c: row[c] for c in self_refs if row[c] is not None}
                if later:
                    pending.append((table, {k: row[k] for k in pk}, later))
                    row.update(dict.fromkeys(later))
            dst.execute(insert(table), rows)
            total += len(chunk)
    for table, key, values in pending:
        dst.execute(update(table).where(*[table.c[k] == v for k, v in key.items()]).values(**values))
    return total


def backup(url: str, dst: Path) -> BackupInfo:
    """Write a backup of the database at ``url`` to ``dst`` (a new SQLite file)."""
    from desk import migrate

    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    engine = make_maintenance_engine(url)
    try:
        with engine.connect() as conn:
            rev = migrate.current_revision(conn)
        if rev is None:
            raise BackupError("这个数据库还没有初始化，没有可备份的内容")
        if engine.dialect.name == "sqlite":
            _sqlite_copy(_sqlite_file(engine), dst)
        else:
            if rev != migrate.head_revision():
                raise BackupError("数据库结构不是本程序的最新版本，请先运行 migrate 再备份")
            tmp = dst.with_suffix(".part.sqlite3")
            if tmp.exists():
                tmp.unlink()
            out = make_maintenance_engine(f"sqlite:///{tmp.resolve().as_posix()}")
            try:
                migrate.upgrade(out, backup=False)
                with engine.connect() as s, out.begin() as d:
                    # REPEATABLE READ: one consistent picture of every table.
                    s.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    tables = _metadata().sorted_tables
                    # Migrations may seed rows (default lists); the copy must hold only the
                    # server's rows, so empty the fresh file first, children before parents.
                    for t in reversed(tables):
                        d.execute(t.delete())
                    _copy_rows(s, d, tables)
            finally:
                out.dispose()
            tmp.replace(dst)
    finally:
        engine.dispose()
    return inspect_backup(dst)


def inspect_backup(path: Path) -> BackupInfo:
    """Check that ``path`` is a CA Desk backup this program can restore; raise BackupError if not."""
    from desk import migrate

    path = Path(path)
    if not path.is_file():
        raise BackupError(f"找不到备份文件：{path}")
    with open(path, "rb") as f:
        if f.read(16) != b"SQLite format 3\x00":
            raise BackupError(f"“{path.name}”不是消协工作台的备份文件（不是 SQLite 数据库）")
    try:
        con = sqlite3.connect(f"file:{path.resolve().as_posix()}?mode=ro", uri=True)
        try:
            ok = con.execute("PRAGMA integrity_check").fetchone()[0]
            if ok != "ok":
                raise BackupError(f"备份文件已损坏（完整性检查：{ok}）")
            names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "alembic_version" not in names:
                raise BackupError(f"“{path.name}”不是消协工作台的备份文件（缺少结构版本信息）")
            rev = con.execute("SELECT version_num FROM alembic_version").fetchone()
            missing = {"office", "app_user", "setting"} - names
            if rev is None or missing:
                raise BackupError(f"“{path.name}”不是完整的消协工作台备份")
            tables = len(names - {"alembic_version", "sqlite_sequence"})
            rows = sum(con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names if not n.startswith("sqlite_"))
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        # SQLite's own words ("database disk image is malformed") mean nothing to the user.
        raise BackupError(f"备份文件“{path.name}”已损坏或不完整（可能复制时中断），无法恢复。请换一个备份文件。") from exc
    if rev[0] not in migrate.known_revisions():
        raise BackupError(f"备份文件来自更新版本的程序（结构版本 {rev[0]}），请先升级本程序")
    return BackupInfo(path=path, revision=rev[0], tables=tables, rows=rows)


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    previous_saved_to: Path | None
    # A damaged SQLite file that could not be backed up is moved here instead.
    damaged_saved_to: Path | None = None


def _move_damaged_aside(live: Path) -> Path:
    """Move an unreadable database file (and its journal files) into the backups folder, so the
    restore can start from a clean file and the damaged one is kept for inspection."""
    dst = _unused(paths.backup_dir() / f"damaged-{_stamp()}-{live.name}")
    try:
        shutil.move(live, dst)
        for suffix in ("-wal", "-journal"):
            companion = live.with_name(live.name + suffix)
            if companion.exists():
                shutil.move(companion, dst.with_name(dst.name + suffix))
        shm = live.with_name(live.name + "-shm")
        if shm.exists():
            shm.unlink()
    except OSError as exc:
        raise DatabaseOpenError(
            f"损坏的数据库文件正被其他程序使用，无法替换（{live}）。请关闭所有消协工作台窗口后再恢复。"
        ) from exc
    return dst


def restore(url: str, src: Path) -> RestoreResult:
    """Replace the data at ``url`` with the backup ``src``. The current data is first saved as
    a backup in the backups folder; the restored data is migrated to this program's schema."""
    from desk import migrate

    info = inspect_backup(src)
    u = normalise_url(url)
    aside: Path | None = None
    damaged: Path | None = None
    live = Path(u.database) if u.get_backend_name() == "sqlite" and u.database else None
    if live is not None:
        # Restoring onto a new computer: the data folder may not exist yet.
        live.parent.mkdir(parents=True, exist_ok=True)
    engine = make_maintenance_engine(u)
    try:
        with engine.connect() as conn:
            has_schema = migrate.current_revision(conn) is not None
    except Exception as exc:  # noqa: BLE001 - reported to the user as a clear message
        engine.dispose()
        if live is None or not live.is_file():
            from desk.facade import explain_db_error

            raise DatabaseOpenError(f"无法打开要恢复到的数据库。{explain_db_error(exc, url)}") from exc
        # A damaged file is exactly what a restore is for (Desk.open tells the user so).
        damaged = _move_damaged_aside(live)
        has_schema = False
    finally:
        engine.dispose()
    if has_schema:
        aside = _unused(paths.backup_dir() / f"before-restore-{_stamp()}.sqlite3")
        backup(str(u.render_as_string(hide_password=False)), aside)

    with tempfile.TemporaryDirectory() as td:
        # Work on a copy, migrated to this program's schema, so the original is untouched.
        work = Path(td) / "restore.sqlite3"
        shutil.copyfile(info.path, work)
        wengine = make_maintenance_engine(f"sqlite:///{work.as_posix()}")
        try:
            migrate.upgrade(wengine, backup=False)
        finally:
            wengine.dispose()
        if u.get_backend_name() == "sqlite":
            try:
                _sqlite_overwrite(work, Path(u.database or ""))
            except sqlite3.Error as exc:
                # The backup API writes in one transaction: the live file is unchanged.
                from desk.facade import explain_db_error

                raise BackupError(f"恢复失败，数据保持原样。{explain_db_error(exc, url)}") from exc
        else:
            try:
                _restore_into_postgres(u.render_as_string(hide_password=False), work)
            except DBAPIError as exc:
                # One transaction: nothing of the restore was kept.
                from desk.facade import explain_db_error

                raise BackupError(f"恢复失败，服务器上的数据保持原样。{explain_db_error(exc, url)}") from exc
    return RestoreResult(restored_from=info.path, previous_saved_to=aside, damaged_saved_to=damaged)


def _restore_into_postgres(url: str, work: Path) -> None:
    from desk import migrate

    engine = make_maintenance_engine(url)
    src = make_maintenance_engine(f"sqlite:///{work.as_posix()}")
    try:
        migrate.upgrade(engine, backup=False)
        tables = _metadata().sorted_tables
        with src.connect() as s, engine.begin() as d:
            names = ", ".join(f'"{t.name}"' for t in tables)
            d.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            _copy_rows(s, d, tables)
            for t in tables:
                pk = list(t.primary_key.columns)
                if len(pk) == 1 and pk[0].autoincrement is not False and pk[0].type.python_type is int:
                    seq = d.execute(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": t.name, "c": pk[0].name}).scalar()
                    if seq:
                        top = d.execute(select(func.max(pk[0]))).scalar()
                        d.execute(text("SELECT setval(:s, :v, :called)"), {"s": seq, "v": top or 1, "called": top is not None})
    finally:
        src.dispose()
        engine.dispose()


def default_backup_name(now: dt.datetime | None = None) -> str:
    return f"cadesk-{(now or clock.now()).strftime('%Y%m%d-%H%M%S')}.sqlite3"
