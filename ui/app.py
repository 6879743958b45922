"""Start-up of the desktop program (the ``cadesk`` gui-script): logging, the crash handler,
QApplication, opening the database, first-start setup or login, then the main window.

Start-up must stay fast: nothing here (or on the way to the login window) imports
matplotlib, docx or openpyxl; tests/test_gui_shell.py checks it in a subprocess."""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QLibraryInfo,
    QLocale,
    QSettings,
    Qt,
    QtMsgType,
    QTranslator,
    qInstallMessageHandler,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog

from desk.errors import DeskError
from desk.instance import announce_running
from ui.dialogs import Dialogs
from ui.style import (
    NO_CHINESE_FONT_TITLE,
    app_icon,
    apply_app_style,
    chinese_font_families,
    missing_chinese_font_message,
)

if TYPE_CHECKING:
    from desk.facade import Desk
    from ui.login import LoginDialog
    from ui.main_window import MainWindow
    from ui.worker import Worker

log = logging.getLogger("cadesk")

LOG_FILE_NAME = "cadesk.log"
SETTINGS_ORG = "CADesk"
SETTINGS_APP = "CADesk"
_stderr_missing = False


# -- process set-up --------------------------------------------------------------------------


def guard_std_streams() -> None:
    """Windowed Windows builds (cadesk.exe) start with sys.stdout/stderr = None; libraries that print
    (warnings, faulthandler, argparse) would then crash. Send them to os.devnull."""
    global _stderr_missing
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives for the process
    if sys.stderr is None:
        _stderr_missing = True
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115


def setup_logging(level: int = logging.INFO, *, qt_messages: bool = True) -> Path:
    """A rotating log file in the user's log folder (and stderr when there is a console);
    with ``qt_messages`` Qt's own warnings go to the log too."""
    from desk import paths

    path = paths.log_dir() / LOG_FILE_NAME
    root = logging.getLogger()
    if not any(getattr(h, "_cadesk", False) for h in root.handlers):
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"))
        handler._cadesk = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        if not _stderr_missing and sys.stderr is not None and getattr(sys.stderr, "isatty", lambda: False)():
            console = logging.StreamHandler(sys.stderr)
            console.setLevel(logging.WARNING)
            root.addHandler(console)
    root.setLevel(level)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # one line per plugin

    levels = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }

    def to_log(mode: QtMsgType, _context: object, message: str) -> None:
        logging.getLogger("qt").log(levels.get(mode, logging.WARNING), "%s", message)

    if qt_messages:
        qInstallMessageHandler(to_log)
    return path


def enable_crash_dump(log_dir: Path) -> None:
    """A hard crash (e.g. inside Qt) leaves the Python stacks in crash.log next to the log."""
    import faulthandler

    try:
        # Kept open for the life of the process: faulthandler writes to it at crash time.
        faulthandler.enable(file=open(log_dir / "crash.log", "a", encoding="utf-8"))  # noqa: SIM115
    except (OSError, ValueError) as exc:
        log.warning("no crash dump file: %s", exc)


def crash_message(exc: BaseException, log_path: Path | None) -> str:
    """What the user reads about an unexpected error: Chinese, no traceback."""
    if isinstance(exc, DeskError):
        head = exc.message
    else:
        head = "程序遇到意外错误，刚才的操作可能没有完成。"
    where = f"\n\n详细信息已写入日志文件：\n{log_path}" if log_path else ""
    return f"{head}{where}\n如果问题反复出现，请把这个文件发给维护人员。"


def install_excepthook(log_path: Path | None, dialogs: Dialogs | None = None) -> None:
    """Log every uncaught exception with its traceback; tell the user in Chinese."""
    showing = threading.local()

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.critical("未处理的异常\n%s", "".join(traceback.format_exception(exc_type, exc, tb)))
        if QApplication.instance() is None or threading.current_thread() is not threading.main_thread():
            return
        if getattr(showing, "active", False):  # an error while showing the error: log only
            return
        showing.active = True
        try:
            (dialogs or Dialogs()).error(None, "程序错误", crash_message(exc, log_path))
        except Exception:  # noqa: BLE001
            log.exception("could not show the error message")
        finally:
            showing.active = False

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        log.critical(
            "线程 %s 中未处理的异常\n%s",
            args.thread.name if args.thread else "?",
            "".join(traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback)),
        )

    sys.excepthook = hook
    threading.excepthook = thread_hook


