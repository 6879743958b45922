"""Engine settings and the unit-of-work wrappers, on real SQLite files and PostgreSQL."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from conftest import open_as_admin
from sqlalchemy import select, text

from desk.db import is_sqlite, make_engine, normalise_url
from desk.errors import DeskError, ValidationError
from desk.facade import Desk
from desk.models import Business
from desk.services.businesses import BusinessInput


def test_sqlite_connection_settings(sqlite_desk: Desk) -> None:
    for ctx in (sqlite_desk.read, sqlite_desk.write):
        with ctx() as s:
            assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert s.execute(text("PRAGMA busy_timeout")).scalar() == 10000


def test_sqlite_write_takes_the_lock_at_begin(sqlite_url: str) -> None:
    d = open_as_admin(sqlite_url)
    path = normalise_url(sqlite_url).database
    try:
        with d.write() as s:
            s.execute(select(Business.id)).all()  # only a read so far
            other = sqlite3.connect(path, timeout=0)
            try:
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    other.execute("BEGIN IMMEDIATE")
            finally:
                other.close()
        # Released at the end of the block.
        other = sqlite3.connect(path, timeout=0)
        other.execute("BEGIN IMMEDIATE")
        other.rollback()
        other.close()
    finally:
        d.close()


def test_sqlite_second_writer_waits_and_readers_do_not(sqlite_url: str) -> None:
    a = open_as_admin(sqlite_url)
    b = open_as_admin(sqlite_url)
    try:
        first = a.businesses.create(BusinessInput(name="先登记的经营者"))
        holding = threading.Event()
        errors: list[BaseException] = []

        def hold() -> None:
            try:
                with a.write() as s:
                    s.get(Business, first.id).note = "第一位用户正在保存"  # type: ignore[union-attr]
                    s.flush()
                    holding.set()
                    time.sleep(0.3)
            except BaseException as exc:  # noqa: BLE001 - reported by the assert below
                errors.append(exc)
                holding.set()

        t = threading.Thread(target=hold)
        t.start()
        assert holding.wait(5)
        started = time.monotonic()
        # A reader is not blocked by the open write transaction (WAL) and sees committed data.
        assert [x.note for x in b.businesses.search("先登记")] == [""]
        assert time.monotonic() - started < 0.2
        # A second writer waits for the lock (busy_timeout) instead of failing at once.
        created = b.businesses.create(BusinessInput(name="后登记的经营者"))
        waited = time.monotonic() - started
        t.join()
        assert not errors
        assert waited >= 0.15
        assert {x.name for x in a.businesses.search("")} == {"先登记的经营者", "后登记的经营者"}
        assert b.businesses.get(first.id).note == "第一位用户正在保存"
        assert created.id != first.id
    finally:
        a.close()
        b.close()


@pytest.mark.pg
def test_postgres_connection_settings(pg_url: str) -> None:
    d = open_as_admin(pg_url)
    try:
        with d.read() as s:
            assert s.execute(text("SHOW statement_timeout")).scalar() == "1min"
            assert s.execute(text("SHOW application_name")).scalar() == "cadesk"
    finally:
        d.close()


def test_database_refusals_become_chinese_messages(desk: Desk) -> None:
    # Constraint violation below the services' own checks: a clear message, nothing saved.
    with pytest.raises(DeskError) as err:
        with desk.write() as s:
            s.add(Business(name="甲", search_name="甲", credit_code="91350100M000100Y43"))
            s.add(Business(name="乙", search_name="乙", credit_code="91350100M000100Y43"))
    assert "重复" in str(err.value)
    assert desk.businesses.count() == 0


def test_overlong_text_is_a_field_message_not_a_crash(desk: Desk) -> None:
    # PostgreSQL enforces VARCHAR lengths; the services must check before the database does.
    with pytest.raises(ValidationError) as err:
        desk.businesses.create(BusinessInput(name="超长地址的经营者", address="地" * 201))
    assert "address" in err.value.fields and "地址" in str(err.value)
    assert desk.businesses.count() == 0


def test_helpers() -> None:
    assert is_sqlite("sqlite:///x.sqlite3")
    assert not is_sqlite("postgresql://a@b/c")
    assert normalise_url("postgresql://a@b/c").drivername == "postgresql+psycopg"
    eng = make_engine("sqlite://")
    try:
        with eng.connect() as c:
            assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        eng.dispose()


@pytest.mark.pg
def test_postgres_value_too_long_is_a_chinese_message(pg_url: str) -> None:
    d = open_as_admin(pg_url)
    try:
        with pytest.raises(DeskError) as err:
            with d.write() as s:
                s.add(Business(name="名" * 201, search_name="x"))
        assert "长度" in str(err.value)
        assert d.businesses.count() == 0
    finally:
        d.close()


@pytest.mark.pg
def test_postgres_statement_timeout_is_not_called_a_network_problem(pg_url: str) -> None:
    from desk.errors import DatabaseOpenError

    d = open_as_admin(pg_url)
    try:
        with pytest.raises(DatabaseOpenError) as err:
            with d.read() as s:
                s.execute(text("SET LOCAL statement_timeout = 50"))
                s.execute(text("SELECT pg_sleep(2)"))
        assert "操作超时" in str(err.value) and "网络" not in str(err.value)
        assert d.businesses.count() == 0  # the desk is still usable
    finally:
        d.close()


def test_explain_permission_denied() -> None:
    from desk.facade import explain_db_error

    msg = explain_db_error(Exception("permission denied for schema public"), "postgresql://u@h/db")
    assert "权限" in msg


def test_saved_connection_choice_keeps_the_password_out_of_the_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from desk import connection, paths

    cfg_file = paths.data_dir() / "connection.json"
    cfg_file.unlink(missing_ok=True)
    assert connection.load_saved_url() is None
    assert connection.load() == connection.ConnectionSettings()

    pg = connection.ConnectionSettings(kind="postgresql", host="192.0.2.10", port=5433, database="消协", user="cadesk")
    connection.save(pg, password="p@ss:word/1")
    try:
        assert "p@ss" not in cfg_file.read_text(encoding="utf-8")
        assert connection.load() == pg
        url = normalise_url(connection.load_saved_url() or "")
        assert (url.host, url.port, url.database, url.username, url.password) == (
            "192.0.2.10", 5433, "消协", "cadesk", "p@ss:word/1"
        )
        local = connection.ConnectionSettings(kind="sqlite", sqlite_path=str(tmp_path / "d.sqlite3"))
        connection.save(local)
        assert normalise_url(connection.load_saved_url() or "").database == (tmp_path / "d.sqlite3").as_posix()
        # A damaged settings file falls back to the default instead of stopping the program.
        cfg_file.write_text("{not json", encoding="utf-8")
        assert connection.load() == connection.ConnectionSettings()
        cfg_file.write_text('{"kind": "sqlite", "unknown_key": 1}', encoding="utf-8")
        assert connection.load().kind == "sqlite"
    finally:
        cfg_file.unlink(missing_ok=True)


def test_sqlite_disk_full_is_a_chinese_message(sqlite_url: str) -> None:
    from desk.errors import DatabaseOpenError

    d = open_as_admin(sqlite_url)
    try:
        with pytest.raises(DatabaseOpenError) as err:
            with d.write() as s:
                # The file may not grow any more: SQLite reports SQLITE_FULL as for a full disk.
                pages = s.execute(text("PRAGMA page_count")).scalar()
                s.execute(text(f"PRAGMA max_page_count = {pages}"))
                s.add(Business(name="大备注", search_name="大备注", note="很长的备注" * 20000))
        assert "磁盘空间已满" in str(err.value)
    finally:
        d.close()  # the limited connection goes with the pool
    d = open_as_admin(sqlite_url)
    try:
        assert d.businesses.count() == 0
    finally:
        d.close()


def test_explain_sqlite_disk_io_error() -> None:
    from desk.facade import explain_db_error

    assert "读写数据库文件时出错" in explain_db_error(sqlite3.OperationalError("disk I/O error"), "sqlite:///x")
