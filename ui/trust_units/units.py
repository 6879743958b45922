"""诚信单位 tab: the list of units with filters, the selected unit's record (application,
awards, revisits, complaints since the award, timeline) and its steps (评审, 授牌, 续期, 摘牌,
保留称号, 撤回), applications and new revisits."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desk import clock
from desk.roles import Perm
from desk.services.trust_units import (
    CONCLUSIONS,
    HOLDING,
    STATUS_LABELS,
    TRANSITIONS,
    ApplicationInput,
    StepInput,
    TrustUnitFilter,
    TrustUnitView,
    available_actions,
)
from ui.campaigns.common import (
    RecordDialog,
    alive,
    date_edit,
    dtext,
    fill_combo,
    multiline,
    pydate,
    qdate,
    select,
)
from ui.complaints.widgets import BusinessPicker
from ui.forms import ErrorLabel
from ui.style import set_role

if TYPE_CHECKING:
    from desk.facade import Desk
    from ui.dialogs import Dialogs
    from ui.worker import Worker

    from .page import TrustUnitsPage

SEARCH_DELAY_MS = 300

# What the free text of each step is called on the form.
TEXT_LABELS = {"evaluate": "评审意见", "revoke": "摘牌原因", "retain": "保留称号的理由", "withdraw": "撤回原因"}


class ApplicationDialog(RecordDialog):
    """申报 (new) or the application's details (edit)."""

    def __init__(self, parent: QWidget, desk: Desk, dialogs: Dialogs, worker: Worker, kinds: list[Any],
                 view: TrustUnitView | None = None) -> None:
        super().__init__(parent, "修改申报信息" if view else "诚信单位申报", dialogs, worker, width=600)
        self.desk, self.view = desk, view
        f = self.form
        if view is None:
            self.business = BusinessPicker(desk, worker, placeholder="输入名称、信用代码或电话，从经营者名录中选择")
            f.add("business_id", "申报单位", self.business, hint="名录中没有的经营者，请先在“设置—经营者”中登记")
        else:
            f.add("business_id", "申报单位", QLabel(view.business_name))
        self.kind = QComboBox()
        fill_combo(self.kind, [(k.name, k.code) for k in kinds if k.active or (view and k.code == view.kind_code)])
        f.add("kind_code", "类型", self.kind)
        self.applied = date_edit()
        f.add("applied_date", "申报日期", self.applied)
        self.applicant = f.line_edit("applicant", "申报联系人")
        self.application_note = multiline(4, "申报材料、企业自评等")
        f.add("application_note", "申报材料与说明", self.application_note)
        self.note = multiline(2)
        f.add("note", "备注", self.note)
        if view is not None:
            select(self.kind, view.kind_code)
            self.applied.setDate(qdate(view.applied_date))
            self.applicant.setText(view.applicant)
            self.application_note.setPlainText(view.application_note)
            self.note.setPlainText(view.note)

    def job(self) -> Callable[[], Any]:
        svc, view = self.desk.trust_units, self.view
        inp = ApplicationInput(business_id=self.business.business_id if view is None else view.business_id,
                               kind_code=self.kind.currentData() or "", applied_date=pydate(self.applied.date()),
                               applicant=self.applicant.text(), application_note=self.application_note.toPlainText(),
                               note=self.note.toPlainText())
        if view is None:
            return lambda: svc.apply(inp)
        return lambda: svc.update_application(view.id, view, inp)


