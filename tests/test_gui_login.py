"""Login and first-start setup dialogs on real SQLite files (pytest-qt, offscreen)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog

from desk.facade import Desk
from desk.paths import sqlite_url as make_sqlite_url
from tests.conftest import ADMIN_PASSWORD, open_as_admin
from ui.login import LoginDialog, SetupDialog
from ui.worker import Worker

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _isolated_qsettings(tmp_path: Path) -> None:
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))


@pytest.fixture
def worker(qtbot) -> Iterator[Worker]:  # type: ignore[no-untyped-def]
    w = Worker()
    yield w
    w.shutdown()


@pytest.fixture
def admin_url(sqlite_url: str) -> str:
    """An SQLite database with the administrator set up, nobody logged in."""
    open_as_admin(sqlite_url).close()
    return sqlite_url


@pytest.fixture
def logged_out(admin_url: str) -> Iterator[Desk]:
    d = Desk.open(admin_url)
    yield d
    d.close()


def _login_dialog(qtbot, worker: Worker, **kw) -> LoginDialog:  # type: ignore[no-untyped-def]
    dlg = LoginDialog(worker, **kw)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def _try(qtbot, dlg: LoginDialog, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    dlg.username.setText(username)
    dlg.password.setText(password)
    qtbot.mouseClick(dlg.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dlg.busy, timeout=10_000)


def test_login_success_with_enter(qtbot, worker: Worker, logged_out: Desk) -> None:  # type: ignore[no-untyped-def]
    dlg = _login_dialog(qtbot, worker, desk=logged_out)
    assert "本地文件" in dlg.where.text()
    dlg.username.setText("admin")
    dlg.password.setText(ADMIN_PASSWORD)
    with qtbot.waitSignal(dlg.logged_in, timeout=10_000):
        qtbot.keyClick(dlg.password, Qt.Key.Key_Return)  # Enter submits
    assert dlg.result() == QDialog.DialogCode.Accepted
    assert dlg.actor is not None and dlg.actor.username == "admin"
    assert logged_out.actor is not None and logged_out.actor.role == "admin"


def test_wrong_password_inline_with_attempts_left(qtbot, worker: Worker, logged_out: Desk) -> None:  # type: ignore[no-untyped-def]
    dlg = _login_dialog(qtbot, worker, desk=logged_out, username="admin")
    _try(qtbot, dlg, "admin", "not-the-password")
    assert dlg.isVisible() and dlg.result() != QDialog.DialogCode.Accepted
    assert dlg.message.isVisible()
    assert dlg.message.text() == "用户名或密码错误（再错4次账户将被锁定5分钟）"
    assert dlg.username.text() == "admin"  # kept
    assert dlg.password.text() == ""  # cleared for the next try
    assert dlg.focusWidget() is dlg.password
    assert logged_out.actor is None

    _try(qtbot, dlg, "nobody", "whatever-1")
    assert dlg.message.text() == "用户名或密码错误"  # no hint that the name does not exist


def test_five_failures_lock_the_account(qtbot, worker: Worker, logged_out: Desk) -> None:  # type: ignore[no-untyped-def]
    dlg = _login_dialog(qtbot, worker, desk=logged_out)
    for left in (4, 3, 2, 1):
        _try(qtbot, dlg, "admin", "wrong-password")
        assert f"再错{left}次" in dlg.message.text()
    _try(qtbot, dlg, "admin", "wrong-password")
    assert dlg.message.text() == "密码连续输错5次，账户已锁定5分钟"
    # Even the right password is refused while locked, with the time to wait.
    _try(qtbot, dlg, "admin", ADMIN_PASSWORD)
    assert "账户已锁定" in dlg.message.text() and "5分钟后再试" in dlg.message.text()
    assert logged_out.actor is None


def test_empty_fields_are_asked_for_without_a_database_call(qtbot, worker: Worker, logged_out: Desk) -> None:  # type: ignore[no-untyped-def]
    dlg = _login_dialog(qtbot, worker, desk=logged_out)
    qtbot.mouseClick(dlg.login_button, Qt.MouseButton.LeftButton)
    assert dlg.message.text() == "请输入用户名" and not dlg.busy
    dlg.username.setText("admin")
    qtbot.mouseClick(dlg.login_button, Qt.MouseButton.LeftButton)
    assert dlg.message.text() == "请输入密码"
    assert dlg.focusWidget() is dlg.password


def test_escape_closes_the_login(qtbot, worker: Worker, logged_out: Desk) -> None:  # type: ignore[no-untyped-def]
    dlg = _login_dialog(qtbot, worker, desk=logged_out)
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert not dlg.isVisible() and dlg.result() == QDialog.DialogCode.Rejected


def test_dialog_opens_the_database_itself_and_queues_an_early_enter(qtbot, worker: Worker, admin_url: str) -> None:  # type: ignore[no-untyped-def]
    dlg = _login_dialog(qtbot, worker, url=admin_url)
    # Shown before the database is open; typing and Enter are not lost.
    assert dlg.desk is None and dlg.opening
    dlg.username.setText("admin")
    dlg.password.setText(ADMIN_PASSWORD)
    qtbot.keyClick(dlg.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dlg.result() == QDialog.DialogCode.Accepted, timeout=15_000)
    assert dlg.desk is not None and dlg.actor is not None and dlg.actor.username == "admin"
    dlg.desk.close()


def test_new_database_asks_for_setup(qtbot, worker: Worker, sqlite_url: str) -> None:  # type: ignore[no-untyped-def]
    dlg = _login_dialog(qtbot, worker, url=sqlite_url)
    qtbot.waitUntil(lambda: not dlg.isVisible(), timeout=15_000)
    assert dlg.result() == LoginDialog.NEEDS_SETUP
    assert dlg.desk is not None and dlg.desk.auth.needs_setup()
    dlg.desk.close()


def test_database_that_cannot_open_is_explained_inline(qtbot, worker: Worker, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "not-a-db.sqlite3"
    bad.write_bytes(b"this is not an sqlite file at all" * 100)
    dlg = _login_dialog(qtbot, worker, url=make_sqlite_url(bad))
    with qtbot.waitSignal(dlg.database_ready, timeout=15_000) as sig:
        pass
    assert sig.args == [False]
    assert dlg.open_error and "损坏" in dlg.open_error
    assert dlg.message.isVisible() and dlg.message.text().startswith("无法打开数据库：")
    assert "数据库设置" in dlg.message.text()
    assert not dlg.login_button.isEnabled()
    qtbot.mouseClick(dlg.db_button, Qt.MouseButton.LeftButton)
    assert dlg.result() == LoginDialog.CHANGE_DATABASE


# -- first start ---------------------------------------------------------------------------


@pytest.fixture
def empty_desk(sqlite_url: str) -> Iterator[Desk]:
    d = Desk.open(sqlite_url)
    yield d
    d.close()


def _fill_setup(dlg: SetupDialog, **values: str) -> None:
    defaults = dict(
        office_code="TH", office_name="太和县消费者协会", username="admin", display_name="王敏",
        password="good-pass-1", password_again="good-pass-1",
    )
    defaults.update(values)
    for name, value in defaults.items():
        getattr(dlg, name).setText(value)


def _submit(qtbot, dlg: SetupDialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dlg.busy, timeout=10_000)


def test_setup_shows_field_errors_then_succeeds(qtbot, worker: Worker, empty_desk: Desk) -> None:  # type: ignore[no-untyped-def]
    dlg = SetupDialog(empty_desk, worker)
    qtbot.addWidget(dlg)
    dlg.show()
    rows = dlg.form.rows

    _fill_setup(dlg, office_code="1X", password="short", password_again="short")
    _submit(qtbot, dlg)
    assert dlg.isVisible()
    assert "大写字母或数字" in rows["office_code"].message and rows["office_code"].error.isVisible()
    assert rows["password"].message == "密码至少需要8个字符"
    assert not rows["office_name"].error.isVisible() and rows["office_name"].message == ""
    assert dlg.focusWidget() is dlg.office_code  # the first field in error
    assert dlg.office_name.text() == "太和县消费者协会"  # nothing typed is lost
    assert empty_desk.auth.needs_setup()

    _fill_setup(dlg, password="good-pass-1", password_again="good-pass-2")
    _submit(qtbot, dlg)
    assert rows["password_again"].message == "两次输入的密码不一致"
    assert rows["office_code"].message == "" and rows["password"].message == ""
    assert dlg.focusWidget() is dlg.password_again

    _fill_setup(dlg, username="has space")
    _submit(qtbot, dlg)
    assert rows["username"].message == "用户名不能包含空格"

    _fill_setup(dlg, office_code="th")  # lower case is accepted and upper-cased
    _submit(qtbot, dlg)
    assert dlg.result() == QDialog.DialogCode.Accepted
    assert dlg.actor is not None and dlg.actor.display_name == "王敏" and dlg.actor.role == "admin"
    assert not empty_desk.auth.needs_setup()
    empty_desk.auth.logout()
    assert empty_desk.auth.login("admin", "good-pass-1").username == "admin"


def test_leaving_while_the_database_opens_closes_it(qtbot, worker: Worker, admin_url: str) -> None:  # type: ignore[no-untyped-def]
    dlg = _login_dialog(qtbot, worker, url=admin_url)
    assert dlg.opening
    dlg.quit_button.click()  # synchronous: no event is processed before the click
    assert dlg.result() == QDialog.DialogCode.Rejected
    qtbot.waitUntil(lambda: not dlg.opening, timeout=15_000)
    assert dlg.desk is None  # opened after the user left, and closed again
