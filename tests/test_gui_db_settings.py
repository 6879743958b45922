"""Database settings dialog: real PostgreSQL server for the connection tests, real files."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from desk import connection, paths
from desk.db import normalise_url
from desk.errors import DatabaseOpenError
from tests.qt_helpers import RecordingDialogs
from ui.db_settings import DatabaseSettingsDialog, probe_database
from ui.worker import Worker

pytestmark = pytest.mark.gui

UNC = "\\\\server\\share\\x.sqlite3"


@pytest.fixture
def pg_server_url() -> str:
    """The test server's URL (no database is created: only connecting is tried)."""
    url = os.environ.get("CADESK_TEST_PG_URL", "")
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but CADESK_TEST_PG_URL is not set: PostgreSQL tests must run in CI")
        pytest.skip("needs CADESK_TEST_PG_URL")
    return url


@pytest.fixture(autouse=True)
def _no_saved_choice(_isolated_home: Path) -> Iterator[None]:
    f = paths.data_dir() / "connection.json"
    f.unlink(missing_ok=True)
    yield
    f.unlink(missing_ok=True)


@pytest.fixture
def worker(qtbot) -> Iterator[Worker]:  # type: ignore[no-untyped-def]
    w = Worker()
    yield w
    w.shutdown()


@pytest.fixture
def dialog(qtbot, worker: Worker) -> DatabaseSettingsDialog:  # type: ignore[no-untyped-def]
    dlg = DatabaseSettingsDialog(RecordingDialogs(), worker)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def _fill_pg(dlg: DatabaseSettingsDialog, url: str, **override: object) -> None:
    u = normalise_url(url)
    values = dict(host=u.host or "localhost", port=u.port or 5432, database=u.database, user=u.username,
                  password=u.password or "")
    values.update(override)
    dlg.pg_radio.setChecked(True)
    dlg.host_edit.setText(str(values["host"]))
    dlg.port_spin.setValue(int(values["port"]))  # type: ignore[arg-type]
    dlg.database_edit.setText(str(values["database"]))
    dlg.user_edit.setText(str(values["user"]))
    dlg.password_edit.setText(str(values["password"]))


def _test_connection(qtbot, dlg: DatabaseSettingsDialog) -> str:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(dlg.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dlg.testing, timeout=20_000)
    return dlg.result_text()


@pytest.mark.pg
def test_wrong_password_is_explained(qtbot, dialog: DatabaseSettingsDialog, pg_server_url: str) -> None:  # type: ignore[no-untyped-def]
    _fill_pg(dialog, pg_server_url, password="definitely-wrong-password")
    text = _test_connection(qtbot, dialog)
    assert text == "PostgreSQL 服务器拒绝登录：用户名或密码错误。"
    assert dialog.result_label.property("role") == "error"


@pytest.mark.pg
def test_closed_port_is_explained(qtbot, dialog: DatabaseSettingsDialog, pg_server_url: str) -> None:  # type: ignore[no-untyped-def]
    _fill_pg(dialog, pg_server_url, host="127.0.0.1", port=1)
    text = _test_connection(qtbot, dialog)
    assert text.startswith("无法连接 PostgreSQL 服务器：服务器未启动")


@pytest.mark.pg
def test_right_password_connects(qtbot, dialog: DatabaseSettingsDialog, pg_server_url: str) -> None:  # type: ignore[no-untyped-def]
    _fill_pg(dialog, pg_server_url)
    text = _test_connection(qtbot, dialog)
    assert text.startswith("连接成功")
    assert dialog.result_label.property("role") == "ok"


@pytest.mark.pg
def test_missing_database_is_explained(pg_server_url: str) -> None:
    url = normalise_url(pg_server_url).set(database="cadesk_no_such_db").render_as_string(hide_password=False)
    with pytest.raises(DatabaseOpenError) as info:
        probe_database(url)
    assert "没有这个数据库" in str(info.value)


def test_unc_path_is_refused(qtbot, dialog: DatabaseSettingsDialog) -> None:  # type: ignore[no-untyped-def]
    dialog.sqlite_radio.setChecked(True)
    dialog.path_edit.setText(UNC)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    row = dialog.sqlite_form.rows["sqlite_path"]
    assert row.error.isVisible()
    assert "网络共享文件夹" in row.message and "PostgreSQL" in row.message
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert not (paths.data_dir() / "connection.json").exists()
    assert dialog.focusWidget() is dialog.path_edit
    # 测试连接 refuses it the same way, without touching the network.
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert not dialog.testing and "网络共享文件夹" in row.message