class StepDialog(RecordDialog):
    """One step of the state machine with the inputs it needs."""

    def __init__(self, parent: QWidget, desk: Desk, dialogs: Dialogs, worker: Worker, view: TrustUnitView, action: str) -> None:
        t = TRANSITIONS[action]
        super().__init__(parent, f"{t.label}：{view.business_name}", dialogs, worker, width=520)
        self.desk, self.view, self.action = desk, view, action
        self.save_button.setText(t.label)
        f = self.form
        self.on = date_edit()
        f.add("on", f"{t.label}日期", self.on)
        self.passed: QComboBox | None = None
        if "passed" in t.needs:
            self.passed = QComboBox()
            self.passed.addItem("评审通过", True)
            self.passed.addItem("评审未通过", False)
            f.add("passed", "评审结果", self.passed)
        self.text: Any = None
        if "text" in t.needs:
            self.text = multiline(4)
            f.add("text", TEXT_LABELS.get(action, "意见"), self.text)
        self.year: QSpinBox | None = None
        if "year" in t.needs:
            today = clock.today()
            self.year = QSpinBox()
            self.year.setRange(2000, 2099)
            self.year.setValue(today.year if action == "award" or not view.award_year else max(today.year, view.award_year + 1))
            f.add("year", "年度", self.year)
            self.cert = f.line_edit("certificate_no", "证书编号", placeholder="例如 THCX2026-001")
            self.valid = date_edit(today.replace(year=today.year + 2, month=12, day=31), allow_future=True)
            f.add("valid_until", "有效期至", self.valid)

    def job(self) -> Callable[[], Any]:
        inp = StepInput(
            on=pydate(self.on.date()),
            text=self.text.toPlainText() if self.text is not None else "",
            passed=self.passed.currentData() if self.passed is not None else None,
            year=self.year.value() if self.year is not None else None,
            certificate_no=self.cert.text() if self.year is not None else "",
            valid_until=pydate(self.valid.date()) if self.year is not None else None,
        )
        svc, view, action = self.desk.trust_units, self.view, self.action
        return lambda: svc.act(view.id, action, view.version, inp)


def unit_html(v: TrustUnitView) -> str:
    """The unit's record as simple HTML for the detail panel."""
    e = html.escape
    rows = [
        ("单位", e(v.business_name) + (f"（{e(v.credit_code)}）" if v.credit_code else "")),
        ("地址", e(v.business_address)),
        ("负责人", e("　".join(x for x in (v.contact_person, v.business_phone) if x))),
        ("类型", e(v.kind_name)),
        ("状态", f"<b>{e(v.status_label)}</b>" + ("<span style='color:#c62828'>（称号已过有效期）</span>" if v.expired else "")),
        ("申报", f"{dtext(v.applied_date)} {e(v.applicant)}"),
    ]
    if v.evaluation_date:
        rows.append(("评审", f"{dtext(v.evaluation_date)} {'通过' if v.evaluation_passed else '未通过'}：{e(v.evaluation)}"))
    if v.certificate_no:
        rows.append(("证书", f"{v.award_year}年度 {e(v.certificate_no)}，有效期至 {dtext(v.valid_until)}"))
    if v.revoked_date:
        rows.append(("摘牌", f"{dtext(v.revoked_date)}：{e(v.revocation_reason)}"))
    out = ["<table cellspacing='2'>"] + [f"<tr><td style='color:#5f6368;padding-right:8px'>{k}</td><td>{val}</td></tr>"
                                         for k, val in rows if val] + ["</table>"]
    if v.awards:
        out.append("<p><b>授牌记录</b><br>" + "<br>".join(
            f"{dtext(a.awarded_date)} {'授牌' if a.kind == 'award' else '续期'} {a.year}年度 {e(a.certificate_no)}，至 {dtext(a.valid_until)}"
            for a in v.awards) + "</p>")
    if v.revisits:
        out.append("<p><b>回访检查</b><br>" + "<br>".join(
            f"{dtext(r.visit_date)} {e(r.conclusion_label)}" + (f"（问题：{e('、'.join(r.failed_items))}）" if r.failed_items else "")
            + (f"，{e(r.rectification_label)}" if r.rectification_label else "") for r in v.revisits) + "</p>")
    if v.complaints:
        out.append(f"<p><b style='color:#c62828'>授牌后已受理的投诉 {len(v.complaints)} 件</b><br>" + "<br>".join(
            f"{e(c.case_no)} {dtext(c.accepted_date)} 受理，{e(c.status_label)}"
            + ("（最近一次回访后）" if c.since_last_revisit and v.revisits else "")
            for c in v.complaints[:10]) + ("<br>……" if len(v.complaints) > 10 else "") + "</p>")
    if v.events:
        out.append("<p><b>办理记录</b><br>" + "<br>".join(
            f"{dtext(ev.event_date)} {e(ev.action_label)} {e(ev.username)}" + (f"：{e(ev.detail)}" if ev.detail else "")
            for ev in v.events) + "</p>")
    return "".join(out)