def create_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName(SETTINGS_APP)
    app.setOrganizationName(SETTINGS_ORG)
    app.setApplicationDisplayName("消协工作台")
    from desk import __version__

    app.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName("cadesk")
    # Every window (login, main window, message boxes) inherits it; Windows shows it in the taskbar.
    app.setWindowIcon(app_icon())
    # Qt's own buttons and dialogs (确定/取消, file dialogs) in Chinese.
    translator = QTranslator(app)
    if translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_",
                       QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
    else:  # a build that lost qtbase_zh_CN.qm shows Qt's buttons in English: say so in the log
        log.warning("Qt's Chinese translation (qtbase_zh_CN.qm) not found in %s",
                    QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    apply_app_style(app)
    # The controller decides when to quit: between logins no window is visible.
    app.setQuitOnLastWindowClosed(False)
    return app


def _same_database(a: str, b: str) -> bool:
    """Equal apart from the password (a session may use a typed, unremembered one)."""
    from desk.db import normalise_url

    try:
        return normalise_url(a).render_as_string(hide_password=True) == normalise_url(b).render_as_string(
            hide_password=True
        )
    except Exception:  # noqa: BLE001 - unparsable URL: treat as different
        return a == b


# -- the controller --------------------------------------------------------------------------


class App:
    """Opens the database, runs setup/login and owns the main window; 切换用户 comes back here."""

    def __init__(self, qapp: QApplication, dialogs: Dialogs, worker: Worker) -> None:
        self.qapp = qapp
        self.dialogs = dialogs
        self.worker = worker
        self.desk: Desk | None = None
        self.window: MainWindow | None = None

    # database and login
    def choose_database(self, message: str | None = None, current: str | None = None) -> str | None:
        from ui.db_settings import DatabaseSettingsDialog

        dlg = DatabaseSettingsDialog(self.dialogs, self.worker, None, current=current, message=message)
        return dlg.chosen_url() if dlg.exec() == QDialog.DialogCode.Accepted else None

    def make_login_dialog(self, url: str | None = None) -> LoginDialog:
        """The login dialog, prefilled with the last user name. Without an open desk it opens
        ``url`` (default: $CADESK_DB / the saved choice / the default file) on the worker
        while the dialog is already on screen."""
        from ui.login import LoginDialog

        last = str(QSettings(SETTINGS_ORG, SETTINGS_APP).value("login/username", "") or "")
        if self.desk is not None:
            return LoginDialog(self.worker, desk=self.desk, username=last)
        if url is None:
            from desk import paths

            url = paths.default_db_url()
        return LoginDialog(self.worker, url=url, username=last)

    def login(self, url: str | None = None) -> bool:
        """Open the database and log in (or run the first-start setup). True once someone is
        logged in; False when the user quits."""
        from ui.login import LoginDialog, SetupDialog

        while True:
            dlg = self.make_login_dialog(url)
            result = dlg.exec()
            if dlg.desk is not None and dlg.desk is not self.desk:
                self._replace_desk(dlg.desk)
            if result == LoginDialog.NEEDS_SETUP:
                assert self.desk is not None
                setup = SetupDialog(self.desk, self.worker)
                if setup.exec() != QDialog.DialogCode.Accepted:
                    return False
                self._remember_user()
                return True
            if result == LoginDialog.CHANGE_DATABASE:
                current = self.desk.describe() if self.desk is not None else dlg.where.text().removeprefix("数据库：")
                message = f"无法打开数据库：{dlg.open_error}" if dlg.open_error else None
                chosen = self.choose_database(message=message, current=current)
                if chosen is not None:
                    self._replace_desk(None)
                    url = chosen
                # else: back to the login (a failed database is tried again)
                continue
            if result != QDialog.DialogCode.Accepted:
                return False
            self._remember_user()
            return True

    def _remember_user(self) -> None:
        if self.desk is not None and self.desk.actor is not None:
            QSettings(SETTINGS_ORG, SETTINGS_APP).setValue("login/username", self.desk.actor.username)

    def _replace_desk(self, desk: Desk | None) -> None:
        if self.desk is not None and self.desk is not desk:
            self.desk.close()
        self.desk = desk

    # window
    def show_main_window(self) -> MainWindow:
        from ui.main_window import MainWindow

        assert self.desk is not None
        window = MainWindow(self.desk, self.dialogs, self.worker)
        window.install_modules()
        # Queued: switch after the old window has finished closing, not inside its closeEvent.
        window.switch_user_requested.connect(self.switch_user, Qt.ConnectionType.QueuedConnection)
        window.quit_requested.connect(self.qapp.quit)
        window.show()
        self.window = window
        return window

    def warn_if_no_chinese_font(self) -> str | None:
        """Tell the user (once per start) when no installed font can show Chinese: every label
        would be boxes and they would not know why. Returns the message shown, or None."""
        message = missing_chinese_font_message(chinese_font_families())
        if message is not None:
            log.warning("no font for Chinese text is installed")
            self.dialogs.warn(None, NO_CHINESE_FONT_TITLE, message)
        return message

    def start(self) -> bool:
        """Login (opening the database meanwhile) and the window; False when the user quit."""
        # Before the login window, which would be the first thing shown as boxes.
        self.warn_if_no_chinese_font()
        if not self.login():
            return False
        self.show_main_window()
        return True

    def switch_user(self) -> None:
        """切换用户: log out, pick up a changed database choice, log in again."""
        from desk import paths

        old = self.window
        self.window = None
        if old is not None:
            old.deleteLater()
        assert self.desk is not None
        self.desk.auth.logout()
        url = paths.default_db_url()
        if not _same_database(url, self.desk.url):  # a database change saved meanwhile
            self._replace_desk(None)
        if not self.login(url):
            self.qapp.quit()
            return
        self.show_main_window()

    def close(self) -> None:
        if self.desk is not None:
            self.desk.close()
            self.desk = None


def main(argv: list[str] | None = None) -> int:
    guard_std_streams()
    # The installer waits while this is held, so an upgrade never replaces a running program.
    announce_running()
    log_path = setup_logging()
    enable_crash_dump(log_path.parent)
    dialogs = Dialogs()
    install_excepthook(log_path, dialogs)
    qapp = create_application(argv)
    from ui.worker import Worker

    worker = Worker()
    app = App(qapp, dialogs, worker)
    log.info("CADesk starting")
    try:
        if not app.start():
            return 0
        return qapp.exec()
    finally:
        worker.shutdown()
        app.close()
        log.info("CADesk stopped")


if __name__ == "__main__":
    sys.exit(main())
