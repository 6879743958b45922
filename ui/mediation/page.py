"""The 调解 page: the cases of the mediation work (in mediation, by deadline; agreements not yet
confirmed performed; 调解成功 without the agreement written), the reconciliation station
registry, and a closable tab per opened case (the case view, on its 调解 tab).

``open_item(ref)`` opens a case by id (the start page's mediation items); ``focus_search()``
(Ctrl+F) goes to the filter box of the list shown."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.deadlines import DUE_KIND_LABELS
from desk.services.mediation import CASE_LIST_KINDS, MediationCaseRow
from desk.validators import normalise_search_text
from ui.complaints.widgets import alive
from ui.forms import ErrorLabel
from ui.style import ERROR_COLOR, MUTED_COLOR, set_role

if TYPE_CHECKING:
    from desk.facade import Desk
    from ui.complaints.lookups import Lookups
    from ui.dialogs import Dialogs
    from ui.worker import Worker

log = logging.getLogger(__name__)

LIST_LIMIT = 500  # the lists are work queues; an office with more filters by handler
COLUMNS = ("案件编号", "状态", "消费者", "被投诉经营者", "承办人", "期限", "已调解", "最近调解", "待办")


def due_text(r: MediationCaseRow) -> str:
    if r.paused:
        return "计时暂停"
    if r.performance_due and not r.performed_date and r.outcome_result:
        return f"履行 {r.performance_due:%Y-%m-%d}"
    if r.due_date:
        mark = "（暂定）" if r.due_provisional else ""
        return f"{DUE_KIND_LABELS.get(r.due_kind or '', '')} {r.due_date:%Y-%m-%d}{mark}".strip()
    return ""


class CasesPanel(QWidget):
    def __init__(self, page: MediationPage) -> None:
        super().__init__()
        self.page = page
        self.desk, self.worker = page.desk, page.worker
        self.rows: list[MediationCaseRow] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        top = QHBoxLayout()
        self.kind = QComboBox()
        for code, label in CASE_LIST_KINDS.items():
            self.kind.addItem(label, code)
        self.mine = QCheckBox("只看我承办的")
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("在列表中查找：案件编号、消费者、经营者（Ctrl+F）")
        self.filter.setClearButtonEnabled(True)
        self.refresh_button = QPushButton("刷新")
        self.count = QLabel("正在读取…")
        set_role(self.count, "subtitle")
        top.addWidget(self.kind)
        top.addWidget(self.mine)
        top.addWidget(self.filter, 1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.count)
        layout.addLayout(top)
        hint = QLabel("双击打开案件的“调解”页：安排和记录调解、登记调解结果与金额、生成调解笔录和调解书、确认履行。")
        hint.setWordWrap(True)
        set_role(hint, "muted")
        layout.addWidget(hint)
        self.error = ErrorLabel()
        layout.addWidget(self.error)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setSortingEnabled(False)
        header = self.tree.header()
        for i, width in enumerate((112, 64, 64, 200, 84, 150, 56, 90)):
            header.resizeSection(i, width)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        self.tree.itemActivated.connect(self._activated)
        layout.addWidget(self.tree, 1)
        self.kind.currentIndexChanged.connect(lambda _i: self.reload())
        self.mine.toggled.connect(lambda _b: self.reload())
        self.refresh_button.clicked.connect(self.reload)
        self.filter.textChanged.connect(lambda _t: self._show())
        self._generation = 0

    def reload(self) -> None:
        kind = self.kind.currentData()
        handler = self.desk.actor.user_id if self.mine.isChecked() and self.desk.actor else None
        mediation = self.desk.mediation
        self._generation += 1
        gen = self._generation
        self.count.setText("正在读取…")
        self.worker.run(lambda: mediation.cases(kind, handler_id=handler, limit=LIST_LIMIT),
                        alive(self, lambda rows: self._loaded(gen, rows)), alive(self, self._failed))

    def _loaded(self, gen: int, rows: list[MediationCaseRow]) -> None:
        if gen != self._generation:
            return
        self.rows = rows
        self.error.set_message(None)
        self._show()

    def _failed(self, exc: BaseException) -> None:
        self.count.setText("")
        self.error.set_message(f"调解案件读取失败：{getattr(exc, 'message', exc)}")

    def visible_rows(self) -> list[MediationCaseRow]:
        key = normalise_search_text(self.filter.text())
        if not key:
            return self.rows
        return [r for r in self.rows if key in normalise_search_text(f"{r.case_no}{r.consumer_name}{r.business_name}")]

    def _show(self) -> None:
        self.tree.clear()
        shown = self.visible_rows()
        for r in shown:
            item = QTreeWidgetItem([
                r.case_no, r.status_label, r.consumer_name, r.business_name, r.handler_name, due_text(r),
                f"{r.sessions} 次" if r.sessions else "—",
                f"{r.last_session:%Y-%m-%d}" if r.last_session else "—", r.todo,
            ])
            item.setData(0, Qt.ItemDataRole.UserRole, r.complaint_id)
            late = (r.overdue and not r.paused) or (r.performance_due is not None and not r.performed_date
                                                   and r.todo.startswith("履行期限已过"))
            if late:
                item.setForeground(5, QColor(ERROR_COLOR))
            elif r.paused:
                item.setForeground(5, QColor(MUTED_COLOR))
            if r.recusal_pending:
                item.setForeground(8, QColor(ERROR_COLOR))
            self.tree.addTopLevelItem(item)
        total = len(self.rows)
        more = "（只列出前500件）" if total >= LIST_LIMIT else ""
        self.count.setText((f"共 {total} 件" if len(shown) == total else f"共 {total} 件，显示 {len(shown)} 件") + more)

    def _activated(self, item: QTreeWidgetItem, _col: int) -> None:
        cid = item.data(0, Qt.ItemDataRole.UserRole)
        if cid is not None:
            self.page.open_case(int(cid))

    def focus_search(self) -> None:
        self.filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter.selectAll()


class MediationPage(QWidget):
    """The page under 调解 in the navigation."""

    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker) -> None:
        super().__init__()
        from ui.complaints.lookups import Lookups

        from .stations import StationsPanel

        self.desk, self.dialogs, self.worker = desk, dialogs, worker
        self.lookups: Lookups | None = None
        self._pending: list[int] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        layout.addWidget(self.tabs)
        self.cases = CasesPanel(self)
        self.stations = StationsPanel(self)
        self.tabs.addTab(self.cases, "调解案件")
        self.tabs.addTab(self.stations, "和解站")
        for i in (0, 1):
            self.tabs.tabBar().setTabButton(i, self.tabs.tabBar().ButtonPosition.RightSide, None)
            self.tabs.tabBar().setTabButton(i, self.tabs.tabBar().ButtonPosition.LeftSide, None)
        self.cases.reload()
        self.stations.reload()
        self.worker.run(lambda: Lookups.load(desk), alive(self, self._lookups_ready),
                        alive(self, lambda exc: self.cases.error.set_message(f"分类词表读取失败：{getattr(exc, 'message', exc)}")))

    @property
    def ready(self) -> bool:
        return self.lookups is not None

    def _lookups_ready(self, lookups: Lookups) -> None:
        self.lookups = lookups
        pending, self._pending = self._pending, []
        for cid in pending:
            self.open_case(cid)

    def open_item(self, ref: object) -> None:
        if isinstance(ref, int):
            self.open_case(ref)

    def open_case(self, complaint_id: int):  # type: ignore[no-untyped-def]
        """The case view in a tab, on its 调解 tab."""
        from ui.complaints.case_view import CaseView

        if self.lookups is None:
            self._pending.append(complaint_id)
            return None
        key = f"case:{complaint_id}"
        for i in range(2, self.tabs.count()):
            if self.tabs.widget(i).property("tab_key") == key:
                self.tabs.setCurrentIndex(i)
                return self.tabs.widget(i)
        view = CaseView(self.desk, self.dialogs, self.worker, self.lookups, complaint_id)
        view.setProperty("tab_key", key)
        view.title_changed.connect(lambda title, v=view: self._retitle(v, title))
        view.changed.connect(lambda _v: self.cases.reload())
        if view.mediation_tab is not None:
            view.tabs.setCurrentWidget(view.mediation_tab)
        self.tabs.setCurrentIndex(self.tabs.addTab(view, "案件"))
        return view

    def _retitle(self, widget: QWidget, title: str) -> None:
        i = self.tabs.indexOf(widget)
        if i >= 0:
            self.tabs.setTabText(i, title)

    def close_tab(self, index: int) -> bool:
        if index <= 1:
            return False
        w = self.tabs.widget(index)
        can_close = getattr(w, "can_close", None)
        if can_close is not None and not can_close():
            return False
        self.tabs.removeTab(index)
        w.deleteLater()
        return True

    def focus_search(self) -> None:
        current = self.tabs.currentWidget()
        if current is self.stations:
            self.stations.focus_search()
        else:
            self.tabs.setCurrentIndex(0)
            self.cases.focus_search()

    def current_tab(self) -> QWidget:
        return self.tabs.currentWidget()
