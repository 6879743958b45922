"""Pieces the 宣传活动 and 诚信单位 pages share: a record dialog (a form whose save runs on the
worker and shows each refusal next to its field), a register tab (filters, a table, 新建 /
编辑 / 删除 / 导出 Excel and a totals line), a vocabulary editor, and small editor helpers.

Dialogs open with ``open()`` (window-modal, not a nested event loop) so the page stays usable
and tests can drive them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk import clock
from desk.errors import ConflictError, ValidationError
from desk.roles import Perm
from ui.complaints.widgets import OptionalDateEdit, alive, pydate, qdate
from ui.forms import ErrorLabel, FormBuilder
from ui.style import set_role

if TYPE_CHECKING:
    from desk.facade import Desk
    from ui.dialogs import Dialogs
    from ui.worker import Worker

SEARCH_DELAY_MS = 300

__all__ = ["OptionalDateEdit", "alive", "pydate", "qdate"]


# -- editors ------------------------------------------------------------------------------------


def date_edit(default: dt.date | None = None, *, allow_future: bool = False) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(QDate(2000, 1, 1))
    edit.setMaximumDate(QDate(2099, 12, 31) if allow_future else qdate(clock.today()))
    edit.setDate(qdate(default or clock.today()))
    return edit


def count_spin(maximum: int = 10_000_000, value: int = 0) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, maximum)
    spin.setValue(value)
    spin.setGroupSeparatorShown(True)
    spin.setMinimumWidth(110)
    return spin


def multiline(lines: int = 3, placeholder: str = "") -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setPlaceholderText(placeholder)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 14)
    return edit


def fill_combo(combo: QComboBox, items: Sequence[tuple[str, Any]], *, blank: str | None = None) -> None:
    combo.clear()
    if blank is not None:
        combo.addItem(blank, None)
    for label, data in items:
        combo.addItem(label, data)


def select(combo: QComboBox, data: Any) -> None:
    i = combo.findData(data)
    if i >= 0:
        combo.setCurrentIndex(i)


def dtext(value: dt.date | None) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


def num(value: int | None) -> str:
    return f"{value:,}" if value is not None else ""


# -- a record dialog --------------------------------------------------------------------------------


class RecordDialog(QDialog):
    """A form in a dialog. Subclasses add rows to ``self.form`` and implement ``job()``,
    returning a callable for the worker (built from the form's values, holding no widget).
    A refusal shows next to its field and the dialog stays open with what was typed."""

    saved = Signal(object)

    def __init__(self, parent: QWidget | None, title: str, dialogs: Dialogs, worker: Worker, *, width: int = 520) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.dialogs, self.worker = dialogs, worker
        self.busy = False
        outer = QVBoxLayout(self)
        self.form_box = QWidget()
        self.form = FormBuilder(self.form_box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.form_box)
        outer.addWidget(scroll, 1)
        self.general = ErrorLabel()
        outer.addWidget(self.general)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        sc = QShortcut(QKeySequence.StandardKey.Save, self)
        sc.activated.connect(self.save)
        self._width = width
        self._sized = False
        self.resize(width, 200)

    def showEvent(self, event: Any) -> None:  # Qt override
        # Tall enough for the whole form (subclasses add rows after __init__ here), within the screen.
        if not self._sized:
            self._sized = True
            screen = self.screen().availableGeometry().height() if self.screen() else 800
            # Word-wrapped hints make the form's height depend on its width: ask for that.
            body_h = self.form_box.heightForWidth(self._width - 40) if self.form_box.hasHeightForWidth() else -1
            want = max(body_h, self.form_box.sizeHint().height()) + self.buttons.sizeHint().height() + 60
            self.resize(max(self._width, self.form_box.sizeHint().width() + 40), min(want, int(screen * 0.9)))
        super().showEvent(event)

    @property
    def save_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Save)

    def job(self) -> Callable[[], Any]:
        raise NotImplementedError

    def save(self) -> None:
        if self.busy:
            return
        self.form.clear_errors()
        self.general.set_message(None)
        try:
            job = self.job()
        except ValidationError as exc:  # the form itself found a problem
            self._failed(exc)
            return
        self.busy = True
        self.save_button.setEnabled(False)
        self.worker.run(job, alive(self, self._done), alive(self, self._failed))

    def _done(self, view: Any) -> None:
        self.busy = False
        self.save_button.setEnabled(True)
        self.saved.emit(view)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            rest = self.form.show_errors(exc)
            if rest:
                self.general.set_message("；".join(rest.values()))
            elif not exc.fields:
                self.general.set_message(exc.message)
        elif isinstance(exc, ConflictError):
            self.general.set_message(exc.message + " 请关闭后重新打开这条记录。")
        else:
            self.dialogs.show_error(self, exc, "没有保存")

    def error_text(self, name: str) -> str:
        row = self.form.rows.get(name)
        return row.message if row is not None else ""


# -- a register tab ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Any], str]
    width: int = 100
    right: bool = False


class RegisterTab(QWidget):
    """Filters (date range, a kind, keyword), the list, its buttons and a totals line. A
    subclass sets ``columns``, ``kind_items`` and implements ``load_job``, ``new_dialog``,
    ``edit_dialog``, ``delete_job``, ``export_job`` and ``totals_text``."""

    columns: list[Column] = []
    kind_label = "类型"
    noun = "记录"
    date_label = "日期"

    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.dialogs, self.worker = desk, dialogs, worker
        self.can_edit = desk.can(Perm.EDIT_REGISTERS)
        self.rows: list[Any] = []
        self.editor: RecordDialog | None = None
        self._generation = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        bar = QHBoxLayout()
        self.filter_bar = bar
        self.keyword = QLineEdit()
        self.keyword.setPlaceholderText("关键字（Ctrl+F）")
        self.keyword.setClearButtonEnabled(True)
        self.kind = QComboBox()
        self.kind.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.date_from = OptionalDateEdit()
        self.date_to = OptionalDateEdit()
        this_year = clock.today().year
        self.date_from.set_value(dt.date(this_year, 1, 1))
        bar.addWidget(self.keyword, 2)
        bar.addWidget(self.kind)
        bar.addWidget(QLabel(self.date_label))
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel("至"))
        bar.addWidget(self.date_to)
        layout.addLayout(bar)
        buttons = QHBoxLayout()
        self.new_button = QPushButton(f"新建{self.noun}")
        self.new_button.setToolTip("Ctrl+N")
        self.edit_button = QPushButton("编辑")
        self.delete_button = QPushButton("删除")
        self.export_button = QPushButton("导出 Excel")
        self.new_button.clicked.connect(self.new_record)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.export_button.clicked.connect(self.export)
        for b in (self.new_button, self.edit_button, self.delete_button):
            b.setVisible(self.can_edit)
            buttons.addWidget(b)
        buttons.addWidget(self.export_button)
        self.extra_buttons = QHBoxLayout()
        buttons.addLayout(self.extra_buttons)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.error = ErrorLabel()
        layout.addWidget(self.error)
        self.table = QTableWidget(0, len(self.columns))
        self.table.setHorizontalHeaderLabels([c.title for c in self.columns])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for i, c in enumerate(self.columns):
            self.table.setColumnWidth(i, c.width)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)
        self.totals = QLabel()
        set_role(self.totals, "subtitle")
        self.totals.setWordWrap(True)
        layout.addWidget(self.totals)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.keyword.textChanged.connect(lambda _t: self._timer.start())
        self.kind.currentIndexChanged.connect(lambda _i: self.refresh())
        self.date_from.dateChanged.connect(lambda _d: self.refresh())
        self.date_to.dateChanged.connect(lambda _d: self.refresh())
        for keys, slot in ((QKeySequence.StandardKey.New, self.new_record),):
            sc = QShortcut(QKeySequence(keys), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)
        self._update_buttons()

    # -- to override --------------------------------------------------------------------------------
    def load_job(self, f: Any) -> Callable[[], list[Any]]:
        raise NotImplementedError

    def new_dialog(self) -> RecordDialog:
        raise NotImplementedError

    def edit_dialog(self, row: Any) -> RecordDialog:
        raise NotImplementedError

    def delete_job(self, row: Any) -> Callable[[], Any]:
        raise NotImplementedError

    def export_job(self, path: str, f: Any) -> Callable[[], Any]:
        raise NotImplementedError

    def totals_text(self, rows: list[Any]) -> str:
        return f"共 {len(rows)} 条"

    def describe(self, row: Any) -> str:
        return getattr(row, "title", "") or "这条记录"

    def current_filter(self) -> Any:
        from desk.services.outreach import RegisterFilter

        return RegisterFilter(date_from=self.date_from.value(), date_to=self.date_to.value(), kind=self.kind.currentData(),
                              keyword=self.keyword.text().strip())

    def suggested_export_name(self) -> str:
        return f"{self.noun}.xlsx"

    # -- list ---------------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.keyword.setFocus()
        self.keyword.selectAll()

    def refresh(self, select_id: int | None = None) -> None:
        self._timer.stop()
        self._generation += 1
        gen = self._generation
        self.worker.run(self.load_job(self.current_filter()), alive(self, lambda rows: self._loaded(gen, rows, select_id)),
                        alive(self, lambda exc: self._load_failed(gen, exc)))

    def _loaded(self, gen: int, rows: list[Any], select_id: int | None) -> None:
        if gen != self._generation:
            return
        keep = select_id if select_id is not None else (self.selected().id if self.selected() is not None else None)
        self.error.set_message(None)
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, col in enumerate(self.columns):
                item = QTableWidgetItem(col.value(row))
                if col.right:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.totals.setText(self.totals_text(rows))
        if keep is not None:
            for r, row in enumerate(rows):
                if getattr(row, "id", None) == keep:
                    self.table.selectRow(r)
                    break
        self._update_buttons()

    def _load_failed(self, gen: int, exc: BaseException) -> None:
        if gen == self._generation:
            self.error.set_message(getattr(exc, "message", None) or "列表读取失败，详细信息已写入日志。")

    def selected(self) -> Any:
        rows = self.table.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < len(self.rows):
            return None
        return self.rows[rows[0].row()]

    def _update_buttons(self) -> None:
        has = self.selected() is not None
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)

    # -- actions ------------------------------------------------------------------------------------
    def _show_editor(self, dlg: RecordDialog) -> None:
        self.editor = dlg
        dlg.saved.connect(lambda view: self.refresh(getattr(view, "id", None)))
        dlg.open()

    def new_record(self) -> None:
        if self.can_edit:
            self._show_editor(self.new_dialog())

    def edit_selected(self) -> None:
        row = self.selected()
        if row is not None:
            self._show_editor(self.edit_dialog(row))

    def delete_selected(self) -> None:
        row = self.selected()
        if row is None or not self.can_edit:
            return
        if not self.dialogs.confirm(self, f"删除{self.noun}", f"确定删除“{self.describe(row)}”吗？删除后不能恢复。"):
            return
        self.worker.run(self.delete_job(row), alive(self, lambda _r: self.refresh()),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "没有删除")))

    def export(self) -> None:
        path = self.dialogs.save_file(self, "导出 Excel", self.suggested_export_name(), "Excel 工作簿 (*.xlsx)")
        if not path:
            return
        self.export_button.setEnabled(False)
        self.worker.run(self.export_job(path, self.current_filter()), alive(self, self._exported),
                        alive(self, self._export_failed))

    def _exported(self, result: Any) -> None:
        self.export_button.setEnabled(True)
        self.dialogs.info(self, "导出 Excel", f"已导出 {result.rows} 条记录到：\n{result.path}")

    def _export_failed(self, exc: BaseException) -> None:
        self.export_button.setEnabled(True)
        self.dialogs.show_error(self, exc, "没有导出")


# -- a vocabulary editor ---------------------------------------------------------------------------------


class VocabEditor(QWidget):
    """Lists a register vocabulary (stable codes) and lets an admin add, rename and switch items
    on or off; ``kinds`` are (kind, label) pairs shown in a chooser."""

    changed = Signal(str)

    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker, kinds: Sequence[tuple[str, str]],
                 parent: QWidget | None = None, *, note: str = "") -> None:
        super().__init__(parent)
        self.desk, self.dialogs, self.worker = desk, dialogs, worker
        self.can_edit = desk.can(Perm.MANAGE_VOCAB)
        self.items: list[Any] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        top = QHBoxLayout()
        self.kind = QComboBox()
        for kind, label in kinds:
            self.kind.addItem(label, kind)
        top.addWidget(QLabel("词表："))
        top.addWidget(self.kind)
        top.addStretch(1)
        layout.addLayout(top)
        hint = QLabel(note or "每个项目有固定的代码，统计按代码计算；停用的项目不再出现在选择列表中，已有记录仍保留。")
        hint.setWordWrap(True)
        set_role(hint, "muted")
        layout.addWidget(hint)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["代码", "名称", "状态", "来源"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("添加…")
        self.rename_button = QPushButton("改名…")
        self.toggle_button = QPushButton("停用")
        self.add_button.clicked.connect(self.add)
        self.rename_button.clicked.connect(self.rename)
        self.toggle_button.clicked.connect(self.toggle)
        for b in (self.add_button, self.rename_button, self.toggle_button):
            b.setVisible(self.can_edit)
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        if not self.can_edit:
            ro = QLabel("只有管理员和秘书长可以修改词表。")
            set_role(ro, "muted")
            layout.addWidget(ro)
        self.kind.currentIndexChanged.connect(lambda _i: self.load())
        self.table.itemSelectionChanged.connect(self._update)
        self.load()

    def current_kind(self) -> str:
        return self.kind.currentData()

    def load(self, select_id: int | None = None) -> None:
        kind = self.current_kind()
        svc = self.desk.outreach
        self.worker.run(lambda: svc.vocab(kind, include_inactive=True), alive(self, lambda rows: self._loaded(rows, select_id)),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "词表读取失败")))

    def _loaded(self, rows: list[Any], select_id: int | None) -> None:
        self.items = rows
        self.table.setRowCount(len(rows))
        for r, v in enumerate(rows):
            name = v.name + ("（另记次数）" if v.counted and "次数" not in v.name else "")
            for c, text in enumerate((v.code, name, "启用" if v.active else "已停用", "内置" if v.builtin else "自定义")):
                item = QTableWidgetItem(text)
                if not v.active:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(r, c, item)
            if v.id == select_id:
                self.table.selectRow(r)
        self._update()

    def selected(self) -> Any:
        rows = self.table.selectionModel().selectedRows()
        return self.items[rows[0].row()] if rows and rows[0].row() < len(self.items) else None

    def _update(self) -> None:
        v = self.selected()
        self.rename_button.setEnabled(v is not None)
        self.toggle_button.setEnabled(v is not None)
        self.toggle_button.setText("启用" if v is not None and not v.active else "停用")

    def _run(self, job: Callable[[], Any]) -> None:
        self.worker.run(job, alive(self, lambda v: (self.load(v.id), self.changed.emit(v.kind))),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "词表没有修改")))

    def add(self) -> None:
        name = self.dialogs.ask_text(self, "添加项目", f"“{self.kind.currentText()}”的新项目名称：")
        if name is None or not name.strip():
            return
        kind, svc = self.current_kind(), self.desk.outreach
        self._run(lambda: svc.add_vocab(kind, name))

    def rename(self) -> None:
        v = self.selected()
        if v is None:
            return
        name = self.dialogs.ask_text(self, "改名", f"“{v.name}”改为：", v.name)
        if name is None or name.strip() == v.name:
            return
        svc = self.desk.outreach
        self._run(lambda: svc.rename_vocab(v.id, v, name))

    def toggle(self) -> None:
        v = self.selected()
        if v is None:
            return
        svc = self.desk.outreach
        self._run(lambda: svc.set_vocab_active(v.id, not v.active))