class UnitsTab(QWidget):
    unit_changed = Signal(object)  # the unit saved or stepped (a TrustUnitView)

    COLUMNS = [("单位名称", 230), ("类型", 110), ("状态", 72), ("证书编号", 110), ("有效期至", 86), ("最近回访", 86),
               ("结论", 64), ("投诉", 44)]

    def __init__(self, page: TrustUnitsPage) -> None:
        super().__init__()
        self.page = page
        self.desk, self.dialogs, self.worker = page.desk, page.dialogs, page.worker
        self.can_edit = self.desk.can(Perm.EDIT_REGISTERS)
        self.rows: list[Any] = []
        self.current: TrustUnitView | None = None
        self.editor: RecordDialog | None = None
        self._generation = 0
        self._open_generation = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        bar = QHBoxLayout()
        self.keyword = QLineEdit()
        self.keyword.setPlaceholderText("单位名称、信用代码或证书编号（Ctrl+F）")
        self.keyword.setClearButtonEnabled(True)
        self.status = QComboBox()
        self.status.addItem("全部状态", None)
        self.status.addItem("持有称号", "holding")
        for code, label in STATUS_LABELS.items():
            self.status.addItem(label, code)
        self.status.setCurrentIndex(1)
        self.kind = QComboBox()
        self.kind.addItem("全部类型", None)
        bar.addWidget(self.keyword, 2)
        bar.addWidget(self.status)
        bar.addWidget(self.kind)
        layout.addLayout(bar)
        buttons = QHBoxLayout()
        self.apply_button = QPushButton("申报…")
        self.apply_button.setToolTip("Ctrl+N")
        self.apply_button.clicked.connect(self.new_application)
        self.export_button = QPushButton("导出 Excel")
        self.export_button.clicked.connect(self.export)
        self.apply_button.setVisible(self.can_edit)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        self.count = QLabel()
        set_role(self.count, "subtitle")
        buttons.addWidget(self.count)
        layout.addLayout(buttons)
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
        for i, (_c, w) in enumerate(self.COLUMNS):
            self.table.setColumnWidth(i, w)
        self.table.itemSelectionChanged.connect(self._selection_changed)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(6, 0, 0, 0)
        self.title = QLabel("请在左侧选择单位")
        set_role(self.title, "subtitle")
        self.title.setWordWrap(True)
        rl.addWidget(self.title)
        self.steps = QHBoxLayout()
        rl.addLayout(self.steps)
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        rl.addWidget(self.detail, 1)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 420])
        layout.addWidget(splitter, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.keyword.textChanged.connect(lambda _t: self._timer.start())
        self.status.currentIndexChanged.connect(lambda _i: self.refresh())
        self.kind.currentIndexChanged.connect(lambda _i: self.refresh())

    def set_kinds(self, kinds: list[Any]) -> None:
        self.kind.blockSignals(True)
        fill_combo(self.kind, [(k.name, k.code) for k in kinds], blank="全部类型")
        self.kind.blockSignals(False)

    def focus_search(self) -> None:
        self.keyword.setFocus()
        self.keyword.selectAll()

    # -- list -----------------------------------------------------------------------------------
    def current_filter(self) -> TrustUnitFilter:
        st = self.status.currentData()
        return TrustUnitFilter(keyword=self.keyword.text().strip(), statuses=(st,) if st and st != "holding" else (),
                               holding_only=st == "holding", kind_code=self.kind.currentData())

    def refresh(self, select_id: int | None = None) -> None:
        self._timer.stop()
        self._generation += 1
        gen, f, svc = self._generation, self.current_filter(), self.desk.trust_units
        keep = select_id if select_id is not None else (self.current.id if self.current else None)
        self.worker.run(lambda: svc.list_units(f), alive(self, lambda rows: self._loaded(gen, rows, keep)),
                        alive(self, lambda exc: self.error.set_message(getattr(exc, "message", "列表读取失败"))))

    def _loaded(self, gen: int, rows: list[Any], keep: int | None) -> None:
        if gen != self._generation:
            return
        self.error.set_message(None)
        self.rows = rows
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for r, u in enumerate(rows):
            status = u.status_label + ("（过期）" if u.expired else "")
            values = [u.business_name, u.kind_name, status, u.certificate_no or "", dtext(u.valid_until), dtext(u.last_revisit_date),
                      CONCLUSIONS.get(u.last_conclusion or "", ""), str(u.complaints) if u.complaints else ""]
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                if c == 7:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    if u.complaints:
                        item.setForeground(Qt.GlobalColor.red)
                if c == 2 and (u.expired or u.status in ("rectifying", "revocation_proposed")):
                    item.setForeground(Qt.GlobalColor.red)
                self.table.setItem(r, c, item)
        self.table.blockSignals(False)
        holding = sum(1 for u in rows if u.status in HOLDING)
        self.count.setText(f"共 {len(rows)} 家，持有称号 {holding} 家")
        if keep is not None:
            self.select_unit(keep)

    def select_unit(self, unit_id: int) -> bool:
        for r, u in enumerate(self.rows):
            if u.id == unit_id:
                self.table.selectRow(r)
                self.table.scrollToItem(self.table.item(r, 0))
                return True
        self.open_unit(unit_id)  # not in the filtered list: show it anyway
        return False

    def _selection_changed(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows and rows[0].row() < len(self.rows):
            self.open_unit(self.rows[rows[0].row()].id)

    def open_unit(self, unit_id: int) -> None:
        self._open_generation += 1
        gen, svc = self._open_generation, self.desk.trust_units
        self.worker.run(lambda: svc.get(unit_id), alive(self, lambda v: self._show(gen, v)),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "无法打开该单位")))

    def _show(self, gen: int, v: TrustUnitView) -> None:
        if gen != self._open_generation:
            return
        self.current = v
        self.title.setText(f"{v.business_name}（{v.status_label}）")
        self.detail.setHtml(unit_html(v))
        while self.steps.count():
            w = self.steps.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        if self.can_edit:
            for t in available_actions(v.status):
                b = QPushButton(t.label + "…")
                b.setObjectName(f"step_{t.action}")
                b.clicked.connect(lambda _c=False, a=t.action: self.step(a))
                self.steps.addWidget(b)
            if v.status in HOLDING:
                b = QPushButton("新增回访…")
                b.setObjectName("step_revisit")
                b.clicked.connect(self.new_revisit)
                self.steps.addWidget(b)
            edit = QPushButton("修改申报…")
            edit.setObjectName("step_edit")
            edit.clicked.connect(self.edit_application)
            self.steps.addWidget(edit)
        self.steps.addStretch(1)
        self.unit_changed.emit(v)

    # -- actions ----------------------------------------------------------------------------------
    def _open(self, dlg: RecordDialog) -> None:
        self.editor = dlg
        dlg.saved.connect(self._saved)
        dlg.open()

    def _saved(self, view: Any) -> None:
        unit_id = getattr(view, "unit_id", None) or view.id
        self.refresh(unit_id)
        self.open_unit(unit_id)
        self.page.revisits.refresh()

    def new_application(self) -> None:
        if self.can_edit:
            self._open(ApplicationDialog(self, self.desk, self.dialogs, self.worker, self.page.kinds))

    def edit_application(self) -> None:
        if self.current is not None:
            self._open(ApplicationDialog(self, self.desk, self.dialogs, self.worker, self.page.kinds, self.current))

    def step(self, action: str) -> None:
        if self.current is not None:
            self._open(StepDialog(self, self.desk, self.dialogs, self.worker, self.current, action))

    def new_revisit(self) -> None:
        if self.current is not None:
            from .revisits import RevisitDialog

            self._open(RevisitDialog(self, self.page, self.current, None))

    def export(self) -> None:
        path = self.dialogs.save_file(self, "导出 Excel", "诚信单位名录.xlsx", "Excel 工作簿 (*.xlsx)")
        if not path:
            return
        f, svc = self.current_filter(), self.desk.trust_units
        self.worker.run(lambda: svc.export_units(path, f),
                        alive(self, lambda r: self.dialogs.info(self, "导出 Excel", f"已导出 {r.rows} 条记录到：\n{r.path}")),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "没有导出")))
