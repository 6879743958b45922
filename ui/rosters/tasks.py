"""调查任务 tab: the investigators' market, price and quality checks: who, when, where, what
was found, and the complaints (by case number) and warnings that came of them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desk import clock
from desk.errors import ConflictError, ValidationError
from desk.roles import Perm
from desk.services.rosters import TASK_LABELS, TASK_TYPES, TaskInput, TaskView
from ui.admin._form import ConflictBanner, fill_row, make_table, multiline, select_key, selected_key
from ui.complaints.widgets import OptionalDateEdit, alive, pydate, qdate, today_edit
from ui.forms import FormBuilder
from ui.style import set_role

from .widgets import PersonPicker, select_data

if TYPE_CHECKING:
    from desk.facade import Desk
    from ui.dialogs import Dialogs
    from ui.worker import Worker


class TasksPanel(QWidget):
    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker) -> None:
        super().__init__()
        self.desk, self.dialogs, self.worker = desk, dialogs, worker
        self.can_edit = desk.can(Perm.EDIT_ROSTER)
        self.current: TaskView | None = None
        self.assignees: list[tuple[int, str]] = []
        self.picker: PersonPicker | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)

        top = QHBoxLayout()
        self.year = QComboBox()
        self.year.addItem("全部年份", None)
        for y in range(clock.today().year, clock.today().year - 10, -1):
            self.year.addItem(f"{y}年", y)
        self.year.setCurrentIndex(1)
        self.year.currentIndexChanged.connect(lambda _i: self.load())
        self.new_button = QPushButton("新增调查任务")
        self.new_button.clicked.connect(self.new_task)
        self.new_button.setVisible(self.can_edit)
        top.addWidget(QLabel("年份："))
        top.addWidget(self.year)
        top.addWidget(self.new_button)
        top.addStretch(1)
        self.count_label = QLabel()
        set_role(self.count_label, "muted")
        top.addWidget(self.count_label)
        layout.addLayout(top)

        self.table = make_table(["开始日期", "类型", "任务", "调查员", "相关投诉"], 2)
        self.table.itemSelectionChanged.connect(self._selected)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(6, 0, 0, 0)
        self.title = QLabel()
        set_role(self.title, "subtitle")
        rl.addWidget(self.title)
        self.banner = ConflictBanner()
        self.banner.reload_requested.connect(lambda: self.open_task(self.current.id) if self.current else None)
        rl.addWidget(self.banner)
        self.form = FormBuilder()
        self.task_type = QComboBox()
        for code, label in TASK_TYPES.items():
            self.task_type.addItem(label, code)
        self.form.add("task_type", "调查类型", self.task_type)
        self.task_title = self.form.line_edit("title", "任务", max_length=200, placeholder="如 春节前粮油肉蛋价格检查")
        self.start = today_edit(allow_future=True)
        self.form.add("start_date", "开始日期", self.start)
        self.end = OptionalDateEdit()
        self.form.add("end_date", "结束日期", self.end, hint="最小值“不限”表示尚未结束")
        self.place = self.form.line_edit("place", "调查地点")
        who = QWidget()
        wl = QHBoxLayout(who)
        wl.setContentsMargins(0, 0, 0, 0)
        self.assignee_label = QLabel()
        self.assignee_label.setWordWrap(True)
        self.pick_button = QPushButton("选择…")
        self.pick_button.clicked.connect(self.pick_assignees)
        wl.addWidget(self.assignee_label, 1)
        wl.addWidget(self.pick_button)
        self.form.add("assignee_ids", "调查员", who)
        self.complaints = self.form.line_edit("complaint_refs", "相关投诉", placeholder="案件编号，多个用逗号分开",
                                              hint="调查中发现、由此受理的投诉")
        self.warnings = self.form.line_edit("warning_refs", "消费警示", placeholder="如 2026年第3号消费提示")
        self.findings = multiline(5)
        self.form.add("findings", "调查发现", self.findings)
        self.form.add_message()
        form_box = QWidget()
        box_layout = QVBoxLayout(form_box)
        box_layout.setContentsMargins(0, 0, 0, 0)
        box_layout.addLayout(self.form.layout)
        box_layout.addStretch(1)  # rows keep their height; spare room goes below them
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(form_box)
        rl.addWidget(scroll, 1)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("保存")
        self.save_button.clicked.connect(self.save)
        self.delete_button = QPushButton("删除任务")
        self.delete_button.clicked.connect(self.delete)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        rl.addLayout(buttons)

        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 520])
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)
        self.show_task(None)
        self.load()

    def load(self, select: int | None = None) -> None:
        year, svc = self.year.currentData(), self.desk.rosters
        self.worker.run(lambda: svc.list_tasks(year), alive(self, lambda rows: self._listed(rows, select)),
                        alive(self, lambda e: self.dialogs.show_error(self, e, "调查任务读取失败")))

    def _listed(self, rows: list[TaskView], select: int | None) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for i, t in enumerate(rows):
            self.table.insertRow(i)
            fill_row(self.table, i, [f"{t.start_date:%Y-%m-%d}", t.type_label, t.title, t.assignee_names, t.case_numbers], t.id)
        if select is not None:
            select_key(self.table, select)
        self.table.blockSignals(False)
        self.count_label.setText(f"{len(rows)} 项调查任务")

    def _selected(self) -> None:
        key = selected_key(self.table)
        if key is not None and (self.current is None or self.current.id != key):
            self.open_task(key)

    def open_task(self, task_id: int) -> None:
        svc = self.desk.rosters
        self.worker.run(lambda: svc.get_task(task_id), alive(self, self.show_task),
                        alive(self, lambda e: self.dialogs.show_error(self, e, "无法打开调查任务")))

    def show_task(self, view: TaskView | None) -> None:
        self.current = view
        self.banner.hide()
        self.form.clear_errors()
        select_data(self.task_type, view.task_type if view else "market")
        self.task_title.setText(view.title if view else "")
        self.start.setDate(qdate(view.start_date if view else clock.today()))
        self.end.set_value(view.end_date if view else None)
        self.place.setText(view.place if view else "")
        self.assignees = list(view.assignees) if view else []
        self._show_assignees()
        self.complaints.setText(view.case_numbers.replace("、", "，") if view else "")
        self.warnings.setText(view.warning_refs if view else "")
        self.findings.setPlainText(view.findings if view else "")
        self.title.setText(f"调查任务：{view.title}" if view else ("新增调查任务" if self.can_edit else "请在左侧选择调查任务"))
        for w in (self.task_type, self.task_title, self.start, self.end, self.place, self.complaints, self.warnings,
                  self.findings, self.pick_button):
            w.setEnabled(self.can_edit)
        self.save_button.setEnabled(self.can_edit)
        self.delete_button.setEnabled(self.can_edit and view is not None)

    def _show_assignees(self) -> None:
        self.assignee_label.setText("、".join(n for _i, n in self.assignees) or "（未安排）")

    def new_task(self) -> None:
        self.table.clearSelection()
        self.show_task(None)
        self.task_title.setFocus()

    def pick_assignees(self) -> PersonPicker:
        dlg = PersonPicker(self.desk, self.worker, kind="investigator", title="选择调查员", parent=self)
        for pid, name in self.assignees:
            dlg._checked[pid] = name
        dlg.accepted.connect(lambda d=dlg: self._picked(d))
        self.picker = dlg
        dlg.open()
        return dlg

    def _picked(self, dlg: PersonPicker) -> None:
        known = dict(self.assignees)
        self.assignees = [(pid, known.get(pid) or text.split("（")[0]) for pid, text in dlg._checked.items()]
        self._show_assignees()

    def form_input(self) -> TaskInput:
        return TaskInput(self.task_type.currentData(), self.task_title.text(), pydate(self.start.date()), self.end.value(),
                         self.place.text(), self.findings.toPlainText(), self.warnings.text(),
                         [pid for pid, _n in self.assignees], self.complaints.text())

    def save(self) -> None:
        if not self.can_edit:
            return
        inp, started, svc = self.form_input(), self.current, self.desk.rosters
        job = (lambda: svc.create_task(inp)) if started is None else (lambda: svc.update_task(started.id, started, inp))
        self.save_button.setEnabled(False)
        self.worker.run(job, alive(self, self._saved), alive(self, self._save_failed))

    def _saved(self, view: TaskView) -> None:
        self.show_task(view)
        self.load(select=view.id)

    def _save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(self.can_edit)
        if isinstance(exc, ValidationError):
            self.form.show_errors(exc)
        elif isinstance(exc, ConflictError):
            self.banner.show_conflict(exc, TASK_LABELS)
        else:
            self.dialogs.show_error(self, exc, "调查任务没有保存")

    def delete(self) -> None:
        view = self.current
        if view is None or not self.dialogs.confirm(self, "删除调查任务", f"删除“{view.title}”？"):
            return
        svc = self.desk.rosters
        self.worker.run(lambda: svc.delete_task(view.id, view), alive(self, lambda _r: (self.show_task(None), self.load())),
                        alive(self, lambda e: self.dialogs.show_error(self, e, "调查任务没有删除")))
