"""经营者 registry: a searchable list loaded in pages as the user scrolls, and a form with
field-level errors and conflict handling. Anyone logged in may look; editing needs
Perm.EDIT_BUSINESS (the service checks it too)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desk.errors import ConflictError, NotFound, ValidationError
from desk.facade import Desk
from desk.roles import Perm
from desk.services.businesses import LABELS, BusinessInput, BusinessView
from ui.admin._form import (
    ConflictBanner,
    FieldSet,
    alive,
    compact_rows,
    get_text,
    hint_label,
    multiline,
    set_text,
)
from ui.dialogs import Dialogs
from ui.worker import Worker

PAGE_SIZE = 200
SEARCH_DELAY_MS = 300

_COLUMNS = [("name", "经营者名称"), ("credit_code", "统一社会信用代码"), ("township", "乡镇"),
            ("contact_person", "联系人"), ("phone", "联系电话"), ("address", "地址")]
_FIELDS = ["name", "credit_code", "address", "contact_person", "phone", "township", "note"]


class BusinessListModel(QAbstractTableModel):
    """Rows of one keyword search, fetched PAGE_SIZE at a time on the worker when the view
    scrolls near the end (canFetchMore/fetchMore), never the whole table."""

    loaded = Signal()
    failed = Signal(object)

    def __init__(self, desk: Desk, worker: Worker, parent: Any = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.worker = worker
        self.rows: list[BusinessView] = []
        self.keyword = ""
        self._generation = 0  # results of an older search are dropped
        self.loading = False
        self.exhausted = True

    # -- Qt model ---------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        value = getattr(self.rows[index.row()], _COLUMNS[index.column()][0])
        return value or ""

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _COLUMNS[section][1]
        return None

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:
        return not parent.isValid() and not self.exhausted and not self.loading

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:
        if self.canFetchMore(parent):
            self._fetch()

    # -- loading ----------------------------------------------------------------------------
    def search(self, keyword: str) -> None:
        self.beginResetModel()
        self.rows = []
        self.keyword = keyword.strip()
        self._generation += 1
        self.exhausted = False
        self.loading = False
        self.endResetModel()
        self._fetch()

    def refresh(self) -> None:
        self.search(self.keyword)

    def _fetch(self) -> None:
        self.loading = True
        gen, keyword, offset = self._generation, self.keyword, len(self.rows)
        search = self.desk.businesses.search
        self.worker.run(
            lambda: search(keyword, limit=PAGE_SIZE, offset=offset),
            alive(self, lambda rows: self._arrived(gen, rows)),
            alive(self, lambda exc: self._failed(gen, exc)),
        )

    def _arrived(self, gen: int, rows: list[BusinessView]) -> None:
        if gen != self._generation:
            return
        self.loading = False
        self.exhausted = len(rows) < PAGE_SIZE
        if rows:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()
        self.loaded.emit()

    def _failed(self, gen: int, exc: BaseException) -> None:
        if gen != self._generation:
            return
        self.loading = False
        self.exhausted = True  # don't retry in a loop; the user can search again
        self.failed.emit(exc)

    # -- keeping rows in step with saves ----------------------------------------------------
    def row_of(self, business_id: int) -> int:
        for i, b in enumerate(self.rows):
            if b.id == business_id:
                return i
        return -1

    def replace(self, view: BusinessView) -> bool:
        i = self.row_of(view.id)
        if i < 0:
            return False
        self.rows[i] = view
        self.dataChanged.emit(self.index(i, 0), self.index(i, len(_COLUMNS) - 1))
        return True

    def remove(self, business_id: int) -> None:
        i = self.row_of(business_id)
        if i >= 0:
            self.beginRemoveRows(QModelIndex(), i, i)
            del self.rows[i]
            self.endRemoveRows()


def _input_of(view: BusinessView | None) -> BusinessInput:
    if view is None:
        return BusinessInput(name="")
    return BusinessInput(
        name=view.name, credit_code=view.credit_code or "", address=view.address,
        contact_person=view.contact_person, phone=view.phone, township=view.township, note=view.note,
    )


class BusinessesPage(QWidget):
    """List on the left, form on the right. Ctrl+F search, Ctrl+N new, Ctrl+S save."""

    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.dialogs = dialogs
        self.worker = worker
        self.can_edit = desk.can(Perm.EDIT_BUSINESS)
        self.current: BusinessView | None = None  # the record as last read (None: a new one)
        self.saving = False
        self._open_generation = 0

        # list side
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("按名称、统一社会信用代码或电话查找（Ctrl+F）")
        self.search_edit.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._run_search)
        self.search_edit.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_edit.returnPressed.connect(self._run_search)

        self.model = BusinessListModel(desk, worker, self)
        self.model.loaded.connect(self._on_list_loaded)
        self.model.failed.connect(alive(self, lambda exc: self.dialogs.show_error(self, exc, "经营者列表载入失败")))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        compact_rows(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((210, 160, 70, 64, 110)):
            self.table.setColumnWidth(col, width)
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)
        self.count_label = hint_label()

        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.search_edit)
        ll.addWidget(self.table, 1)
        ll.addWidget(self.count_label)

        # form side
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(6, 0, 0, 0)
        self.title_label = QLabel()
        self.title_label.setStyleSheet("font-weight: bold; font-size: 14px;")
        rl.addWidget(self.title_label)
        self.banner = ConflictBanner()
        self.banner.reload_requested.connect(self.reload_current)
        rl.addWidget(self.banner)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields = FieldSet(form, LABELS)
        self.fields.add("name", QLineEdit())
        self.fields.add("credit_code", QLineEdit(), hint="18位，可不填；有营业执照的请照录")
        self.fields.add("address", QLineEdit())
        self.fields.add("contact_person", QLineEdit())
        self.fields.add("phone", QLineEdit(), hint="手机11位，或带区号的固定电话，如 0558-1234567")
        self.fields.add("township", QLineEdit())
        self.fields.add("note", multiline(4))
        self.fields.editors["credit_code"].setMaxLength(24)  # type: ignore[attr-defined]
        rl.addLayout(form)
        self.other_errors = hint_label()
        self.other_errors.setStyleSheet("color: #c0392b;")
        self.other_errors.hide()
        rl.addWidget(self.other_errors)

        buttons = QHBoxLayout()
        self.new_button = QPushButton("新建")
        self.new_button.setToolTip("新建经营者（Ctrl+N）")
        self.new_button.clicked.connect(self.new_business)
        self.save_button = QPushButton("保存")
        self.save_button.setToolTip("保存（Ctrl+S）")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.delete_button = QPushButton("删除")
        self.delete_button.clicked.connect(self.delete)
        for b in (self.new_button, self.save_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        rl.addLayout(buttons)
        if not self.can_edit:
            rl.addWidget(hint_label("您的角色只能查看经营者，不能修改。"))
        rl.addStretch(1)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([700, 450])
        outer = QVBoxLayout(self)
        outer.addWidget(splitter)

        # Ctrl+F belongs to the main window, which calls focus_search() on the current page (a
        # second Ctrl+F shortcut here would make both ambiguous and neither would fire).
        # Ctrl+S / Ctrl+N act only while the focus is inside this page.
        ctx = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in ((QKeySequence.StandardKey.Save, self.save),
                           (QKeySequence.StandardKey.New, self.new_business)):
            sc = QShortcut(QKeySequence(keys), self)
            sc.setContext(ctx)
            sc.activated.connect(slot)

        self.fields.set_read_only(not self.can_edit)
        self._show(None)
        self.model.search("")

    # -- list ---------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def _run_search(self) -> None:
        self._search_timer.stop()
        self.model.search(self.search_edit.text())

    def _on_list_loaded(self) -> None:
        n = len(self.model.rows)
        more = "，向下滚动载入更多" if not self.model.exhausted else ""
        kw = f"（查找“{self.model.keyword}”）" if self.model.keyword else ""
        self.count_label.setText(f"已列出 {n} 家经营者{kw}{more}")
        if self.current is not None:
            i = self.model.row_of(self.current.id)
            if i >= 0 and self.table.currentIndex().row() != i:
                self._select_row_quietly(i)

    def _select_row_quietly(self, row: int) -> None:
        sm = self.table.selectionModel()
        sm.blockSignals(True)
        self.table.selectRow(row)
        sm.blockSignals(False)

    def _on_row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if not current.isValid():
            return
        view = self.model.rows[current.row()]
        if self.current is not None and view.id == self.current.id:
            return
        if self.is_dirty() and not self.dialogs.confirm(
            self, "放弃修改", "当前经营者有尚未保存的修改。放弃这些修改并打开另一家吗？"
        ):
            if previous.isValid():
                self._select_row_quietly(previous.row())
            return
        self.open_business(view.id)

    # -- form ---------------------------------------------------------------------------------
    def open_business(self, business_id: int) -> None:
        """Read the business afresh (the list row may be old) and show it."""
        self._open_generation += 1
        gen = self._open_generation
        get = self.desk.businesses.get
        self.worker.run(
            lambda: get(business_id),
            alive(self, lambda view: self._opened(gen, view)),
            alive(self, lambda exc: self._open_failed(gen, business_id, exc)),
        )

    def _opened(self, gen: int, view: BusinessView) -> None:
        if gen == self._open_generation:
            self._show(view)
            self.model.replace(view)

    def _open_failed(self, gen: int, business_id: int, exc: BaseException) -> None:
        if gen != self._open_generation:
            return
        if isinstance(exc, NotFound):
            self.model.remove(business_id)
        self.dialogs.show_error(self, exc, "无法打开经营者")

    def reload_current(self) -> None:
        """Replace the form with the latest saved values (after a conflict)."""
        if self.current is not None:
            self.open_business(self.current.id)

    def new_business(self) -> None:
        if not self.can_edit:
            return
        if self.is_dirty() and not self.dialogs.confirm(self, "放弃修改", "当前经营者有尚未保存的修改。放弃这些修改并新建吗？"):
            return
        self.table.clearSelection()
        self._show(None)
        self.fields.editors["name"].setFocus()

    def _show(self, view: BusinessView | None) -> None:
        self.current = view
        self.banner.hide()
        self.fields.clear_errors()
        self.other_errors.hide()
        inp = _input_of(view)
        for name in _FIELDS:
            set_text(self.fields.editors[name], getattr(inp, name))
        if view is None:
            self.title_label.setText("新建经营者" if self.can_edit else "请在左侧选择经营者")
        else:
            self.title_label.setText(f"经营者：{view.name}")
        self.delete_button.setEnabled(self.can_edit and view is not None)
        self.save_button.setEnabled(self.can_edit)
        self.new_button.setEnabled(self.can_edit)

    def form_input(self) -> BusinessInput:
        return BusinessInput(**{name: get_text(self.fields.editors[name]) for name in _FIELDS})

    def is_dirty(self) -> bool:
        if not self.can_edit:
            return False
        return self.form_input() != _input_of(self.current)

    def save(self) -> None:
        if not self.can_edit or self.saving:
            return
        inp = self.form_input()
        started = self.current
        svc = self.desk.businesses
        if started is None:
            job = lambda: svc.create(inp)  # noqa: E731
        else:
            job = lambda: svc.update(started.id, started, inp)  # noqa: E731
        self.saving = True
        self.save_button.setEnabled(False)
        self.worker.run(job, alive(self, lambda v: self._saved(v, started is None)), alive(self, self._save_failed))

    def _saved(self, view: BusinessView, created: bool) -> None:
        self.saving = False
        self._show(view)
        if created or not self.model.replace(view):
            self.model.refresh()  # _on_list_loaded selects it if it is on the first page

    def _save_failed(self, exc: BaseException) -> None:
        self.saving = False
        self.save_button.setEnabled(self.can_edit)
        self._handle_error(exc)

    def _handle_error(self, exc: BaseException) -> None:
        """Show the error where it belongs; the user's input stays in the form."""
        if isinstance(exc, ValidationError):
            rest = self.fields.show_errors(exc.fields)
            if rest:
                self.other_errors.setText("；".join(f"{LABELS.get(k, k)}：{v}" for k, v in rest.items()))
                self.other_errors.show()
            else:
                self.other_errors.hide()
        elif isinstance(exc, ConflictError):
            self.fields.clear_errors()
            self.banner.show_conflict(exc, LABELS)
        else:
            self.dialogs.show_error(self, exc, "经营者没有保存")

    def delete(self) -> None:
        view = self.current
        if not self.can_edit or view is None:
            return
        if not self.dialogs.confirm(self, "删除经营者", f"确定删除经营者“{view.name}”吗？删除后不能恢复。"):
            return
        remove = self.desk.businesses.delete
        self.worker.run(lambda: remove(view.id, view), alive(self, lambda _r: self._deleted(view.id)),
                        alive(self, self._handle_error))

    def _deleted(self, business_id: int) -> None:
        self._show(None)
        # Removing the selected row moves the selection; that must not open the next business.
        sm = self.table.selectionModel()
        sm.blockSignals(True)
        self.model.remove(business_id)
        self.table.clearSelection()
        sm.blockSignals(False)
