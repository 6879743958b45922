"""The 名册 page: tabs for the people, the training sessions, the investigation tasks and the
yearly figures; the import wizard opens beside it (not modal)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from .figures import FiguresPanel
from .import_wizard import ImportWizard
from .people import PeoplePanel
from .tasks import TasksPanel
from .trainings import TrainingsPanel

if TYPE_CHECKING:
    from desk.facade import Desk
    from ui.dialogs import Dialogs
    from ui.worker import Worker


class RostersPage(QWidget):
    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker) -> None:
        super().__init__()
        self.desk, self.dialogs, self.worker = desk, dialogs, worker
        self.wizard: ImportWizard | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.people = PeoplePanel(desk, dialogs, worker, self)
        self.tabs.addTab(self.people, "人员名册")
        # Built on first show: each reads the database when it opens.
        self._lazy: dict[int, Any] = {
            self.tabs.addTab(QWidget(), "培训班"): lambda: TrainingsPanel(desk, dialogs, worker),
            self.tabs.addTab(QWidget(), "调查任务"): lambda: TasksPanel(desk, dialogs, worker),
            self.tabs.addTab(QWidget(), "年度统计"): lambda: FiguresPanel(desk, dialogs, worker),
        }
        self.trainings: TrainingsPanel | None = None
        self.tasks: TasksPanel | None = None
        self.figures: FiguresPanel | None = None
        self.tabs.currentChanged.connect(self._tab_changed)
        layout.addWidget(self.tabs)

    def _tab_changed(self, index: int) -> None:
        factory = self._lazy.pop(index, None)
        if factory is None:
            return
        panel = factory()
        title = self.tabs.tabText(index)
        self.tabs.blockSignals(True)
        old = self.tabs.widget(index)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, panel, title)
        self.tabs.setCurrentIndex(index)
        self.tabs.blockSignals(False)
        old.deleteLater()
        if isinstance(panel, TrainingsPanel):
            self.trainings = panel
        elif isinstance(panel, TasksPanel):
            self.tasks = panel
        else:
            self.figures = panel

    def show_tab(self, title: str) -> QWidget:
        for i in range(self.tabs.count()):
            if self.tabs.tabText(i) == title:
                self.tabs.setCurrentIndex(i)
                return self.tabs.widget(i)
        raise KeyError(title)

    def focus_search(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.people.focus_search()

    def open_item(self, ref: Any) -> None:
        """Worklist items: ("task", id) or ("without_consent", None)."""
        what, key = ref
        if what == "task":
            panel = self.show_tab("调查任务")
            panel.open_task(key)  # type: ignore[attr-defined]
        elif what == "without_consent":
            self.tabs.setCurrentIndex(0)
            self.people.kind.setCurrentIndex(self.people.kind.findData("volunteer"))
            self.people.without_consent.setChecked(True)

    def start_import(self) -> ImportWizard:
        """Open the import wizard beside the page (the window stays usable)."""
        if self.wizard is not None and self.wizard.isVisible():
            self.wizard.raise_()
            self.wizard.activateWindow()
            return self.wizard
        if self.wizard is not None:
            self.wizard.deleteLater()  # a closed one: its job, if any, was cancelled
        wizard = ImportWizard(self.desk, self.dialogs, self.worker, kind=self.people.kind.currentData(), parent=self)
        wizard.imported.connect(lambda _s: self.people.model.refresh())
        self.wizard = wizard
        wizard.show()
        return wizard
