"""回访检查 tab: the revisits of a year with filters, the revisit form (inspectors picked from
the staff and the investigator roster, the checklist item by item, the conclusion and the
rectification asked), the follow-up (整改复查), photos, the revisit report and the yearly
summary in Word, and the Excel export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk import clock
from desk.roles import Perm
from desk.services.trust_units import (
    CONCLUSIONS,
    CheckInput,
    FollowUpInput,
    InspectorInput,
    RevisitFilter,
    RevisitInput,
    RevisitView,
    TrustUnitView,
)
from ui.campaigns.common import (
    RecordDialog,
    alive,
    count_spin,
    date_edit,
    dtext,
    fill_combo,
    multiline,
    pydate,
    qdate,
    select,
)
from ui.campaigns.registers import PHOTO_FILTERS, FileList, muted
from ui.forms import ErrorLabel
from ui.style import set_role

if TYPE_CHECKING:
    from .page import TrustUnitsPage


class InspectorPicker(QWidget):
    """Staff and investigators to tick (with a filter for a long roster), and other names typed."""

    def __init__(self, choices: list[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choices = choices
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("按姓名筛选")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter)
        layout.addWidget(self.filter)
        self.list = QListWidget()
        self.list.setMaximumHeight(130)
        for i, c in enumerate(choices):
            item = QListWidgetItem(c.label)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, i)
            self.list.addItem(item)
        layout.addWidget(self.list)
        self.others = QLineEdit()
        self.others.setPlaceholderText("其他检查人员姓名，多个用顿号分开")
        layout.addWidget(self.others)
        self.setFocusProxy(self.list)

    def _filter(self, text: str) -> None:
        t = text.strip()
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setHidden(bool(t) and t not in item.text() and item.checkState() != Qt.CheckState.Checked)

    def set_inspectors(self, inspectors: tuple[Any, ...]) -> None:
        others = []
        for ins in inspectors:
            found = False
            for i, c in enumerate(self.choices):
                if (ins.kind == "staff" and c.kind == "staff" and c.user_id == ins.user_id) or \
                        (ins.kind == "investigator" and c.kind == "investigator" and c.person_id == ins.person_id and ins.person_id):
                    self.list.item(i).setCheckState(Qt.CheckState.Checked)
                    found = True
            if not found:
                others.append(ins.name)
        self.others.setText("、".join(others))

    def check(self, index: int) -> None:
        self.list.item(index).setCheckState(Qt.CheckState.Checked)

    def inspectors(self) -> tuple[InspectorInput, ...]:
        out = []
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                c = self.choices[item.data(Qt.ItemDataRole.UserRole)]
                out.append(InspectorInput(c.kind, c.user_id, c.person_id, c.name))
        for name in self.others.text().replace("，", "、").replace(",", "、").split("、"):
            if name.strip():
                out.append(InspectorInput("other", name=name.strip()))
        return tuple(out)


class ChecklistEditor(QWidget):
    """One line per checklist item: 合格 / 不合格, the count for a counted item, a note."""

    def __init__(self, items: list[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items = items
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(3)
        for c, title in enumerate(("检查项目", "结果", "次数", "情况说明")):
            head = QLabel(title)
            set_role(head, "muted")
            grid.addWidget(head, 0, c)
        self.results: dict[str, QComboBox] = {}
        self.counts: dict[str, QSpinBox] = {}
        self.notes: dict[str, QLineEdit] = {}
        for r, item in enumerate(items, start=1):
            grid.addWidget(QLabel(item.name), r, 0)
            combo = QComboBox()
            combo.addItem("合格", True)
            combo.addItem("不合格", False)
            self.results[item.code] = combo
            grid.addWidget(combo, r, 1)
            if item.counted:
                spin = count_spin(10_000)
                self.counts[item.code] = spin
                grid.addWidget(spin, r, 2)
            note = QLineEdit()
            note.setPlaceholderText("不合格时写明问题")
            self.notes[item.code] = note
            grid.addWidget(note, r, 3)
        grid.setColumnStretch(3, 1)

    def set_checks(self, checks: tuple[Any, ...]) -> None:
        for ch in checks:
            if ch.item_code in self.results:
                select(self.results[ch.item_code], ch.passed)
                if ch.item_code in self.counts and ch.count is not None:
                    self.counts[ch.item_code].setValue(ch.count)
                self.notes[ch.item_code].setText(ch.note)

    def set_result(self, code: str, passed: bool, note: str = "") -> None:
        select(self.results[code], passed)
        self.notes[code].setText(note)

    def checks(self) -> tuple[CheckInput, ...]:
        return tuple(CheckInput(item.code, bool(self.results[item.code].currentData()),
                                count=self.counts[item.code].value() if item.code in self.counts else None,
                                note=self.notes[item.code].text()) for item in self.items)


class RevisitDialog(RecordDialog):
    def __init__(self, parent: QWidget, page: TrustUnitsPage, unit: TrustUnitView, view: RevisitView | None) -> None:
        super().__init__(parent, f"{'修改' if view else '新增'}回访检查：{unit.business_name}", page.dialogs, page.worker, width=760)
        self.desk, self.unit, self.view = page.desk, unit, view
        f = self.form
        self.visit = date_edit()
        f.add("visit_date", "回访日期", self.visit)
        self.inspectors = InspectorPicker(page.inspector_choices)
        f.add("inspectors", "检查人员", self.inspectors)
        items = [i for i in page.checklist if i.active or (view and any(c.item_code == i.code for c in view.checks))]
        self.checklist = ChecklistEditor(items)
        f.add("checks", "检查项目", self.checklist)
        self.findings = multiline(3, "检查组看到的情况")
        f.add("findings", "检查情况", self.findings)
        self.conclusion = QComboBox()
        fill_combo(self.conclusion, [(label, code) for code, label in CONCLUSIONS.items()])
        f.add("conclusion", "检查结论", self.conclusion)
        self.demand = multiline(3)
        f.add("rectification_demand", "整改要求", self.demand)
        self.deadline = date_edit(clock.today() + dt.timedelta(days=30), allow_future=True)
        f.add("rectification_deadline", "整改期限", self.deadline)
        svc = self.desk.trust_units
        if view is not None:
            self.visit.setDate(qdate(view.visit_date))
            self.inspectors.set_inspectors(view.inspectors)
            self.checklist.set_checks(view.checks)
            self.findings.setPlainText(view.findings)
            select(self.conclusion, view.conclusion)
            self.demand.setPlainText(view.rectification_demand)
            if view.rectification_deadline:
                self.deadline.setDate(qdate(view.rectification_deadline))
            can = page.desk.can(Perm.EDIT_REGISTERS)
            self.photos = FileList(self.dialogs, self.worker, add=(lambda p: svc.add_revisit_photo_file(view.id, p)) if can else None,
                                   fetch=svc.revisit_photo, remove=svc.remove_revisit_photo if can else None, filters=PHOTO_FILTERS)
            self.photos.set_files(list(view.photos))
            f.add("file", "现场照片", self.photos)
        else:
            f.add("file", "现场照片", muted("保存后，在“回访检查”中选中这次回访点“修改”添加照片。"))
        self.conclusion.currentIndexChanged.connect(lambda _i: self._conclusion_changed())
        self._conclusion_changed()

    def _conclusion_changed(self) -> None:
        rectify = self.conclusion.currentData() == "rectify"
        for name in ("rectification_demand", "rectification_deadline"):
            self.form.layout.setRowVisible(self.form.rows[name].label, rectify)

    def job(self) -> Callable[[], Any]:
        conclusion = self.conclusion.currentData()
        inp = RevisitInput(visit_date=pydate(self.visit.date()), inspectors=self.inspectors.inspectors(),
                           checks=self.checklist.checks(), conclusion=conclusion, findings=self.findings.toPlainText(),
                           rectification_demand=self.demand.toPlainText() if conclusion == "rectify" else "",
                           rectification_deadline=pydate(self.deadline.date()) if conclusion == "rectify" else None)
        svc, unit, view = self.desk.trust_units, self.unit, self.view
        if view is None:
            return lambda: svc.record_revisit(unit.id, inp)
        return lambda: svc.update_revisit(view.id, view, inp)


class FollowUpDialog(RecordDialog):
    def __init__(self, parent: QWidget, page: TrustUnitsPage, view: RevisitView) -> None:
        super().__init__(parent, f"整改复查：{view.business_name}", page.dialogs, page.worker)
        self.desk, self.view = page.desk, view
        f = self.form
        f.add("demand", "整改要求", QLabel(view.rectification_demand or "（未写明）"))
        f.add("deadline", "整改期限", QLabel(dtext(view.rectification_deadline)))
        self.on = date_edit()
        f.add("follow_up_date", "复查日期", self.on)
        self.result = QComboBox()
        self.result.addItem("已整改", True)
        self.result.addItem("未按期整改", False)
        f.add("rectified", "复查结果", self.result)
        self.note = multiline(3)
        f.add("follow_up_note", "复查情况", self.note)

    def job(self) -> Callable[[], Any]:
        inp = FollowUpInput(pydate(self.on.date()), self.result.currentData(), self.note.toPlainText())
        svc, view = self.desk.trust_units, self.view
        return lambda: svc.record_follow_up(view.id, view.version, inp)


class RevisitsTab(QWidget):
    COLUMNS = [("回访日期", 90), ("单位名称", 220), ("检查人员", 150), ("结论", 70), ("发现的问题", 220), ("整改期限", 86),
               ("整改情况", 90), ("照片", 44)]

    def __init__(self, page: TrustUnitsPage) -> None:
        super().__init__()
        self.page = page
        self.desk, self.dialogs, self.worker = page.desk, page.dialogs, page.worker
        self.can_edit = self.desk.can(Perm.EDIT_REGISTERS)
        self.rows: list[Any] = []
        self.editor: RecordDialog | None = None
        self._generation = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("年度"))
        self.year = QSpinBox()
        self.year.setRange(2000, 2099)
        self.year.setValue(clock.today().year)
        bar.addWidget(self.year)
        self.conclusion = QComboBox()
        fill_combo(self.conclusion, [(label, code) for code, label in CONCLUSIONS.items()], blank="全部结论")
        bar.addWidget(self.conclusion)
        self.open_only = QCheckBox("只看待复查的整改")
        bar.addWidget(self.open_only)
        bar.addStretch(1)
        layout.addLayout(bar)
        buttons = QHBoxLayout()
        self.edit_button = QPushButton("修改…")
        self.follow_button = QPushButton("整改复查…")
        self.report_button = QPushButton("回访检查记录（Word）…")
        self.summary_button = QPushButton("年度回访情况（Word）…")
        self.export_button = QPushButton("导出 Excel")
        self.edit_button.clicked.connect(self.edit_selected)
        self.follow_button.clicked.connect(self.follow_up)
        self.report_button.clicked.connect(self.report)
        self.summary_button.clicked.connect(self.summary)
        self.export_button.clicked.connect(self.export)
        self.follow_button.setVisible(self.can_edit)
        for b in (self.edit_button, self.follow_button, self.report_button, self.summary_button, self.export_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        hint = QLabel("新增回访：在“诚信单位”中选中单位，点“新增回访…”。")
        set_role(hint, "muted")
        layout.addWidget(hint)
        self.error = ErrorLabel()
        layout.addWidget(self.error)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([c for c, _w in self.COLUMNS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        for i, (_c, w) in enumerate(self.COLUMNS):
            self.table.setColumnWidth(i, w)
        self.table.itemSelectionChanged.connect(self._update)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        layout.addWidget(self.table, 1)
        self.totals = QLabel()
        set_role(self.totals, "subtitle")
        layout.addWidget(self.totals)
        self.year.valueChanged.connect(lambda _v: self.refresh())
        self.conclusion.currentIndexChanged.connect(lambda _i: self.refresh())
        self.open_only.toggled.connect(lambda _b: self.refresh())
        self._update()

    def focus_search(self) -> None:
        self.year.setFocus()

    def current_filter(self) -> RevisitFilter:
        return RevisitFilter(year=None if self.open_only.isChecked() else self.year.value(), conclusion=self.conclusion.currentData(),
                             open_rectification=self.open_only.isChecked())

    def refresh(self, select_id: int | None = None) -> None:
        self._generation += 1
        gen, f, svc = self._generation, self.current_filter(), self.desk.trust_units
        keep = select_id if select_id is not None else (self.selected().id if self.selected() else None)
        self.worker.run(lambda: svc.list_revisits(f), alive(self, lambda rows: self._loaded(gen, rows, keep)),
                        alive(self, lambda exc: self.error.set_message(getattr(exc, "message", "列表读取失败"))))

    def _loaded(self, gen: int, rows: list[Any], keep: int | None) -> None:
        if gen != self._generation:
            return
        self.error.set_message(None)
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, v in enumerate(rows):
            values = [dtext(v.visit_date), v.business_name, v.inspectors, v.conclusion_label, "、".join(v.failed_items),
                      dtext(v.rectification_deadline), v.rectification_label, str(v.photo_count) if v.photo_count else ""]
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                if c == 6 and text in ("逾期未复查", "未按期整改"):
                    item.setForeground(Qt.GlobalColor.red)
                self.table.setItem(r, c, item)
            if v.id == keep:
                self.table.selectRow(r)
        passed = sum(1 for v in rows if v.conclusion == "pass")
        rect = sum(1 for v in rows if v.conclusion == "rectify")
        self.totals.setText(f"共 {len(rows)} 次回访（{len({v.unit_id for v in rows})} 家）：合格 {passed} 次，限期整改 {rect} 次，"
                            f"建议摘牌 {len(rows) - passed - rect} 次")
        self._update()

    def selected(self) -> Any:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows and rows[0].row() < len(self.rows) else None

    def select_revisit(self, revisit_id: int) -> None:
        for r, v in enumerate(self.rows):
            if v.id == revisit_id:
                self.table.selectRow(r)
                return

    def _update(self) -> None:
        v = self.selected()
        self.edit_button.setEnabled(v is not None)
        self.report_button.setEnabled(v is not None)
        self.follow_button.setEnabled(v is not None and v.conclusion == "rectify" and v.follow_up_date is None)

    def _open(self, dlg: RecordDialog) -> None:
        self.editor = dlg
        dlg.saved.connect(lambda v: (self.refresh(v.id), self.page.units.refresh(v.unit_id)))
        dlg.open()

    def edit_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        svc = self.desk.trust_units
        self.worker.run(lambda: (svc.get(row.unit_id), svc.get_revisit(row.id)),
                        alive(self, lambda uv: self._open(RevisitDialog(self, self.page, uv[0], uv[1]))),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "无法打开回访记录")))

    def follow_up(self) -> None:
        row = self.selected()
        if row is None:
            return
        svc = self.desk.trust_units
        self.worker.run(lambda: svc.get_revisit(row.id), alive(self, lambda v: self._open(FollowUpDialog(self, self.page, v))),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "无法打开回访记录")))

    def report(self) -> None:
        row = self.selected()
        if row is None:
            return
        from desk.documents.trust_units import suggested_report_name

        path = self.dialogs.save_file(self, "回访检查记录", suggested_report_name(row), "Word 文档 (*.docx)")
        if not path:
            return
        desk = self.desk

        def job() -> Any:
            from desk.documents.trust_units import render_revisit_report

            return render_revisit_report(desk, row.id, path)

        self.worker.run(job, alive(self, lambda p: self.dialogs.info(self, "回访检查记录", f"已生成：\n{p}")),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "没有生成")))

    def summary(self) -> None:
        from desk.documents.trust_units import suggested_summary_name

        year = self.year.value()
        path = self.dialogs.save_file(self, "年度回访检查情况", suggested_summary_name(year), "Word 文档 (*.docx)")
        if not path:
            return
        desk = self.desk

        def job() -> Any:
            from desk.documents.trust_units import render_revisit_summary

            return render_revisit_summary(desk, year, path)

        self.worker.run(job, alive(self, lambda p: self.dialogs.info(self, "年度回访检查情况", f"已生成：\n{p}")),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "没有生成")))

    def export(self) -> None:
        path = self.dialogs.save_file(self, "导出 Excel", f"{self.year.value()}年回访检查.xlsx", "Excel 工作簿 (*.xlsx)")
        if not path:
            return
        f, svc = self.current_filter(), self.desk.trust_units
        self.worker.run(lambda: svc.export_revisits(path, f),
                        alive(self, lambda r: self.dialogs.info(self, "导出 Excel", f"已导出 {r.rows} 条记录到：\n{r.path}")),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "没有导出")))
