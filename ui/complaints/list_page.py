"""The 投诉 page: a tab with the case list (filters, keyword search, sorting by the database,
export), and a closable tab per opened case, intake form and the 来访咨询 register."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desk import clock
from desk.roles import Perm
from desk.services.complaints import ComplaintFilter, ComplaintView
from desk.workflow import STATUS_LABELS
from ui.forms import ErrorLabel
from ui.style import set_role

from .list_model import COLUMNS, ComplaintTableModel
from .lookups import Lookups
from .widgets import SEARCH_DELAY_MS, BusinessPicker, OptionalDateEdit, alive, fill_vocab_combo

if TYPE_CHECKING:
    from desk.facade import Desk
    from ui.dialogs import Dialogs
    from ui.worker import Worker

log = logging.getLogger(__name__)


class CaseListPanel(QWidget):
    """Filters, the lazy table and the list's buttons. The page handles opening things."""

    def __init__(self, page: ComplaintsPage) -> None:
        super().__init__()
        self.page = page
        desk, worker = page.desk, page.worker
        self.desk, self.worker = desk, worker
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)

        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        self.keyword = QLineEdit()
        self.keyword.setPlaceholderText("查找：案件编号、消费者姓名、电话、经营者、事实（Ctrl+F）")
        self.keyword.setClearButtonEnabled(True)
        self.keyword.setMinimumWidth(260)
        self.status = QComboBox()
        self.status.addItem("全部状态", None)
        for code, label in STATUS_LABELS.items():
            self.status.addItem(label, str(code))
        self.date_from = OptionalDateEdit()
        self.date_to = OptionalDateEdit()
        self.date_from.setToolTip("收到日期从（最小值表示不限）")
        self.date_to.setToolTip("收到日期至（最小值表示不限）")
        self.overdue = QCheckBox("仅看逾期")
        self.open_only = QCheckBox("仅看未办结")
        row1 = QHBoxLayout()
        row1.addWidget(self.keyword, 3)
        row1.addWidget(self.status, 1)
        row1.addWidget(QLabel("收到"))
        row1.addWidget(self.date_from)
        row1.addWidget(QLabel("至"))
        row1.addWidget(self.date_to)
        row1.addWidget(self.overdue)
        row1.addWidget(self.open_only)
        grid.addLayout(row1, 0, 0)

        self.office = QComboBox()
        self.handler = QComboBox()
        self.category = QComboBox()
        self.nature = QComboBox()
        self.channel = QComboBox()
        for combo in (self.office, self.handler, self.category, self.nature, self.channel):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.setMinimumContentsLength(5)
        self.business = BusinessPicker(desk, worker, placeholder="被投诉经营者")
        self.business.setMinimumWidth(160)
        self.clear_button = QPushButton("清除条件")
        self.clear_button.clicked.connect(self.clear_filters)
        row2 = QHBoxLayout()
        for w in (self.office, self.handler, self.category, self.nature, self.channel):
            row2.addWidget(w)
        row2.addWidget(self.business, 2)
        row2.addWidget(self.clear_button)
        grid.addLayout(row2, 1, 0)
        layout.addLayout(grid)

        buttons = QHBoxLayout()
        self.new_button = QPushButton("登记投诉")
        self.new_button.setToolTip("Ctrl+N")
        self.new_button.clicked.connect(page.new_complaint)
        self.new_button.setVisible(desk.can(Perm.EDIT_COMPLAINT))
        self.consult_button = QPushButton("来访咨询")
        self.consult_button.clicked.connect(page.open_consultations)
        self.export_button = QPushButton("导出 Excel")
        self.export_button.clicked.connect(self.export)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.consult_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        self.count_label = QLabel("正在读取…")
        set_role(self.count_label, "subtitle")
        buttons.addWidget(self.count_label)
        layout.addLayout(buttons)
        self.error = ErrorLabel()
        layout.addWidget(self.error)

        self.model = ComplaintTableModel(desk, ComplaintFilter(), "received_at", True, 100, worker=worker, parent=self)
        self.model.count_changed.connect(self._count_changed)
        self.model.loading_changed.connect(self._loading_changed)
        self.model.load_failed.connect(self._load_failed)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        # Fixed row height: the view never measures rows, so it never asks for rows it does not show.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        for i, col in enumerate(COLUMNS):
            header.resizeSection(i, col.width)
        header.setStretchLastSection(False)
        header.setSortIndicator(self.model.sort_column(), Qt.SortOrder.DescendingOrder)
        header.setSortIndicatorShown(True)
        self.table.setSortingEnabled(True)
        self.table.activated.connect(self._activated)
        layout.addWidget(self.table, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.apply_filters)
        self.keyword.textChanged.connect(lambda _t: self._timer.start())
        self.keyword.returnPressed.connect(self.apply_filters)
        for combo in (self.status, self.office, self.handler, self.category, self.nature, self.channel):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        for check in (self.overdue, self.open_only):
            check.toggled.connect(lambda _b: self.apply_filters())
        self.date_from.dateChanged.connect(lambda _d: self.apply_filters())
        self.date_to.dateChanged.connect(lambda _d: self.apply_filters())
        self.business.changed.connect(self._business_changed)
        self._filling = False

    # -- lookups ----------------------------------------------------------------------------------
    def fill_lookups(self, lk: Lookups) -> None:
        self._filling = True
        self.office.addItem("全部单位", None)
        for o in lk.offices:
            self.office.addItem(o.name, o.id)
        self.office.setVisible(len(lk.offices) > 1)
        self.handler.addItem("全部承办人", None)
        for uid, name in sorted(lk.users.items(), key=lambda kv: kv[1]):
            self.handler.addItem(name, uid)
        fill_vocab_combo(self.category, lk.top_categories(), blank="全部类别")
        fill_vocab_combo(self.nature, lk.natures, blank="全部性质")
        fill_vocab_combo(self.channel, lk.channels, blank="全部渠道")
        self._filling = False

    # -- filtering --------------------------------------------------------------------------------
    def current_filter(self) -> ComplaintFilter:
        status = self.status.currentData()
        return ComplaintFilter(
            keyword=self.keyword.text().strip(),
            statuses=(status,) if status else (),
            open_only=self.open_only.isChecked(),
            date_from=self.date_from.value(),
            date_to=self.date_to.value(),
            office_id=self.office.currentData(),
            handler_id=self.handler.currentData(),
            category_code=self.category.currentData(),
            nature_code=self.nature.currentData(),
            channel_code=self.channel.currentData(),
            business_id=self.business.business_id,
            overdue=self.overdue.isChecked(),
        )

    def apply_filters(self) -> None:
        if self._filling:
            return
        self._timer.stop()
        f = self.current_filter()
        if f == self.model.filter and (self.model.loaded or self.model.loading):
            return
        self.model.set_filter(f)

    def reload(self) -> None:
        self.model.reload_async()

    def _business_changed(self, business_id: int | None) -> None:
        # Only a chosen business filters; half-typed text does not.
        if business_id is not None or self.model.filter.business_id is not None:
            self.apply_filters()

    def clear_filters(self) -> None:
        self._filling = True
        self.keyword.clear()
        for combo in (self.status, self.office, self.handler, self.category, self.nature, self.channel):
            combo.setCurrentIndex(0)
        self.date_from.set_value(None)
        self.date_to.set_value(None)
        self.overdue.setChecked(False)
        self.open_only.setChecked(False)
        self.business.clear()
        self._filling = False
        self.apply_filters()

    def _count_changed(self, n: int) -> None:
        self.count_label.setText(f"共 {n:,} 件")
        self.error.set_message(None)

    def _loading_changed(self, loading: bool) -> None:
        if loading:
            self.count_label.setText("正在查询…")

    def _load_failed(self, exc: BaseException) -> None:
        self.count_label.setText("")
        self.error.set_message(f"案件列表读取失败：{getattr(exc, 'message', exc)}")

    # -- opening ----------------------------------------------------------------------------------
    def _activated(self, index) -> None:  # type: ignore[no-untyped-def]
        complaint_id = self.model.id_at(index.row())
        if complaint_id is not None:
            self.page.open_case(complaint_id)

    def focus_search(self) -> None:
        self.keyword.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.keyword.selectAll()

    # -- export -----------------------------------------------------------------------------------
    def export(self, path: str | None = None) -> None:
        try:
            from desk import exports
        except ImportError:
            self.page.dialogs.error(self, "导出 Excel", "当前程序版本缺少导出功能（desk.exports），请升级后再试。")
            return
        suggested = f"投诉案件_{clock.today():%Y%m%d}.xlsx"
        path = path or self.page.dialogs.save_file(self, "导出 Excel", suggested, "Excel 工作簿 (*.xlsx)")
        if not path:
            return
        desk, f, sort, desc = self.desk, self.model.filter, self.model.sort_key, self.model.descending
        self.export_button.setEnabled(False)
        self.worker.run(lambda: exports.export_complaints_xlsx(desk, path, f, sort, desc), alive(self, self._exported),
                        alive(self, self._export_failed))

    def _exported(self, result) -> None:  # type: ignore[no-untyped-def]
        self.export_button.setEnabled(True)
        self.last_export = result
        masked = "（个人信息已做脱敏处理）" if result.masked else ""
        self.page.dialogs.info(self, "导出 Excel", f"已导出 {result.rows:,} 件案件{masked}到：\n{result.path}")

    def _export_failed(self, exc: BaseException) -> None:
        self.export_button.setEnabled(True)
        self.page.dialogs.show_error(self, exc, "导出没有完成")


