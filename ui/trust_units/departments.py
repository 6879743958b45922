"""成员单位 and 联席会议 tabs: the member departments with their referrals in a period (sent,
replied, overdue, returned), the department's details and aliases, the spellings on referrals
that match no department, each department's referrals (a return may be recorded), and the
joint meetings register."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk import clock
from desk.errors import ConflictError, ValidationError
from desk.roles import Perm
from desk.services.departments import AttendeeInput, DepartmentInput, MeetingInput, MeetingView
from ui.campaigns.common import (
    Column,
    OptionalDateEdit,
    RecordDialog,
    RegisterTab,
    alive,
    date_edit,
    dtext,
    multiline,
    pydate,
    qdate,
)
from ui.forms import ErrorLabel, FormBuilder
from ui.style import set_role

if TYPE_CHECKING:
    from .page import TrustUnitsPage


def _table(headers: list[str], widths: list[int]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setAlternatingRowColors(True)
    t.setWordWrap(False)
    t.verticalHeader().hide()
    t.verticalHeader().setDefaultSectionSize(t.fontMetrics().height() + 10)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    t.horizontalHeader().setStretchLastSection(True)
    for i, w in enumerate(widths):
        t.setColumnWidth(i, w)
    return t


def _num_item(n: int, red: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(str(n) if n else "")
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if red and n:
        item.setForeground(Qt.GlobalColor.red)
    return item


class DepartmentsTab(QWidget):
    def __init__(self, page: TrustUnitsPage) -> None:
        super().__init__()
        self.page = page
        self.desk, self.dialogs, self.worker = page.desk, page.dialogs, page.worker
        self.can_edit = self.desk.can(Perm.EDIT_REGISTERS)
        self.departments: list[Any] = []
        self.stats: Any = None
        self.referrals: list[Any] = []
        self.current: Any = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("转办日期"))
        today = clock.today()
        self.date_from = OptionalDateEdit()
        self.date_from.set_value(dt.date(today.year, 1, 1))
        self.date_to = OptionalDateEdit()
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel("至"))
        bar.addWidget(self.date_to)
        self.export_button = QPushButton("导出 Excel")
        self.export_button.clicked.connect(self.export)
        bar.addWidget(self.export_button)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.error = ErrorLabel()
        layout.addWidget(self.error)

        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        self.table = _table(["成员单位", "转办", "已回复", "逾期回复", "逾期未回复", "退回", "待回复"], [210, 50, 56, 64, 78, 48, 56])
        self.table.itemSelectionChanged.connect(self._selected)
        ll.addWidget(self.table, 3)
        self.total = QLabel()
        set_role(self.total, "subtitle")
        ll.addWidget(self.total)
        um = QLabel("转办记录中未对应到成员单位的写法（选中后可设为右侧成员单位的别名）：")
        um.setWordWrap(True)
        set_role(um, "muted")
        ll.addWidget(um)
        self.unmatched = QListWidget()
        self.unmatched.setMaximumHeight(90)
        ll.addWidget(self.unmatched)
        self.alias_button = QPushButton("设为所选成员单位的别名")
        self.alias_button.clicked.connect(self.add_alias)
        self.alias_button.setVisible(self.can_edit)
        ll.addWidget(self.alias_button, 0, Qt.AlignmentFlag.AlignLeft)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(6, 0, 0, 0)
        self.title = QLabel("成员单位")
        set_role(self.title, "subtitle")
        rl.addWidget(self.title)
        form_box = QWidget()
        self.form = FormBuilder(form_box)
        self.name = self.form.line_edit("name", "部门名称")
        self.short_name = self.form.line_edit("short_name", "简称")
        self.aliases = multiline(3, "转办时可能写成的其他名称，每行一个")
        self.form.add("aliases", "其他写法（别名）", self.aliases)
        self.contact = self.form.line_edit("contact_person", "联络人")
        self.phone = self.form.line_edit("phone", "联系电话")
        self.note = multiline(2)
        self.form.add("note", "备注", self.note)
        self.form.add_message()
        rl.addWidget(form_box)
        row = QHBoxLayout()
        self.new_button = QPushButton("新建")
        self.save_button = QPushButton("保存")
        self.active_button = QPushButton("停用")
        self.new_button.clicked.connect(self.new_department)
        self.save_button.clicked.connect(self.save)
        self.active_button.clicked.connect(self.toggle_active)
        for b in (self.new_button, self.save_button, self.active_button):
            b.setVisible(self.can_edit)
            row.addWidget(b)
        row.addStretch(1)
        rl.addLayout(row)
        rl.addWidget(QLabel("该部门的转办件："))
        self.ref_table = _table(["案件编号", "类别", "转办时写作", "转办日期", "回复期限", "回复日期", "状态"], [120, 56, 150, 86, 86, 86, 80])
        rl.addWidget(self.ref_table, 1)
        ref_row = QHBoxLayout()
        self.return_button = QPushButton("登记退回…")
        self.unreturn_button = QPushButton("撤销退回")
        self.return_button.clicked.connect(self.mark_returned)
        self.unreturn_button.clicked.connect(self.unmark_returned)
        for b in (self.return_button, self.unreturn_button):
            b.setVisible(self.can_edit)
            ref_row.addWidget(b)
        ref_row.addStretch(1)
        rl.addLayout(ref_row)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([560, 520])
        layout.addWidget(splitter, 1)
        self.date_from.dateChanged.connect(lambda _d: self.refresh())
        self.date_to.dateChanged.connect(lambda _d: self.refresh())
        self.ref_table.itemSelectionChanged.connect(self._update_ref_buttons)
        self._show(None)

    def focus_search(self) -> None:
        self.table.setFocus()

    # -- loading ------------------------------------------------------------------------------------
    def refresh(self, select_id: int | None = None) -> None:
        start, end, svc = self.date_from.value(), self.date_to.value(), self.desk.departments
        keep = select_id if select_id is not None else (self.current.id if self.current else None)
        self.worker.run(lambda: (svc.list(include_inactive=True), svc.referral_stats(start, end)),
                        alive(self, lambda r: self._loaded(r[0], r[1], keep)),
                        alive(self, lambda exc: self.error.set_message(getattr(exc, "message", "读取失败"))))

    def _loaded(self, departments: list[Any], stats: Any, keep: int | None) -> None:
        self.error.set_message(None)
        by_id = {d.id: d for d in departments}
        self.departments = [by_id[r.department_id] for r in stats.rows if r.department_id in by_id]
        self.departments += [d for d in departments if d not in self.departments]
        self.stats = stats
        counts = {r.department_id: r for r in stats.rows}
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.departments))
        for i, d in enumerate(self.departments):
            name = QTableWidgetItem(d.name + ("（已停用）" if not d.active else ""))
            if not d.active:
                name.setForeground(Qt.GlobalColor.gray)
            self.table.setItem(i, 0, name)
            r = counts.get(d.id)
            for c, (value, red) in enumerate(((r.sent, False), (r.replied, False), (r.replied_late, True), (r.overdue, True),
                                              (r.returned, False), (r.pending, False)) if r else [(0, False)] * 6, start=1):
                self.table.setItem(i, c, _num_item(value, red))
        self.table.blockSignals(False)
        t = stats.total
        self.total.setText(f"合计：转办 {t.sent} 件，已回复 {t.replied} 件（其中逾期回复 {t.replied_late} 件），"
                           f"逾期未回复 {t.overdue} 件，退回 {t.returned} 件，待回复 {t.pending} 件")
        self.unmatched.clear()
        for u in stats.unmatched:
            item = QListWidgetItem(f"{u.text}（{u.count} 件）")
            item.setData(Qt.ItemDataRole.UserRole, u.text)
            self.unmatched.addItem(item)
        if keep is not None:
            for i, d in enumerate(self.departments):
                if d.id == keep:
                    self.table.selectRow(i)
                    self._show(d)
                    break

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows and rows[0].row() < len(self.departments):
            self._show(self.departments[rows[0].row()])

    def _show(self, d: Any) -> None:
        self.current = d
        self.form.clear_errors()
        self.title.setText(f"成员单位：{d.name}" if d else ("新建成员单位" if self.can_edit else "成员单位"))
        self.name.setText(d.name if d else "")
        self.short_name.setText(d.short_name if d else "")
        self.aliases.setPlainText(d.aliases if d else "")
        self.contact.setText(d.contact_person if d else "")
        self.phone.setText(d.phone if d else "")
        self.note.setPlainText(d.note if d else "")
        self.active_button.setEnabled(d is not None)
        self.active_button.setText("启用" if d is not None and not d.active else "停用")
        self.alias_button.setEnabled(d is not None)
        self.load_referrals()

    def load_referrals(self) -> None:
        d = self.current
        if d is None:
            self.referrals = []
            self.ref_table.setRowCount(0)
            self._update_ref_buttons()
            return
        start, end, svc = self.date_from.value(), self.date_to.value(), self.desk.departments
        self.worker.run(lambda: svc.referrals_of(d.id, start, end), alive(self, self._referrals_loaded))

    def _referrals_loaded(self, refs: list[Any]) -> None:
        self.referrals = refs
        self.ref_table.setRowCount(len(refs))
        for i, r in enumerate(refs):
            values = [r.case_no, r.kind_label, r.department_text, dtext(r.sent_date), dtext(r.reply_due),
                      dtext(r.replied_date or r.returned_date), r.state_label]
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                if c == 6 and r.state == "overdue":
                    item.setForeground(Qt.GlobalColor.red)
                if c == 6 and r.state == "returned" and r.return_reason:
                    item.setToolTip(r.return_reason)
                self.ref_table.setItem(i, c, item)
        self._update_ref_buttons()

    def _selected_referral(self) -> Any:
        rows = self.ref_table.selectionModel().selectedRows()
        return self.referrals[rows[0].row()] if rows and rows[0].row() < len(self.referrals) else None

    def _update_ref_buttons(self) -> None:
        r = self._selected_referral()
        self.return_button.setEnabled(r is not None and r.state != "returned")
        self.unreturn_button.setEnabled(r is not None and r.state == "returned")

    # -- editing ------------------------------------------------------------------------------------
    def new_department(self) -> None:
        self.table.clearSelection()
        self._show(None)
        self.name.setFocus()

    def _input(self) -> DepartmentInput:
        return DepartmentInput(self.name.text(), self.short_name.text(), self.aliases.toPlainText(), self.contact.text(),
                               self.phone.text(), None, self.note.toPlainText())

    def save(self) -> None:
        inp, svc, current = self._input(), self.desk.departments, self.current
        self.form.clear_errors()
        job = (lambda: svc.create(inp)) if current is None else (lambda: svc.update(current.id, current, inp))
        self.worker.run(job, alive(self, lambda v: self.refresh(v.id)), alive(self, self._failed))

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self.form.show_errors(exc)
        elif isinstance(exc, ConflictError) and self.form.general is not None:
            self.form.general.set_message(exc.message + " 请重新选择该部门查看最新内容。")
        else:
            self.dialogs.show_error(self, exc, "没有保存")

    def toggle_active(self) -> None:
        d, svc = self.current, self.desk.departments
        if d is None:
            return
        self.worker.run(lambda: svc.set_active(d.id, not d.active), alive(self, lambda v: self.refresh(v.id)), alive(self, self._failed))

    def add_alias(self) -> None:
        item, d = self.unmatched.currentItem(), self.current
        if item is None or d is None:
            self.dialogs.info(self, "设为别名", "请先在列表中选中一个写法，并在上方选中它所指的成员单位。")
            return
        text, svc = item.data(Qt.ItemDataRole.UserRole), self.desk.departments
        if not self.dialogs.confirm(self, "设为别名", f"把“{text}”作为“{d.name}”的别名？今后这样写的转办都计入该部门。"):
            return
        self.worker.run(lambda: svc.add_alias(d.id, text), alive(self, lambda v: self.refresh(v.id)), alive(self, self._failed))

    def mark_returned(self) -> None:
        r = self._selected_referral()
        if r is None:
            return
        reason = self.dialogs.ask_text(self, "登记退回", f"{r.case_no} 转{r.department_text}，被退回的原因：")
        if reason is None:
            return
        svc, today = self.desk.departments, clock.today()
        self.worker.run(lambda: svc.mark_returned(r.referral_id, today, reason), alive(self, lambda _v: self.refresh()),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "没有登记")))

    def unmark_returned(self) -> None:
        r = self._selected_referral()
        if r is None or not self.dialogs.confirm(self, "撤销退回", f"撤销 {r.case_no} 的退回登记？"):
            return
        svc = self.desk.departments
        self.worker.run(lambda: svc.unmark_returned(r.referral_id), alive(self, lambda _v: self.refresh()),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "没有撤销")))

    def export(self) -> None:
        path = self.dialogs.save_file(self, "导出 Excel", "成员单位转办情况.xlsx", "Excel 工作簿 (*.xlsx)")
        if not path:
            return
        start, end, svc = self.date_from.value(), self.date_to.value(), self.desk.departments
        self.worker.run(lambda: svc.export_referral_stats(path, start, end),
                        alive(self, lambda r: self.dialogs.info(self, "导出 Excel", f"已导出到：\n{r.path}")),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "没有导出")))


class MeetingDialog(RecordDialog):
    def __init__(self, tab: MeetingsTab, view: MeetingView | None) -> None:
        super().__init__(tab, "编辑联席会议" if view else "新建联席会议", tab.dialogs, tab.worker, width=640)
        self.desk, self.view = tab.desk, view
        f = self.form
        self.day = date_edit()
        f.add("meeting_date", "会议日期", self.day)
        self.title = f.line_edit("title", "会议名称", placeholder="例如 2026年上半年秘书长联席会议")
        self.place = f.line_edit("place", "地点")
        self.host = f.line_edit("host", "主持人")
        self.attendees = QListWidget()
        self.attendees.setMaximumHeight(170)
        attending = {a.department_id for a in view.attendees} if view else set()
        for d in tab.departments:
            if not d.active and d.id not in attending:
                continue
            item = QListWidgetItem(d.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if d.id in attending else Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, d.id)
            self.attendees.addItem(item)
        f.add("attendees", "参会部门", self.attendees)
        self.minutes = multiline(5)
        f.add("minutes", "会议纪要", self.minutes)
        self.decisions = multiline(4)
        f.add("decisions", "议定事项", self.decisions)
        if view is not None:
            self.day.setDate(qdate(view.meeting_date))
            self.title.setText(view.title)
            self.place.setText(view.place)
            self.host.setText(view.host)
            self.minutes.setPlainText(view.minutes)
            self.decisions.setPlainText(view.decisions)
        if not tab.can_edit:
            self.save_button.setEnabled(False)

    def check_department(self, name: str) -> None:
        for i in range(self.attendees.count()):
            if self.attendees.item(i).text() == name:
                self.attendees.item(i).setCheckState(Qt.CheckState.Checked)

    def job(self) -> Callable[[], Any]:
        people = {a.department_id: a.people for a in self.view.attendees} if self.view else {}
        chosen = tuple(AttendeeInput(self.attendees.item(i).data(Qt.ItemDataRole.UserRole),
                                     people.get(self.attendees.item(i).data(Qt.ItemDataRole.UserRole), ""))
                       for i in range(self.attendees.count()) if self.attendees.item(i).checkState() == Qt.CheckState.Checked)
        inp = MeetingInput(pydate(self.day.date()), self.title.text(), chosen, self.place.text(), self.host.text(),
                           self.minutes.toPlainText(), self.decisions.toPlainText())
        svc, view = self.desk.departments, self.view
        if view is None:
            return lambda: svc.create_meeting(inp)
        return lambda: svc.update_meeting(view.id, view, inp)


class MeetingsTab(RegisterTab):
    noun = "会议"
    date_label = "会议日期"
    columns = [
        Column("日期", lambda m: dtext(m.meeting_date), 90),
        Column("会议名称", lambda m: m.title, 240),
        Column("地点", lambda m: m.place, 120),
        Column("参会部门", lambda m: f"{len(m.attendees)}个：" + "、".join(a.department_name for a in m.attendees), 360),
        Column("议定事项", lambda m: m.decisions.replace("\n", " "), 300),
    ]

    def __init__(self, page: TrustUnitsPage) -> None:
        self.departments: list[Any] = []
        super().__init__(page.desk, page.dialogs, page.worker)
        self.kind.hide()
        self.keyword.hide()
        self.filter_bar.addStretch(1)
        svc = self.desk.departments
        self.worker.run(lambda: svc.list(include_inactive=True), alive(self, self._departments_loaded))

    def _departments_loaded(self, deps: list[Any]) -> None:
        self.departments = deps
        self.refresh()

    def current_filter(self) -> Any:
        return (self.date_from.value(), self.date_to.value())

    def load_job(self, f: Any) -> Callable[[], list[Any]]:
        svc = self.desk.departments
        return lambda: svc.meetings(f[0], f[1])

    def new_dialog(self) -> RecordDialog:
        return MeetingDialog(self, None)

    def edit_dialog(self, row: Any) -> RecordDialog:
        return MeetingDialog(self, row)

    def delete_job(self, row: Any) -> Callable[[], Any]:
        svc = self.desk.departments
        return lambda: svc.delete_meeting(row.id, row)

    def export_job(self, path: str, f: Any) -> Callable[[], Any]:
        svc = self.desk.departments
        return lambda: svc.export_meetings(path, f[0], f[1])

    def suggested_export_name(self) -> str:
        return "成员单位联席会议.xlsx"

    def totals_text(self, rows: list[Any]) -> str:
        return f"共 {len(rows)} 次联席会议"
