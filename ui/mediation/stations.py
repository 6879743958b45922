"""和解站: the registry of 消费争议和解服务站 in enterprises (新建, 修改, 状态 运行/暂停/撤销) and
the registration of a complaint a station settled (channel 和解站, counted as resolved)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QDateTime, Qt, QTime
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk import clock
from desk.errors import ConflictError, ValidationError
from desk.mediation_stats import BREAKDOWN_FIELDS
from desk.roles import Perm
from desk.services.complaints import LABELS as COMPLAINT_LABELS
from desk.services.complaints import ComplaintInput, ComplaintView
from desk.services.mediation import OUTCOME_LABELS, STATION_STATUSES, OutcomeInput, merge_inputs
from desk.services.stations import LABELS, StationInput, StationView, station_input_of
from ui.complaints.widgets import BusinessPicker, NoticePanel, alive, fill_vocab_combo, qdate, today_edit
from ui.forms import ErrorLabel, FieldRow, FormBuilder, clear_errors, show_field_errors
from ui.style import set_role

from .outcome_dialog import _OptionalDate
from .widgets import money_edit, multiline, show_value

if TYPE_CHECKING:
    from .page import MediationPage

HEADERS = ("和解站", "所在企业", "和解员", "和解员电话", "投诉联络员", "联络员电话", "设立日期", "状态", "和解案件")


class StationsPanel(QWidget):
    def __init__(self, page: MediationPage) -> None:
        super().__init__()
        self.page = page
        self.desk, self.dialogs, self.worker = page.desk, page.dialogs, page.worker
        self.stations: list[StationView] = []
        self.dialog: QDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        top = QHBoxLayout()
        self.keyword = QLineEdit()
        self.keyword.setPlaceholderText("查找：和解站、企业、和解员、联络员（Ctrl+F）")
        self.keyword.setClearButtonEnabled(True)
        self.status = QComboBox()
        self.status.addItem("全部状态", None)
        for code, label in STATION_STATUSES.items():
            self.status.addItem(label, code)
        self.new_button = QPushButton("新建和解站…")
        self.edit_button = QPushButton("修改…")
        self.case_button = QPushButton("登记和解案件…")
        self.case_button.setToolTip("和解站报来的已和解投诉：按“和解站”渠道登记，计入解决件数")
        self.count = QLabel()
        set_role(self.count, "subtitle")
        top.addWidget(self.keyword, 1)
        top.addWidget(self.status)
        top.addWidget(self.new_button)
        top.addWidget(self.edit_button)
        top.addWidget(self.case_button)
        top.addWidget(self.count)
        layout.addLayout(top)
        self.error = ErrorLabel()
        layout.addWidget(self.error)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for i in range(1, len(HEADERS)):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._selected)
        self.table.itemDoubleClicked.connect(lambda *_: self.edit_station())
        layout.addWidget(self.table, 1)
        can_edit = self.desk.can(Perm.EDIT_REGISTERS)
        self.new_button.setVisible(can_edit)
        self.edit_button.setVisible(can_edit)
        self.case_button.setVisible(self.desk.can(Perm.EDIT_COMPLAINT))
        self.new_button.clicked.connect(lambda: self.new_station())
        self.edit_button.clicked.connect(lambda: self.edit_station())
        self.case_button.clicked.connect(lambda: self.record_case())
        self.keyword.returnPressed.connect(self.reload)
        self.keyword.textChanged.connect(lambda t: self.reload() if not t else None)
        self.status.currentIndexChanged.connect(lambda _i: self.reload())
        self._selected()

    def reload(self) -> None:
        stations, kw, status = self.desk.stations, self.keyword.text(), self.status.currentData()
        self.worker.run(lambda: stations.list(status=status, keyword=kw), alive(self, self._loaded),
                        alive(self, lambda exc: self.error.set_message(f"和解站读取失败：{getattr(exc, 'message', exc)}")))

    def _loaded(self, stations: list[StationView]) -> None:
        self.stations = stations
        self.error.set_message(None)
        self.table.setRowCount(len(stations))
        for r, s in enumerate(stations):
            values = (s.name, s.business_name, s.conciliator_name, s.conciliator_phone, s.liaison_name, s.liaison_phone,
                      f"{s.established_date:%Y-%m-%d}" if s.established_date else "", s.status_label, str(s.settled))
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                if c == len(values) - 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        active = sum(1 for s in stations if s.status == "active")
        self.count.setText(f"共 {len(stations)} 个，运行 {active} 个")
        self._selected()

    def current(self) -> StationView | None:
        r = self.table.currentRow()
        return self.stations[r] if 0 <= r < len(self.stations) and self.table.selectedItems() else None

    def _selected(self) -> None:
        s = self.current()
        self.edit_button.setEnabled(s is not None)
        self.case_button.setEnabled(s is not None and s.status == "active")

    def focus_search(self) -> None:
        self.keyword.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.keyword.selectAll()

    def new_station(self) -> StationDialog:
        return self._open(StationDialog(self, None))

    def edit_station(self) -> StationDialog | None:
        s = self.current()
        return self._open(StationDialog(self, s)) if s is not None and self.desk.can(Perm.EDIT_REGISTERS) else None

    def record_case(self) -> StationCaseDialog | None:
        s = self.current()
        if s is None or self.page.lookups is None:
            return None
        return self._open(StationCaseDialog(self, s))

    def _open(self, dlg: QDialog):  # type: ignore[no-untyped-def]
        dlg.finished.connect(lambda result, d=dlg: self._finished(d, result))
        self.dialog = dlg
        dlg.open()
        return dlg

    def _finished(self, dlg: QDialog, result: int) -> None:
        self.dialog = None
        dlg.deleteLater()
        if result:
            self.reload()
            if isinstance(dlg, StationCaseDialog) and dlg.result_view is not None:
                self.page.cases.reload()
                self.page.open_case(dlg.result_view.id)


class StationDialog(QDialog):
    """新建/修改和解站. A conflict merges both desks' edits, as the session form does."""

    def __init__(self, panel: StationsPanel, station: StationView | None) -> None:
        super().__init__(panel)
        self.panel = panel
        self.desk, self.dialogs, self.worker = panel.desk, panel.dialogs, panel.worker
        self.base = station
        self.result_view: StationView | None = None
        self.busy = False
        self.setWindowTitle("修改和解站" if station else "新建和解站")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.notice = NoticePanel("其他用户刚刚修改了这个和解站")
        layout.addWidget(self.notice)
        self.form = FormBuilder()
        self.business = BusinessPicker(self.desk, self.worker, placeholder="输入企业名称查找（须先在经营者名册中登记）")
        self.form.add("business_id", "所在企业", self.business)
        self.name = self.form.line_edit("name", "和解站名称", placeholder="不填时为“企业名称＋消费争议和解服务站”", max_length=200)
        self.address = self.form.line_edit("address", "地址", placeholder="不填时为企业地址", max_length=200)
        self.conciliator_name = self.form.line_edit("conciliator_name", "和解员", max_length=60)
        self.conciliator_phone = self.form.line_edit("conciliator_phone", "和解员电话", max_length=40)
        self.liaison_name = self.form.line_edit("liaison_name", "投诉联络员", max_length=60)
        self.liaison_phone = self.form.line_edit("liaison_phone", "联络员电话", max_length=40)
        self.established = _OptionalDate("填写", allow_future=False)
        self.form.add("established_date", "设立日期", self.established)
        self.status = QComboBox()
        for code, label in STATION_STATUSES.items():
            self.status.addItem(label, code)
        self.form.add("status", "状态", self.status)
        self.status_date = _OptionalDate("指定", allow_future=False)
        self.form.add("status_date", "状态变更日期", self.status_date, hint="不指定时为状态改变的当天")
        self.note = multiline(2, 2)
        self.form.add("note", "备注", self.note)
        self.form.add_message()
        layout.addLayout(self.form.layout)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        if station is not None:
            self.set_input(station_input_of(station), station.business_name)
        self.business.setFocus()

    def build_input(self) -> StationInput:
        return StationInput(
            business_id=self.business.business_id, name=self.name.text(), address=self.address.text(),
            conciliator_name=self.conciliator_name.text(), conciliator_phone=self.conciliator_phone.text(),
            liaison_name=self.liaison_name.text(), liaison_phone=self.liaison_phone.text(),
            established_date=self.established.value(), status=self.status.currentData(),
            status_date=self.status_date.value(), note=self.note.toPlainText(),
            office_id=self.base.office_id if self.base else None,
        )

    def set_input(self, inp: StationInput, business_name: str) -> None:
        self.business.set_choice(inp.business_id, business_name)
        self.name.setText(inp.name)
        self.address.setText(inp.address)
        self.conciliator_name.setText(inp.conciliator_name)
        self.conciliator_phone.setText(inp.conciliator_phone)
        self.liaison_name.setText(inp.liaison_name)
        self.liaison_phone.setText(inp.liaison_phone)
        self.established.set_value(inp.established_date)
        self.status.setCurrentIndex(self.status.findData(inp.status))
        self.status_date.set_value(inp.status_date)
        self.note.setPlainText(inp.note)

    def save(self) -> None:
        if self.busy:
            return
        inp = self.build_input()
        self.form.clear_errors()
        self.busy = True
        self.save_button.setEnabled(False)
        stations, base = self.desk.stations, self.base
        job = (lambda: stations.create(inp)) if base is None else (lambda: stations.update(base.id, base, inp))
        self.worker.run(job, alive(self, self._saved), alive(self, lambda exc: self._failed(exc, inp)))

    def _saved(self, view: StationView) -> None:
        self.busy = False
        self.result_view = view
        self.accept()

    def _failed(self, exc: BaseException, mine: StationInput) -> None:
        self.busy = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self.form.show_errors(exc)
        elif isinstance(exc, ConflictError) and isinstance(exc.current, StationView) and self.base is not None:
            m = merge_inputs(station_input_of(self.base), mine, station_input_of(exc.current))
            business_name = exc.current.business_name if m.merged.business_id == exc.current.business_id else self.business.text()
            self.set_input(m.merged, business_name)
            self.base = exc.current
            lines = [f"{LABELS.get(k, k)}：已采用对方的修改“{show_value(v)}”" for k, v in m.taken.items()]
            for k, (own, theirs) in m.conflicts.items():
                lines.append(f"{LABELS.get(k, k)}：双方都改了，这里保留您的“{show_value(own)}”，对方改为“{show_value(theirs)}”")
            lines.append("您的修改尚未保存：请核对后再点“保存”。")
            self.notice.show_lines(lines)
        else:
            self.dialogs.show_error(self, exc, "和解站没有保存")


