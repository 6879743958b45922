"""Login and first-start setup dialogs. Both run the service call on the DB worker (password
hashing and a remote server can take a moment) and show errors inline, never as a traceback."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk.errors import DeskError, ValidationError
from ui.forms import ErrorLabel, FormBuilder
from ui.style import set_role

if TYPE_CHECKING:
    from desk.facade import Actor, Desk
    from ui.worker import Worker

log = logging.getLogger(__name__)

APP_TITLE = "消协工作台"


def describe_url(url: str) -> str:
    """Like Desk.describe() for a database not open yet (no SQLAlchemy needed)."""
    if url.startswith("sqlite:///"):
        return f"本地文件 {url[len('sqlite:///'):]}"
    rest = url.split("://", 1)[-1]
    if "@" in rest:  # never show the password
        cred, host = rest.rsplit("@", 1)
        return f"PostgreSQL {cred.split(':', 1)[0]}@{host}"
    return f"PostgreSQL {rest}"


def _unexpected(exc: BaseException) -> str:
    log.error("unexpected error", exc_info=exc)
    return "程序遇到意外错误，操作没有完成。详细信息已写入日志。"


def open_desk(url: str) -> tuple[Desk, bool]:
    """Open (create, migrate) the database and say whether it still needs first-start setup.
    Runs on the DB worker, so SQLAlchemy and Alembic load off the GUI thread."""
    from desk.facade import Desk

    desk = Desk.open(url)
    try:
        return desk, desk.auth.needs_setup()
    except BaseException:
        desk.close()
        raise


class LoginDialog(QDialog):
    """用户名 + 密码. Accepted with ``actor`` set once ``desk.auth.login`` succeeds.

    Give it an open ``desk``, or a ``url``: then the dialog is shown at once and the database
    opens on the worker meanwhile (the user can type; Enter waits for the database). It ends
    with ``NEEDS_SETUP`` when the database has no user yet (``desk`` is then set), and with
    ``CHANGE_DATABASE`` when the user asks for the database settings (after a failed open,
    ``open_error`` says why)."""

    CHANGE_DATABASE = 2
    NEEDS_SETUP = 3
    logged_in = Signal(object)  # Actor
    database_ready = Signal(bool)  # True: open; False: the open failed (see open_error)

    def __init__(
        self,
        worker: Worker,
        parent: QWidget | None = None,
        *,
        desk: Desk | None = None,
        url: str | None = None,
        username: str = "",
    ) -> None:
        super().__init__(parent)
        if (desk is None) == (url is None):
            raise ValueError("LoginDialog needs either desk or url")
        self.desk = desk
        self.worker = worker
        self.actor: Actor | None = None
        self.open_error: str | None = None
        self.busy = False  # a login is running
        self.opening = False  # the database is being opened
        self._submit_when_ready = False
        self._finished = False
        self.setWindowTitle(f"登录 — {APP_TITLE}")
        self.setMinimumWidth(400)

        title = QLabel(APP_TITLE)
        set_role(title, "title")
        self.where = QLabel()
        self.where.setWordWrap(True)
        set_role(self.where, "muted")

        form = FormBuilder()
        self.username = form.line_edit("username", "用户名", text=username, max_length=40)
        self.password = form.line_edit("password", "密码", password=True, max_length=200)
        # No per-field messages here: the service answers for the pair, under the fields.
        self.message = ErrorLabel()
        self.status = QLabel()
        set_role(self.status, "muted")

        self.buttons = QDialogButtonBox()
        self.login_button = QPushButton("登录")
        self.login_button.setDefault(True)
        self.quit_button = QPushButton("退出")
        self.quit_button.setAutoDefault(False)
        self.db_button = QPushButton("数据库设置…")
        self.db_button.setAutoDefault(False)
        self.buttons.addButton(self.login_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.quit_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.addButton(self.db_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.login_button.clicked.connect(self.submit)
        self.quit_button.clicked.connect(self.reject)
        self.db_button.clicked.connect(lambda: self.done(self.CHANGE_DATABASE))

        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(title)
        layout.addWidget(self.where)
        layout.addSpacing(6)
        layout.addLayout(form.layout)
        layout.addWidget(self.message)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self.setTabOrder(self.username, self.password)
        self.setTabOrder(self.password, self.login_button)
        self.setTabOrder(self.login_button, self.quit_button)
        self.setTabOrder(self.quit_button, self.db_button)
        (self.password if username else self.username).setFocus()

        if desk is not None:
            self.where.setText(f"数据库：{desk.describe()}")
        else:
            assert url is not None
            self.where.setText(f"数据库：{describe_url(url)}")
            self._open(url)

    # -- opening the database ------------------------------------------------------
    def _open(self, url: str) -> None:
        self.opening = True
        self.status.setText("正在打开数据库…")
        # 登录 stays enabled: pressed early, the login waits for the database (see submit).
        self.worker.run(lambda: open_desk(url), self._opened, self._open_failed)

    def _opened(self, result: tuple[Desk, bool]) -> None:
        desk, needs_setup = result
        self.opening = False
        if self._finished:  # the user left (quit, other database) meanwhile: nobody uses it
            desk.close()
            return
        self.desk = desk
        self.where.setText(f"数据库：{desk.describe()}")
        self.status.setText("")
        self.database_ready.emit(True)
        if needs_setup:
            self.done(self.NEEDS_SETUP)
        elif self._submit_when_ready:
            self._submit_when_ready = False
            self.submit()

    def _open_failed(self, exc: BaseException) -> None:
        self.opening = False
        self.open_error = exc.message if isinstance(exc, DeskError) else _unexpected(exc)
        self._submit_when_ready = False
        if self._finished:
            return
        self.status.setText("")
        self.login_button.setEnabled(False)
        self._show_message(f"无法打开数据库：{self.open_error}\n请点“数据库设置…”选择其他数据库，或点“退出”。")
        self.db_button.setDefault(True)
        self.db_button.setFocus()
        self.database_ready.emit(False)

    # -- logging in ------------------------------------------------------------------
    def submit(self) -> None:
        if self.busy:
            return
        username, password = self.username.text().strip(), self.password.text()
        if not username:
            self._show_message("请输入用户名")
            self.username.setFocus()
            return
        if not password:
            self._show_message("请输入密码")
            self.password.setFocus()
            return
        if self.desk is None:
            if self.opening:  # Enter before the database is open: log in as soon as it is
                self._submit_when_ready = True
                self.status.setText("正在打开数据库，打开后立即登录…")
            return
        desk = self.desk  # the job must not hold the dialog: it is released on the worker thread
        self._set_busy(True)
        self.worker.run(lambda: desk.auth.login(username, password), self._on_login, self._on_error)

    def _on_login(self, actor: Actor) -> None:
        self._set_busy(False)
        self.actor = actor
        self.message.set_message(None)
        self.logged_in.emit(actor)
        self.accept()

    def _on_error(self, exc: BaseException) -> None:
        self._set_busy(False)
        self._show_message(exc.message if isinstance(exc, DeskError) else _unexpected(exc))
        self.password.clear()
        self.password.setFocus()

    def _show_message(self, text: str) -> None:
        self.message.set_message(text)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.status.setText("正在登录…" if busy else "")
        for w in (self.login_button, self.db_button, self.username, self.password):
            w.setEnabled(not busy)

    def done(self, result: int) -> None:
        if self.busy:  # a login in flight finishes first; then the user may leave
            return
        self._finished = True
        super().done(result)


class SetupDialog(QDialog):
    """First start: the county office (简码, 名称) and the administrator account."""

    def __init__(self, desk: Desk, worker: Worker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.worker = worker
        self.actor: Actor | None = None
        self.busy = False
        self.setWindowTitle(f"首次使用设置 — {APP_TITLE}")
        self.setMinimumWidth(480)

        title = QLabel("欢迎使用消协工作台")
        set_role(title, "title")
        intro = QLabel(
            "这是第一次启动：请填写本单位的信息，并设置管理员账户。"
            "管理员登录后可以在“设置”中添加其他工作人员。"
        )
        intro.setWordWrap(True)
        where = QLabel(f"数据库：{desk.describe()}")
        where.setWordWrap(True)
        set_role(where, "muted")

        self.form = FormBuilder()
        f = self.form
        self.office_code = f.line_edit(
            "office_code", "单位简码", placeholder="例如 TH", max_length=8,
            hint="1–8位大写字母或数字，以字母开头；会出现在案件编号中",
        )
        self.office_name = f.line_edit("office_name", "单位名称", placeholder="例如 太和县消费者协会", max_length=100)
        self.username = f.line_edit("username", "管理员用户名", placeholder="登录时使用，例如 admin", max_length=40)
        self.display_name = f.line_edit("display_name", "姓名", max_length=40)
        self.password = f.line_edit("password", "密码", password=True, max_length=200, hint="至少8个字符")
        self.password_again = f.line_edit("password_again", "确认密码", password=True, max_length=200)
        self.general = f.add_message()
        self.status = QLabel()
        set_role(self.status, "muted")

        self.buttons = QDialogButtonBox()
        self.ok_button = QPushButton("完成设置")
        self.ok_button.setDefault(True)
        self.quit_button = QPushButton("退出")
        self.quit_button.setAutoDefault(False)
        self.buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.quit_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.clicked.connect(self.submit)
        self.quit_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(where)
        layout.addSpacing(6)
        layout.addLayout(f.layout)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.office_code.setFocus()

    def edits(self) -> list[QLineEdit]:
        return [self.office_code, self.office_name, self.username, self.display_name, self.password, self.password_again]

    def submit(self) -> None:
        if self.busy:
            return
        from desk.services.auth import SetupInput  # here: ui.login must load without SQLAlchemy

        inp = SetupInput(
            office_code=self.office_code.text(),
            office_name=self.office_name.text(),
            username=self.username.text(),
            display_name=self.display_name.text(),
            password=self.password.text(),
            password_again=self.password_again.text(),
        )
        self.form.clear_errors()
        self._set_busy(True)
        desk = self.desk  # the job must not hold the dialog: it is released on the worker thread
        self.worker.run(lambda: desk.auth.setup(inp), self._on_done, self._on_error)

    def _on_done(self, actor: Actor) -> None:
        self._set_busy(False)
        self.actor = actor
        self.accept()

    def _on_error(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, ValidationError):
            self.form.show_errors(exc)
        elif isinstance(exc, DeskError):
            self.general.set_message(exc.message)
        else:
            self.general.set_message(_unexpected(exc))

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.status.setText("正在保存…" if busy else "")
        self.ok_button.setEnabled(not busy)
        for e in self.edits():
            e.setReadOnly(busy)

    def reject(self) -> None:
        if not self.busy:
            super().reject()