class ComplaintsPage(QWidget):
    """The page the main window shows under 投诉. ``open_item(ref)`` opens a case by id;
    ``focus_search()`` (Ctrl+F) goes to the keyword box."""

    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker, *, lookups: Lookups | None = None) -> None:
        super().__init__()
        self.desk, self.dialogs, self.worker = desk, dialogs, worker
        self.lookups: Lookups | None = None
        self._pending: list[tuple[str, object]] = []  # opened before the lookups arrived
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.tabs.setTabsClosable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        layout.addWidget(self.tabs)
        self.list = CaseListPanel(self)
        self.tabs.addTab(self.list, "案件列表")
        self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.RightSide, None)
        self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.LeftSide, None)

        new = QShortcut(QKeySequence.StandardKey.New, self)
        new.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        new.activated.connect(self.new_complaint)

        if lookups is not None:
            self._lookups_ready(lookups)
        else:
            self.worker.run(lambda: Lookups.load(desk), alive(self, self._lookups_ready), alive(self, self._lookups_failed))

    @property
    def ready(self) -> bool:
        return self.lookups is not None

    def _lookups_ready(self, lookups: Lookups) -> None:
        self.lookups = lookups
        self.list.fill_lookups(lookups)
        self.list.apply_filters()
        pending, self._pending = self._pending, []
        for what, arg in pending:
            if what == "case":
                self.open_case(arg)  # type: ignore[arg-type]
            elif what == "new":
                self.new_complaint()
            elif what == "consult":
                self.open_consultations()

    def _lookups_failed(self, exc: BaseException) -> None:
        self.list.error.set_message(f"分类词表读取失败，请稍后重新打开本页：{getattr(exc, 'message', exc)}")

    # -- tabs -------------------------------------------------------------------------------------
    def _find_tab(self, key: str) -> int:
        for i in range(self.tabs.count()):
            if self.tabs.widget(i).property("tab_key") == key:
                return i
        return -1

    def _add_tab(self, key: str, widget: QWidget, title: str) -> QWidget:
        widget.setProperty("tab_key", key)
        i = self.tabs.addTab(widget, title)
        self.tabs.setCurrentIndex(i)
        return widget

    def close_tab(self, index: int) -> bool:
        if index <= 0:
            return False
        w = self.tabs.widget(index)
        can_close = getattr(w, "can_close", None)
        if can_close is not None and not can_close():
            return False
        self.tabs.removeTab(index)
        w.deleteLater()
        return True

    def open_item(self, ref: object) -> None:
        """From the worklist: the case id."""
        if isinstance(ref, int):
            self.open_case(ref)

    def open_case(self, complaint_id: int):  # type: ignore[no-untyped-def]
        from .case_view import CaseView

        if self.lookups is None:
            self._pending.append(("case", complaint_id))
            return None
        key = f"case:{complaint_id}"
        i = self._find_tab(key)
        if i >= 0:
            self.tabs.setCurrentIndex(i)
            return self.tabs.widget(i)
        view = CaseView(self.desk, self.dialogs, self.worker, self.lookups, complaint_id)
        view.changed.connect(self._case_changed)
        view.title_changed.connect(lambda title, v=view: self._retitle(v, title))
        return self._add_tab(key, view, "案件")

    def _retitle(self, widget: QWidget, title: str) -> None:
        i = self.tabs.indexOf(widget)
        if i >= 0:
            self.tabs.setTabText(i, title)

    def _case_changed(self, view: ComplaintView) -> None:
        self.list.model.refresh_ids([view.id])

    def new_complaint(self):  # type: ignore[no-untyped-def]
        from .intake_form import IntakeForm

        if not self.desk.can(Perm.EDIT_COMPLAINT):
            self.dialogs.warn(self, "登记投诉", "您的角色没有“办理投诉”权限，不能登记投诉。")
            return None
        if self.lookups is None:
            self._pending.append(("new", None))
            return None
        i = self._find_tab("new")
        if i >= 0:
            self.tabs.setCurrentIndex(i)
            return self.tabs.widget(i)
        form = IntakeForm(self.desk, self.dialogs, self.worker, self.lookups)
        form.saved.connect(lambda view, f=form: self._registered(f, view))
        form.closed.connect(lambda f=form: self._remove_widget(f))
        self._add_tab("new", form, "登记投诉")
        form.consumer_name.setFocus()
        return form

    def _remove_widget(self, widget: QWidget) -> None:
        i = self.tabs.indexOf(widget)
        if i > 0:
            self.tabs.removeTab(i)
            widget.deleteLater()

    def _registered(self, form: QWidget, view: ComplaintView) -> None:
        self._remove_widget(form)
        self.list.reload()
        self.open_case(view.id)

    def open_consultations(self):  # type: ignore[no-untyped-def]
        from .consultations import ConsultationsPanel

        if self.lookups is None:
            self._pending.append(("consult", None))
            return None
        i = self._find_tab("consultations")
        if i >= 0:
            self.tabs.setCurrentIndex(i)
            return self.tabs.widget(i)
        return self._add_tab("consultations", ConsultationsPanel(self.desk, self.dialogs, self.worker, self.lookups), "来访咨询")

    def focus_search(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.list.focus_search()

    def current_tab(self) -> QWidget:
        return self.tabs.currentWidget()
