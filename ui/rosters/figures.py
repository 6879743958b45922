"""年度统计 tab: the figures the briefing quotes for a year, per roster and in total."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk import clock
from desk.services.rosters import KIND_LABELS, YearFigures
from ui.admin._form import make_table
from ui.complaints.widgets import alive
from ui.style import set_role

if TYPE_CHECKING:
    from desk.facade import Desk
    from ui.dialogs import Dialogs
    from ui.worker import Worker

HEADERS = ["名册", "年末在册", "本年加入", "本年退出", "参加培训（人）", "举办培训（期）"]


class FiguresPanel(QWidget):
    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker) -> None:
        super().__init__()
        self.desk, self.dialogs, self.worker = desk, dialogs, worker
        self.figures: list[YearFigures] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        top = QHBoxLayout()
        self.year = QSpinBox()
        self.year.setRange(2000, 2099)
        self.year.setValue(clock.today().year)
        self.year.setSuffix(" 年")
        self.year.valueChanged.connect(lambda _v: self.load())
        refresh = QPushButton("刷新")
        refresh.clicked.connect(self.load)
        top.addWidget(QLabel("年份："))
        top.addWidget(self.year)
        top.addWidget(refresh)
        top.addStretch(1)
        layout.addLayout(top)
        self.table = make_table(HEADERS)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for i in range(len(HEADERS)):
            header.setSectionResizeMode(i, header.ResizeMode.Fixed)
            header.resizeSection(i, 150 if i == 0 else 110)
        self.table.setMaximumWidth(150 + 110 * (len(HEADERS) - 1) + 6)
        layout.addWidget(self.table)
        note = QLabel("年末在册含暂停人员，不含已退出的；“参加培训”按人计（同一人参加多期只计一次）；"
                      "某一名册的“举办培训”指以该名册人员为对象或有该名册人员参加的培训。"
                      "当年尚未结束时，“年末在册”为截至今天的人数。")
        note.setWordWrap(True)
        set_role(note, "muted")
        layout.addWidget(note)
        layout.addStretch(1)
        self.load()

    def load(self) -> None:
        year, svc = self.year.value(), self.desk.rosters

        def job() -> list[YearFigures]:
            return [svc.yearly_figures(year, kind) for kind in KIND_LABELS] + [svc.yearly_figures(year)]

        self.worker.run(job, alive(self, self._show), alive(self, lambda e: self.dialogs.show_error(self, e, "统计失败")))

    def _show(self, figures: list[YearFigures]) -> None:
        self.figures = figures
        self.table.setRowCount(0)
        for i, f in enumerate(figures):
            self.table.insertRow(i)
            label = KIND_LABELS.get(f.kind, "") if f.kind else "合计"
            values = [label, f.on_roster, f.joined, f.left, f.trained, f.sessions]
            for col, v in enumerate(values):
                item = QTableWidgetItem(str(v))
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if f.kind is None:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(i, col, item)
        self.table.setFixedHeight(self.table.horizontalHeader().height() + self.table.verticalHeader().length() + 4)
