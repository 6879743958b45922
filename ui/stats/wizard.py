"""编制简报: the quarterly briefing in three steps — period and office (with the headline
figures), the secretary's sections with the issue number and date, then generating the .docx in
the worker with a progress bar and opening the result.

``desk.briefing`` is imported when used: without it the panel says so instead of failing."""

from __future__ import annotations

import datetime as dt
import importlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QDate, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk import clock
from desk.periods import Period
from ui.forms import ErrorLabel
from ui.style import set_role

from .dashboard import HeadlineCards, PeriodPicker, build_figures, last_quarter, make_canvas, period_note

if TYPE_CHECKING:
    from desk.facade import Desk
    from desk.stats import Statistics
    from ui.dialogs import Dialogs
    from ui.worker import Worker

MISSING_MODULE = "简报生成模块尚未安装，暂时无法生成简报。请联系软件维护人员更新程序。"
STEPS = ("① 选择期间与单位", "② 填写简报内容", "③ 生成简报")
SECTIONS = (("work_news", "工作动态"), ("typical_cases", "典型案例"), ("next_steps", "下步工作"))


def briefing_module() -> Any | None:
    """``desk.briefing`` or None when this build does not have it yet."""
    try:
        return importlib.import_module("desk.briefing")
    except ModuleNotFoundError as exc:
        if exc.name in ("desk.briefing",):
            return None
        raise


class ProgressBridge(QObject):
    """Carries the generator's progress calls from the worker thread to the GUI thread: the
    signal is emitted on the worker and delivered queued to the slot living here."""

    progressed = Signal(object)

    def callback(self, *args: Any, **kwargs: Any) -> None:
        self.progressed.emit((args, kwargs))


