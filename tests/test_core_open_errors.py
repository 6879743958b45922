"""Every way opening a database can fail ends in DatabaseOpenError with a specific Chinese
message (never a raw traceback): corrupt files, unusable paths, network shares, PostgreSQL
login, server and database-name problems, and a schema newer than the program."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import PG_URL
from sqlalchemy import text

from desk.db import NETWORK_PATH_ADVICE, check_sqlite_path, is_network_path, make_engine, normalise_url
from desk.errors import DatabaseOpenError, NetworkPathError, SchemaTooNewError
from desk.facade import Desk
from desk.paths import sqlite_url

# Words of driver messages that must never reach the user untranslated.
_ENGLISH_LEAKS = ("error", "failed", "unable", "database", "connection", "errno", "traceback",
                  "sqlalche", "psycopg", "malformed", "denied", "refused", "not a directory")


def _open_error(url: str) -> DatabaseOpenError:
    with pytest.raises(DatabaseOpenError) as err:
        Desk.open(url)
    msg = str(err.value)
    assert sum("\u4e00" <= ch <= "\u9fff" for ch in msg) >= 8, msg
    for word in _ENGLISH_LEAKS:
        assert word not in msg.lower(), msg
    return err.value


def test_corrupt_sqlite_file(tmp_path: Path) -> None:
    bad = tmp_path / "cadesk.sqlite3"
    bad.write_bytes(bytes(range(256)) * 64)
    msg = str(_open_error(sqlite_url(bad)))
    assert "损坏" in msg and "备份" in msg
    assert bad.read_bytes() == bytes(range(256)) * 64  # left exactly as it was


def test_text_file_as_database(tmp_path: Path) -> None:
    bad = tmp_path / "readme.txt"
    bad.write_text("消协工作台说明\n" * 500, encoding="utf-8")
    assert "损坏" in str(_open_error(sqlite_url(bad)))


def test_sqlite_path_whose_parent_is_a_file(tmp_path: Path) -> None:
    # Works as root too, where folder permissions would not stop us.
    blocker = tmp_path / "data"
    blocker.write_text("I am a file", encoding="utf-8")
    msg = str(_open_error(sqlite_url(blocker / "sub" / "cadesk.sqlite3")))
    assert "文件夹" in msg and "权限" in msg


def test_sqlite_path_is_a_directory(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder.sqlite3"
    folder.mkdir()
    assert "无法打开" in str(_open_error(sqlite_url(folder)))


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_sqlite_folder_without_permission(tmp_path: Path) -> None:  # pragma: no cover - non-root
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert "权限" in str(_open_error(sqlite_url(locked / "cadesk.sqlite3")))
    finally:
        locked.chmod(0o700)


@pytest.mark.parametrize(
    "path",
    [
        r"\\server\share\cadesk.sqlite3",
        "//server/share/cadesk.sqlite3",
        r"\\?\UNC\server\share\cadesk.sqlite3",
        r"\\192.168.1.10\消协\数据\cadesk.sqlite3",
    ],
)
def test_network_share_paths_are_refused(path: str) -> None:
    assert is_network_path(path)
    with pytest.raises(NetworkPathError) as err:
        check_sqlite_path(path)
    msg = str(err.value)
    assert "网络共享" in msg and "PostgreSQL" in msg and path in msg
    # Through the front door too, before any file is touched.
    with pytest.raises(NetworkPathError):
        Desk.open(f"sqlite:///{path}")
    with pytest.raises(NetworkPathError):
        make_engine(f"sqlite:///{path}")


def test_mapped_drive_letters() -> None:
    assert is_network_path(r"Z:\消协\cadesk.sqlite3", drive_is_remote=lambda d: d == "Z:")
    assert not is_network_path(r"C:\消协\cadesk.sqlite3", drive_is_remote=lambda d: d == "Z:")
    assert not is_network_path("/home/user/cadesk.sqlite3", drive_is_remote=lambda d: True)
    assert not is_network_path(r"\\?\C:\data\cadesk.sqlite3", drive_is_remote=lambda d: False)
    assert not is_network_path(r"\\.\pipe\x")
    assert not is_network_path("relative/cadesk.sqlite3")
    assert "PostgreSQL" in NETWORK_PATH_ADVICE


def test_unsupported_database_kind() -> None:
    assert "不支持" in str(_open_error("mysql://user@localhost/cadesk"))


def test_schema_newer_than_program(sqlite_url: str) -> None:
    Desk.open(sqlite_url).close()
    eng = make_engine(sqlite_url)
    with eng.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = '0999_next_year'"))
    eng.dispose()
    err = _open_error(sqlite_url)
    assert isinstance(err, SchemaTooNewError)
    assert "0999_next_year" in str(err) and "升级" in str(err)


# -- PostgreSQL -------------------------------------------------------------------------------


def _pg(**changes: object) -> str:
    if not PG_URL:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but CADESK_TEST_PG_URL is not set: PostgreSQL tests must run in CI")
        pytest.skip("needs CADESK_TEST_PG_URL")
    return normalise_url(PG_URL).set(**changes).render_as_string(hide_password=False)  # type: ignore[arg-type]


@pytest.mark.pg
def test_postgres_wrong_password() -> None:
    msg = str(_open_error(_pg(password="definitely-wrong")))
    assert "密码" in msg and "用户名" in msg


@pytest.mark.pg
def test_postgres_server_not_running() -> None:
    msg = str(_open_error(_pg(host="127.0.0.1", port=1)))
    assert "未启动" in msg or "无法连接" in msg


@pytest.mark.pg
def test_postgres_unknown_database() -> None:
    msg = str(_open_error(_pg(database="cadesk_no_such_database")))
    assert "没有这个数据库" in msg


@pytest.mark.pg
def test_postgres_unknown_host() -> None:
    msg = str(_open_error(_pg(host="no-such-host.invalid")))
    assert "找不到" in msg or "无法连接" in msg


@pytest.mark.pg
def test_postgres_schema_newer_than_program(pg_url: str) -> None:
    eng = make_engine(pg_url)
    with eng.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = '0999_next_year'"))
    eng.dispose()
    assert isinstance(_open_error(pg_url), SchemaTooNewError)


def test_another_programs_sqlite_file_is_not_taken_over(tmp_path: Path) -> None:
    import sqlite3

    other = tmp_path / "通讯录.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
    con.execute("INSERT INTO contacts (name) VALUES ('张三')")
    con.commit()
    con.close()
    msg = str(_open_error(sqlite_url(other)))
    assert "contacts" in msg and "不是消协工作台的数据库" in msg
    con = sqlite3.connect(other)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    finally:
        con.close()
    assert tables == ["contacts"]  # nothing of ours was created in it


@pytest.mark.pg
def test_another_programs_postgres_database_is_not_taken_over(pg_empty_url: str) -> None:
    eng = make_engine(pg_empty_url)
    with eng.begin() as c:
        c.execute(text("CREATE TABLE invoices (id serial PRIMARY KEY)"))
    eng.dispose()
    assert "invoices" in str(_open_error(pg_empty_url))
    eng = make_engine(pg_empty_url)
    try:
        with eng.connect() as c:
            assert c.execute(text("SELECT to_regclass('app_user')")).scalar() is None
    finally:
        eng.dispose()
