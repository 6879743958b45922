"""The 统计 dashboard: a period and office picker, the headline figures with 同比 / 环比, the
charts of desk/charts.py and every table of ``desk.stats.tables`` — plus the export to Excel.

Statistics and figures are computed in the worker; the Qt canvases are built here on the GUI
thread from the matplotlib Figures the worker returns (matplotlib is imported on first use)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desk import clock
from desk.errors import ValidationError
from desk.periods import Period, month_period, parse_period, previous_period, quarter_period, year_period
from ui.forms import ErrorLabel
from ui.style import set_role

if TYPE_CHECKING:
    from desk.facade import Desk
    from desk.stats import Figure as StatFigure
    from desk.stats import Statistics
    from ui.dialogs import Dialogs
    from ui.worker import Worker

ALL_OFFICES = "全部单位"
DASH = "—"


# -- periods -----------------------------------------------------------------------------------


def this_month(today: dt.date) -> Period:
    return month_period(today.year, today.month)


def this_quarter(today: dt.date) -> Period:
    return quarter_period(today.year, (today.month - 1) // 3 + 1)


def last_quarter(today: dt.date) -> Period:
    """The last finished quarter: the briefing's usual subject."""
    return previous_period(this_quarter(today))


QUICK_PERIODS: tuple[tuple[str, Callable[[dt.date], Period]], ...] = (
    ("本月", this_month),
    ("本季度", this_quarter),
    ("本年", lambda d: year_period(d.year)),
    ("上季度", last_quarter),
)


def months_of(period: Period, today: dt.date) -> list[Period]:
    """The calendar months the period covers (clipped to the period's ends and to today)."""
    end = min(period.end, max(today, period.start))
    out: list[Period] = []
    y, m = period.start.year, period.start.month
    while (y, m) <= (end.year, end.month):
        mp = month_period(y, m)
        start, stop = max(mp.start, period.start), min(mp.end, period.end)
        out.append(mp if (start, stop) == (mp.start, mp.end) else Period(start, stop, f"{m}月", "custom"))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