def read_progress(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[int | None, str]:
    """(percent or None, message) from whatever the generator reports: (done, total),
    a fraction 0–1, a percentage, and/or a text."""
    numbers = [a for a in (*args, *kwargs.values()) if isinstance(a, (int, float)) and not isinstance(a, bool)]
    texts = [a for a in (*args, *kwargs.values()) if isinstance(a, str)]
    percent: int | None = None
    if len(numbers) >= 2 and numbers[1]:
        percent = round(numbers[0] * 100 / numbers[1])
    elif len(numbers) == 1:
        n = numbers[0]
        percent = round(n * 100) if isinstance(n, float) and n <= 1 else round(n)
    if percent is not None:
        percent = max(0, min(100, percent))
    return percent, (texts[0] if texts else "")


def reveal_folder(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


class BriefingPanel(QWidget):
    """The wizard as a tab: steps in a stack with 上一步 / 下一步. Section texts stay when the
    generation fails, so nothing typed is lost."""

    generated = Signal(object)  # Path
    figures_loaded = Signal()

    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.dialogs, self.worker = desk, dialogs, worker
        self.stats: Statistics | None = None
        self.stats_key: tuple[str, int | None] | None = None
        self.output: Path | None = None
        self.started = False
        self.generating = False
        self.issue_year: int | None = None
        self.bridge = ProgressBridge(self)
        self.bridge.progressed.connect(self._progress)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        self.step_label = QLabel()
        set_role(self.step_label, "subtitle")
        layout.addWidget(self.step_label)
        self.missing = QLabel(MISSING_MODULE)
        set_role(self.missing, "error")
        self.missing.setWordWrap(True)
        self.missing.setVisible(False)
        layout.addWidget(self.missing)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.stack.addWidget(self._step_period())
        self.stack.addWidget(self._step_sections())
        self.stack.addWidget(self._step_generate())
        nav = QHBoxLayout()
        nav.addStretch(1)
        self.back_button = QPushButton("上一步")
        self.back_button.clicked.connect(lambda: self.go(self.stack.currentIndex() - 1))
        self.next_button = QPushButton("下一步")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.next_step)
        nav.addWidget(self.back_button)
        nav.addWidget(self.next_button)
        layout.addLayout(nav)
        self.go(0)

    # -- steps ---------------------------------------------------------------------------------

    def _step_period(self) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        v.setContentsMargins(0, 4, 0, 0)
        hint = QLabel("选择简报的统计期间和单位（默认为最近一个已结束的季度），点“查看数据”核对主要数据后进入下一步。")
        hint.setWordWrap(True)
        set_role(hint, "muted")
        v.addWidget(hint)
        row = QHBoxLayout()
        self.picker = PeriodPicker(last_quarter(clock.today()))
        self.picker.requested.connect(self.load_figures)
        row.addWidget(self.picker, 1)
        self.figures_button = QPushButton("查看数据")
        self.figures_button.clicked.connect(self.load_figures)
        row.addWidget(self.figures_button, 0, Qt.AlignmentFlag.AlignTop)
        v.addLayout(row)
        self.figures_status = QLabel("")
        set_role(self.figures_status, "muted")
        v.addWidget(self.figures_status)
        self.cards = HeadlineCards()
        v.addWidget(self.cards)
        self.chart_row = QHBoxLayout()
        v.addLayout(self.chart_row, 1)
        self.canvases: list[QWidget] = []
        return w

    def _step_sections(self) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        v.setContentsMargins(0, 4, 0, 0)
        note = QLabel("以下三部分由您撰写，将编入简报。数据库中登记的人员姓名、地址以及电话、证件号码会自动打码；"
                      "其他疑似个人信息会在下一步逐条列出，由您决定打码或保留。以“一、”“（一）”“1.”“（1）”开头的段落按标题排版。"
                      "统计数字、表格和图表由程序根据数据自动生成。")
        note.setWordWrap(True)
        set_role(note, "muted")
        v.addWidget(note)
        meta = QHBoxLayout()
        meta.addWidget(QLabel("期号：第"))
        self.issue_no = QSpinBox()
        self.issue_no.setRange(1, 999)
        meta.addWidget(self.issue_no)
        meta.addWidget(QLabel("期"))
        self.issue_hint = QLabel("")
        set_role(self.issue_hint, "muted")
        meta.addWidget(self.issue_hint)
        meta.addSpacing(24)
        meta.addWidget(QLabel("印发日期"))
        self.issued_on = QDateEdit()
        self.issued_on.setCalendarPopup(True)
        self.issued_on.setDisplayFormat("yyyy年M月d日")
        t = clock.today()
        self.issued_on.setDate(QDate(t.year, t.month, t.day))
        meta.addWidget(self.issued_on)
        meta.addStretch(1)
        v.addLayout(meta)
        self.sections: dict[str, QPlainTextEdit] = {}
        placeholders = {
            "work_news": "本季度开展的主要工作，如“3·15”宣传、消费调查、诚信单位回访等。",
            "typical_cases": "选取一至两件典型投诉，写明经过、处理结果和消费提示。",
            "next_steps": "下一阶段的工作打算。",
        }
        for key, title in SECTIONS:
            box = QGroupBox(title)
            bl = QVBoxLayout(box)
            bl.setContentsMargins(6, 4, 6, 6)
            edit = QPlainTextEdit()
            edit.setPlaceholderText(placeholders[key])
            edit.setMinimumHeight(70)
            bl.addWidget(edit)
            self.sections[key] = edit
            v.addWidget(box, 1)
        return w

    def _step_generate(self) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        v.setContentsMargins(0, 4, 0, 0)
        form = QFormLayout()
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        form.addRow("简报", self.summary)
        v.addLayout(form)
        hint = QLabel("点击“生成简报”选择保存位置。简报包括报头、主要数据、分析、表格和图表以及您填写的三部分内容，"
                      "生成后可在 Word 或 WPS 中继续修改。")
        hint.setWordWrap(True)
        set_role(hint, "muted")
        v.addWidget(hint)
        self.end_warning = QLabel("")
        self.end_warning.setWordWrap(True)
        set_role(self.end_warning, "error")
        self.end_warning.setVisible(False)
        v.addWidget(self.end_warning)
        self.review_note = QLabel("")
        self.review_note.setWordWrap(True)
        v.addWidget(self.review_note)
        self.findings = QTableWidget(0, 4)
        self.findings.setHorizontalHeaderLabels(["打码", "类型", "内容（上下文）", "位置"])
        self.findings.verticalHeader().hide()
        self.findings.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.findings.horizontalHeader().setStretchLastSection(False)
        self.findings.setVisible(False)
        v.addWidget(self.findings, 1)
        self.finding_texts: list[str] = []
        row = QHBoxLayout()
        self.generate_button = QPushButton("生成简报……")
        self.generate_button.clicked.connect(self.choose_and_generate)
        row.addWidget(self.generate_button)
        row.addStretch(1)
        v.addLayout(row)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setVisible(False)
        v.addWidget(self.progress)
        self.progress_text = QLabel("")
        set_role(self.progress_text, "muted")
        v.addWidget(self.progress_text)
        self.error = ErrorLabel()
        v.addWidget(self.error)
        self.done_label = QLabel("")
        set_role(self.done_label, "ok")
        self.done_label.setWordWrap(True)
        self.done_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        v.addWidget(self.done_label)
        done = QHBoxLayout()
        self.open_button = QPushButton("打开文件")
        self.open_button.clicked.connect(self.open_file)
        self.folder_button = QPushButton("打开所在文件夹")
        self.folder_button.clicked.connect(self.open_folder)
        for b in (self.open_button, self.folder_button):
            b.setVisible(False)
            done.addWidget(b)
        done.addStretch(1)
        v.addLayout(done)
        v.addStretch(1)
        return w

    # -- navigation -------------------------------------------------------------------------------

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self.started:
            self.started = True
            self.missing.setVisible(briefing_module() is None)
            self.worker.run(lambda: self.desk.offices.list(), self._offices, lambda exc: None)
            self.load_figures()

    def _offices(self, offices: list[Any]) -> None:
        if shiboken6.isValid(self):
            self.picker.set_offices(offices)

    def go(self, index: int) -> None:
        index = max(0, min(index, self.stack.count() - 1))
        self.stack.setCurrentIndex(index)
        self.step_label.setText("编制简报　" + "　›　".join(
            f"<b>{s}</b>" if i == index else s for i, s in enumerate(STEPS)))
        self.back_button.setEnabled(index > 0 and not self.generating)
        self.next_button.setVisible(index < self.stack.count() - 1)
        if index == 2:
            self._fill_summary()
            self.check_personal()

    def next_step(self) -> None:
        i = self.stack.currentIndex()
        if i == 0:
            period = self.picker.period()
            if period is None:
                return
            if self.stats_key != (period.code, self.picker.office_id()):
                self.load_figures()  # the figures shown must be the chosen period's
            self._load_issue_no(period)
        self.go(i + 1)

    def _fill_summary(self) -> None:
        period = self.picker.period()
        if period is None:
            return
        d = self.issued_on.date()
        self.summary.setText(f"{period.label}　{self.picker.office.currentText()}　第{self.issue_no.value()}期　"
                             f"{d.year()}年{d.month()}月{d.day()}日印发")

    # -- step 1: figures -----------------------------------------------------------------------------

    def load_figures(self) -> None:
        period = self.picker.period()
        if period is None:
            return
        office_id = self.picker.office_id()
        key = (period.code, office_id)
        self.figures_status.setText("正在统计……")
        desk = self.desk

        today = clock.today()

        def job() -> tuple[Statistics, dict[str, Any]]:
            from desk import stats

            s = stats.compute(desk, period, office_id)
            return s, build_figures(s, today)

        self.worker.run(job, lambda s: self._figures(key, s), self._figures_failed)

    def _figures(self, key: tuple[str, int | None], result: tuple[Statistics, dict[str, Any]]) -> None:
        if not shiboken6.isValid(self):
            return
        stats, figures = result
        self.stats, self.stats_key = stats, key
        for old in self.canvases:
            self.chart_row.removeWidget(old)
            old.deleteLater()
        self.canvases = [make_canvas(figures["trend"]), make_canvas(figures["natures"])]
        for c in self.canvases:
            self.chart_row.addWidget(c, 1)
        self.cards.show_stats(stats)
        self.figures_status.setText(period_note(stats, clock.today()))
        self.figures_loaded.emit()

    def _figures_failed(self, exc: BaseException) -> None:
        if shiboken6.isValid(self):
            self.figures_status.setText("")
            self.dialogs.show_error(self, exc, "统计未完成")

    def _load_issue_no(self, period: Period) -> None:
        year = period.end.year
        if self.issue_year == year:
            return
        mod = briefing_module()
        if mod is None:
            self.issue_hint.setText("")
            return
        desk = self.desk

        def done(n: int) -> None:
            if shiboken6.isValid(self):
                self.issue_year = year
                self.issue_no.setValue(int(n))
                self.issue_hint.setText(f"（{year}年的下一期）")

        self.worker.run(lambda: mod.next_issue_number(desk, year), done,
                        lambda exc: shiboken6.isValid(self) and self.dialogs.show_error(self, exc, "无法读取期号"))

    # -- step 3: personal data check -----------------------------------------------------------------

    def check_personal(self) -> None:
        """Scan the sections (worker) and list what still looks personal, each to mask or keep;
        also warn when the end block's 报/送/发 are not set."""
        mod = briefing_module()
        if mod is None:
            return
        sections = mod.BriefingSections(**self.section_texts())
        desk = self.desk
        self.review_note.setText("正在检查个人信息……")
        self.generate_button.setEnabled(False)

        def job() -> tuple[list[Any], str | None]:
            return mod.review(desk, sections), mod.end_block_warning(desk)

        self.worker.run(job, self._reviewed, self._review_failed)

    def _reviewed(self, result: tuple[list[Any], str | None]) -> None:
        if not shiboken6.isValid(self):
            return
        findings, warning = result
        self.end_warning.setText(warning or "")
        self.end_warning.setVisible(bool(warning))
        self.findings.setRowCount(len(findings))
        self.finding_texts = [f.text for f in findings]
        for r, f in enumerate(findings):
            box = QTableWidgetItem("")
            box.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            box.setCheckState(Qt.CheckState.Checked)
            box.setToolTip(f"打码后为“{f.masked}”；取消勾选则原样保留")
            self.findings.setItem(r, 0, box)
            for c, text in enumerate((f.kind, f.context, f.where), start=1):
                self.findings.setItem(r, c, QTableWidgetItem(text))
        self.findings.resizeColumnsToContents()
        self.findings.setVisible(bool(findings))
        self.review_note.setText(
            f"已自动为数据库中登记的人员姓名、地址、电话和证件号码打码。另发现 {len(findings)} 处疑似个人信息，"
            "默认全部打码；确需保留的，请取消勾选。" if findings else
            "已自动为数据库中登记的人员姓名、地址、电话和证件号码打码，未发现其他疑似个人信息。")
        self.generate_button.setEnabled(not self.generating)

    def _review_failed(self, exc: BaseException) -> None:
        if shiboken6.isValid(self):
            from ui.dialogs import describe_error

            self.review_note.setText("个人信息检查未完成：" + describe_error(exc))
            self.generate_button.setEnabled(not self.generating)

    def kept(self) -> set[str]:
        """The findings the secretary unticked (kept as typed)."""
        return {t for r, t in enumerate(self.finding_texts)
                if (item := self.findings.item(r, 0)) is not None and item.checkState() != Qt.CheckState.Checked}

    # -- step 3: generate --------------------------------------------------------------------------

    def section_texts(self) -> dict[str, str]:
        return {key: edit.toPlainText().strip() for key, edit in self.sections.items()}

    def choose_and_generate(self) -> None:
        period = self.picker.period()
        if period is None:
            self.go(0)
            return
        if briefing_module() is None:
            self.error.set_message(MISSING_MODULE)
            return
        suggested = f"消费维权简报_{period.code.replace('..', '至')}_第{self.issue_no.value()}期.docx"
        path = self.dialogs.save_file(self, "保存简报", suggested, "Word 文档 (*.docx)")
        if path:
            self.generate(Path(path))

    def generate(self, out_path: Path) -> None:
        """Write the briefing to ``out_path`` in the worker; progress comes back through the bridge."""
        mod = briefing_module()
        if mod is None:
            self.error.set_message(MISSING_MODULE)
            return
        period = self.picker.period()
        if period is None:
            self.go(0)
            return
        if out_path.suffix.lower() != ".docx":
            out_path = out_path.with_name(out_path.name + ".docx")
        sections = mod.BriefingSections(**self.section_texts())
        d = self.issued_on.date()
        issued_on = dt.date(d.year(), d.month(), d.day())
        issue_no, office_id, desk, progress = self.issue_no.value(), self.picker.office_id(), self.desk, self.bridge.callback
        keep = self.kept()
        self.generating = True
        self.output = None
        self.error.set_message(None)
        self.done_label.setText("")
        for b in (self.open_button, self.folder_button):
            b.setVisible(False)
        self.generate_button.setEnabled(False)
        self.back_button.setEnabled(False)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.progress_text.setText("正在生成简报……")

        def job() -> Path:
            try:
                return Path(mod.generate(desk, period, out_path, office_id=office_id, sections=sections,
                                         issue_no=issue_no, issued_on=issued_on, progress=progress, keep=keep))
            except OSError as exc:
                from desk.errors import DeskError

                raise DeskError(f"无法写入“{out_path}”：文件可能正在 Word 或 WPS 中打开，或文件夹不可写入；"
                                "请关闭文件后重试，或换一个保存位置。") from exc

        self.worker.run(job, self._generated, self._generate_failed)

    def _progress(self, payload: tuple[tuple[Any, ...], dict[str, Any]]) -> None:
        if not shiboken6.isValid(self) or not self.generating:
            return
        percent, text = read_progress(*payload)
        if percent is not None:
            self.progress.setValue(percent)
        if text:
            self.progress_text.setText(text)

    def _finish(self) -> None:
        self.generating = False
        self.generate_button.setEnabled(True)
        self.back_button.setEnabled(True)

    def _generated(self, path: Path) -> None:
        if not shiboken6.isValid(self):
            return
        self._finish()
        self.output = path
        self.progress.setValue(100)
        self.progress_text.setText("")
        self.done_label.setText(f"简报已生成：{path}")
        for b in (self.open_button, self.folder_button):
            b.setVisible(True)
        self.issue_year = None  # the next briefing of this year gets the next number
        self.generated.emit(path)

    def _generate_failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        from ui.dialogs import describe_error

        self._finish()
        self.progress.setVisible(False)
        self.progress_text.setText("")
        self.error.set_message("简报没有生成：" + describe_error(exc) + "\n已填写的内容都还在，修改后可以再次生成。")

    def open_file(self) -> None:
        if self.output is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.output)))

    def open_folder(self) -> None:
        if self.output is not None:
            if os.name == "nt":
                # Explorer with the file selected is what users expect on Windows.
                import subprocess

                subprocess.Popen(["explorer", "/select,", str(self.output)])  # noqa: S603, S607
            else:
                reveal_folder(self.output)
