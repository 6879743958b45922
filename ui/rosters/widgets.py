"""Small pieces the roster screens share: the person picker (search the rosters, tick people),
the status dialog, a progress relay for long worker jobs, and combo helpers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk.errors import ValidationError
from desk.services.rosters import KIND_LABELS, KIND_SHORT, STATUS_LABELS, PersonFilter, PersonView
from ui.complaints.widgets import alive, today_edit
from ui.forms import FormBuilder

if TYPE_CHECKING:
    from desk.facade import Desk
    from ui.dialogs import Dialogs
    from ui.worker import Worker

SEARCH_DELAY_MS = 300
CONSENT_METHODS = ("入会申请表书面同意", "签署个人信息使用同意书", "电子报名表勾选同意", "口头同意并登记在册")


def fill_kind_combo(combo: QComboBox, *, blank: str | None = None) -> None:
    combo.clear()
    if blank is not None:
        combo.addItem(blank, None)
    for code, label in KIND_LABELS.items():
        combo.addItem(label, code)


def select_data(combo: QComboBox, value: Any) -> None:
    i = combo.findData(value)
    if i >= 0:
        combo.setCurrentIndex(i)


def person_line(p: PersonView) -> str:
    """张三（志愿者·城关镇·138****5678）"""
    parts = [KIND_SHORT.get(p.kind, p.kind)]
    if p.township:
        parts.append(p.township)
    if p.phone:
        parts.append(p.phone)
    if p.status != "active":
        parts.append(STATUS_LABELS.get(p.status, p.status))
    return f"{p.name}（{'·'.join(parts)}）"


def date_text(d: dt.date | None) -> str:
    return d.isoformat() if d else ""


class ProgressRelay(QObject):
    """Carries a worker job's progress to the GUI thread (a queued signal). Not parented to a
    widget: the job holds it, and the Worker releases jobs on the GUI thread."""

    progress = Signal(int, int, str)

    def report(self, done: int, total: int, stage: str) -> None:
        self.progress.emit(done, total, stage)


class PersonPicker(QDialog):
    """Search the rosters and tick people; ``chosen_ids()`` after it is accepted. Opened with
    ``open()`` (window-modal, not blocking), so tests drive it like a user."""

    def __init__(self, desk: Desk, worker: Worker, *, kind: str | None = None, exclude: Iterable[int] = (),
                 title: str = "选择人员", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.worker = desk, worker
        self.setWindowTitle(title)
        self.resize(520, 560)
        self.exclude = set(exclude)
        self._checked: dict[int, str] = {}
        self._generation = 0
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.kind = QComboBox()
        fill_kind_combo(self.kind, blank="全部名册")
        select_data(self.kind, kind)
        self.keyword = QLineEdit()
        self.keyword.setPlaceholderText("姓名、乡镇、单位…")
        self.keyword.setClearButtonEnabled(True)
        row.addWidget(self.kind)
        row.addWidget(self.keyword, 1)
        layout.addLayout(row)
        self.list = QListWidget()
        self.list.itemChanged.connect(self._item_changed)
        layout.addWidget(self.list, 1)
        self.status = QLabel("正在读取…")
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.search)
        self.keyword.textChanged.connect(lambda _t: self._timer.start())
        self.kind.currentIndexChanged.connect(lambda _i: self.search())
        self.loaded = False
        self.search()

    def search(self) -> None:
        self._timer.stop()
        self._generation += 1
        gen = self._generation
        f = PersonFilter(kind=self.kind.currentData(), keyword=self.keyword.text().strip(), status="current")
        svc = self.desk.rosters
        self.loaded = False
        self.worker.run(lambda: svc.search(f, limit=500), alive(self, lambda rows: self._show(gen, rows)),
                        alive(self, lambda exc: self.status.setText(f"读取失败：{exc}")))

    def _show(self, gen: int, rows: list[PersonView]) -> None:
        if gen != self._generation:
            return
        self.list.blockSignals(True)
        self.list.clear()
        shown = 0
        for p in rows:
            if p.id in self.exclude:
                continue
            item = QListWidgetItem(person_line(p))
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if p.id in self._checked else Qt.CheckState.Unchecked)
            self.list.addItem(item)
            shown += 1
        self.list.blockSignals(False)
        more = "（最多列出 500 人，请输入关键词缩小范围）" if len(rows) >= 500 else ""
        self.status.setText(f"列出 {shown} 人{more}；已选 {len(self._checked)} 人。已加入的人员不再列出。")
        self.loaded = True

    def _item_changed(self, item: QListWidgetItem) -> None:
        pid = item.data(Qt.ItemDataRole.UserRole)
        if item.checkState() == Qt.CheckState.Checked:
            self._checked[pid] = item.text()
        else:
            self._checked.pop(pid, None)
        self.status.setText(f"已选 {len(self._checked)} 人。")

    def check_names(self, *names: str) -> None:
        """Tick the listed people whose line starts with these names (for tests and keyboards)."""
        for i in range(self.list.count()):
            item = self.list.item(i)
            if any(item.text().startswith(f"{n}（") for n in names):
                item.setCheckState(Qt.CheckState.Checked)

    def chosen_ids(self) -> list[int]:
        return list(self._checked)


class StatusDialog(QDialog):
    """在册 / 暂停 / 退出 with the date and reason; saves through the service itself and keeps
    the user's input when the service refuses it."""

    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker, person: PersonView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.dialogs, self.worker, self.person = desk, dialogs, worker, person
        self.result_view: PersonView | None = None
        self.setWindowTitle(f"变更状态：{person.name}")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{person.name}目前的状态：{person.status_label}"
                                + (f"（{person.status_date:%Y-%m-%d}）" if person.status_date else "")))
        self.form = FormBuilder()
        self.status = QComboBox()
        for code, label in STATUS_LABELS.items():
            if code != person.status:
                self.status.addItem(label, code)
        self.form.add("status", "改为", self.status)
        self.on = today_edit()
        self.form.add("status_date", "日期", self.on)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("暂停或退出时必填，如 工作调动、本人申请")
        self.form.add("status_reason", "原因", self.reason)
        self.form.add_message()
        layout.addLayout(self.form.layout)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def save(self) -> None:
        from ui.complaints.widgets import pydate

        status, day, reason = self.status.currentData(), pydate(self.on.date()), self.reason.text()
        svc, person = self.desk.rosters, self.person
        self.ok_button.setEnabled(False)
        self.worker.run(lambda: svc.change_status(person.id, person, status, day, reason),
                        alive(self, self._saved), alive(self, self._failed))

    def _saved(self, view: PersonView) -> None:
        self.result_view = view
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self.form.show_errors(exc)
        else:
            self.dialogs.show_error(self, exc, "状态没有变更")


def small_button(text: str, tooltip: str = "") -> QPushButton:
    b = QPushButton(text)
    if tooltip:
        b.setToolTip(tooltip)
    return b