class StationCaseDialog(QDialog):
    """登记和解案件: a complaint the station settled, as its 和解员 reports it."""

    def __init__(self, panel: StationsPanel, station: StationView) -> None:
        from ui.complaints.intake_form import CategoryPicker

        super().__init__(panel)
        self.panel, self.station = panel, station
        self.desk, self.dialogs, self.worker = panel.desk, panel.dialogs, panel.worker
        lookups = panel.page.lookups
        assert lookups is not None
        self.result_view: ComplaintView | None = None
        self.busy = False
        self.setWindowTitle(f"登记和解案件 — {station.name}")
        self.resize(700, 760)
        outer = QVBoxLayout(self)
        info = QLabel(f"被投诉经营者：{station.business_name}；投诉渠道：和解站。保存后案件登记为“调解成功”（和解站和解），计入解决件数。")
        info.setWordWrap(True)
        set_role(info, "muted")
        outer.addWidget(info)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        holder = QWidget()
        col = QVBoxLayout(holder)
        col.setContentsMargins(0, 0, 8, 0)
        self.rows: dict[str, FieldRow] = {}

        box = QGroupBox("投诉")
        col.addWidget(box)
        g = FormBuilder(box)
        self.consumer_name = g.line_edit("consumer_name", "消费者姓名", max_length=60)
        self.consumer_phone = g.line_edit("consumer_phone", "联系电话", max_length=40)
        self.received_at = QDateTimeEdit()
        self.received_at.setCalendarPopup(True)
        self.received_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        now = clock.now()
        self.received_at.setDateTime(QDateTime(qdate(now.date()), QTime(now.hour, 0)))
        g.add("received_at", "投诉时间", self.received_at)
        self.category = CategoryPicker(lookups)
        g.add("category_code", "商品/服务类别", self.category)
        self.nature = QComboBox()
        fill_vocab_combo(self.nature, lookups.natures, placeholder="请选择")
        g.add("nature_code", "投诉性质", self.nature)
        self.amount = money_edit()
        g.add("amount", "争议金额", self.amount)
        self.facts = multiline(2)
        g.add("facts", "事实与理由", self.facts)
        self.demand = multiline(1, 2)
        g.add("demand", "投诉请求", self.demand)
        self.rows.update(g.rows)

        box = QGroupBox("和解结果")
        col.addWidget(box)
        g = FormBuilder(box)
        self.on = today_edit()
        g.add("outcome.on", "和解日期", self.on)
        self.terms = multiline(2)
        self.terms.setPlaceholderText("如 超市退还货款58元并赔偿1,000元")
        g.add("outcome.terms", "协议内容", self.terms)
        self.performed = _OptionalDate("已当场履行", allow_future=False)
        self.performed.set_value(clock.today())
        g.add("outcome.performed_date", "履行日期", self.performed)
        self.performance_due = _OptionalDate("约定在此日期前履行", allow_future=True)
        g.add("outcome.performance_due", "履行期限", self.performance_due)
        self.parts: dict[str, QLineEdit] = {}
        for name, label in BREAKDOWN_FIELDS:
            self.parts[name] = money_edit()
            g.add(f"outcome.{name}", f"{label}（元）", self.parts[name])
        self.other_comp_basis = QLineEdit()
        self.other_comp_basis.setPlaceholderText("赔偿中含法定赔偿的，写明依据，如《食品安全法》第一百四十八条")
        g.add("outcome.other_comp_basis", "其他赔偿依据", self.other_comp_basis)
        self.other_comp_amount = money_edit()
        g.add("outcome.other_comp_amount", "其他赔偿金额", self.other_comp_amount)
        self.rows.update(g.rows)
        col.addStretch(1)
        scroll.setWidget(holder)
        outer.addWidget(scroll, 1)
        self.general = ErrorLabel()
        outer.addWidget(self.general)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("登记")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)
        self.consumer_name.setFocus()

    def build(self) -> tuple[ComplaintInput, OutcomeInput]:
        q = self.received_at.dateTime()
        received = dt.datetime(q.date().year(), q.date().month(), q.date().day(), q.time().hour(), q.time().minute())
        d = self.on.date()
        complaint = ComplaintInput(
            consumer_name=self.consumer_name.text(), consumer_phone=self.consumer_phone.text(), channel_code="C06",
            category_code=self.category.code(), nature_code=self.nature.currentData() or "", received_at=received,
            business_id=self.station.business_id, amount=self.amount.text() or "0", facts=self.facts.toPlainText(),
            demand=self.demand.toPlainText(),
        )
        outcome = OutcomeInput(
            result="station", station_id=self.station.id, on=dt.date(d.year(), d.month(), d.day()), terms=self.terms.toPlainText(),
            performed_date=self.performed.value(), performance_due=self.performance_due.value(),
            **{name: edit.text() for name, edit in self.parts.items()},
            other_comp_basis=self.other_comp_basis.text(), other_comp_amount=self.other_comp_amount.text(),
        )
        return complaint, outcome

    def save(self) -> None:
        if self.busy:
            return
        complaint, outcome = self.build()
        clear_errors(self.rows, self.general)
        self.busy = True
        self.save_button.setEnabled(False)
        stations, sid = self.desk.stations, self.station.id
        self.worker.run(lambda: stations.record_settled_case(sid, complaint, outcome), alive(self, self._saved), alive(self, self._failed))

    def _saved(self, view: ComplaintView) -> None:
        self.busy = False
        self.result_view = view
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            rest = show_field_errors(self.rows, exc, None)
            labels = {**COMPLAINT_LABELS, **{f"outcome.{k}": v for k, v in OUTCOME_LABELS.items()}}
            self.general.set_message("；".join(f"{labels.get(k, k)}：{v}" for k, v in rest.items()) or None)
        else:
            self.dialogs.show_error(self, exc, "和解案件没有登记")