class PeriodPicker(QWidget):
    """Quick buttons, a text field read by ``parse_period`` (its error shown beside it) and the
    office. ``requested`` fires when the user asks for a period (button or Enter)."""

    requested = Signal()

    def __init__(self, initial: Period, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        row = QHBoxLayout()
        row.setSpacing(6)
        row.addWidget(QLabel("统计期间"))
        self.quick: dict[str, QPushButton] = {}
        for label, fn in QUICK_PERIODS:
            b = QPushButton(label)
            b.clicked.connect(lambda _=False, fn=fn: self._quick(fn))
            self.quick[label] = b
            row.addWidget(b)
        self.text = QLineEdit(initial.code)
        self.text.setPlaceholderText("如 2026Q3、2026-07、2026H1、2026 或 2026-07-01..2026-09-30")
        self.text.setToolTip("年：2026　半年：2026H1　季度：2026Q3　月：2026-07\n自定义：2026-07-01..2026-09-30（含两端）")
        self.text.setMinimumWidth(190)
        self.text.returnPressed.connect(self.requested.emit)
        self.text.textEdited.connect(lambda _t: self.error.set_message(None))
        row.addWidget(self.text)
        self.label = QLabel(initial.label)
        set_role(self.label, "muted")
        self.label.setMinimumWidth(110)  # the office picker stays put as the label changes
        row.addWidget(self.label)
        row.addSpacing(12)
        row.addWidget(QLabel("单位"))
        self.office = QComboBox()
        self.office.addItem(ALL_OFFICES, None)
        self.office.setMinimumWidth(150)
        row.addWidget(self.office)
        row.addStretch(1)
        layout.addLayout(row)
        self.error = ErrorLabel()
        layout.addWidget(self.error)

    def _quick(self, fn: Callable[[dt.date], Period]) -> None:
        self.set_period(fn(clock.today()))
        self.requested.emit()

    def set_period(self, p: Period) -> None:
        self.text.setText(p.code)
        self.label.setText(p.label)
        self.error.set_message(None)

    def period(self) -> Period | None:
        """The period typed, or None with the reason shown beside the field."""
        try:
            p = parse_period(self.text.text())
        except ValidationError as exc:
            self.error.set_message(exc.fields.get("period") or exc.message)
            self.label.setText("")
            return None
        self.error.set_message(None)
        self.label.setText(p.label)
        return p

    def set_offices(self, offices: list[Any]) -> None:
        current = self.office.currentData()
        self.office.clear()
        self.office.addItem(ALL_OFFICES, None)
        for o in offices:
            if o.active:
                self.office.addItem(o.name, o.id)
        i = self.office.findData(current)
        self.office.setCurrentIndex(max(i, 0))

    def office_id(self) -> int | None:
        return self.office.currentData()


def period_note(stats: Statistics, today: dt.date) -> str:
    text = (f"{stats.period.label}　{stats.office_name}　"
            f"同比：{stats.last_year_period.label}　环比：{stats.previous_period.label}")
    if stats.period.start <= today < stats.period.end:
        # An unfinished period compared with whole ones looks like a fall; say so.
        text += f"　（本期尚未结束，数据截至{today.month}月{today.day}日）"
    return text


# -- headline cards ----------------------------------------------------------------------------


def change_text(name: str, fig: StatFigure) -> str:
    """'同比 ↑12.50%' (relative change); for a rate the difference in 个百分点 (desk.stats'
    ``Figure.yoy`` / ``mom``, the briefing's numbers); '—' when undefined."""
    change = fig.yoy if name == "同比" else fig.mom
    if change is None:
        return f"{name} {DASH}"
    arrow = "↑" if change > 0 else "↓" if change < 0 else "→"
    return f"{name} {arrow}{abs(change):.2f}{fig.change_unit}"


class Card(QFrame):
    def __init__(self, title: str, unit: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statCard")
        self.setStyleSheet("QFrame#statCard { background: #f7f9fc; border: 1px solid #dde3ea; border-radius: 6px; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        head = QLabel(f"{title}（{unit}）" if unit else title)
        set_role(head, "muted")
        self.value = QLabel(DASH)
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() + 7)
        font.setBold(True)
        self.value.setFont(font)
        self.value.setStyleSheet("color: #0b3d6b;")
        self.yoy = QLabel(f"同比 {DASH}")
        self.mom = QLabel(f"环比 {DASH}")
        for w in (head, self.value, self.yoy, self.mom):
            layout.addWidget(w)

    def show_figure(self, value: str, yoy: str, mom: str, tip: str = "") -> None:
        self.value.setText(value)
        self.yoy.setText(yoy)
        self.mom.setText(mom)
        self.setToolTip(tip)


def _num(x: Decimal | int | None) -> str:
    return DASH if x is None else str(x)


def _tip(fig: StatFigure, stats: Statistics) -> str:
    unit = "%" if fig.unit == "%" else fig.unit
    return (f"{fig.label}\n本期（{stats.period.label}）：{_num(fig.value)}{unit}\n"
            f"去年同期（{stats.last_year_period.label}）：{_num(fig.last_year)}{unit}\n"
            f"上期（{stats.previous_period.label}）：{_num(fig.previous)}{unit}")


class HeadlineCards(QWidget):
    """受理, 解决, 解决率, 挽回经济损失, 加倍赔偿, 来访咨询 — each with 同比 and 环比."""

    KEYS = (("accepted", "受理", "件"), ("resolved", "解决", "件"), ("resolution_rate", "解决率", ""),
            ("cohort_rate", "受理当期解决率", ""), ("recovered_wan", "挽回经济损失", "万元"),
            ("punitive", "加倍赔偿", "件/万元"), ("consultations", "来访咨询", "人次"))

    def __init__(self, columns: int = 7, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(8)
        self.cards: dict[str, Card] = {}
        for i, (key, title, unit) in enumerate(self.KEYS):
            card = Card(title, unit)
            self.cards[key] = card
            grid.addWidget(card, i // columns, i % columns)

    def show_stats(self, stats: Statistics) -> None:
        h = stats.headline
        for key in ("accepted", "resolved", "resolution_rate", "cohort_rate", "recovered_wan", "consultations"):
            f = getattr(h, key)
            tip = _tip(f, stats)
            if key == "resolution_rate" and h.rate_over_100:
                from desk.stats import rate_note

                tip += "\n\n" + (rate_note(stats) or "")
            elif key == "cohort_rate":
                tip += f"\n本期受理且期末前解决：{h.cohort_resolved.value}件"
            self.cards[key].show_figure(f.value_text, change_text("同比", f), change_text("环比", f), tip)
        c, w = h.punitive_count, h.punitive_wan
        self.cards["punitive"].show_figure(
            f"{c.value_text} / {w.value_text}",
            f"{change_text('同比', c)}",
            f"{change_text('环比', c)}",
            _tip(c, stats) + "\n\n" + _tip(w, stats),
        )

    def clear(self) -> None:
        for card in self.cards.values():
            card.show_figure(DASH, f"同比 {DASH}", f"环比 {DASH}")


# -- charts --------------------------------------------------------------------------------------

TOP_CATEGORIES = 8


CHART_HEIGHT_IN = 2.6


def build_figures(stats: Statistics, today: dt.date) -> dict[str, Any]:
    """The dashboard's matplotlib Figures (worker thread; object API only), drawn from the same
    rounded numbers as the tables (``stats.monthly`` holds only months that have ended).
    ``desk.fonts.NoCJKFont`` when no Chinese font exists."""
    from desk import charts
    from desk.stats import fmt_pct

    def top(rows: Any) -> list[tuple[str, int, int, str]]:
        kept = [r for r in rows if r.count or r.last_year]
        kept.sort(key=lambda r: (r.count, r.last_year), reverse=True)
        return [(r.name, r.count, r.last_year, fmt_pct(r.yoy_pct, signed=True)) for r in kept[:TOP_CATEGORIES]]

    h = CHART_HEIGHT_IN
    return {
        "trend": charts.monthly_trend([m.label for m in stats.monthly], [m.this_year for m in stats.monthly],
                                      [m.last_year for m in stats.monthly], "各月投诉受理量（已结束的月份）", height_in=h),
        "natures": charts.nature_shares([(r.name, r.count, r.share) for r in stats.natures], height_in=h),
        "goods": charts.category_bars(top(stats.goods_categories), "商品类投诉（按件数前8类）", height_in=h),
        "services": charts.category_bars(top(stats.service_categories), "服务类投诉（按件数前8类）", height_in=h),
    }


def resolution_figure(desk: Desk, period: Period, office_id: int | None, today: dt.date) -> Any:
    """受理 and 解决 per month of the period with the resolution rate (worker thread)."""
    from desk import charts, stats

    rows = []
    for mp in months_of(period, today):
        h = stats.compute(desk, mp, office_id).headline
        label = f"{mp.start.month}月" if period.start.year == period.end.year else f"{mp.start.year}-{mp.start.month:02d}"
        rows.append((label, int(h.accepted.value or 0), int(h.resolved.value or 0), h.resolution_rate.value))
    return charts.resolution_rate(rows, "各月投诉受理、解决与解决率", height_in=CHART_HEIGHT_IN)


def make_canvas(fig: Any) -> QWidget:
    """A Qt canvas for a Figure (GUI thread; imports the Qt backend on first use)."""
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

    canvas = FigureCanvasQTAgg(fig)
    canvas.setMinimumHeight(int(fig.get_figheight() * fig.dpi * 0.9))
    canvas.setMinimumWidth(360)
    return canvas


# -- tables --------------------------------------------------------------------------------------


def fill_table(table: QTableWidget, headers: list[str], rows: list[list[Any]]) -> None:
    table.clear()
    table.setColumnCount(len(headers))
    table.setRowCount(len(rows))
    table.setHorizontalHeaderLabels(headers)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, float):
                text = f"{value:.2f}"
            elif isinstance(value, Decimal):
                text = f"{value:.2f}"
            else:
                text = "" if value is None else str(value)
            item = QTableWidgetItem(text)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            if isinstance(value, (int, float, Decimal)) or (value == DASH and c > 0):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if row and row[0] == "合计":
                f = item.font()
                f.setBold(True)
                item.setFont(f)
            table.setItem(r, c, item)
    # Sized to the contents (numbers get room to breathe) rather than one stretched name column
    # that pushes the figures against the right edge.
    header = table.horizontalHeader()
    header.setMinimumSectionSize(90)
    header.setStretchLastSection(False)
    table.resizeColumnsToContents()
    for c in range(len(headers)):
        table.setColumnWidth(c, min(max(table.columnWidth(c) + 24, 90), 420))


def new_table() -> QTableWidget:
    t = QTableWidget()
    t.verticalHeader().hide()
    t.setAlternatingRowColors(True)
    t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    return t


# -- the dashboard -------------------------------------------------------------------------------


class Dashboard(QWidget):
    """统计 tab. ``stats`` holds what is on screen (exported as shown)."""

    loaded = Signal()

    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.dialogs, self.worker = desk, dialogs, worker
        self.stats: Statistics | None = None
        self.generation = 0
        self.loading = False
        self.started = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        top = QHBoxLayout()
        self.picker = PeriodPicker(this_quarter(clock.today()))
        self.picker.requested.connect(self.refresh)
        top.addWidget(self.picker, 1)
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button = QPushButton("导出 Excel")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.export)
        top.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.status = QLabel("")
        set_role(self.status, "muted")
        layout.addWidget(self.status)
        self.cards = HeadlineCards()
        layout.addWidget(self.cards)
        self.views = QTabWidget()
        layout.addWidget(self.views, 1)
        self.chart_area = QScrollArea()
        self.chart_area.setWidgetResizable(True)
        self.chart_host = QWidget()
        self.chart_grid = QGridLayout(self.chart_host)
        self.chart_grid.setSpacing(10)
        self.chart_message = QLabel("")
        self.chart_message.setWordWrap(True)
        set_role(self.chart_message, "error")
        self.chart_message.setVisible(False)
        self.chart_grid.addWidget(self.chart_message, 3, 0, 1, 2)
        self.chart_area.setWidget(self.chart_host)
        self.views.addTab(self.chart_area, "图表")
        self.tables: dict[str, QTableWidget] = {}
        self.canvases: dict[str, QWidget] = {}
        worker.slow.connect(self._slow)

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self.started:
            self.started = True
            self.worker.run(lambda: self.desk.offices.list(), self._offices, lambda exc: None)
            self.refresh()

    def _offices(self, offices: list[Any]) -> None:
        if shiboken6.isValid(self):
            self.picker.set_offices(offices)

    def _slow(self, slow: bool) -> None:
        if shiboken6.isValid(self) and self.loading and slow:
            self.status.setText("正在计算统计数据，请稍候……")

    def refresh(self) -> None:
        period = self.picker.period()
        if period is None:
            return
        office_id = self.picker.office_id()
        self.generation += 1
        gen = self.generation
        self.loading = True
        self.refresh_button.setEnabled(False)
        desk, today = self.desk, clock.today()

        def job() -> tuple[Statistics, dict[str, Any] | str]:
            from desk import stats
            from desk.fonts import NoCJKFont

            s = stats.compute(desk, period, office_id)
            try:
                return s, build_figures(s, today)
            except NoCJKFont as exc:  # the figures and tables still show; the charts say why not
                return s, exc.message

        self.worker.run(job, lambda r: self._show(gen, r), lambda e: self._failed(gen, e))
        self.worker.run(lambda: resolution_figure(desk, period, office_id, today),
                        lambda f: self._show_resolution(gen, f), lambda e: None)

    def _failed(self, gen: int, exc: BaseException) -> None:
        if not shiboken6.isValid(self) or gen != self.generation:
            return
        self.loading = False
        self.refresh_button.setEnabled(True)
        self.status.setText("统计未完成。")
        self.dialogs.show_error(self, exc, "统计未完成")

    def _show(self, gen: int, result: tuple[Statistics, dict[str, Any] | str]) -> None:
        if not shiboken6.isValid(self) or gen != self.generation:
            return
        from desk.stats import tables

        stats, figures = result
        self.stats = stats
        self.loading = False
        self.refresh_button.setEnabled(True)
        self.export_button.setEnabled(True)
        self.status.setText(period_note(stats, clock.today()))
        self.cards.show_stats(stats)
        self.chart_message.setVisible(isinstance(figures, str))
        if isinstance(figures, str):
            self.chart_message.setText(figures)
            for key in list(self.canvases):
                old = self.canvases.pop(key)
                self.chart_grid.removeWidget(old)
                old.deleteLater()
        else:
            for i, key in enumerate(("trend", "natures", "goods", "services")):
                self._place(key, figures[key], i // 2, i % 2)
        current = self.views.currentIndex()
        for title, headers, rows in tables(stats):
            table = self.tables.get(title)
            if table is None:
                table = self.tables[title] = new_table()
                self.views.addTab(table, title)
            fill_table(table, headers, rows)
        self.views.setCurrentIndex(current)
        self.loaded.emit()

    def _show_resolution(self, gen: int, fig: Any) -> None:
        if shiboken6.isValid(self) and gen == self.generation and not self.chart_message.isVisible():
            self._place("resolution", fig, 2, 0, span=2)

    def _place(self, key: str, fig: Any, row: int, col: int, span: int = 1) -> None:
        old = self.canvases.pop(key, None)
        if old is not None:
            self.chart_grid.removeWidget(old)
            old.deleteLater()
        canvas = make_canvas(fig)
        self.canvases[key] = canvas
        self.chart_grid.addWidget(canvas, row, col, 1, span)

    def export(self) -> None:
        stats = self.stats
        if stats is None:
            return
        suggested = f"统计_{stats.period.code.replace('..', '至')}_{stats.office_name}.xlsx"
        path = self.dialogs.save_file(self, "导出统计表", suggested, "Excel 工作簿 (*.xlsx)")
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() != ".xlsx":
            target = target.with_name(target.name + ".xlsx")
        self.export_button.setEnabled(False)

        def job() -> Path:
            from desk.stats import to_xlsx

            try:
                return to_xlsx(stats, target)
            except OSError as exc:
                from desk.errors import DeskError

                raise DeskError(f"无法写入文件“{target}”：请确认文件没有在 Excel 中打开、文件夹可以写入。") from exc

        self.worker.run(job, self._exported, self._export_failed)

    def _exported(self, path: Path) -> None:
        if shiboken6.isValid(self):
            self.export_button.setEnabled(True)
            self.dialogs.info(self, "已导出", f"统计表已导出到：\n{path}")

    def _export_failed(self, exc: BaseException) -> None:
        if shiboken6.isValid(self):
            self.export_button.setEnabled(True)
            self.dialogs.show_error(self, exc, "导出未完成")


class StatsPage(QTabWidget):
    """统计与简报: the dashboard and the briefing wizard."""

    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from .wizard import BriefingPanel

        self.dashboard = Dashboard(desk, dialogs, worker)
        self.briefing = BriefingPanel(desk, dialogs, worker)
        self.addTab(self.dashboard, "统计")
        self.addTab(self.briefing, "编制简报")
