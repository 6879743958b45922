"""投诉登记: the intake form, also used to correct a registered case.

Everything is checked by ``desk.complaints.register/update``; its field messages appear under
each field (names from desk.services.complaints.LABELS, ``business.xxx`` for a business
created inline, ``parties`` for co-complainants), and nothing typed is lost when a save fails.
While the user types, ``intake_warnings`` (same phone with an open case, a possible group
complaint, signs of profit-seeking) show in a yellow panel; they inform and never block.
Evidence files chosen before saving are uploaded right after the case is saved; a file that
fails is named in a message while the case stays saved."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDateTime, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk import clock
from desk.errors import ConflictError, ValidationError
from desk.services.businesses import BusinessInput
from desk.services.complaints import LABELS, ComplaintInput, ComplaintView, PartyInput
from ui.forms import ErrorLabel, FieldRow, FormBuilder, clear_errors, show_field_errors
from ui.style import set_role

from .lookups import Lookups
from .widgets import BusinessPicker, NoticePanel, alive, combo_value, fill_vocab_combo, select_data

if TYPE_CHECKING:
    from desk.facade import Desk
    from ui.dialogs import Dialogs
    from ui.worker import Worker

WARN_DELAY_MS = 500
MAX_ATTACHMENT_MB = 20

# Names for what ConflictError.changed reports (ComplaintView fields), beyond LABELS.
VIEW_LABELS: dict[str, str] = {
    **LABELS,
    "business_name": "被投诉经营者",
    "business_id": "被投诉经营者",
    "category_name": "商品/服务类别",
    "nature_name": "投诉性质",
    "channel_name": "投诉渠道",
    "handler_name": "承办人",
    "status_label": "状态",
    "is_joint": "共同投诉",
    "consumer_is_representative": "投诉人为代表人",
    "due_date": "办理期限",
    "accepted_date": "受理日期",
    "closed_date": "结案日期",
    "archive_no": "归档号",
    "result_summary": "处理结果",
    "paused_since": "暂停计时",
}
# Fields that repeat another one in a different form (a code next to its name).
_CONFLICT_SKIP = {"category_code", "nature_code", "channel_code", "handler_id", "business_id", "status", "office_id",
                  "due_kind", "due_provisional", "received_date", "rule_version", "masked", "attachments", "pauses",
                  "refusal_ground_code", "termination_ground_code", "business_credit_code", "business_address"}


def show_value(value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, tuple):
        names = [getattr(v, "name", str(v)) for v in value]
        return "、".join(names) or "（无）"
    text = str(value)
    return text if len(text) <= 60 else text[:60] + "…"


def conflict_lines(exc: ConflictError) -> list[str]:
    """'· 字段：您打开时为“…”，现为“…”' for each field the other desk changed."""
    lines = []
    for name, (mine, theirs) in exc.changed.items():
        if name in _CONFLICT_SKIP:
            continue
        lines.append(f"· {VIEW_LABELS.get(name, name)}：您打开时为“{show_value(mine)}”，现为“{show_value(theirs)}”")
    return lines


def _multiline(lines: int, grow: int = 0) -> QPlainTextEdit:
    """A plain-text box ``lines`` high that may grow by ``grow`` lines with the window."""
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)  # Tab moves on, as in every other field
    height = edit.fontMetrics().lineSpacing() * lines + 12
    edit.setMinimumHeight(height)
    edit.setMaximumHeight(height + edit.fontMetrics().lineSpacing() * grow)
    return edit


class CategoryPicker(QWidget):
    """大类 → 小类: two combos; 小类 may stay （不细分）, then the 大类 code is used."""

    changed = Signal()

    def __init__(self, lookups: Lookups, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lookups = lookups
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.top = QComboBox()
        self.sub = QComboBox()
        fill_vocab_combo(self.top, lookups.top_categories(), placeholder="请选择大类")
        self.sub.setPlaceholderText("先选大类")
        self.sub.setEnabled(False)
        self.top.setMinimumContentsLength(10)
        self.sub.setMinimumContentsLength(8)
        layout.addWidget(self.top, 3)
        layout.addWidget(self.sub, 2)
        self.setFocusProxy(self.top)
        self.top.currentIndexChanged.connect(self._top_changed)
        self.sub.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def _top_changed(self, _index: int) -> None:
        code = combo_value(self.top)
        self.sub.blockSignals(True)
        self.sub.clear()
        children = self.lookups.sub_categories(code) if code else []
        if children:
            self.sub.addItem("（不细分）", None)
            for c in children:
                if c.active:
                    self.sub.addItem(c.name, c.code)
        self.sub.setEnabled(bool(children))
        self.sub.setPlaceholderText("无小类" if code else "先选大类")
        self.sub.setCurrentIndex(0 if children else -1)
        self.sub.blockSignals(False)
        self.changed.emit()

    def code(self) -> str:
        return combo_value(self.sub) or combo_value(self.top) or ""

    def set_code(self, code: str) -> None:
        parent = self.lookups.parent_code(code)
        if parent is None:
            self.top.setCurrentIndex(-1)
            return
        select_data(self.top, parent)
        if code != parent:
            select_data(self.sub, code)


class PartiesEditor(QWidget):
    """共同投诉: further consumers (姓名, 电话, 地址, 代表人)."""

    changed = Signal()
    HEADERS = ["姓名", "电话", "地址", "代表人"]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(self.HEADERS)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMinimumHeight(70)
        self.table.setMaximumHeight(130)
        self.table.setVisible(False)
        self.table.itemChanged.connect(lambda _i: self.changed.emit())
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("添加共同投诉人")
        self.remove_button = QPushButton("删除所选")
        self.remove_button.setVisible(False)
        self.add_button.clicked.connect(lambda: self.add_party())
        self.remove_button.clicked.connect(self.remove_selected)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.setFocusProxy(self.add_button)

    def add_party(self, name: str = "", phone: str = "", address: str = "", representative: bool = False) -> int:
        row = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(row)
        for col, value in enumerate((name, phone, address)):
            self.table.setItem(row, col, QTableWidgetItem(value))
        check = QTableWidgetItem()
        check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        check.setCheckState(Qt.CheckState.Checked if representative else Qt.CheckState.Unchecked)
        self.table.setItem(row, 3, check)
        self.table.blockSignals(False)
        self._update()
        if not name:
            self.table.setCurrentCell(row, 0)
            self.table.editItem(self.table.item(row, 0))
        self.changed.emit()
        return row

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for r in rows:
            self.table.removeRow(r)
        self._update()
        self.changed.emit()

    def _update(self) -> None:
        has = self.table.rowCount() > 0
        self.table.setVisible(has)
        self.remove_button.setVisible(has)

    def parties(self) -> tuple[PartyInput, ...]:
        out = []
        for r in range(self.table.rowCount()):
            name, phone, address = ((self.table.item(r, c).text() if self.table.item(r, c) else "").strip() for c in range(3))
            if not (name or phone or address):
                continue  # an empty row the user added and left
            rep = self.table.item(r, 3).checkState() == Qt.CheckState.Checked
            out.append(PartyInput(name=name, phone=phone, address=address, is_representative=rep))
        return tuple(out)


class IntakeForm(QWidget):
    """The form. ``saved(view)`` after a successful save; ``closed()`` when cancelled."""

    saved = Signal(object)
    closed = Signal()

    def __init__(
        self,
        desk: Desk,
        dialogs: Dialogs,
        worker: Worker,
        lookups: Lookups,
        editing: ComplaintView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk, self.dialogs, self.worker, self.lookups = desk, dialogs, worker, lookups
        self.editing = editing  # the case as the user started editing it (for conflicts)
        self.dirty = False
        self.saving = False
        self.files: list[Path] = []
        self._latest: ComplaintView | None = None  # the case as saved by someone else (conflict)
        self.rows: dict[str, FieldRow] = {}
        self._warn_generation = 0
        self._warn_timer = QTimer(self)
        self._warn_timer.setSingleShot(True)
        self._warn_timer.setInterval(WARN_DELAY_MS)
        self._warn_timer.timeout.connect(self.check_warnings)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 10)
        head = QHBoxLayout()
        self.title = QLabel(f"修改登记信息　{editing.case_no}" if editing else "投诉登记")
        set_role(self.title, "title")
        head.addWidget(self.title)
        head.addStretch(1)
        hint = QLabel("Ctrl+S 保存　Esc 取消")
        set_role(hint, "muted")
        head.addWidget(hint)
        outer.addLayout(head)

        self.warnings = NoticePanel("登记提示（仅供参考，不影响保存）")
        outer.addWidget(self.warnings)
        self.conflict = NoticePanel("保存冲突")
        self.reload_button = QPushButton("重新载入最新内容")
        self.reload_button.clicked.connect(self.reload_latest)
        self.conflict.extra.addWidget(self.reload_button)
        self.conflict.extra.addStretch(1)
        outer.addWidget(self.conflict)
        self.general = ErrorLabel()
        outer.addWidget(self.general)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        columns = QHBoxLayout(body)
        columns.setContentsMargins(0, 0, 4, 0)
        left = QVBoxLayout()
        right = QVBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        # The order rows are added is the tab order and the order errors are focused in.
        left.addWidget(self._consumer_box())
        left.addWidget(self._business_box())
        left.addWidget(self._parties_box())
        left.addWidget(self._agent_box())
        left.addStretch(1)
        right.addWidget(self._content_box())
        if editing is None:
            right.addWidget(self._files_box())
        right.addStretch(1)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save_button = QPushButton("保存" if editing else "保存并登记")
        self.save_button.setDefault(True)
        self.save_button.setToolTip("Ctrl+S")
        self.cancel_button = QPushButton("取消")
        self.cancel_button.setToolTip("Esc")
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.cancel)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        outer.addLayout(buttons)

        save_shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_shortcut.activated.connect(self.save)
        esc = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        esc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        esc.activated.connect(self.cancel)

        if editing is not None:
            self.fill(editing)
            if editing.status != "registered":
                # The service refuses it too: the deadlines already run from this date.
                self.received_at.setEnabled(False)
                self.received_at.setToolTip("案件已受理，收到时间不能再修改")
        self._connect_dirty()
        self.dirty = False

    # -- building ------------------------------------------------------------------------------
    def _group(self, title: str) -> tuple[QGroupBox, FormBuilder]:
        box = QGroupBox(title)
        form = FormBuilder(box)
        form.layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        return box, form

    def _add(self, form: FormBuilder, name: str, label: str, editor: QWidget, hint: str | None = None) -> QWidget:
        self.rows[name] = form.add(name, label, editor, hint)
        return editor

    def _line(self, form: FormBuilder, name: str, label: str, placeholder: str = "", max_length: int = 0, hint: str | None = None) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        if max_length:
            edit.setMaxLength(max_length)
        self._add(form, name, label, edit, hint)
        return edit

    def _consumer_box(self) -> QGroupBox:
        box, form = self._group("投诉人")
        self.consumer_name = self._line(form, "consumer_name", "姓名", max_length=60)
        self.consumer_phone = self._line(form, "consumer_phone", "电话", "手机号，或固定电话如 0558-8612345", 40)
        self.consumer_address = self._line(form, "consumer_address", "地址", max_length=200)
        self.verify = QCheckBox("需要核验身份（登记身份证号）")
        self.verify.setToolTip("只在需要核验身份时登记身份证号（个人信息最少收集）")
        form.layout.addRow("", self.verify)
        self.consumer_id_no = self._line(form, "consumer_id_no", "身份证号", max_length=18)
        self._set_row_visible(form, "consumer_id_no", False)
        self.verify.toggled.connect(lambda on: self._set_row_visible(form, "consumer_id_no", on))
        return box

    def _set_row_visible(self, form: FormBuilder, name: str, visible: bool) -> None:
        row = self.rows[name]
        form.layout.setRowVisible(row.label, visible)

    def _parties_box(self) -> QGroupBox:
        box, form = self._group("共同投诉（两名以上消费者投诉同一经营者）")
        self.parties = PartiesEditor()
        self._add(form, "parties", "共同投诉人", self.parties, hint="最多推选两名代表人（含上面的投诉人）")
        self.consumer_rep = QCheckBox("上面登记的投诉人是代表人")
        self.consumer_rep.setEnabled(False)
        self.parties.changed.connect(lambda: self.consumer_rep.setEnabled(bool(self.parties.table.rowCount())))
        form.layout.addRow("", self.consumer_rep)
        return box

    def _agent_box(self) -> QGroupBox:
        box, form = self._group("委托代理人（没有可不填）")
        self.agent_name = self._line(form, "agent_name", "姓名", max_length=60)
        self.agent_phone = self._line(form, "agent_phone", "电话", max_length=40)
        self.agent_authorised = QCheckBox("已提交书面授权委托书")
        self._add(form, "agent_authorised", "授权委托", self.agent_authorised)
        return box

    def _business_box(self) -> QGroupBox:
        box, form = self._group("被投诉经营者")
        self._business_form = form
        self.business = BusinessPicker(self.desk, self.worker)
        self._add(form, "business", "经营者", self.business)
        self.business_detail = QLabel()
        set_role(self.business_detail, "muted")
        self.business_detail.setWordWrap(True)
        self.business_detail.setVisible(False)
        form.layout.addRow("", self.business_detail)
        self.business.changed.connect(self._business_changed)
        self.new_business = QCheckBox("登记簿中没有，新建经营者")
        form.layout.addRow("", self.new_business)
        self.nb_name = self._line(form, "business.name", "名称", max_length=200)
        self.nb_credit = self._line(form, "business.credit_code", "统一社会信用代码", "18位，不知道可不填", 18)
        self.nb_address = self._line(form, "business.address", "地址", max_length=200)
        self.nb_phone = self._line(form, "business.phone", "电话", max_length=40)
        for name in ("business.name", "business.credit_code", "business.address", "business.phone"):
            self._set_row_visible(form, name, False)
        self.new_business.toggled.connect(self._toggle_new_business)
        return box

    def _toggle_new_business(self, on: bool) -> None:
        for name in ("business.name", "business.credit_code", "business.address", "business.phone"):
            self._set_row_visible(self._business_form, name, on)
        self._set_row_visible(self._business_form, "business", not on)
        self.business_detail.setVisible(not on and bool(self.business_detail.text()))
        if on and not self.nb_name.text().strip() and self.business.business_id is None:
            self.nb_name.setText(self.business.text().strip())
        if on:
            self.nb_name.setFocus()
        self._warn_timer.start()

    def _business_changed(self, business_id: int | None) -> None:
        b = self.business.chosen
        if business_id is None:
            self.business_detail.setText("")
        elif b is not None:
            parts = [p for p in (f"信用代码 {b.credit_code}" if b.credit_code else "", b.address, b.phone) if p]
            self.business_detail.setText("　".join(parts) or "已从经营者登记簿选定")
        self.business_detail.setVisible(bool(self.business_detail.text()) and not self.new_business.isChecked())
        self._warn_timer.start()

    def _content_box(self) -> QGroupBox:
        box, form = self._group("投诉内容")
        lk = self.lookups
        self.category = CategoryPicker(lk)
        self._add(form, "category_code", "商品/服务类别", self.category)
        self.nature = QComboBox()
        fill_vocab_combo(self.nature, lk.natures, placeholder="请选择")
        self._add(form, "nature_code", "投诉性质", self.nature)
        self.channel = QComboBox()
        fill_vocab_combo(self.channel, lk.channels, placeholder="请选择")
        self._add(form, "channel_code", "投诉渠道", self.channel)
        self.received_at = QDateTimeEdit(QDateTime.fromString(f"{clock.now():%Y-%m-%d %H:%M}", "yyyy-MM-dd HH:mm"))
        self.received_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.received_at.setCalendarPopup(True)
        self._add(form, "received_at", "收到时间", self.received_at)
        self.amount = self._line(form, "amount", "争议金额（元）", "例如 1999.00，没有可不填", 20)
        self.demand = _multiline(2)
        self._add(form, "demand", "投诉请求", self.demand)
        self.facts = _multiline(6, grow=8)
        self._add(form, "facts", "事实与理由", self.facts)
        self.handler = QComboBox()
        actor = self.desk.actor
        for uid, name in sorted(lk.users.items(), key=lambda kv: kv[1]):
            self.handler.addItem(name, uid)
        if actor is not None and actor.user_id is not None:
            select_data(self.handler, actor.user_id)
        self._add(form, "handler_id", "承办人", self.handler)
        self.office = QComboBox(self)  # a row only when there are several offices
        self.office.hide()
        for o in lk.offices:
            self.office.addItem(f"{o.name}（{o.code}）", o.id)
        if actor is not None and actor.office_id is not None:
            select_data(self.office, actor.office_id)
        if len(lk.offices) > 1:
            self.office.show()
            self._add(form, "office_id", "受理单位", self.office)
        self.category.changed.connect(self._warn_timer.start)
        return box

    def _files_box(self) -> QGroupBox:
        box, form = self._group("证据附件（保存案件后上传，每个不超过 20 MB）")
        holder = QWidget()
        col = QVBoxLayout(holder)
        col.setContentsMargins(0, 0, 0, 0)
        self.file_list = QListWidget()
        self.file_list.setMaximumHeight(90)
        self.file_list.setVisible(False)
        col.addWidget(self.file_list)
        row = QHBoxLayout()
        add = QPushButton("添加文件…")
        add.clicked.connect(self.choose_file)
        self.remove_file_button = QPushButton("移除所选")
        self.remove_file_button.setVisible(False)
        self.remove_file_button.clicked.connect(self.remove_file)
        row.addWidget(add)
        row.addWidget(self.remove_file_button)
        row.addStretch(1)
        col.addLayout(row)
        holder.setFocusProxy(add)
        self._add(form, "file", "文件", holder, hint="照片、票据、聊天记录截图、合同等，任意格式")
        return box

    def _connect_dirty(self) -> None:
        def mark(*_a: object) -> None:
            self.dirty = True

        for edit in self.findChildren(QLineEdit):
            edit.textEdited.connect(mark)
        for combo in self.findChildren(QComboBox):
            combo.activated.connect(mark)
        for text in (self.demand, self.facts):
            text.textChanged.connect(mark)
        for check in self.findChildren(QCheckBox):
            check.toggled.connect(mark)
        self.received_at.dateTimeChanged.connect(mark)
        self.parties.changed.connect(mark)
        for edit in (self.consumer_phone, self.consumer_address, self.consumer_name):
            edit.textEdited.connect(lambda _t: self._warn_timer.start())
        self.received_at.dateTimeChanged.connect(lambda _d: self._warn_timer.start())

    # -- files -------------------------------------------------------------------------------------
    def choose_file(self) -> None:
        path = self.dialogs.open_file(self, "选择证据文件", "所有文件 (*)")
        if path:
            self.add_file(path)

    def add_file(self, path: str | Path) -> None:
        p = Path(path)
        self.files.append(p)
        try:
            size = f"{p.stat().st_size / 1024:,.0f} KB"
        except OSError:
            size = "无法读取"
        self.file_list.addItem(f"{p.name}（{size}）")
        self.file_list.setVisible(True)
        self.remove_file_button.setVisible(True)
        self.dirty = True

    def remove_file(self) -> None:
        row = self.file_list.currentRow()
        if row < 0:
            return
        self.file_list.takeItem(row)
        del self.files[row]
        has = bool(self.files)
        self.file_list.setVisible(has)
        self.remove_file_button.setVisible(has)

    # -- values ------------------------------------------------------------------------------------
    def fill(self, v: ComplaintView) -> None:
        """Show a saved case (edit mode, or 重新载入 after a conflict)."""
        self.consumer_name.setText(v.consumer_name)
        self.consumer_phone.setText(v.consumer_phone)
        self.consumer_address.setText(v.consumer_address)
        self.verify.setChecked(bool(v.consumer_id_no))
        self.consumer_id_no.setText(v.consumer_id_no or "")
        self.parties.table.setRowCount(0)
        for p in v.parties:
            self.parties.add_party(p.name, p.phone, p.address, p.is_representative)
        self.consumer_rep.setChecked(v.consumer_is_representative)
        self.consumer_rep.setEnabled(bool(v.parties))
        self.agent_name.setText(v.agent_name)
        self.agent_phone.setText(v.agent_phone)
        self.agent_authorised.setChecked(v.agent_authorised)
        self.new_business.setChecked(False)
        label = f"{v.business_name}（{v.business_credit_code}）" if v.business_credit_code else v.business_name
        self.business.set_choice(v.business_id, label)
        self.business_detail.setText("　".join(p for p in (v.business_address,) if p))
        self.business_detail.setVisible(bool(self.business_detail.text()))
        self.category.set_code(v.category_code)
        select_data(self.nature, v.nature_code)
        select_data(self.channel, v.channel_code)
        self.received_at.setDateTime(QDateTime.fromString(f"{v.received_at:%Y-%m-%d %H:%M}", "yyyy-MM-dd HH:mm"))
        self.amount.setText(f"{v.amount:.2f}" if v.amount else "")
        self.demand.setPlainText(v.demand)
        self.facts.setPlainText(v.facts)
        if v.handler_id is not None:
            select_data(self.handler, v.handler_id)
        select_data(self.office, v.office_id)

    def build_input(self) -> ComplaintInput:
        new_business = None
        business_id = None
        if self.new_business.isChecked():
            new_business = BusinessInput(
                name=self.nb_name.text(), credit_code=self.nb_credit.text(), address=self.nb_address.text(), phone=self.nb_phone.text()
            )
        else:
            business_id = self.business.business_id
        qdt = self.received_at.dateTime()
        d, t = qdt.date(), qdt.time()
        received = dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())
        return ComplaintInput(
            consumer_name=self.consumer_name.text(),
            consumer_phone=self.consumer_phone.text(),
            channel_code=combo_value(self.channel) or "",
            category_code=self.category.code(),
            nature_code=combo_value(self.nature) or "",
            received_at=received,
            business_id=business_id,
            new_business=new_business,
            consumer_address=self.consumer_address.text(),
            consumer_id_no=self.consumer_id_no.text() if self.verify.isChecked() else "",
            consumer_is_representative=self.consumer_rep.isChecked(),
            parties=self.parties.parties(),
            agent_name=self.agent_name.text(),
            agent_phone=self.agent_phone.text(),
            agent_authorised=self.agent_authorised.isChecked(),
            amount=self.amount.text().strip() or "0",
            demand=self.demand.toPlainText(),
            facts=self.facts.toPlainText(),
            handler_id=combo_value(self.handler),
            office_id=combo_value(self.office),
        )

    # -- checks while typing ----------------------------------------------------------------------
    def check_warnings(self) -> None:
        inp = self.build_input()
        if not (inp.consumer_phone.strip() or inp.consumer_address.strip() or inp.business_id):
            self.warnings.show_lines([])
            return
        self._warn_generation += 1
        gen = self._warn_generation
        exclude = self.editing.id if self.editing else None
        complaints = self.desk.complaints
        self.worker.run(
            lambda: complaints.intake_warnings(inp, exclude_id=exclude),
            alive(self, lambda found: self._show_warnings(gen, found)),
            alive(self, lambda _e: None),  # a hint that failed is no reason to bother the user
        )

    def _show_warnings(self, gen: int, found: list[Any]) -> None:
        if gen == self._warn_generation:
            self.warnings.show_lines([w.message for w in found])

    # -- saving ------------------------------------------------------------------------------------
    def save(self) -> None:
        if self.saving:
            return
        inp = self.build_input()
        clear_errors(self.rows, self.general)
        self.saving = True
        self.save_button.setEnabled(False)
        complaints = self.desk.complaints
        if self.editing is None:
            job = lambda: complaints.register(inp)  # noqa: E731
        else:
            case_id, started = self.editing.id, self.editing
            job = lambda: complaints.update(case_id, started, inp)  # noqa: E731
        self.worker.run(job, alive(self, self._saved), alive(self, self._failed))

    def _saved(self, view: ComplaintView) -> None:
        self.conflict.show_lines([])
        if not self.files:
            self._finish(view, [])
            return
        files = list(self.files)
        complaints = self.desk.complaints

        def upload() -> list[str]:
            failures = []
            for p in files:
                try:
                    complaints.add_attachment_file(view.id, p)
                except ValidationError as exc:
                    failures.append(next(iter(exc.fields.values()), exc.message))
                except Exception as exc:  # noqa: BLE001 - one bad file must not hide the others
                    failures.append(f"“{p.name}”未保存：{getattr(exc, 'message', exc)}")
            return failures

        self.worker.run(upload, alive(self, lambda failures: self._finish(view, failures)),
                        alive(self, lambda exc: self._finish(view, [f"附件未保存：{getattr(exc, 'message', exc)}"])))

    def _finish(self, view: ComplaintView, failures: list[str]) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        self.dirty = False
        self.files.clear()
        if failures:
            self.dialogs.warn(
                self, "附件未全部保存",
                f"案件 {view.case_no} 已保存，但以下附件没有保存：\n" + "\n".join(f"· {f}" for f in failures)
                + "\n\n可以在案件页面的“附件”中重新添加。",
            )
        self.saved.emit(view)

    def _failed(self, exc: BaseException) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self._show_errors(exc)
        elif isinstance(exc, ConflictError):
            self._conflict(exc)
        else:
            self.dialogs.show_error(self, exc, "案件没有保存")

    def _show_errors(self, exc: ValidationError) -> None:
        # A message for a hidden row (say the ID number while 核验 is off) must still be seen.
        fields = dict(exc.fields)
        if any(k.startswith("business.") for k in fields) and not self.new_business.isChecked():
            self.new_business.setChecked(True)
        if "consumer_id_no" in fields and not self.verify.isChecked():
            self.verify.setChecked(True)
        rest = show_field_errors(self.rows, exc, self.general)
        if rest:
            self.general.set_message("；".join(f"{VIEW_LABELS.get(k, k)}：{v}" for k, v in rest.items()))

    def _conflict(self, exc: ConflictError) -> None:
        lines = conflict_lines(exc)
        current = exc.current if isinstance(exc.current, ComplaintView) else None
        self._latest = current
        # Saving again now is a conscious overwrite: the user has seen what changed.
        if current is not None:
            self.editing = current
        shown = lines or ["（其他用户修改了办理状态或期限）"]
        self.conflict.show_lines([exc.message, *shown, "您的修改仍在表单中：可以再次保存覆盖，或重新载入最新内容。"])
        self.reload_button.setVisible(current is not None)
        if current is not None and self.dialogs.confirm(
            self, "保存冲突",
            exc.message + "\n\n其他用户修改了：\n" + "\n".join(shown)
            + "\n\n要重新载入最新内容吗？\n选“是”放弃您的修改并显示最新内容；选“否”保留您的修改，核对后可再次保存。",
        ):
            self.reload_latest()

    def reload_latest(self) -> None:
        current = self._latest
        if current is None:
            return
        self.editing = current
        self.fill(current)
        clear_errors(self.rows, self.general)
        self.conflict.show_lines([])
        self.dirty = False

    # -- closing -----------------------------------------------------------------------------------
    def can_close(self) -> bool:
        if self.saving:
            self.dialogs.info(self, "正在保存", "案件正在保存，请稍候。")
            return False
        if not self.dirty:
            return True
        what = "修改" if self.editing else "登记"
        return self.dialogs.confirm(self, f"放弃{what}", f"已填写的内容还没有保存，确定放弃{what}吗？")

    def cancel(self) -> None:
        if self.can_close():
            self.dirty = False
            self.closed.emit()
