"""节假日: the office's holiday / makeup-workday overrides over the built-in calendar, import
from a text file, coverage warnings and a small deadline calculator (Perm.MANAGE_CALENDAR)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desk import clock
from desk.dates import cn_date
from desk.errors import DeskError, ValidationError
from desk.facade import Desk
from desk.services.calendar import OverrideView
from desk.workcal import Coverage, DayResult, parse_overrides_text, provisional_warning
from ui.admin._form import (
    alive,
    error_label,
    fill_row,
    hint_label,
    make_table,
    select_key,
    selected_key,
)
from ui.dialogs import Dialogs
from ui.worker import Worker

WEEKDAYS = "一二三四五六日"
FORMAT_HELP = (
    "文件格式：纯文本（.txt），每行一条，日期、安排（休＝放假，班＝调休上班）、名称之间用空格隔开；"
    "连续几天可写成“开始..结束”；# 之后是注释。例如：\n"
    "2027-01-01 休 元旦\n"
    "2027-02-07 班 春节调休\n"
    "2027-10-01..2027-10-07 休 国庆节\n"
    "导入时逐行检查，有一行出错则整个文件都不导入；已录入的同一天会被文件中的安排替换。"
)
WARNING_STYLE = "color: #b34700; font-weight: bold;"


def weekday(d: dt.date) -> str:
    return "星期" + WEEKDAYS[d.weekday()]


def read_text_file(path: str) -> str:
    """Text written by Notepad/WPS may be UTF-8 (with or without BOM) or GBK."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise DeskError(f"无法读取文件：{exc.strerror or exc}") from exc
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DeskError("无法识别文件的文字编码，请用记事本另存为 UTF-8 编码后再导入。")


def coverage_texts(cov: Coverage, this_year: int) -> tuple[str, str]:
    """(note on which years are covered, warning for this/next year when not covered)."""
    pkg = cov.package_years
    note = f"内置节假日数据覆盖 {pkg[0]}–{pkg[-1]} 年" if pkg else "没有内置节假日数据"
    extra = [y for y in cov.override_years if y not in pkg]
    if extra:
        note += "；本单位另行录入了 " + "、".join(f"{y}年" for y in extra)
    note += "。下表所列为本单位的调整，优先于内置数据。"
    missing = [y for y in (this_year, this_year + 1) if not cov.covers(y)]
    warning = "".join(
        f"{y}年节假日尚未录入，期限按周一至周五临时推算。请在国务院办公厅公布{y}年放假安排后，在本页录入或从文件导入。"
        for y in missing
    )
    return note, warning


