"""Main window, start-up controller, crash handler and the start-up import budget."""

from __future__ import annotations

import datetime as dt
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QWidget

from desk.facade import Desk
from desk.roles import Perm
from desk.services.users import UserInput
from tests.conftest import ADMIN_PASSWORD
from tests.qt_helpers import RecordingDialogs
from ui.main_window import MainWindow, PlaceholderPage, SettingsPage, WorkItem
from ui.worker import Worker

pytestmark = pytest.mark.gui

NAV = ["工作台", "投诉", "调解", "名册", "诚信单位", "宣传活动", "统计与简报", "设置"]


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
def dialogs() -> RecordingDialogs:
    return RecordingDialogs()


def _window(qtbot, desk: Desk, dialogs: RecordingDialogs, worker: Worker) -> MainWindow:  # type: ignore[no-untyped-def]
    w = MainWindow(desk, dialogs, worker)
    qtbot.addWidget(w)
    w.show()
    return w


@pytest.fixture
def window(qtbot, sqlite_desk: Desk, dialogs: RecordingDialogs, worker: Worker) -> MainWindow:  # type: ignore[no-untyped-def]
    return _window(qtbot, sqlite_desk, dialogs, worker)


def _texts(widget: QWidget) -> str:
    return "\n".join(label.text() for label in widget.findChildren(QLabel))


def test_status_bar_shows_user_and_database(window: MainWindow, sqlite_desk: Desk) -> None:
    assert window.user_label.text() == "用户：系统管理员（管理员）"
    assert window.db_label.text() == f"数据库：{sqlite_desk.describe()}"
    assert "本地文件" in window.db_label.text()
    assert not window.busy_shown


