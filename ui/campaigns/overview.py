"""网站与新媒体信息 (posts per month, entered in a twelve-month grid) and 期间汇总 (the period
totals the briefing uses, for a quarter, a year or any range)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk import clock
from desk.errors import ConflictError, ValidationError
from desk.roles import Perm
from desk.services.outreach import MonthlyPostsInput
from ui.forms import ErrorLabel
from ui.style import set_role

from .common import OptionalDateEdit, alive

if TYPE_CHECKING:
    from desk.facade import Desk
    from ui.dialogs import Dialogs
    from ui.worker import Worker

MONTHLY_TARGET = 3  # 省消协: website updated with at least three items a month


class PostsTab(QWidget):
    """One row per month: website and new-media posts, editable in place; 保存 writes the
    months that changed (each checked against what another desk saved meanwhile)."""

    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.dialogs, self.worker = desk, dialogs, worker
        self.can_edit = desk.can(Perm.EDIT_REGISTERS)
        self.months: list[Any] = []
        self.pending: dict[int, MonthlyPostsInput] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        top = QHBoxLayout()
        top.addWidget(QLabel("年份"))
        self.year = QSpinBox()
        self.year.setRange(2000, 2099)
        self.year.setValue(clock.today().year)
        top.addWidget(self.year)
        self.save_button = QPushButton("保存修改")
        self.save_button.setVisible(self.can_edit)
        self.save_button.clicked.connect(self.save)
        self.export_button = QPushButton("导出 Excel")
        self.export_button.clicked.connect(self.export)
        top.addWidget(self.save_button)
        top.addWidget(self.export_button)
        top.addStretch(1)
        layout.addLayout(top)
        hint = QLabel(f"按月登记本会网站和微信公众号等新媒体发布的信息条数（省消协要求网站每月更新不少于{MONTHLY_TARGET}条，不足的月份标红）。"
                      "直接在表格中修改数字后点“保存修改”。")
        hint.setWordWrap(True)
        set_role(hint, "muted")
        layout.addWidget(hint)
        self.error = ErrorLabel()
        layout.addWidget(self.error)
        self.table = QTableWidget(12, 4)
        self.table.setHorizontalHeaderLabels(["月份", "网站信息（条）", "新媒体信息（条）", "备注"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(1, 120)
        self.table.setColumnWidth(2, 130)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers if self.can_edit
                                   else QAbstractItemView.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table, 1)
        self.totals = QLabel()
        set_role(self.totals, "subtitle")
        layout.addWidget(self.totals)
        self.year.valueChanged.connect(lambda _v: self.load())
        self.load()

    def load(self) -> None:
        year, svc = self.year.value(), self.desk.outreach
        self.worker.run(lambda: svc.monthly_posts(year), alive(self, self._loaded),
                        alive(self, lambda exc: self.error.set_message(getattr(exc, "message", "读取失败"))))

    def focus_search(self) -> None:
        self.year.setFocus()

    def _loaded(self, months: list[Any]) -> None:
        self.months = months
        pending, self.pending = self.pending, {}
        today = clock.today()
        for r, m in enumerate(months):
            label = QTableWidgetItem(f"{m.year}年{m.month}月")
            label.setFlags(label.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(r, 0, label)
            for c, value in ((1, m.website_posts), (2, m.new_media_posts)):
                item = QTableWidgetItem(str(value))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
            self.table.setItem(r, 3, QTableWidgetItem(m.note))
            past = dt.date(m.year, m.month, 1) <= today.replace(day=1)
            if past and m.website_posts < MONTHLY_TARGET and dt.date(m.year, m.month, 1) < today.replace(day=1):
                self.table.item(r, 1).setForeground(Qt.GlobalColor.red)
        # What the user typed for a refused month stays in the grid to be corrected.
        for r, m in enumerate(months):
            typed = pending.get(m.month)
            if typed is not None and typed.year == m.year:
                self.table.item(r, 1).setText(str(typed.website_posts))
                self.table.item(r, 2).setText(str(typed.new_media_posts))
        self.totals.setText(f"{self.year.value()}年合计：网站信息 {sum(m.website_posts for m in months)} 条，"
                            f"新媒体信息 {sum(m.new_media_posts for m in months)} 条")

    def _row_input(self, r: int) -> MonthlyPostsInput:
        m = self.months[r]
        return MonthlyPostsInput(m.year, m.month, self.table.item(r, 1).text().strip(), self.table.item(r, 2).text().strip(),
                                 self.table.item(r, 3).text() if self.table.item(r, 3) else "")

    def save(self) -> None:
        changed = []
        for r, m in enumerate(self.months):
            inp = self._row_input(r)
            if (str(inp.website_posts), str(inp.new_media_posts), inp.note) != (str(m.website_posts), str(m.new_media_posts), m.note):
                changed.append((inp, m.version))
        if not changed:
            self.error.set_message(None)
            return
        svc = self.desk.outreach

        def job() -> list[tuple[MonthlyPostsInput, str]]:
            # One month at a time: a refused month names itself, the others are kept.
            problems = []
            for inp, version in changed:
                try:
                    svc.save_monthly_posts(inp, version)
                except (ValidationError, ConflictError) as exc:
                    text = "；".join(exc.fields.values()) if isinstance(exc, ValidationError) else exc.message
                    problems.append((inp, text))
            return problems

        self.save_button.setEnabled(False)
        self.worker.run(job, alive(self, self._saved), alive(self, self._failed))

    def _saved(self, problems: list[tuple[MonthlyPostsInput, str]]) -> None:
        self.save_button.setEnabled(True)
        self.pending = {inp.month: inp for inp, _t in problems}
        self.error.set_message("以下月份没有保存：\n" + "\n".join(f"{inp.month}月：{t}" for inp, t in problems) if problems else None)
        self.load()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.dialogs.show_error(self, exc, "没有保存")

    def export(self) -> None:
        path = self.dialogs.save_file(self, "导出 Excel", f"{self.year.value()}年网站与新媒体信息.xlsx", "Excel 工作簿 (*.xlsx)")
        if not path:
            return
        year, svc = self.year.value(), self.desk.outreach
        self.worker.run(lambda: svc.export_monthly_posts(path, year),
                        alive(self, lambda r: self.dialogs.info(self, "导出 Excel", f"已导出到：\n{r.path}")),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "没有导出")))


def quarter_of(d: dt.date) -> tuple[dt.date, dt.date]:
    q = (d.month - 1) // 3
    start = dt.date(d.year, q * 3 + 1, 1)
    end = dt.date(d.year + (q == 3), (q * 3 + 3) % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


def periods(today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    q_start, q_end = quarter_of(today)
    prev_start, prev_end = quarter_of(q_start - dt.timedelta(days=1))
    return [
        ("本季度", q_start, q_end),
        ("上季度", prev_start, prev_end),
        ("本年", dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)),
        ("上年", dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)),
    ]


class TotalsTab(QWidget):
    """期间汇总: the figures of desk.outreach.period_totals for a chosen period."""

    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.dialogs, self.worker = desk, dialogs, worker
        self.totals: Any = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        top = QHBoxLayout()
        self.period = QComboBox()
        for label, start, end in periods(clock.today()):
            self.period.addItem(f"{label}（{start:%Y-%m-%d} 至 {end:%Y-%m-%d}）", (start, end))
        self.period.addItem("自定义", None)
        self.date_from = OptionalDateEdit()
        self.date_to = OptionalDateEdit()
        top.addWidget(QLabel("期间"))
        top.addWidget(self.period)
        top.addWidget(self.date_from)
        self.to_label = QLabel("至")
        top.addWidget(self.to_label)
        top.addWidget(self.date_to)
        self.office = QComboBox()
        self.office.addItem("全部单位", None)
        top.addWidget(self.office)
        top.addStretch(1)
        layout.addLayout(top)
        self.error = ErrorLabel()
        layout.addWidget(self.error)
        self.values: dict[str, QLabel] = {}
        groups = [
            ("宣传教育活动", [("activities", "活动（场）"), ("six_in_activities", "其中“六进”（场）"), ("sites", "宣传点（个）"),
                         ("people_reached", "受教育（人次）"), ("leaflets", "发放资料（份）"), ("banners", "横幅标语（幅）"),
                         ("onsite_consultations", "现场咨询（人次）"), ("onsite_complaints", "现场受理投诉（件）")]),
            ("警示、评议与宣传", [("warnings_issued", "消费警示（条）"), ("tips_issued", "消费提示（条）"), ("surveys", "消费评议（项）"),
                           ("questionnaires_sent", "发放问卷（份）"), ("questionnaires_returned", "回收问卷（份）"),
                           ("media_reports", "媒体报道（篇次）"), ("website_posts", "网站信息（条）"), ("new_media_posts", "新媒体信息（条）")]),
            ("诚信单位与联席会议", [("revisits_held", "回访检查（次）"), ("units_revisited", "回访单位（家）"), ("revisits_passed", "回访合格（次）"),
                             ("units_awarded", "新授牌（家）"), ("units_renewed", "续期（家）"), ("units_revoked", "摘牌（家）"),
                             ("joint_meetings", "联席会议（次）")]),
        ]
        row = QHBoxLayout()
        for title, fields in groups:
            box = QGroupBox(title)
            grid = QGridLayout(box)
            for i, (key, label) in enumerate(fields):
                grid.addWidget(QLabel(label), i, 0)
                value = QLabel("—")
                value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                value.setMinimumWidth(70)
                set_role(value, "subtitle")
                grid.addWidget(value, i, 1)
                self.values[key] = value
            grid.setRowStretch(len(fields), 1)
            row.addWidget(box)
        layout.addLayout(row)
        self.by_kind = QTableWidget(0, 2)
        self.by_kind.setHorizontalHeaderLabels(["活动类型", "场次"])
        self.by_kind.verticalHeader().hide()
        self.by_kind.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.by_kind.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.by_kind.setMaximumWidth(360)
        layout.addWidget(QLabel("按活动类型："))
        bottom = QHBoxLayout()
        bottom.addWidget(self.by_kind, 1)
        rules = QLabel(
            "统计口径（两端日期都计入）：\n"
            "· 宣传活动按活动日期，消费警示、提示按发布日期，消费评议按开始日期，媒体报道按刊播日期；\n"
            "· 网站与新媒体信息按月份，计入月初在期间内的月份；\n"
            "· 回访检查按回访日期，授牌、续期按授牌日期，摘牌按摘牌日期，联席会议按会议日期；\n"
            "· 选择单位时只计该单位登记的记录（诚信单位按其管理单位）。\n"
            "简报中的宣传、警示、评议和诚信单位数字即取自这里。")
        rules.setWordWrap(True)
        rules.setAlignment(Qt.AlignmentFlag.AlignTop)
        set_role(rules, "muted")
        bottom.addWidget(rules, 2)
        layout.addLayout(bottom, 1)
        self.period.currentIndexChanged.connect(self._period_changed)
        self.date_from.dateChanged.connect(lambda _d: self.refresh())
        self.date_to.dateChanged.connect(lambda _d: self.refresh())
        self.office.currentIndexChanged.connect(lambda _i: self.refresh())
        offices = desk.offices
        worker.run(lambda: offices.list(include_inactive=False), alive(self, self._offices))
        self._period_changed(0)

    def _offices(self, offices: list[Any]) -> None:
        self.office.blockSignals(True)
        for o in offices:
            self.office.addItem(o.name, o.id)
        self.office.setVisible(len(offices) > 1)
        self.office.blockSignals(False)

    def _period_changed(self, _i: int) -> None:
        data = self.period.currentData()
        custom = data is None
        for w in (self.date_from, self.to_label, self.date_to):
            w.setVisible(custom)
        if not custom:
            for e, d in ((self.date_from, data[0]), (self.date_to, data[1])):
                e.blockSignals(True)
                e.set_value(d)
                e.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        start, end = self.date_from.value(), self.date_to.value()
        if start is None or end is None:
            self.error.set_message("请选择开始和结束日期。")
            return
        office, svc = self.office.currentData(), self.desk.outreach
        self.worker.run(lambda: svc.period_totals(start, end, office), alive(self, self._shown),
                        alive(self, lambda exc: self.error.set_message(getattr(exc, "message", "汇总失败"))))

    def _shown(self, t: Any) -> None:
        self.totals = t
        self.error.set_message(None)
        for key, label in self.values.items():
            label.setText(f"{getattr(t, key):,}")
        kinds = [(t.kind_names.get(code, code), n) for code, n in t.activities_by_kind.items()]
        self.by_kind.setRowCount(len(kinds))
        for r, (name, n) in enumerate(kinds):
            self.by_kind.setItem(r, 0, QTableWidgetItem(name))
            item = QTableWidgetItem(str(n))
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.by_kind.setItem(r, 1, item)
