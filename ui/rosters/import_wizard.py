"""The Excel import wizard: file → sheet → column mapping → preview with every row's problems →
import → summary. Reading, checking and importing run on the DB worker with a progress bar and
a 取消 button (cancelling an import leaves the roster as it was); the wizard is not modal, so
the main window stays usable meanwhile."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QCloseEvent, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk import roster_import as ri
from desk.errors import DeskError, ValidationError
from desk.validators import mask_id
from ui.admin._form import compact_rows
from ui.complaints.widgets import alive, pydate, today_edit
from ui.forms import ErrorLabel
from ui.style import set_role

from .widgets import CONSENT_METHODS, ProgressRelay, fill_kind_combo, select_data

if TYPE_CHECKING:
    from desk.facade import Desk
    from ui.dialogs import Dialogs
    from ui.worker import Worker

STEPS = ("选择文件", "选择工作表", "核对各列", "检查结果", "完成")
ERROR_BG = QColor("#fde2e1")
NOTE_BG = QColor("#fff6d5")
MUTED_FG = QColor("#80868b")
NOT_IMPORTED = "（不导入）"
PREVIEW_COLUMNS = ("行号", "处理", "姓名", "电话", "身份证号", "问题与说明")
FILTERS = (("全部行", None), ("有问题的行", ("error",)), ("新增", ("new",)), ("更新", ("update",)),
           ("跳过和无变化", ("skip", "unchanged")))


class PreviewModel(QAbstractTableModel):
    """The checked rows (up to 20,000) without a widget per cell; problems in red."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.all: list[ri.RowResult] = []
        self.rows: list[ri.RowResult] = []

    def set_rows(self, rows: list[ri.RowResult], actions: tuple[str, ...] | None = None) -> None:
        self.beginResetModel()
        self.all = rows
        self.rows = [r for r in rows if actions is None or r.action in actions]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(PREVIEW_COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == 5:
                return "；".join((*r.problems, *r.notes))
            if role == Qt.ItemDataRole.ToolTipRole:
                return None
            return (str(r.row_no), r.action_label, r.name, r.phone, r.id_no)[col]
        if role == Qt.ItemDataRole.BackgroundRole:
            if r.action == "error":
                return QBrush(ERROR_BG)
            if r.notes and r.action in ("new", "update"):
                return QBrush(NOTE_BG) if col == 5 else None
        if role == Qt.ItemDataRole.ForegroundRole and r.action in ("skip", "unchanged"):
            return QBrush(MUTED_FG)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return PREVIEW_COLUMNS[section]
        return None


class ImportWizard(QDialog):
    imported = Signal(object)  # ImportSummary, after a successful import

    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker, *, kind: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.dialogs, self.worker = desk, dialogs, worker
        self.setWindowTitle("从 Excel 导入名册")
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.resize(900, 640)
        self.path = ""
        self.sheets: list[ri.SheetInfo] = []
        self.data: ri.SheetData | None = None
        self.plan: ri.ImportPreview | None = None
        self.summary: ri.ImportSummary | None = None
        self.running = False
        self._cancel: threading.Event | None = None
        self._relay: ProgressRelay | None = None

        outer = QVBoxLayout(self)
        self.step_label = QLabel()
        set_role(self.step_label, "subtitle")
        outer.addWidget(self.step_label)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack, 1)
        self.stack.addWidget(self._file_page(kind))
        self.stack.addWidget(self._sheet_page())
        self.stack.addWidget(self._mapping_page())
        self.stack.addWidget(self._preview_page())
        self.stack.addWidget(self._summary_page())

        self.error = ErrorLabel()
        outer.addWidget(self.error)
        progress_row = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress_label = QLabel()
        self.cancel_button = QPushButton("取消")
        self.cancel_button.setToolTip("停止当前的读取、检查或导入；导入被取消时名册不会有任何改动")
        self.cancel_button.clicked.connect(self.cancel_job)
        progress_row.addWidget(self.progress_label)
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        self.progress_box = QWidget()
        self.progress_box.setLayout(progress_row)
        self.progress_box.hide()
        outer.addWidget(self.progress_box)

        buttons = QHBoxLayout()
        self.back_button = QPushButton("上一步")
        self.back_button.clicked.connect(self.back)
        self.next_button = QPushButton("下一步")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.next)
        self.close_button = QPushButton("关闭")
        self.close_button.clicked.connect(self.close)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.close_button)
        outer.addLayout(buttons)
        self._go(0)

    # -- pages ---------------------------------------------------------------------------------
    def _file_page(self, kind: str | None) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        intro = QLabel("从本会已有的 Excel 名册（.xlsx）导入人员。程序按表头（姓名、性别、联系电话、身份证号、乡镇、"
                       "工作单位、入会时间、证书编号……）自动对应各列，导入前逐行检查并列出问题；只有没有问题的行会被导入。"
                       "旧版 .xls 文件请先在 Excel 或 WPS 中另存为 .xlsx。")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        file_row = QHBoxLayout()
        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText("请选择 Excel 文件")
        self.browse_button = QPushButton("选择文件…")
        self.browse_button.clicked.connect(self.choose_file)
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.browse_button)
        form.addRow("文件：", file_row)
        self.kind = QComboBox()
        fill_kind_combo(self.kind)
        select_data(self.kind, kind or "volunteer")
        form.addRow("导入到：", self.kind)
        dup = QVBoxLayout()
        self.skip_radio = QRadioButton("跳过：名册中已有的人员保持不变")
        self.update_radio = QRadioButton("更新：用表中填写的内容更新（表中为空的项不改动）")
        self.skip_radio.setChecked(True)
        self.dup_group = QButtonGroup(page)
        self.dup_group.addButton(self.skip_radio)
        self.dup_group.addButton(self.update_radio)
        dup.addWidget(self.skip_radio)
        dup.addWidget(self.update_radio)
        hint = QLabel("同一人按身份证号、手机号（都没有时按姓名和乡镇）识别，再次导入同一文件不会产生重复人员。")
        hint.setWordWrap(True)
        set_role(hint, "muted")
        dup.addWidget(hint)
        form.addRow("已在名册中的人员：", dup)
        consent = QVBoxLayout()
        self.consent_check = QCheckBox("这些人员已同意本会收集和使用其个人信息")
        row = QHBoxLayout()
        self.consent_date = today_edit()
        self.consent_method = QComboBox()
        self.consent_method.setEditable(True)
        self.consent_method.addItems(CONSENT_METHODS)
        row.addWidget(QLabel("同意日期"))
        row.addWidget(self.consent_date)
        row.addWidget(QLabel("方式"))
        row.addWidget(self.consent_method, 1)
        consent.addWidget(self.consent_check)
        consent.addLayout(row)
        c_hint = QLabel("个人信息保护法：志愿者的信息以本人同意为依据。表中有“同意日期”“同意方式”列的，以表中为准；"
                        "未记录同意的志愿者会列入待办事项。")
        c_hint.setWordWrap(True)
        set_role(c_hint, "muted")
        consent.addWidget(c_hint)
        form.addRow("个人信息同意：", consent)
        self.consent_check.toggled.connect(self._consent_toggled)
        self._consent_toggled(False)
        layout.addLayout(form)
        layout.addStretch(1)
        return page

    def _consent_toggled(self, on: bool) -> None:
        self.consent_date.setEnabled(on)
        self.consent_method.setEnabled(on)

    def _sheet_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.sheet_intro = QLabel()
        self.sheet_intro.setWordWrap(True)
        layout.addWidget(self.sheet_intro)
        form = QFormLayout()
        self.sheet = QComboBox()
        self.sheet.setMinimumWidth(260)
        form.addRow("工作表：", self.sheet)
        layout.addLayout(form)
        hint = QLabel("表头行可以不在第一行（上方可有标题）；程序在前 20 行中查找写有“姓名”等列名的一行。"
                      "合并单元格的内容会填到所覆盖的每一行；公式取 Excel 保存时的计算结果。")
        hint.setWordWrap(True)
        set_role(hint, "muted")
        layout.addWidget(hint)
        layout.addStretch(1)
        return page

    def _mapping_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.mapping_intro = QLabel()
        self.mapping_intro.setWordWrap(True)
        layout.addWidget(self.mapping_intro)
        self.mapping_table = QTableWidget(len(ri.FIELDS), 3)
        self.mapping_table.setHorizontalHeaderLabels(["项目", "对应表中的列", "表中的示例"])
        self.mapping_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mapping_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        compact_rows(self.mapping_table)
        self.mapping_table.verticalHeader().setDefaultSectionSize(self.mapping_table.fontMetrics().height() + 14)
        header = self.mapping_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, 230)
        header.setStretchLastSection(True)
        self.mapping_combos: dict[str, QComboBox] = {}
        for i, (fld, label) in enumerate(ri.FIELDS.items()):
            self.mapping_table.setItem(i, 0, QTableWidgetItem(label + ("（必需）" if fld == "name" else "")))
            combo = QComboBox()
            combo.currentIndexChanged.connect(lambda _i, f=fld, r=i: self._mapping_changed(f, r))
            self.mapping_combos[fld] = combo
            self.mapping_table.setCellWidget(i, 1, combo)
            self.mapping_table.setItem(i, 2, QTableWidgetItem(""))
        layout.addWidget(self.mapping_table, 1)
        return page

    def _preview_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.preview_summary = QLabel()
        self.preview_summary.setWordWrap(True)
        layout.addWidget(self.preview_summary)
        row = QHBoxLayout()
        self.preview_filter = QComboBox()
        for label, actions in FILTERS:
            self.preview_filter.addItem(label, actions)
        self.preview_filter.currentIndexChanged.connect(self._filter_preview)
        row.addWidget(QLabel("显示："))
        row.addWidget(self.preview_filter)
        row.addStretch(1)
        legend = QLabel("红底：有问题，不导入；灰字：已在名册中")
        set_role(legend, "muted")
        row.addWidget(legend)
        layout.addLayout(row)
        self.preview_model = PreviewModel(self)
        self.preview_view = QTableView()
        self.preview_view.setModel(self.preview_model)
        self.preview_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.preview_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_view.setWordWrap(False)
        compact_rows(self.preview_view)
        header = self.preview_view.horizontalHeader()
        for i, w in enumerate((48, 56, 70, 100, 150)):
            header.resizeSection(i, w)
        header.setStretchLastSection(True)
        layout.addWidget(self.preview_view, 1)
        self.row_detail = QLabel()
        self.row_detail.setWordWrap(True)
        self.row_detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.row_detail)
        self.preview_view.selectionModel().currentRowChanged.connect(self._row_detail)
        return page

    def _row_detail(self, current: QModelIndex, _previous: QModelIndex) -> None:
        rows = self.preview_model.rows
        if not current.isValid() or current.row() >= len(rows):
            self.row_detail.setText("")
            return
        r = rows[current.row()]
        text = "；".join((*r.problems, *r.notes))
        self.row_detail.setText(f"第 {r.row_no} 行（{r.name or '无姓名'}）：{r.action_label}" + (f"。{text}" if text else ""))

    def _summary_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.summary_title = QLabel()
        set_role(self.summary_title, "subtitle")
        layout.addWidget(self.summary_title)
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        layout.addWidget(self.report, 1)
        return page

    # -- navigation ------------------------------------------------------------------------------
    @property
    def step(self) -> int:
        return self.stack.currentIndex()

    def _go(self, step: int) -> None:
        self.stack.setCurrentIndex(step)
        self.step_label.setText(f"第 {step + 1} 步，共 {len(STEPS)} 步：{STEPS[step]}")
        self._update_buttons()

    def _update_buttons(self) -> None:
        step = self.step
        busy = self.running
        self.back_button.setEnabled(not busy and 0 < step < 4)
        self.back_button.setVisible(step < 4)
        texts = {0: "下一步", 1: "读取工作表", 2: "检查", 3: "导入", 4: "完成"}
        text = texts[step]
        if step == 3 and self.plan is not None:
            n = self.plan.importable
            text = f"导入 {n} 行" if n else "没有可导入的行"
        self.next_button.setText(text)
        enabled = not busy
        if step == 0:
            enabled = enabled and bool(self.path)
        if step == 3:
            enabled = enabled and self.plan is not None and self.plan.importable > 0
        self.next_button.setEnabled(enabled)
        self.stack.setEnabled(not busy)
        self.close_button.setVisible(step < 4)

    def back(self) -> None:
        if not self.running and self.step > 0:
            self.error.set_message(None)
            self._go(self.step - 1)

    def next(self) -> None:
        if self.running:
            return
        self.error.set_message(None)
        step = self.step
        if step == 0:
            self.load_sheets()
        elif step == 1:
            self.read()
        elif step == 2:
            self.check()
        elif step == 3:
            self.commit()
        else:
            self.accept()

    def choose_file(self) -> None:
        path = self.dialogs.open_file(self, "选择 Excel 名册", "Excel 工作簿 (*.xlsx *.xlsm);;所有文件 (*)")
        if path:
            self.path = path
            self.path_edit.setText(path)
            self.data = self.plan = None
            self._update_buttons()

    def options(self) -> ri.ImportOptions:
        consent = self.consent_check.isChecked()
        return ri.ImportOptions(
            self.kind.currentData(),
            "update" if self.update_radio.isChecked() else "skip",
            pydate(self.consent_date.date()) if consent else None,
            self.consent_method.currentText().strip() if consent else "",
        )

    # -- jobs -------------------------------------------------------------------------------------
    def _run(self, stage: str, make: Callable[[Callable[[int, int, str], None], Callable[[], bool]], Any],
             done: Callable[[Any], None]) -> None:
        """Run ``make(progress, cancel)`` on the worker with the progress bar and 取消."""
        cancel = threading.Event()
        relay = ProgressRelay()
        relay.progress.connect(self._progress)
        self._cancel, self._relay = cancel, relay
        self.running = True
        self.progress.setRange(0, 0)  # busy until the first report
        self.progress_label.setText(f"正在{stage}…")
        self.cancel_button.setEnabled(True)
        self.progress_box.show()
        self._update_buttons()
        report = relay.report
        is_set = cancel.is_set
        self.worker.run(lambda: make(report, is_set), alive(self, lambda r: self._finished(done, r)),
                        alive(self, self._failed))

    def _progress(self, done: int, total: int, stage: str) -> None:
        if not self.running:
            return
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
            self.progress_label.setText(f"正在{stage}：{done:,} / {total:,} 行")
        else:
            self.progress.setRange(0, 0)
            self.progress_label.setText(f"正在{stage}：已处理 {done:,} 行")

    def _stop(self) -> None:
        self.running = False
        self.progress_box.hide()
        self._cancel = None
        self._relay = None
        self._update_buttons()

    def _finished(self, done: Callable[[Any], None], result: Any) -> None:
        self._stop()
        done(result)

    def _failed(self, exc: BaseException) -> None:
        self._stop()
        if isinstance(exc, ri.ImportCancelled):
            self.error.set_message(exc.message)
        elif isinstance(exc, ValidationError):
            self.error.set_message("请更正：" + exc.message)
            self._go(0)
        elif isinstance(exc, DeskError):
            self.error.set_message(exc.message)
        else:
            self.dialogs.show_error(self, exc, "导入没有完成")

    def cancel_job(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText("正在取消…")

    def load_sheets(self) -> None:
        path = self.path
        self._run("打开文件", lambda _p, _c: ri.list_sheets(path), self._sheets_loaded)

    def _sheets_loaded(self, sheets: list[ri.SheetInfo]) -> None:
        self.sheets = sheets
        self.sheet.clear()
        for s in sheets:
            self.sheet.addItem(s.label, s.name)
        first_visible = next((i for i, s in enumerate(sheets) if s.visible), 0)
        self.sheet.setCurrentIndex(first_visible)
        self.sheet_intro.setText(f"文件“{self.path}”中有 {len(sheets)} 个工作表。请选择名册所在的工作表：")
        self._go(1)

    def read(self) -> None:
        path, sheet = self.path, self.sheet.currentData()
        self._run("读取", lambda p, c: ri.read_sheet(path, sheet, progress=p, cancel=c), self._read_done)

    def _read_done(self, data: ri.SheetData) -> None:
        self.data = data
        self.plan = None
        auto = ri.auto_mapping(data.headers)
        extra = []
        if data.merged_ranges:
            extra.append(f"合并单元格 {data.merged_ranges} 处已填到所覆盖的每一行")
        if data.repeated_headers:
            extra.append(f"重复的表头行 {data.repeated_headers} 行已略过")
        self.mapping_intro.setText(
            f"工作表“{data.sheet}”：表头在第 {data.header_row} 行，表头以下有 {len(data.rows):,} 行"
            + (f"（{'；'.join(extra)}）" if extra else "") + "。请核对每一项对应的列，不需要的选“" + NOT_IMPORTED + "”。"
        )
        choices = [(NOT_IMPORTED, -1)] + [(data.column_label(c), c) for c, h in enumerate(data.headers) if h]
        for fld, combo in self.mapping_combos.items():
            combo.blockSignals(True)
            combo.clear()
            for label, col in choices:
                combo.addItem(label, col)
            select_data(combo, auto.get(fld, -1))
            combo.blockSignals(False)
        for i, fld in enumerate(ri.FIELDS):
            self._mapping_changed(fld, i)
        self._go(2)

    def _mapping_changed(self, fld: str, row: int) -> None:
        if self.data is None:
            return
        col = self.mapping_combos[fld].currentData()
        values = self.data.sample(col) if col is not None and col >= 0 else []
        if fld == "id_no":
            values = [mask_id(v) for v in values]  # enough to recognise the column
        sample = "、".join(values)
        self.mapping_table.item(row, 2).setText(sample)

    def mapping(self) -> dict[str, int]:
        return {f: c.currentData() for f, c in self.mapping_combos.items() if c.currentData() is not None and c.currentData() >= 0}

    def set_mapping(self, fld: str, col: int) -> None:
        select_data(self.mapping_combos[fld], col)

    def check(self) -> None:
        if self.data is None:
            return
        desk, data, mapping, options = self.desk, self.data, self.mapping(), self.options()
        self._run("检查", lambda p, c: ri.preview(desk, data, mapping, options, progress=p, cancel=c), self._checked)

    def _checked(self, plan: ri.ImportPreview) -> None:
        self.plan = plan
        self.preview_filter.blockSignals(True)
        self.preview_filter.setCurrentIndex(1 if plan.count("error") else 0)
        self.preview_filter.blockSignals(False)
        self._filter_preview()
        self.preview_summary.setText(
            f"检查了 {len(plan.rows):,} 行：可新增 {plan.count('new')}，可更新 {plan.count('update')}，"
            f"无变化 {plan.count('unchanged')}，跳过（已在名册中）{plan.count('skip')}，"
            f"有问题不导入 {plan.count('error')}。点“导入”把所有没有问题的行一次导入；有问题的行请在 Excel 中改正后再导入一次。"
        )
        self._go(3)

    def _filter_preview(self) -> None:
        if self.plan is not None:
            self.preview_model.set_rows(list(self.plan.rows), self.preview_filter.currentData())

    def commit(self) -> None:
        if self.data is None or self.plan is None:
            return
        desk, data, mapping, options = self.desk, self.data, dict(self.plan.mapping), self.plan.options
        self._run("导入", lambda p, c: ri.commit(desk, data, mapping, options, progress=p, cancel=c), self._committed)

    def _committed(self, result: tuple[ri.ImportPreview, ri.ImportSummary]) -> None:
        plan, summary = result
        self.plan, self.summary = plan, summary
        self.summary_title.setText(f"导入完成：新增 {summary.added} 人，更新 {summary.updated} 人。")
        self.report.setPlainText("\n".join(ri.report_lines(plan, summary)))
        self._go(4)
        self.imported.emit(summary)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        # Closing while a job runs cancels it: an import then saves nothing.
        self.cancel_job()
        super().closeEvent(event)
