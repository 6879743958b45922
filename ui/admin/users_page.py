"""用户管理: accounts, roles, offices, password reset and unlock (Perm.MANAGE_USERS)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desk import clock
from desk.errors import ConflictError, ValidationError
from desk.facade import Desk
from desk.roles import ROLE_LABELS, role_label
from desk.services.offices import OfficeView
from desk.services.users import LABELS, UserInput, UserView
from ui.admin._form import (
    ConflictBanner,
    FieldSet,
    alive,
    error_label,
    fill_row,
    fmt_time,
    make_table,
    select_data,
    select_key,
    selected_key,
)
from ui.dialogs import Dialogs
from ui.worker import Worker

FORM_LABELS = {**LABELS, "active": "启用", "password": "初始密码", "password_again": "确认密码"}


def user_status(u: UserView) -> str:
    if not u.active:
        return "停用"
    if u.locked_until and u.locked_until > clock.now():
        return "已锁定"
    return "启用"


class UsersPage(QWidget):
    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.dialogs = dialogs
        self.worker = worker
        self.users: dict[int, UserView] = {}
        self.offices: list[OfficeView] = []
        self.current: UserView | None = None
        self.saving = False

        self.table = make_table(["用户名", "姓名", "角色", "所属单位", "状态", "最近登录"], stretch_column=3)
        self.table.itemSelectionChanged.connect(self._on_selection)

        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.new_button = QPushButton("新建用户")
        self.new_button.clicked.connect(self.new_user)
        self.unlock_button = QPushButton("解锁")
        self.unlock_button.setToolTip("清除密码输错造成的锁定")
        self.unlock_button.clicked.connect(self.unlock)
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.clicked.connect(self.load)
        for b in (self.new_button, self.unlock_button, self.refresh_button):
            top.addWidget(b)
        top.addStretch(1)
        ll.addLayout(top)
        ll.addWidget(self.table, 1)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(6, 0, 0, 0)
        self.title_label = QLabel()
        self.title_label.setStyleSheet("font-weight: bold; font-size: 14px;")
        rl.addWidget(self.title_label)
        self.banner = ConflictBanner()
        self.banner.reload_requested.connect(self.load)
        rl.addWidget(self.banner)
        form = QFormLayout()
        self.fields = FieldSet(form, FORM_LABELS)
        self.fields.add("username", QLineEdit(), hint="登录时使用，不能有空格")
        self.fields.add("display_name", QLineEdit())
        self.role_combo = QComboBox()
        for role, label in ROLE_LABELS.items():
            self.role_combo.addItem(label, role.value)
        self.fields.add("role", self.role_combo)
        self.office_combo = QComboBox()
        self.fields.add("office_id", self.office_combo)
        self.active_check = QCheckBox("账户启用（停用后不能登录）")
        self.fields.add("active", self.active_check, label="状态")
        pw1, pw2 = QLineEdit(), QLineEdit()
        for pw in (pw1, pw2):
            pw.setEchoMode(QLineEdit.EchoMode.Password)
        self.fields.add("password", pw1, hint="至少8个字符")
        self.fields.add("password_again", pw2)
        rl.addLayout(form)
        self.other_errors = error_label()
        rl.addWidget(self.other_errors)
        row = QHBoxLayout()
        self.save_button = QPushButton("保存")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        row.addStretch(1)
        rl.addLayout(row)

        # Password reset in its own box: typed twice, hidden, never through a plain-text prompt.
        self.reset_box = QGroupBox("重置密码")
        rform = QFormLayout(self.reset_box)
        self.reset_fields = FieldSet(rform, {"new": "新密码", "new_again": "确认新密码"})
        r1, r2 = QLineEdit(), QLineEdit()
        for pw in (r1, r2):
            pw.setEchoMode(QLineEdit.EchoMode.Password)
        self.reset_fields.add("new", r1, hint="至少8个字符；重置后该用户的锁定也一并解除")
        self.reset_fields.add("new_again", r2)
        self.reset_button = QPushButton("重置密码")
        self.reset_button.clicked.connect(self.reset_password)
        rform.addRow("", self.reset_button)
        rl.addWidget(self.reset_box)
        rl.addStretch(1)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        QVBoxLayout(self).addWidget(splitter)

        self._show(None)
        self.load()

    # -- loading ------------------------------------------------------------------------------
    def load(self, select_id: int | None = None) -> None:
        keep = select_id if select_id is not None else (self.current.id if self.current else None)
        users, offices = self.desk.users, self.desk.offices
        self.worker.run(
            lambda: (users.list(), offices.list()),
            alive(self, lambda r: self._loaded(r[0], r[1], keep)),
            alive(self, lambda exc: self.dialogs.show_error(self, exc, "用户列表载入失败")),
        )

    def _loaded(self, users: list[UserView], offices: list[OfficeView], select_id: int | None) -> None:
        self.offices = offices
        names = {o.id: o.name for o in offices}
        self.users = {u.id: u for u in users}
        self.table.blockSignals(True)
        self.table.clearSelection()  # rows change under it; a stale selection would mislead
        self.table.setRowCount(len(users))
        for row, u in enumerate(users):
            fill_row(self.table, row, [u.username, u.display_name, role_label(u.role), names.get(u.office_id, ""),
                                       user_status(u), fmt_time(u.last_login_at)], key=u.id)
        self.table.blockSignals(False)
        if select_id is not None and select_id in self.users and select_key(self.table, select_id):
            self._show(self.users[select_id])
        else:
            self.table.clearSelection()
            self._show(None)

    def _fill_offices(self, current_id: int | None) -> None:
        self.office_combo.clear()
        for o in self.offices:
            if o.active or o.id == current_id:
                self.office_combo.addItem(o.name if o.active else f"{o.name}（已停用）", o.id)
        if current_id is None and self.desk.actor and self.desk.actor.office_id is not None:
            current_id = self.desk.actor.office_id
        select_data(self.office_combo, current_id)

    def _on_selection(self) -> None:
        key = selected_key(self.table)
        if key is not None and key in self.users:
            self._show(self.users[key])

    # -- form ---------------------------------------------------------------------------------
    def new_user(self) -> None:
        self.table.clearSelection()
        self._show(None)
        self.fields.editors["username"].setFocus()

    def _show(self, u: UserView | None) -> None:
        self.current = u
        self.banner.hide()
        self.fields.clear_errors()
        self.reset_fields.clear_errors()
        self.other_errors.hide()
        self._fill_offices(u.office_id if u else None)
        self.fields.editors["username"].setText(u.username if u else "")  # type: ignore[attr-defined]
        self.fields.editors["display_name"].setText(u.display_name if u else "")  # type: ignore[attr-defined]
        select_data(self.role_combo, u.role if u else "handler")
        self.active_check.setChecked(u.active if u else True)
        for name in ("password", "password_again"):
            self.fields.editors[name].clear()  # type: ignore[attr-defined]
            self.fields.set_row_visible(name, u is None)
        for name in ("new", "new_again"):
            self.reset_fields.editors[name].clear()  # type: ignore[attr-defined]
        self.reset_box.setVisible(u is not None)
        self.unlock_button.setEnabled(u is not None and user_status(u) == "已锁定")
        self.title_label.setText(f"编辑用户：{u.username}" if u else "新建用户")

    def _form_input(self) -> UserInput:
        e = self.fields.editors
        return UserInput(
            username=e["username"].text(),  # type: ignore[attr-defined]
            display_name=e["display_name"].text(),  # type: ignore[attr-defined]
            role=self.role_combo.currentData() or "",
            office_id=self.office_combo.currentData(),
            active=self.active_check.isChecked(),
            password=e["password"].text() if self.current is None else "",  # type: ignore[attr-defined]
        )

    def save(self) -> None:
        if self.saving:
            return
        inp = self._form_input()
        started = self.current
        if started is None and inp.password and inp.password != self.fields.editors["password_again"].text():  # type: ignore[attr-defined]
            self.fields.show_errors({"password_again": "两次输入的密码不一致"})
            return
        svc = self.desk.users
        job = (lambda: svc.create(inp)) if started is None else (lambda: svc.update(started.id, started, inp))
        self.saving = True
        self.save_button.setEnabled(False)
        self.worker.run(job, alive(self, self._saved), alive(self, self._save_failed))

    def _saved(self, u: UserView) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        self.load(select_id=u.id)

    def _save_failed(self, exc: BaseException) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            rest = self.fields.show_errors(exc.fields)
            self.other_errors.setText("；".join(f"{FORM_LABELS.get(k, k)}：{v}" for k, v in rest.items()))
            self.other_errors.setVisible(bool(rest))
        elif isinstance(exc, ConflictError):
            self.fields.clear_errors()
            self.banner.show_conflict(exc, FORM_LABELS, {"role": role_label, "office_id": self._office_name})
        else:
            # e.g. refusing to demote or disable the last administrator
            self.dialogs.show_error(self, exc, "用户没有保存")

    def _office_name(self, office_id: object) -> str:
        for o in self.offices:
            if o.id == office_id:
                return o.name
        return str(office_id or "（空）")

    # -- password and lock ------------------------------------------------------------------
    def reset_password(self) -> None:
        u = self.current
        if u is None:
            return
        new = self.reset_fields.editors["new"].text()  # type: ignore[attr-defined]
        again = self.reset_fields.editors["new_again"].text()  # type: ignore[attr-defined]
        if new != again:
            self.reset_fields.show_errors({"new_again": "两次输入的密码不一致"})
            return
        self.reset_fields.clear_errors()
        if not self.dialogs.confirm(self, "重置密码", f"确定重置用户“{u.username}”（{u.display_name}）的密码吗？"):
            return
        svc = self.desk.users
        self.worker.run(lambda: svc.reset_password(u.id, new), alive(self, lambda _r: self._password_reset(u)),
                        alive(self, self._reset_failed))

    def _password_reset(self, u: UserView) -> None:
        for name in ("new", "new_again"):
            self.reset_fields.editors[name].clear()  # type: ignore[attr-defined]
        self.dialogs.info(self, "重置密码", f"用户“{u.username}”的密码已重置，请把新密码当面告诉本人。")
        self.load(select_id=u.id)

    def _reset_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            # the service names it "password"; on this form it is the new-password field
            self.reset_fields.show_errors({"new": "；".join(exc.fields.values())})
        else:
            self.dialogs.show_error(self, exc, "密码没有重置")

    def unlock(self) -> None:
        u = self.current
        if u is None:
            return
        svc = self.desk.users
        self.worker.run(lambda: svc.unlock(u.id), alive(self, lambda _r: self.load(select_id=u.id)),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "没有解锁")))
