"""The 诚信单位 page: units, revisits, member departments, joint meetings and the checklist."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from ui.campaigns.common import VocabEditor, alive

from .departments import DepartmentsTab, MeetingsTab
from .revisits import RevisitsTab
from .units import UnitsTab

if TYPE_CHECKING:
    from desk.facade import Desk
    from ui.dialogs import Dialogs
    from ui.worker import Worker


class TrustUnitsPage(QWidget):
    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.dialogs, self.worker = desk, dialogs, worker
        self.kinds: list[Any] = []
        self.checklist: list[Any] = []
        self.inspector_choices: list[Any] = []
        self.ready = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.tabs = QTabWidget()
        self.units = UnitsTab(self)
        self.revisits = RevisitsTab(self)
        self.departments = DepartmentsTab(self)
        self.meetings = MeetingsTab(self)
        self.vocab = VocabEditor(desk, dialogs, worker, [("revisit_check", "回访检查项目"), ("trust_kind", "诚信单位类型")],
                                 note="回访检查时逐项填写这里启用的检查项目；每个项目有固定代码，年度汇总按代码统计问题。"
                                      "停用的项目不再出现在新的回访中，已有记录保留当时的项目名称。")
        for w, title in ((self.units, "诚信单位"), (self.revisits, "回访检查"), (self.departments, "成员单位"),
                         (self.meetings, "联席会议"), (self.vocab, "检查项目与类型")):
            self.tabs.addTab(w, title)
        layout.addWidget(self.tabs)
        self.vocab.changed.connect(lambda _k: self.load_lookups())
        self._pending_ref: Any = None
        self.load_lookups()
        self.revisits.refresh()
        self.departments.refresh()

    def load_lookups(self) -> None:
        svc = self.desk.trust_units

        def job() -> tuple[list[Any], list[Any], list[Any]]:
            return svc.kinds(include_inactive=True), svc.checklist(include_inactive=True), svc.inspector_choices()

        self.worker.run(job, alive(self, self._lookups))

    def _lookups(self, result: tuple[list[Any], list[Any], list[Any]]) -> None:
        self.kinds, self.checklist, self.inspector_choices = result
        first = not self.ready
        self.ready = True
        if first:
            self.units.set_kinds(self.kinds)
            self.units.refresh()
            if self._pending_ref is not None:
                self.open_item(self._pending_ref)

    def focus_search(self) -> None:
        tab = self.tabs.currentWidget()
        if hasattr(tab, "focus_search"):
            tab.focus_search()

    def open_item(self, ref: Any) -> None:
        """A worklist item: ("unit", id) shows the unit; ("revisit", id, unit_id) the revisit."""
        if not self.ready:
            self._pending_ref = ref
            return
        kind = ref[0]
        if kind == "revisit":
            self.tabs.setCurrentWidget(self.revisits)
            self.revisits.open_only.setChecked(True)
            self.revisits.refresh(ref[1])
        else:
            self.tabs.setCurrentWidget(self.units)
            self.units.status.setCurrentIndex(0)  # all statuses: the unit may not hold the title any more
            self.units.refresh(ref[1])
