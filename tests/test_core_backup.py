"""Backup and restore on both databases: the data comes back as it was, the replaced data is
kept aside, and anything that is not a good backup is refused without touching the data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import open_as_admin
from sqlalchemy import text

from desk import backup, migrate, paths
from desk.backup import BackupError, inspect_backup
from desk.db import is_sqlite, normalise_url
from desk.errors import DatabaseOpenError
from desk.facade import Desk
from desk.services.businesses import BusinessInput
from desk.services.offices import OfficeInput


def _has_chinese(s: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in s)


def _names(d: Desk) -> list[str]:
    return sorted(b.name for b in d.businesses.search("", limit=1000))


def _backup_names(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return sorted(r[0] for r in con.execute("SELECT name FROM business"))
    finally:
        con.close()


def test_backup_change_restore(desk: Desk, tmp_path: Path) -> None:
    url = desk.url
    kept = desk.businesses.create(BusinessInput(name="备份时的经营者", phone="13812345678"))
    desk.settings.save({"office.name": "太和县消费者协会"})
    county = desk.offices.list()[0]
    moved = desk.offices.create(OfficeInput("THCG", "城关分会", kind="branch", parent_id=county.id))
    later = desk.offices.create(OfficeInput("THXJ", "新集分会", kind="branch", parent_id=county.id))
    # An office placed under one created after it: restoring must not trip over the order.
    desk.offices.update(moved.id, moved, OfficeInput("THCG", "城关分站", kind="station", parent_id=later.id))
    dst = tmp_path / "out" / "backup.sqlite3"
    info = backup.backup(url, dst)
    assert info.path == dst and info.revision == migrate.head_revision()
    assert info.rows > 0 and info.tables >= 7
    assert _backup_names(dst) == ["备份时的经营者"]
    assert not Path(str(dst) + "-wal").exists()

    # Change after the backup: a new business, an edit, a setting.
    desk.businesses.create(BusinessInput(name="备份后新增的经营者"))
    desk.businesses.update(kept.id, kept, BusinessInput(name="备份后改过名的经营者", phone="13812345678"))
    desk.settings.save({"office.name": "改过的名称"})

    result = backup.restore(url, dst)
    assert result.restored_from == dst
    aside = result.previous_saved_to
    assert aside is not None and aside.parent == paths.backup_dir()
    assert inspect_backup(aside).revision == migrate.head_revision()
    assert _backup_names(aside) == sorted(["备份后新增的经营者", "备份后改过名的经营者"])

    # The same open desk, and a newly opened one, both see the data as it was at backup time.
    fresh = open_as_admin(url)
    try:
        for d in (desk, fresh):
            assert _names(d) == ["备份时的经营者"]
            assert d.businesses.get(kept.id) == kept
            assert d.settings.get("office.name") == "太和县消费者协会"
            assert [(o.code, o.parent_id) for o in d.offices.list()] == [
                ("TH", None), ("THCG", later.id), ("THXJ", county.id)
            ]
        # New rows after a restore get fresh ids (PostgreSQL sequences were reset past the data).
        for n, d in enumerate((desk, fresh)):
            again = d.businesses.create(BusinessInput(name=f"恢复后新增{n}"))
            assert again.id > kept.id
            d.offices.create(OfficeInput(f"N{n}", "恢复后新建的分会"))
    finally:
        fresh.close()
    if is_sqlite(url):
        with desk.read() as s:
            assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"


@pytest.mark.pg
def test_sqlite_backup_restores_into_postgres(sqlite_desk: Desk, pg_url: str, tmp_path: Path) -> None:
    """The same backup file serves both: move an office from its own file to the shared server."""
    b = sqlite_desk.businesses.create(BusinessInput(name="从单机迁到服务器", credit_code="91350100M000100Y43"))
    dst = tmp_path / "move.sqlite3"
    backup.backup(sqlite_desk.url, dst)
    result = backup.restore(pg_url, dst)
    assert result.previous_saved_to is not None  # the server's (empty) data is kept aside too
    d = open_as_admin(pg_url)
    try:
        assert d.businesses.get(b.id).credit_code == "91350100M000100Y43"
        assert d.businesses.create(BusinessInput(name="服务器上新增")).id > b.id
    finally:
        d.close()


def _bad_files(tmp_path: Path, good: Path) -> dict[str, Path]:
    files: dict[str, Path] = {}
    text_file = tmp_path / "notes.sqlite3"
    text_file.write_text("这不是数据库，只是一段文字。\n" * 20, encoding="utf-8")
    files["text"] = text_file

    other = tmp_path / "other.sqlite3"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
    con.execute("INSERT INTO contacts (name) VALUES ('张三')")
    con.commit()
    con.close()
    files["random sqlite"] = other

    data = good.read_bytes()
    truncated = tmp_path / "truncated.sqlite3"
    truncated.write_bytes(data[: len(data) // 3])
    files["truncated"] = truncated

    corrupt = tmp_path / "corrupt.sqlite3"
    mangled = bytearray(data)
    for off in range(4096, len(mangled), 4096):  # every page after the header page
        mangled[off + 8 : off + 120] = b"\xa5" * 112
    corrupt.write_bytes(bytes(mangled))
    files["corrupt"] = corrupt

    newer = tmp_path / "newer.sqlite3"
    newer.write_bytes(data)
    con = sqlite3.connect(newer)
    con.execute("UPDATE alembic_version SET version_num = 'zz99_future'")
    con.commit()
    con.close()
    files["newer"] = newer

    files["missing"] = tmp_path / "no-such-file.sqlite3"
    return files


def test_restore_refuses_bad_files_and_keeps_data(desk: Desk, tmp_path: Path) -> None:
    desk.businesses.create(BusinessInput(name="现有的经营者"))
    good = tmp_path / "good.sqlite3"
    backup.backup(desk.url, good)
    desk.businesses.create(BusinessInput(name="备份后的经营者"))
    before_aside = set(paths.backup_dir().iterdir())

    for kind, path in _bad_files(tmp_path, good).items():
        with pytest.raises(BackupError) as err:
            backup.restore(desk.url, path)
        msg = str(err.value)
        assert _has_chinese(msg), (kind, msg)
        if kind == "newer":
            assert "zz99_future" in msg and "升级" in msg
        elif kind == "missing":
            assert "找不到" in msg
        elif kind in ("truncated", "corrupt"):
            assert "损坏" in msg, (kind, msg)
        else:
            assert "不是" in msg, (kind, msg)
        assert _names(desk) == sorted(["备份后的经营者", "现有的经营者"]), kind
    # Refused before anything happened: not even the "before restore" copy was made.
    assert set(paths.backup_dir().iterdir()) == before_aside


def test_backup_of_uninitialised_database_is_refused(tmp_path: Path) -> None:
    url = paths.sqlite_url(tmp_path / "empty.sqlite3")
    sqlite3.connect(tmp_path / "empty.sqlite3").close()
    with pytest.raises(BackupError) as err:
        backup.backup(url, tmp_path / "b.sqlite3")
    assert "初始化" in str(err.value)


def test_restore_into_a_new_file(sqlite_desk: Desk, tmp_path: Path) -> None:
    sqlite_desk.businesses.create(BusinessInput(name="带到新电脑"))
    dst = tmp_path / "b.sqlite3"
    backup.backup(sqlite_desk.url, dst)
    target = tmp_path / "new-pc" / "cadesk.sqlite3"
    result = backup.restore(paths.sqlite_url(target), dst)
    assert result.previous_saved_to is None
    d = open_as_admin(paths.sqlite_url(target))
    try:
        assert _names(d) == ["带到新电脑"]
    finally:
        d.close()
    assert normalise_url(paths.sqlite_url(target)).database == target.resolve().as_posix()
    assert backup.default_backup_name().startswith("cadesk-")


def test_restore_migrates_an_older_backup(
    sqlite_desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_core_migrations import _newer_program

    sqlite_desk.businesses.create(BusinessInput(name="旧版本时的经营者"))
    old = tmp_path / "old.sqlite3"
    backup.backup(sqlite_desk.url, old)
    sqlite_desk.close()
    # The program is upgraded (one more revision); then the old backup is restored.
    new_rev = _newer_program(tmp_path, monkeypatch)
    url = sqlite_desk.url
    Desk.open(url).close()
    backup.restore(url, old)
    d = open_as_admin(url)
    try:
        with d.read() as s:
            assert s.execute(text("SELECT version_num FROM alembic_version")).scalar() == new_rev
        assert _names(d) == ["旧版本时的经营者"]
    finally:
        d.close()
    assert inspect_backup(old).revision != new_rev  # the backup file itself is left as it was


def test_restore_over_a_damaged_file(sqlite_url: str, tmp_path: Path) -> None:
    """Desk.open tells the user to restore a backup when the file is damaged: restore must then
    work, keeping the damaged file aside."""
    d = open_as_admin(sqlite_url)
    d.businesses.create(BusinessInput(name="损坏前备份的经营者"))
    bk = tmp_path / "bk.sqlite3"
    backup.backup(sqlite_url, bk)
    d.close()
    live = Path(normalise_url(sqlite_url).database or "")
    for companion in live.parent.glob(live.name + "-*"):
        companion.unlink()
    garbage = b"\x00garbage" * 4096
    live.write_bytes(garbage)
    with pytest.raises(DatabaseOpenError, match="恢复备份"):
        Desk.open(sqlite_url)

    result = backup.restore(sqlite_url, bk)
    assert result.previous_saved_to is None
    assert result.damaged_saved_to is not None and result.damaged_saved_to.parent == paths.backup_dir()
    assert result.damaged_saved_to.read_bytes() == garbage
    d = open_as_admin(sqlite_url)
    try:
        assert _names(d) == ["损坏前备份的经营者"]
    finally:
        d.close()


def test_restore_while_another_program_writes_is_refused_cleanly(
    sqlite_desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desk import db

    sqlite_desk.businesses.create(BusinessInput(name="恢复时仍在的经营者"))
    bk = tmp_path / "bk.sqlite3"
    backup.backup(sqlite_desk.url, bk)
    sqlite_desk.businesses.create(BusinessInput(name="别的程序正在写"))
    monkeypatch.setattr(db, "SQLITE_BUSY_MS", 200)
    monkeypatch.setattr(backup, "SQLITE_BUSY_MS", 200)
    live = normalise_url(sqlite_desk.url).database or ""
    holder = sqlite3.connect(live)
    holder.execute("BEGIN IMMEDIATE")  # another program in the middle of saving
    try:
        with pytest.raises(BackupError) as err:
            backup.restore(sqlite_desk.url, bk)
        assert "数据保持原样" in str(err.value) and "占用" in str(err.value)
    finally:
        holder.rollback()
        holder.close()
    assert len(_names(sqlite_desk)) == 2


def test_automatic_backups_in_one_second_do_not_overwrite(sqlite_desk: Desk) -> None:
    from desk.backup import backup_before_migration

    made = [backup_before_migration(sqlite_desk.engine, "0000") for _ in range(3)]
    assert len(set(made)) == 3 and all(p.is_file() for p in made)