def test_sqlite_probe_does_not_create_the_file(qtbot, dialog: DatabaseSettingsDialog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "new" / "office.sqlite3"
    dialog.path_edit.setText(str(target))
    assert _test_connection(qtbot, dialog).startswith("文件尚不存在")
    assert not target.exists() and not target.parent.exists()


def test_sqlite_probe_of_a_real_database(qtbot, dialog: DatabaseSettingsDialog, sqlite_desk) -> None:  # type: ignore[no-untyped-def]
    dialog.path_edit.setText(normalise_url(sqlite_desk.url).database)
    assert _test_connection(qtbot, dialog) == "连接成功，数据库可以使用。"


def test_sqlite_probe_of_a_broken_file(qtbot, dialog: DatabaseSettingsDialog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"garbage" * 1000)
    dialog.path_edit.setText(str(bad))
    assert "已损坏" in _test_connection(qtbot, dialog)


def test_save_sqlite_choice(qtbot, dialog: DatabaseSettingsDialog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "office.sqlite3"
    dialog.path_edit.setText(str(target))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = connection.load()
    assert saved.kind == "sqlite" and Path(saved.sqlite_path) == target
    assert dialog.chosen_url() == paths.sqlite_url(target) == paths.default_db_url()


def test_empty_fields_are_named(qtbot, dialog: DatabaseSettingsDialog) -> None:  # type: ignore[no-untyped-def]
    dialog.pg_radio.setChecked(True)
    dialog.host_edit.setText("")
    dialog.database_edit.setText("")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    rows = dialog.pg_form.rows
    assert rows["host"].message == "请填写服务器地址"
    assert rows["database"].message == "请填写数据库名称"
    assert dialog.focusWidget() is dialog.host_edit
    assert dialog.result() != QDialog.DialogCode.Accepted


def test_save_postgresql_keeps_password_out_of_the_file(qtbot, dialog: DatabaseSettingsDialog) -> None:  # type: ignore[no-untyped-def]
    _fill_pg(dialog, "postgresql+psycopg://clerk@db.office.lan:5433/cadesk", password="s3cret-pw")
    dialog.remember_check.setChecked(True)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    text = (paths.data_dir() / "connection.json").read_text(encoding="utf-8")
    assert "s3cret-pw" not in text
    saved = connection.load()
    assert (saved.kind, saved.host, saved.port, saved.user) == ("postgresql", "db.office.lan", 5433, "clerk")
    assert json.loads(text)["host"] == "db.office.lan"
    assert connection.get_password(saved) == "s3cret-pw"
    assert normalise_url(dialog.chosen_url()).password == "s3cret-pw"


def test_not_remembering_forgets_the_stored_password(qtbot, worker: Worker) -> None:  # type: ignore[no-untyped-def]
    s = connection.ConnectionSettings(kind="postgresql", host="db.office.lan", database="cadesk", user="clerk")
    connection.save(s, "old-password")
    dlg = DatabaseSettingsDialog(RecordingDialogs(), worker)
    qtbot.addWidget(dlg)
    assert dlg.pg_radio.isChecked() and dlg.password_edit.text() == "old-password"
    assert dlg.remember_check.isChecked()
    dlg.remember_check.setChecked(False)
    dlg.password_edit.setText("typed-now")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert not connection.get_password(s)
    # The typed password still serves this session.
    assert normalise_url(dlg.chosen_url()).password == "typed-now"


def test_browse_fills_the_path(qtbot, worker: Worker, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialogs = RecordingDialogs(file_answers=[str(tmp_path / "picked.sqlite3")])
    dlg = DatabaseSettingsDialog(dialogs, worker)
    qtbot.addWidget(dlg)
    qtbot.mouseClick(dlg.browse_button, Qt.MouseButton.LeftButton)
    assert dlg.path_edit.text() == str(tmp_path / "picked.sqlite3")
    qtbot.mouseClick(dlg.default_button, Qt.MouseButton.LeftButton)
    assert dlg.path_edit.text() == str(paths.default_sqlite_path())


def test_escape_cancels(qtbot, dialog: DatabaseSettingsDialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert not (paths.data_dir() / "connection.json").exists()
