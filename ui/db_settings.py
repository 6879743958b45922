"""Choose the database: a local SQLite file or the office's PostgreSQL server.

The choice is saved with desk.connection (a JSON file; the password only in the system
keyring) and takes effect at the next login or start. 测试连接 runs on the DB worker."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desk import connection, paths
from desk.errors import DatabaseOpenError, DeskError, ValidationError
from ui.forms import ErrorLabel, FormBuilder
from ui.style import set_role

if TYPE_CHECKING:
    from ui.dialogs import Dialogs
    from ui.worker import Worker

EFFECT_NOTE = "更改的数据库设置在重新登录（文件—切换用户）或重新启动程序后生效。"


def probe_database(url: str) -> str:
    """Try the database at ``url`` without changing anything; return a Chinese summary or raise
    DatabaseOpenError explaining the failure. Runs on the worker thread (may take seconds)."""
    from sqlalchemy.exc import DBAPIError

    from desk import migrate
    from desk.db import check_sqlite_path, is_sqlite, make_engine, normalise_url
    from desk.facade import explain_db_error

    if is_sqlite(url):
        path = normalise_url(url).database or ""
        check_sqlite_path(path)
        p = Path(path)
        if p.is_dir():
            raise DatabaseOpenError("这是一个文件夹，不是数据文件：请在文件夹中选择或输入一个文件名。")
        if not p.exists():
            # Do not create anything while testing: only check that the file could be made.
            ancestor = p.parent
            while not ancestor.exists() and ancestor != ancestor.parent:
                ancestor = ancestor.parent
            if ancestor.is_dir() and os.access(ancestor, os.W_OK):
                return "文件尚不存在：保存后，下次登录时会在这个位置新建数据库。"
            raise DatabaseOpenError(f"无法在这个位置建立数据文件：文件夹“{ancestor}”不存在或没有写入权限。")
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rev = migrate.current_revision(conn)
        migrate.check_not_newer(rev)
    except (DBAPIError, OSError) as exc:
        raise DatabaseOpenError(explain_db_error(exc, url)) from exc
    finally:
        engine.dispose()
    if rev is None:
        return "连接成功。这个数据库里还没有消协工作台的数据，下次登录时会自动建立数据表。"
    if rev != migrate.head_revision():
        return "连接成功。数据库结构较旧，下次登录时会自动升级（本地文件会先备份）。"
    return "连接成功，数据库可以使用。"


class DatabaseSettingsDialog(QDialog):
    """``exec()`` returns Accepted after 保存; ``chosen_url()`` is then the URL to open now (with
    the typed password even when it is not remembered)."""

    def __init__(
        self,
        dialogs: Dialogs,
        worker: Worker,
        parent: QWidget | None = None,
        current: str | None = None,
        message: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.dialogs = dialogs
        self.worker = worker
        self.testing = False
        self.setWindowTitle("数据库设置")
        self.setMinimumWidth(560)
        saved = connection.load()

        layout = QVBoxLayout(self)
        if message:  # why the dialog was opened (e.g. the database could not be opened)
            why = ErrorLabel()
            why.set_message(message)
            layout.addWidget(why)
        if current:
            now = QLabel(f"当前使用：{current}")
            now.setWordWrap(True)
            set_role(now, "muted")
            layout.addWidget(now)

        self.sqlite_radio = QRadioButton("本地数据文件（SQLite，一台电脑单独使用）")
        self.pg_radio = QRadioButton("局域网服务器（PostgreSQL，多台电脑共用一个数据库）")
        group = QButtonGroup(self)
        group.addButton(self.sqlite_radio)
        group.addButton(self.pg_radio)
        layout.addWidget(self.sqlite_radio)
        layout.addWidget(self.pg_radio)


        # -- SQLite page
        self.sqlite_page = sqlite_page = QWidget()
        self.sqlite_form = FormBuilder(sqlite_page)
        self.sqlite_form.layout.setContentsMargins(18, 6, 0, 0)
        path_box = QWidget()
        row = QHBoxLayout(path_box)
        row.setContentsMargins(0, 0, 0, 0)
        self.path_edit = QLineEdit(saved.sqlite_path or str(paths.default_sqlite_path()))
        self.browse_button = QPushButton("浏览…")
        self.browse_button.setAutoDefault(False)
        self.default_button = QPushButton("默认位置")
        self.default_button.setAutoDefault(False)
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        row.addWidget(self.default_button)
        path_box.setFocusProxy(self.path_edit)
        self.sqlite_form.add(
            "sqlite_path", "数据文件", path_box,
            hint="数据文件只能放在本机磁盘上，不能放在网络共享文件夹中；多台电脑共用数据请选择局域网服务器。",
        )
        self.browse_button.clicked.connect(self._browse)
        self.default_button.clicked.connect(lambda: self.path_edit.setText(str(paths.default_sqlite_path())))
        layout.addWidget(sqlite_page)

        # -- PostgreSQL page
        self.pg_page = pg_page = QWidget()
        self.pg_form = FormBuilder(pg_page)
        self.pg_form.layout.setContentsMargins(18, 6, 0, 0)
        f = self.pg_form
        self.host_edit = f.line_edit("host", "主机", text=saved.host, placeholder="服务器的计算机名或 IP 地址，例如 192.168.1.10")
        self.port_spin = f.spin_box("port", "端口", value=saved.port or 5432, minimum=1, maximum=65535)
        self.port_spin.setMaximumWidth(90)
        self.database_edit = f.line_edit("database", "数据库", text=saved.database)
        self.user_edit = f.line_edit("user", "用户名", text=saved.user)
        stored = connection.get_password(saved) if saved.kind == "postgresql" else None
        self.password_edit = f.line_edit("password", "密码", text=stored or "", password=True)
        self.remember_check = QCheckBox("记住密码（保存在系统凭据管理器中，不写入设置文件）")
        self.remember_check.setChecked(bool(stored) or saved.kind != "postgresql")
        f.layout.addRow("", self.remember_check)
        layout.addWidget(pg_page)

        self.result_label = QLabel()  # the outcome of 测试连接
        self.result_label.setWordWrap(True)
        self.result_label.setVisible(False)
        self.sqlite_radio.toggled.connect(self._kind_changed)
        (self.pg_radio if saved.kind == "postgresql" else self.sqlite_radio).setChecked(True)
        self._kind_changed()

        layout.addWidget(self.result_label)

        if os.environ.get("CADESK_DB"):
            env = ErrorLabel()
            env.set_message("注意：环境变量 CADESK_DB 正在指定数据库，它优先于这里保存的设置。")
            layout.addWidget(env)
        note = QLabel(EFFECT_NOTE)
        note.setWordWrap(True)
        set_role(note, "muted")
        layout.addWidget(note)
        layout.addStretch(1)

        self.buttons = QDialogButtonBox()
        self.test_button = QPushButton("测试连接")
        self.test_button.setAutoDefault(False)
        self.save_button = QPushButton("保存")
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton("取消")
        self.cancel_button.setAutoDefault(False)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.test_button.clicked.connect(self.test_connection)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.test_button)  # apart from 保存/取消: it changes nothing
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)
        self._chosen_url: str | None = None

    # -- reading the form ------------------------------------------------------------
    @property
    def kind(self) -> str:
        return "sqlite" if self.sqlite_radio.isChecked() else "postgresql"

    def _kind_changed(self) -> None:
        # Two pages shown one at a time (not a QStackedWidget: the hidden page would keep
        # reserving its height, and the SQLite page is much shorter).
        sqlite = self.kind == "sqlite"
        self.sqlite_page.setVisible(sqlite)
        self.pg_page.setVisible(not sqlite)
        self.result_label.setVisible(False)  # a result is about the other kind

    def _browse(self) -> None:
        path = self.dialogs.save_file(
            self, "选择或新建数据文件", self.path_edit.text(), "消协工作台数据文件 (*.sqlite3 *.db);;所有文件 (*)"
        )
        if path:
            self.path_edit.setText(path)

    def settings(self) -> connection.ConnectionSettings:
        """The form as settings; raises ValidationError naming the field in error."""
        from desk.db import check_sqlite_path

        if self.kind == "sqlite":
            raw = self.path_edit.text().strip()
            if not raw:
                raise ValidationError({"sqlite_path": "请选择数据文件的位置"}, {"sqlite_path": "数据文件"})
            try:
                check_sqlite_path(raw)  # before resolving: a UNC path must be refused as typed
            except DeskError as exc:
                raise ValidationError({"sqlite_path": exc.message}, {"sqlite_path": "数据文件"}) from None
            path = Path(raw).expanduser()
            if not path.is_absolute():
                path = path.resolve()
            return connection.ConnectionSettings(kind="sqlite", sqlite_path=str(path))
        errors: dict[str, str] = {}
        host = self.host_edit.text().strip()
        database = self.database_edit.text().strip()
        user = self.user_edit.text().strip()
        if not host:
            errors["host"] = "请填写服务器地址"
        elif any(c.isspace() for c in host):
            errors["host"] = "服务器地址不能包含空格"
        if not database:
            errors["database"] = "请填写数据库名称"
        if not user:
            errors["user"] = "请填写用户名"
        if errors:
            raise ValidationError(errors, {"host": "主机", "database": "数据库", "user": "用户名"})
        return connection.ConnectionSettings(
            kind="postgresql", host=host, port=self.port_spin.value(), database=database, user=user
        )

    def _current_form(self) -> FormBuilder:
        return self.sqlite_form if self.kind == "sqlite" else self.pg_form

    def _validated(self) -> connection.ConnectionSettings | None:
        self.sqlite_form.clear_errors()
        self.pg_form.clear_errors()
        try:
            return self.settings()
        except ValidationError as exc:
            self._current_form().show_errors(exc)
            return None

    def _url(self, s: connection.ConnectionSettings) -> str:
        return s.url(self.password_edit.text() if s.kind == "postgresql" else None)

    # -- actions -----------------------------------------------------------------------
    def test_connection(self) -> None:
        if self.testing:
            return
        s = self._validated()
        if s is None:
            self._show_result(None, None)
            return
        url = self._url(s)
        self.testing = True
        self.test_button.setEnabled(False)
        self._show_result("正在连接…", "muted")
        self.worker.run(lambda: probe_database(url), self._test_done, self._test_failed)

    def _test_done(self, text: str) -> None:
        self.testing = False
        self.test_button.setEnabled(True)
        self._show_result(text, "ok")

    def _test_failed(self, exc: BaseException) -> None:
        self.testing = False
        self.test_button.setEnabled(True)
        if isinstance(exc, DeskError):
            text = exc.message
        else:
            import logging

            logging.getLogger(__name__).error("connection test failed", exc_info=exc)
            text = f"连接失败：{exc}"
        self._show_result(text, "error")

    def _show_result(self, text: str | None, role: str | None) -> None:
        self.result_label.setText(text or "")
        if role:
            set_role(self.result_label, role)
        self.result_label.setVisible(bool(text))

    def result_text(self) -> str:
        return self.result_label.text() if self.result_label.isVisible() else ""

    def save(self) -> None:
        s = self._validated()
        if s is None:
            return
        password = self.password_edit.text() if s.kind == "postgresql" else None
        try:
            if s.kind == "postgresql" and not self.remember_check.isChecked():
                connection.save(s, None)
                if connection.get_password(s):
                    # Forget a password remembered earlier (an empty entry reads as "none").
                    connection.set_password(s, "")
            else:
                connection.save(s, password)
        except OSError as exc:
            self.dialogs.error(self, "无法保存数据库设置", f"设置文件无法写入：{exc}")
            return
        self._chosen_url = self._url(s)
        self.accept()

    def chosen_url(self) -> str | None:
        return self._chosen_url
