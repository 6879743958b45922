"""来访咨询 register: quick entry of consultations (date, channel, topic, number of people),
and the entries of a period with their total (人次, counted in every report).

Built on ``desk.consultations`` (add(ConsultationInput) -> view, list(date_from, date_to),
total_people(date_from, date_to), delete(id)). While that service is missing the panel says
so instead of failing."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk import clock
from desk.dates import cn_month_day
from desk.errors import ValidationError
from desk.roles import Perm
from ui.forms import FormBuilder
from ui.style import set_role

from .lookups import Lookups
from .widgets import alive, fill_vocab_combo, pydate, qdate, select_data, today_edit

if TYPE_CHECKING:
    from desk.facade import Desk
    from ui.dialogs import Dialogs
    from ui.worker import Worker

DEFAULT_CHANNEL = "C02"  # 来访: most consultations are walk-ins


def service_available(desk: Desk) -> bool:
    try:
        importlib.import_module("desk.services.consultations")
        return getattr(desk, "consultations", None) is not None
    except Exception:  # noqa: BLE001 - a missing or broken module means "not available"
        return False


def month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


class ConsultationsPanel(QWidget):
    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker, lookups: Lookups, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.dialogs, self.worker, self.lookups = desk, dialogs, worker, lookups
        self.entries: list[Any] = []
        self.busy = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 10)
        title = QLabel("来访咨询登记")
        set_role(title, "title")
        outer.addWidget(title)
        self.available = service_available(desk)
        if not self.available:
            note = QLabel("来访咨询登记功能暂不可用：当前程序版本缺少咨询登记服务（desk.consultations）。请升级程序后再使用。")
            note.setWordWrap(True)
            set_role(note, "error")
            outer.addWidget(note)
            outer.addStretch(1)
            return
        sub = QLabel("接待来访和咨询的人次计入统计与简报。每次接待登记一条；集中宣传咨询可填写人数。")
        sub.setWordWrap(True)
        set_role(sub, "muted")
        outer.addWidget(sub)

        body = QHBoxLayout()
        outer.addLayout(body, 1)
        entry = QGroupBox("登记")
        entry.setMinimumWidth(340)
        entry.setMaximumWidth(420)
        self.form = FormBuilder(entry)
        self.day = today_edit()
        self.form.add("day", "日期", self.day)
        self.channel = QComboBox()
        fill_vocab_combo(self.channel, lookups.channels)
        select_data(self.channel, DEFAULT_CHANNEL)
        self.form.add("channel_code", "方式", self.channel)
        self.topic = QLineEdit()
        self.topic.setMaxLength(200)
        self.topic.setPlaceholderText("例如 预付卡退费咨询")
        self.form.add("topic", "咨询事项", self.topic)
        self.people = QSpinBox()
        self.people.setRange(1, 10_000)
        self.people.setValue(1)
        self.form.add("people", "人数", self.people)
        self.note = QLineEdit()
        self.note.setPlaceholderText("可不填")
        self.form.add("note", "备注", self.note)
        self.form.add_message()
        self.add_button = QPushButton("登记")
        self.add_button.setDefault(True)
        self.add_button.clicked.connect(self.submit)
        self.topic.returnPressed.connect(self.submit)
        self.note.returnPressed.connect(self.submit)
        self.form.layout.addRow("", self.add_button)
        self.saved_label = QLabel()
        set_role(self.saved_label, "ok")
        self.form.layout.addRow("", self.saved_label)
        can_edit = desk.can(Perm.EDIT_COMPLAINT)
        entry.setEnabled(can_edit)
        if not can_edit:
            self.saved_label.setText("您的角色只能查看。")
        body.addWidget(entry, 0, Qt.AlignmentFlag.AlignTop)

        listing = QGroupBox("登记记录")
        col = QVBoxLayout(listing)
        period = QHBoxLayout()
        period.addWidget(QLabel("日期"))
        today = clock.today()
        self.date_from = today_edit(month_start(today))
        self.date_to = today_edit(today)
        period.addWidget(self.date_from)
        period.addWidget(QLabel("至"))
        period.addWidget(self.date_to)
        period.addStretch(1)
        self.total = QLabel()
        period.addWidget(self.total)
        col.addLayout(period)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["日期", "方式", "咨询事项", "人数", "备注"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        col.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.delete_button = QPushButton("删除所选")
        self.delete_button.setVisible(can_edit)
        self.delete_button.clicked.connect(self.delete_selected)
        row.addWidget(self.delete_button)
        row.addStretch(1)
        col.addLayout(row)
        body.addWidget(listing, 1)
        self.date_from.dateChanged.connect(lambda _d: self.refresh())
        self.date_to.dateChanged.connect(lambda _d: self.refresh())
        shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.submit)
        self.refresh()

    # -- listing ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        svc = self.desk.consultations
        start, end = pydate(self.date_from.date()), pydate(self.date_to.date())
        self.worker.run(lambda: (svc.list(start, end), svc.total_people(start, end)), alive(self, self._listed),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "咨询记录读取失败")))

    def _listed(self, result: tuple[list[Any], int]) -> None:
        entries, total = result
        self.entries = entries
        names = {c.code: c.name for c in self.lookups.channels}
        self.table.setRowCount(len(entries))
        for r, e in enumerate(entries):
            values = [f"{e.day:%Y-%m-%d}", names.get(e.channel_code, e.channel_code), e.topic, str(e.people), e.note]
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if c == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.total.setText(f"共 {len(entries)} 条，合计 {total} 人次")

    # -- entry --------------------------------------------------------------------------------------
    def build_input(self) -> Any:
        from desk.services.consultations import ConsultationInput

        return ConsultationInput(
            day=pydate(self.day.date()), channel_code=self.channel.currentData() or "", topic=self.topic.text(),
            people=self.people.value(), note=self.note.text(),
        )

    def submit(self) -> None:
        if self.busy or not self.available:
            return
        inp = self.build_input()
        self.form.clear_errors()
        self.saved_label.setText("")
        self.busy = True
        self.add_button.setEnabled(False)
        svc = self.desk.consultations
        self.worker.run(lambda: svc.add(inp), alive(self, self._added), alive(self, self._failed))

    def _added(self, view: Any) -> None:
        self.busy = False
        self.add_button.setEnabled(True)
        self.saved_label.setText(f"已登记：{cn_month_day(view.day, padded=True)} {view.topic}（{view.people} 人）")
        # Ready for the next visitor: same day and channel, new topic.
        self.topic.clear()
        self.note.clear()
        self.people.setValue(1)
        self.topic.setFocus()
        if not (pydate(self.date_from.date()) <= view.day <= pydate(self.date_to.date())):
            self.date_to.setDate(qdate(max(view.day, pydate(self.date_to.date()))))
            self.date_from.setDate(qdate(min(view.day, pydate(self.date_from.date()))))
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.add_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self.form.show_errors(exc)
        else:
            self.dialogs.show_error(self, exc, "咨询没有登记")

    def delete_selected(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.entries):
            return
        e = self.entries[row]
        if not self.dialogs.confirm(self, "删除咨询记录", f"确定删除 {e.day:%Y-%m-%d}“{e.topic}”这条记录吗？"):
            return
        svc = self.desk.consultations
        self.worker.run(lambda: svc.delete(e.id), alive(self, lambda _r: self.refresh()),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "记录没有删除")))