class CalendarPage(QWidget):
    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.dialogs = dialogs
        self.worker = worker
        self.entries: dict[dt.date, OverrideView] = {}
        today = clock.today()

        top = QHBoxLayout()
        top.addWidget(QLabel("年份："))
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(today.year)
        self.year_spin.valueChanged.connect(lambda _y: self.load())
        top.addWidget(self.year_spin)
        # Entries alone never make a year final (元旦 alone is no schedule): the admin says so.
        self.complete_check = QCheckBox("本年放假安排已全部录入")
        self.complete_check.setToolTip("勾选后，该年的办理期限不再标注“暂定”。从文件导入会自动勾选该文件涉及的年份。")
        self.complete_check.clicked.connect(self._set_complete)
        top.addWidget(self.complete_check)
        self.coverage_label = hint_label()
        top.addWidget(self.coverage_label, 1)
        self.warning_label = QLabel()
        self.warning_label.setStyleSheet(WARNING_STYLE)
        self.warning_label.setWordWrap(True)
        self.warning_label.hide()

        # left: the year's entries and the editor for one day
        self.table = make_table(["日期", "星期", "安排", "名称"], stretch_column=3)
        for col, chars in ((0, 10), (1, 5), (2, 4)):  # steady widths, even while the table is empty
            self.table.horizontalHeader().setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            self.table.setColumnWidth(col, self.fontMetrics().horizontalAdvance("0") * chars + 24)
        self.table.itemSelectionChanged.connect(self._on_selection)
        self.count_label = hint_label()
        edit_box = QGroupBox("录入或修改一天")
        ef = QFormLayout(edit_box)
        self.day_edit = QDateEdit()
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("yyyy-MM-dd")
        self.day_edit.setDate(QDate(today.year, today.month, today.day))
        self.day_edit.dateChanged.connect(self._show_weekday)
        self.weekday_label = QLabel()
        day_row = QHBoxLayout()
        day_row.addWidget(self.day_edit)
        day_row.addWidget(self.weekday_label)
        day_row.addStretch(1)
        ef.addRow("日期：", day_row)
        self.kind_combo = QComboBox()
        self.kind_combo.addItem("放假", False)
        self.kind_combo.addItem("上班（调休）", True)
        ef.addRow("安排：", self.kind_combo)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("如 春节、国庆节调休")
        self.name_edit.setMaxLength(40)
        ef.addRow("名称：", self.name_edit)
        self.name_error = error_label()
        ef.addRow("", self.name_error)
        row = QHBoxLayout()
        self.save_button = QPushButton("保存这一天")
        self.save_button.clicked.connect(self.save_day)
        self.remove_button = QPushButton("删除所选")
        self.remove_button.clicked.connect(self.remove_selected)
        row.addWidget(self.save_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        ef.addRow("", row)
        left = QVBoxLayout()
        left.addWidget(self.table, 1)
        left.addWidget(self.count_label)
        left.addWidget(edit_box)

        # right: import and the calculator
        import_box = QGroupBox("从文件导入")
        il = QVBoxLayout(import_box)
        help_label = QLabel(FORMAT_HELP)
        help_label.setWordWrap(True)
        il.addWidget(help_label)
        self.import_button = QPushButton("从文件导入…")
        self.import_button.clicked.connect(self.import_file)
        il.addWidget(self.import_button)
        self.import_error = error_label()
        il.addWidget(self.import_error)

        calc_box = QGroupBox("期限试算")
        cf = QFormLayout(calc_box)
        self.calc_start = QDateEdit()
        self.calc_start.setCalendarPopup(True)
        self.calc_start.setDisplayFormat("yyyy-MM-dd")
        self.calc_start.setDate(QDate(today.year, today.month, today.day))
        cf.addRow("起算日：", self.calc_start)
        n_row = QHBoxLayout()
        self.calc_n = QSpinBox()
        self.calc_n.setRange(0, 999)
        self.calc_n.setValue(7)
        self.calc_unit = QComboBox()
        self.calc_unit.addItem("个工作日", "working")
        self.calc_unit.addItem("天（自然日）", "calendar")
        n_row.addWidget(self.calc_n)
        n_row.addWidget(self.calc_unit)
        n_row.addStretch(1)
        cf.addRow("期限：", n_row)
        self.calc_button = QPushButton("计算")
        self.calc_button.clicked.connect(self.calculate)
        cf.addRow("", self.calc_button)
        self.calc_result = QLabel()
        self.calc_result.setWordWrap(True)
        cf.addRow("到期日：", self.calc_result)
        self.calc_warning = QLabel()
        self.calc_warning.setWordWrap(True)
        self.calc_warning.setStyleSheet(WARNING_STYLE)
        self.calc_warning.hide()
        cf.addRow(self.calc_warning)
        cf.addRow(hint_label("起算当日不计；自然日期限的最后一天是节假日的，顺延到下一个工作日。"))
        right = QVBoxLayout()
        right.addWidget(import_box)
        right.addWidget(calc_box)
        right.addStretch(1)

        cols = QHBoxLayout()
        cols.addLayout(left, 3)
        cols.addLayout(right, 2)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.warning_label)
        lay.addLayout(cols, 1)
        self._show_weekday()
        self.load()

    # -- loading ------------------------------------------------------------------------------
    @property
    def year(self) -> int:
        return self.year_spin.value()

    def load(self, select_day: dt.date | None = None) -> None:
        year = self.year
        svc = self.desk.calendar
        self.worker.run(lambda: (svc.overrides(year), svc.calendar().covered_years(), svc.complete_years()),
                        alive(self, lambda r: self._loaded(year, r[0], r[1], select_day, r[2])),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "节假日载入失败")))

    def _loaded(self, year: int, rows: list[OverrideView], cov: Coverage, select_day: dt.date | None,
                complete: set[int] | None = None) -> None:
        if year != self.year:
            return
        in_package = year in cov.package_years
        self.complete_check.setEnabled(not in_package)
        self.complete_check.setChecked(in_package or year in (complete or set()))
        self.complete_check.setText("本年安排由内置数据提供" if in_package else f"{year}年放假安排已全部录入")
        self.entries = {o.day: o for o in rows}
        self.table.blockSignals(True)
        self.table.clearSelection()  # rows change under it; a stale selection would mislead
        self.table.setRowCount(len(rows))
        for i, o in enumerate(rows):
            fill_row(self.table, i, [f"{o.day:%Y-%m-%d}", weekday(o.day), "上班" if o.is_workday else "放假", o.name], key=o.day)
        self.table.blockSignals(False)
        holidays = sum(1 for o in rows if not o.is_workday)
        self.count_label.setText(
            f"{year}年本单位录入 {len(rows)} 天：放假 {holidays} 天，调休上班 {len(rows) - holidays} 天。"
            if rows else f"{year}年没有本单位录入的调整。"
        )
        note, warning = coverage_texts(cov, clock.today().year)
        self.coverage_label.setText(note)
        self.warning_label.setText(warning)
        self.warning_label.setVisible(bool(warning))
        if select_day is not None:
            select_key(self.table, select_day)
        self.remove_button.setEnabled(selected_key(self.table) is not None)

    def _on_selection(self) -> None:
        day = selected_key(self.table)
        self.remove_button.setEnabled(day is not None)
        o = self.entries.get(day) if day is not None else None
        if o is None:
            return
        self.day_edit.setDate(QDate(o.day.year, o.day.month, o.day.day))
        self.kind_combo.setCurrentIndex(1 if o.is_workday else 0)
        self.name_edit.setText(o.name)
        self.name_error.hide()

    def _show_weekday(self) -> None:
        self.weekday_label.setText(weekday(self.day_edit.date().toPython()))

    # -- one day ------------------------------------------------------------------------------
    def save_day(self) -> None:
        day: dt.date = self.day_edit.date().toPython()
        is_workday = bool(self.kind_combo.currentData())
        name = self.name_edit.text()
        svc = self.desk.calendar
        self.name_error.hide()
        self.worker.run(lambda: svc.set_override(day, is_workday, name), alive(self, self._day_saved),
                        alive(self, self._day_failed))

    def _day_saved(self, o: OverrideView) -> None:
        if o.day.year != self.year:
            self.year_spin.blockSignals(True)
            self.year_spin.setValue(o.day.year)
            self.year_spin.blockSignals(False)
        self.load(select_day=o.day)

    def _day_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError) and "name" in exc.fields:
            self.name_error.setText(exc.fields["name"])
            self.name_error.show()
        else:
            self.dialogs.show_error(self, exc, "没有保存")

    def remove_selected(self) -> None:
        day = selected_key(self.table)
        if day is None:
            return
        o = self.entries[day]
        what = f"{day:%Y-%m-%d}（{'上班' if o.is_workday else '放假'} {o.name}）".replace(" ）", "）")
        if not self.dialogs.confirm(self, "删除", f"删除 {what} 这条调整吗？删除后这一天按内置日历计算。"):
            return
        svc = self.desk.calendar
        self.worker.run(lambda: svc.remove_override(day), alive(self, lambda _r: self.load()),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "没有删除")))

    # -- import -------------------------------------------------------------------------------
    def _set_complete(self, checked: bool) -> None:
        year = self.year
        svc = self.desk.calendar
        self.complete_check.setEnabled(False)
        # Recomputing the open cases' deadlines follows in the service; it may take a moment.
        self.worker.run(lambda: svc.set_year_complete(year, checked), alive(self, lambda _r: self.load()),
                        alive(self, lambda exc: (self.load(), self.dialogs.show_error(self, exc, "保存失败"))))

    def import_file(self) -> None:
        path = self.dialogs.open_file(self, "导入节假日安排", "文本文件 (*.txt);;所有文件 (*)")
        if not path:
            return
        svc = self.desk.calendar

        def job() -> tuple[int, list[int]]:
            text = read_text_file(path)
            count = svc.import_text(text)  # checks every line first; all or nothing
            years = sorted({line.date.year for line in parse_overrides_text(text)})
            return count, years

        self.import_error.hide()
        self.import_button.setEnabled(False)
        self.worker.run(job, alive(self, lambda r: self._imported(path, r[0], r[1])),
                        alive(self, lambda exc: self._import_failed(path, exc)))

    def _imported(self, path: str, count: int, years: list[int]) -> None:
        self.import_button.setEnabled(True)
        if years and self.year not in years:
            self.year_spin.blockSignals(True)
            self.year_spin.setValue(years[0])
            self.year_spin.blockSignals(False)
        self.load()
        self.dialogs.info(self, "导入完成", f"已从 {Path(path).name} 导入 {count} 天的安排（{'、'.join(f'{y}年' for y in years)}）。")

    def _import_failed(self, path: str, exc: BaseException) -> None:
        self.import_button.setEnabled(True)
        if not isinstance(exc, DeskError):
            self.dialogs.show_error(self, exc, "导入失败")
            return
        # The parser's message already names the line: "第3行：日期“…”无效"
        problem = exc.fields.get("file", exc.message) if isinstance(exc, ValidationError) else exc.message
        text = f"{Path(path).name}：{problem}\n文件中的安排一天也没有导入，请改正后重新导入。"
        self.import_error.setText(text)
        self.import_error.show()
        self.dialogs.warn(self, "导入失败", text)

    # -- calculator ---------------------------------------------------------------------------
    def calculate(self) -> None:
        start: dt.date = self.calc_start.date().toPython()
        n = self.calc_n.value()
        working = self.calc_unit.currentData() == "working"
        svc = self.desk.calendar
        job = (lambda: svc.add_working_days(start, n)) if working else (lambda: svc.add_days(start, n))
        self.worker.run(job, alive(self, self._calculated),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "无法计算")))

    def _calculated(self, r: DayResult) -> None:
        self.calc_result.setText(f"{cn_date(r.date, padded=True)} {weekday(r.date)}")
        warning = provisional_warning(r.uncovered_years) if r.provisional else ""
        self.calc_warning.setText(warning)
        self.calc_warning.setVisible(bool(warning))