def test_navigates_to_every_module(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == NAV
    assert window.current_key() == "home"
    for row, key in enumerate(window.page_keys()):
        window.nav.setCurrentRow(row)
        page = window.stack.currentWidget()
        assert page is window.page(key) and window.current_key() == key
        if key in ("home", "settings"):
            assert not isinstance(page, PlaceholderPage)
        else:
            text = _texts(page)
            assert "该模块正在建设中" in text and "建成后这里将包括" in text
            assert window.page_title(key) in text
    settings = window.page("settings")
    assert isinstance(settings, SettingsPage)
    assert settings.titles()[-2:] == ["数据库", "修改密码"]
    db = settings.show_section(settings.titles().index("数据库"))
    assert db is not None and "当前使用：本地文件" in _texts(db)


def test_start_page_greets_and_lists_worklist(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    home = window.page("home")
    assert "系统管理员" in home.greeting.text()
    assert "建成后" in home.status.text()  # honest while no module provides items

    opened: list[object] = []

    class Complaints(QWidget):
        def open_item(self, ref: object) -> None:
            opened.append(ref)

    window.register_page("complaints", "投诉", lambda d, g, w: Complaints())
    today = dt.date(2026, 5, 6)

    expected_desk = window.desk  # providers must not hold widgets: they are released on the worker

    def provider(desk: Desk) -> list[WorkItem]:
        assert desk is expected_desk
        return [
            WorkItem("TH-2026-0002 受理决定", due=today, page="complaints", ref=2),
            WorkItem("TH-2026-0001 调解期限", due=today - dt.timedelta(days=3), overdue=True, page="complaints", ref=1),
        ]

    def broken(desk: Desk) -> list[WorkItem]:
        raise RuntimeError("module bug")

    window.register_worklist_provider(provider)
    window.register_worklist_provider(broken)
    qtbot.waitUntil(lambda: home.errors.isVisible(), timeout=5000)  # the refresh with both providers
    first = home.tree.topLevelItem(0)
    assert (first.text(0), first.text(1), first.text(2)) == ("TH-2026-0001 调解期限", "2026-05-03", "已逾期")
    assert home.tree.topLevelItem(1).text(2) == "将到期"
    assert home.tree.topLevelItemCount() == 2 and "部分待办事项读取失败" in home.errors.text()
    home.tree.itemActivated.emit(home.tree.topLevelItem(1), 0)
    assert window.current_key() == "complaints" and opened == [2]


def test_register_page_replaces_the_placeholder_in_place(window: MainWindow) -> None:
    window.show_page("mediation")
    assert isinstance(window.stack.currentWidget(), PlaceholderPage)
    real = QLabel("调解列表")
    window.register_page("mediation", "调解", lambda d, g, w: real)
    assert window.stack.currentWidget() is real
    assert window.page_keys().index("mediation") == 2  # same place in the navigation
    window.register_page("referrals", "转办", lambda d, g, w: QLabel("转办"))
    assert window.page_keys()[-2:] == ["referrals", "settings"]  # 设置 stays last


def test_broken_page_does_not_take_the_window_down(window: MainWindow) -> None:
    def boom(d, g, w):  # type: ignore[no-untyped-def]
        raise RuntimeError("bug in a module")

    window.register_page("rosters", "名册", boom)
    page = window.show_page("rosters")
    assert "这一页无法打开" in _texts(page)
    assert isinstance(window.show_page("home"), QWidget)


def test_ctrl_f_focuses_the_page_search(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    class WithSearch(QWidget):
        def __init__(self) -> None:
            super().__init__()
            self.search = QLineEdit(self)

        def focus_search(self) -> None:
            self.search.setFocus()

    page = WithSearch()
    window.register_page("complaints", "投诉", lambda d, g, w: page)
    window.show_page("complaints")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    window.nav.setFocus()
    qtbot.keyClick(window.nav, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.focusWidget() is page.search
    window.show_page("mediation")  # a page without search: nothing happens, no error
    qtbot.keyClick(window.nav, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)


def test_ctrl_q_quits(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    with qtbot.waitSignal(window.quit_requested, timeout=2000):
        qtbot.keyClick(window.nav, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not window.isVisible()


def test_busy_indicator_appears_only_when_slow(qtbot, window: MainWindow, worker: Worker) -> None:  # type: ignore[no-untyped-def]
    worker.run(lambda: None)
    qtbot.waitUntil(lambda: not worker.busy, timeout=2000)
    assert not window.busy_shown
    worker.run(lambda: time.sleep(0.7))
    qtbot.waitUntil(lambda: window.busy_shown, timeout=2000)
    qtbot.waitUntil(lambda: not window.busy_shown, timeout=3000)


def test_geometry_is_restored(qtbot, sqlite_desk: Desk, dialogs: RecordingDialogs, worker: Worker) -> None:  # type: ignore[no-untyped-def]
    first = _window(qtbot, sqlite_desk, dialogs, worker)
    first.resize(900, 650)  # the offscreen screen is 800×800: only the height can differ
    first.close()
    second = _window(qtbot, sqlite_desk, dialogs, worker)
    assert (second.width(), second.height()) == (900, 650)  # not the default 1100×720


def test_about_and_database_settings_from_the_menu(qtbot, window: MainWindow, dialogs: RecordingDialogs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window.about_action.trigger()
    kind, title, text = dialogs.shown[-1]
    assert title == "关于消协工作台" and "数据库：本地文件" in text

    from ui.db_settings import DatabaseSettingsDialog

    def save_in_dialog() -> None:
        dlg = QApplication.activeModalWidget()
        assert isinstance(dlg, DatabaseSettingsDialog)
        dlg.path_edit.setText(str(tmp_path / "other.sqlite3"))
        dlg.save_button.click()

    QTimer.singleShot(100, save_in_dialog)
    window.db_action.trigger()
    assert dialogs.shown[-1][0] == "info" and "重新登录" in dialogs.shown[-1][2]


def test_change_password_section(qtbot, window: MainWindow, sqlite_desk: Desk, dialogs: RecordingDialogs) -> None:  # type: ignore[no-untyped-def]
    settings = window.show_page("settings")
    section = settings.show_section(settings.titles().index("修改密码"))
    section.old.setText("wrong-old-pass")
    section.new.setText("new-pass-123")
    section.new_again.setText("new-pass-123")
    qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.save_button.isEnabled(), timeout=5000)
    assert section.form.rows["old"].message == "原密码不正确"
    assert section.new.text() == "new-pass-123"  # nothing lost on failure
    section.old.setText(ADMIN_PASSWORD)
    qtbot.mouseClick(section.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialogs.texts("info")), timeout=5000)
    assert section.form.rows["old"].message == "" and section.old.text() == ""
    sqlite_desk.auth.logout()
    assert sqlite_desk.auth.login("admin", "new-pass-123").username == "admin"


@dataclass(frozen=True)
class FakeAdminPage:
    title: str
    factory: Callable[..., QWidget]
    perm: Perm | None


def test_settings_shows_admin_pages_the_user_may_use(qtbot, monkeypatch, sqlite_desk: Desk, dialogs: RecordingDialogs, worker: Worker) -> None:  # type: ignore[no-untyped-def]
    built: list[tuple[object, object, object]] = []

    def users_page(d: Desk, g: object, w: object) -> QWidget:
        built.append((d, g, w))
        return QLabel("用户列表")

    def broken(d: Desk, g: object, w: object) -> QWidget:
        raise RuntimeError("admin page bug")

    fake = ModuleType("ui.admin")
    fake.ADMIN_PAGES = [  # type: ignore[attr-defined]
        FakeAdminPage("用户", users_page, Perm.MANAGE_USERS),
        FakeAdminPage("节假日", broken, Perm.MANAGE_CALENDAR),
        FakeAdminPage("单位信息", lambda d, g, w: QLabel("单位"), None),
    ]
    monkeypatch.setitem(sys.modules, "ui.admin", fake)

    admin_settings = _window(qtbot, sqlite_desk, dialogs, worker).show_page("settings")
    assert admin_settings.titles() == ["用户", "节假日", "单位信息", "数据库", "修改密码"]
    assert built == [(sqlite_desk, dialogs, worker)]  # the first section is built when shown
    broken_page = admin_settings.show_section(1)
    assert "这一页无法打开" in _texts(broken_page)

    sqlite_desk.users.create(UserInput("reader", "李读", "readonly", sqlite_desk.actor.office_id, password="reader-pass-1"))
    with Desk.open(sqlite_desk.url) as other:
        other.auth.login("reader", "reader-pass-1")
        reader_window = _window(qtbot, other, dialogs, worker)
        assert reader_window.user_label.text() == "用户：李读（只读）"
        assert reader_window.show_page("settings").titles() == ["单位信息", "数据库", "修改密码"]


def test_settings_work_without_admin_package(qtbot, monkeypatch, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "ui.admin", None)  # import of ui.admin fails
    window.register_page("settings", "设置", lambda d, g, w: SettingsPage(window))
    assert window.show_page("settings").titles() == ["数据库", "修改密码"]


# -- start-up controller ----------------------------------------------------------------------


def _drive(steps: list[Callable[[QWidget], bool]]) -> QTimer:
    """Act on modal dialogs as they appear: each step gets the active modal widget and returns
    True once it has done its part."""
    timer = QTimer()

    def tick() -> None:
        w = QApplication.activeModalWidget()
        if steps and w is not None and w.isVisible() and steps[0](w):
            steps.pop(0)

    timer.timeout.connect(tick)
    timer.start(30)
    return timer


def test_first_start_then_switch_user(qtbot, monkeypatch, sqlite_url: str, dialogs: RecordingDialogs, worker: Worker) -> None:  # type: ignore[no-untyped-def]
    from ui.app import App
    from ui.login import LoginDialog, SetupDialog

    monkeypatch.setenv("CADESK_DB", sqlite_url)
    app = App(QApplication.instance(), dialogs, worker)

    def setup(w: QWidget) -> bool:
        if not isinstance(w, SetupDialog):
            return False
        for name, value in dict(office_code="TH", office_name="太和县消费者协会", username="admin",
                                display_name="王敏", password="good-pass-1", password_again="good-pass-1").items():
            getattr(w, name).setText(value)
        w.ok_button.click()
        return True

    driver = _drive([setup])
    assert app.start()
    driver.stop()
    first = app.window
    assert first is not None and first.isVisible()  # deleted by the app on 切换用户
    assert first.user_label.text() == "用户：王敏（管理员）"

    def login(w: QWidget) -> bool:
        if not isinstance(w, LoginDialog) or w.desk is None:
            return False
        seen_username.append(w.username.text())
        w.password.setText("good-pass-1")
        w.login_button.click()
        return True

    seen_username: list[str] = []
    driver = _drive([login])
    first.switch_action.trigger()
    qtbot.waitUntil(lambda: app.window is not None and app.window is not first, timeout=15_000)
    driver.stop()
    assert app.window is not None
    qtbot.addWidget(app.window)
    assert app.window.isVisible() and app.desk is not None and app.desk.actor is not None
    assert app.desk.actor.username == "admin"
    assert seen_username == ["admin"]  # remembered from the last login
    app.close()


def test_unopenable_database_offers_the_settings_then_starts(qtbot, monkeypatch, tmp_path: Path, dialogs: RecordingDialogs, worker: Worker) -> None:  # type: ignore[no-untyped-def]
    from desk.paths import sqlite_url as make_url
    from ui.app import App
    from ui.db_settings import DatabaseSettingsDialog
    from ui.login import LoginDialog, SetupDialog

    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"not a database" * 200)
    good = tmp_path / "good.sqlite3"
    monkeypatch.setenv("CADESK_DB", make_url(broken))
    seen: dict[str, str] = {}

    def failed_login(w: QWidget) -> bool:
        if not isinstance(w, LoginDialog) or w.open_error is None:
            return False
        seen["login"] = w.message.text()
        w.db_button.click()
        return True

    def choose(w: QWidget) -> bool:
        if not isinstance(w, DatabaseSettingsDialog):
            return False
        seen["settings"] = _texts(w)
        w.path_edit.setText(str(good))
        w.save_button.click()
        return True

    def setup(w: QWidget) -> bool:
        if not isinstance(w, SetupDialog):
            return False
        for name, value in dict(office_code="TH", office_name="太和县消费者协会", username="admin",
                                display_name="王敏", password="good-pass-1", password_again="good-pass-1").items():
            getattr(w, name).setText(value)
        w.ok_button.click()
        return True

    app = App(QApplication.instance(), dialogs, worker)
    driver = _drive([failed_login, choose, setup])
    assert app.start()
    driver.stop()
    assert app.window is not None
    qtbot.addWidget(app.window)
    assert seen["login"].startswith("无法打开数据库：数据库文件已损坏")
    assert "无法打开数据库：数据库文件已损坏" in seen["settings"]  # the dialog says why it is open
    assert app.desk is not None and str(good) in app.desk.describe()
    assert good.exists()
    app.close()


def test_quitting_at_login_ends_start(qtbot, monkeypatch, sqlite_desk: Desk, dialogs: RecordingDialogs, worker: Worker) -> None:  # type: ignore[no-untyped-def]
    from ui.app import App
    from ui.login import LoginDialog

    monkeypatch.setenv("CADESK_DB", sqlite_desk.url)

    def quit_login(w: QWidget) -> bool:
        if not isinstance(w, LoginDialog) or w.desk is None:
            return False
        w.quit_button.click()
        return True

    app = App(QApplication.instance(), dialogs, worker)
    driver = _drive([quit_login])
    assert not app.start()
    driver.stop()
    assert app.window is None
    app.close()


# -- process set-up ---------------------------------------------------------------------------


def test_excepthook_logs_the_traceback_and_shows_chinese(monkeypatch, caplog, dialogs: RecordingDialogs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from ui.app import install_excepthook

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    install_excepthook(tmp_path / "cadesk.log", dialogs)
    try:
        raise RuntimeError("boom in a slot")
    except RuntimeError as exc:
        with caplog.at_level(logging.CRITICAL, logger="cadesk"):
            sys.excepthook(type(exc), exc, exc.__traceback__)
    assert "Traceback" in caplog.text and "RuntimeError: boom in a slot" in caplog.text
    kind, title, text = dialogs.shown[-1]
    assert (kind, title) == ("error", "程序错误")
    assert "程序遇到意外错误" in text and str(tmp_path / "cadesk.log") in text
    assert "Traceback" not in text and "RuntimeError" not in text


def test_logging_goes_to_a_rotating_file(_isolated_home: Path) -> None:
    from ui.app import setup_logging

    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    try:
        path = setup_logging(qt_messages=False)
        setup_logging(qt_messages=False)  # idempotent: one file handler
        added = [h for h in root.handlers if h not in before]
        assert len(added) == 1 and isinstance(added[0], logging.handlers.RotatingFileHandler)
        logging.getLogger("cadesk.test").info("写入日志")
        added[0].flush()
        assert path.parent == _isolated_home / "logs"
        assert "写入日志" in path.read_text(encoding="utf-8")
    finally:
        for h in root.handlers[:]:
            if h not in before:
                root.removeHandler(h)
                h.close()
        root.setLevel(level)


def test_missing_std_streams_are_replaced(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import ui.app

    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    monkeypatch.setattr(ui.app, "_stderr_missing", False)
    ui.app.guard_std_streams()
    assert sys.stdout is not None and sys.stderr is not None
    print("no crash when windowed")
    sys.stderr.write("still fine\n")


# -- start-up budget --------------------------------------------------------------------------


def test_no_heavy_imports_before_login(tmp_path: Path, _isolated_home: Path) -> None:
    from ui.startup_bench import HEAVY_MODULES, child_env, prepare_database, run_child

    url = prepare_database(tmp_path)
    events = run_child("login", url, child_env(tmp_path))
    ready = events["ready"]
    assert ready["ok"], ready["error"]
    assert events["painted"]["window"] == "LoginDialog"
    assert set(HEAVY_MODULES) == {"matplotlib", "docx", "docxtpl", "openpyxl"}
    assert ready["heavy"] == [], f"imported before the login window: {ready['heavy']}"


def test_measure_reports_medians() -> None:
    from ui.startup_bench import measure

    details: dict = {}
    result = measure(1, details=details)
    assert set(result) == {"startup_s", "bare_qt_s", "ready_s"}
    assert 0 < result["bare_qt_s"] and 0 < result["startup_s"] <= result["ready_s"] + 1
    assert details["heavy"] == []
