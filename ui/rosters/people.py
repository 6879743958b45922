"""人员名册 tab: filters and a list loaded page by page as the user scrolls, the person form
(field errors beside the fields, conflicts in a banner, nothing lost when a save fails), the
status dialog, the person's history, and the import, export and print buttons."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.errors import ConflictError, ValidationError
from desk.roles import Perm
from desk.services.rosters import (
    GENDER_LABELS,
    KIND_SHORT,
    PERSON_LABELS,
    STATUS_LABELS,
    PersonFilter,
    PersonInput,
    PersonView,
)
from ui.admin._form import ConflictBanner, compact_rows, multiline
from ui.complaints.widgets import alive
from ui.forms import ErrorLabel, FormBuilder
from ui.style import set_role

from .widgets import CONSENT_METHODS, StatusDialog, date_text, fill_kind_combo, select_data

if TYPE_CHECKING:
    from desk.facade import Desk
    from ui.dialogs import Dialogs
    from ui.worker import Worker

PAGE_SIZE = 200
SEARCH_DELAY_MS = 300
MISSING_COLOR = QColor("#c62828")
LEFT_COLOR = QColor("#80868b")

# (attribute, title, width)
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("name", "姓名", 70),
    ("kind", "名册", 56),
    ("gender", "性别", 40),
    ("phone", "电话", 104),
    ("township", "乡镇", 72),
    ("workplace", "工作单位或职业", 170),
    ("join_date", "加入日期", 84),
    ("status", "状态", 48),
    ("certificate_no", "证书编号", 96),
    ("consent", "个人信息同意", 90),
)
TEXT_FIELDS = ("name", "phone", "id_no", "township", "community", "workplace", "occupation", "join_date",
               "certificate_no", "skills", "consent_date")


def cell_text(p: PersonView, key: str) -> str:
    if key == "kind":
        return KIND_SHORT.get(p.kind, p.kind)
    if key == "gender":
        return p.gender_label
    if key == "workplace":
        return p.workplace or p.occupation
    if key == "join_date":
        return date_text(p.join_date)
    if key == "status":
        return p.status_label
    if key == "consent":
        if p.consent_date:
            return f"{p.consent_date:%Y-%m-%d}"
        return "未记录" if p.kind == "volunteer" else ""
    value = getattr(p, key)
    return "" if value is None else str(value)


class PersonListModel(QAbstractTableModel):
    """Rows of one filter, fetched PAGE_SIZE at a time on the worker as the view scrolls."""

    loaded = Signal()
    failed = Signal(object)

    def __init__(self, desk: Desk, worker: Worker, parent: Any = None) -> None:
        super().__init__(parent)
        self.desk, self.worker = desk, worker
        self.rows: list[PersonView] = []
        self.filter = PersonFilter()
        self.total = 0
        self._generation = 0
        self.loading = False
        self.exhausted = True

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        p = self.rows[index.row()]
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(p, key)
        if role == Qt.ItemDataRole.ForegroundRole:
            if key == "consent" and p.kind == "volunteer" and not p.consent_date:
                return QBrush(MISSING_COLOR)
            if p.status == "left":
                return QBrush(LEFT_COLOR)
        if role == Qt.ItemDataRole.ToolTipRole and key == "consent" and p.consent_date:
            return p.consent_method
        if role == Qt.ItemDataRole.UserRole:
            return p.id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][1]
        return None

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:
        return not parent.isValid() and not self.exhausted and not self.loading

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:
        if self.canFetchMore(parent):
            self._fetch()

    def set_filter(self, f: PersonFilter) -> None:
        self.beginResetModel()
        self.rows = []
        self.filter = f
        self._generation += 1
        self.exhausted = False
        self.loading = False
        self.endResetModel()
        gen, svc = self._generation, self.desk.rosters
        self.worker.run(lambda: svc.count(f), alive(self, lambda n: self._counted(gen, n)))
        self._fetch()

    def refresh(self) -> None:
        self.set_filter(self.filter)

    def _counted(self, gen: int, n: int) -> None:
        if gen == self._generation:
            self.total = n
            self.loaded.emit()

    def _fetch(self) -> None:
        self.loading = True
        gen, f, offset, svc = self._generation, self.filter, len(self.rows), self.desk.rosters
        self.worker.run(lambda: svc.search(f, limit=PAGE_SIZE, offset=offset),
                        alive(self, lambda rows: self._arrived(gen, rows)), alive(self, lambda exc: self._failed(gen, exc)))

    def _arrived(self, gen: int, rows: list[PersonView]) -> None:
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
        if gen == self._generation:
            self.loading = False
            self.exhausted = True
            self.failed.emit(exc)

    def row_of(self, person_id: int) -> int:
        return next((i for i, p in enumerate(self.rows) if p.id == person_id), -1)

    def replace(self, view: PersonView) -> bool:
        i = self.row_of(view.id)
        if i < 0:
            return False
        self.rows[i] = view
        self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))
        return True

    def remove(self, person_id: int) -> None:
        i = self.row_of(person_id)
        if i >= 0:
            self.beginRemoveRows(QModelIndex(), i, i)
            del self.rows[i]
            self.endRemoveRows()


def input_of(view: PersonView | None, kind: str = "volunteer") -> PersonInput:
    if view is None:
        return PersonInput(kind=kind, name="", join_date="", consent_date="")
    return PersonInput(
        kind=view.kind, name=view.name, gender=GENDER_LABELS.get(view.gender, ""), phone=view.phone,
        id_no=view.id_no or "", township=view.township, community=view.community, workplace=view.workplace,
        occupation=view.occupation, join_date=date_text(view.join_date), certificate_no=view.certificate_no,
        skills=view.skills, note=view.note, consent_date=date_text(view.consent_date), consent_method=view.consent_method,
    )


class PersonForm(QWidget):
    """The person's fields. ``current`` is the record as last read (None while new)."""

    saved = Signal(object, bool)  # (PersonView, whether the list must be read again)
    opened = Signal(object)  # the latest PersonView read
    deleted = Signal(int)

    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker) -> None:
        super().__init__()
        self.desk, self.dialogs, self.worker = desk, dialogs, worker
        self.can_edit = desk.can(Perm.EDIT_ROSTER) and desk.can(Perm.VIEW_PERSONAL)
        self.current: PersonView | None = None
        self.saving = False
        self.status_dialog: StatusDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel()
        set_role(self.title, "subtitle")
        layout.addWidget(self.title)
        self.banner = ConflictBanner()
        self.banner.reload_requested.connect(self.reload)
        layout.addWidget(self.banner)

        self.form = FormBuilder()
        self.kind = QComboBox()
        fill_kind_combo(self.kind)
        self.form.add("kind", "名册", self.kind)
        self.editors: dict[str, QWidget] = {"kind": self.kind}
        self.editors["name"] = self.form.line_edit("name", "姓名", max_length=40)
        self.gender = QComboBox()
        for label in ("", "男", "女"):
            self.gender.addItem(label or "（未填）", label)
        self.form.add("gender", "性别", self.gender, hint="不填时按身份证号判断")
        self.editors["gender"] = self.gender
        self.editors["phone"] = self.form.line_edit("phone", "电话", placeholder="手机11位，或 0558-1234567")
        self.editors["id_no"] = self.form.line_edit("id_no", "身份证号", placeholder="可不填；填写时须为18位")
        self.editors["township"] = self.form.line_edit("township", "乡镇")
        self.editors["community"] = self.form.line_edit("community", "社区/村")
        self.editors["workplace"] = self.form.line_edit("workplace", "工作单位")
        self.editors["occupation"] = self.form.line_edit("occupation", "职业")
        self.editors["join_date"] = self.form.line_edit("join_date", "加入日期", placeholder="如 2023-05-01 或 2023年5月")
        self.editors["certificate_no"] = self.form.line_edit("certificate_no", "证书编号")
        self.editors["skills"] = self.form.line_edit("skills", "特长")
        self.note = multiline(3)
        self.form.add("note", "备注", self.note)
        self.editors["note"] = self.note
        self.editors["consent_date"] = self.form.line_edit("consent_date", "同意日期",
                                                           hint="志愿者同意本会使用其个人信息的日期（个人信息保护法）")
        self.consent_method = QComboBox()
        self.consent_method.setEditable(True)
        self.consent_method.addItem("")
        self.consent_method.addItems(CONSENT_METHODS)
        self.form.add("consent_method", "同意方式", self.consent_method)
        self.editors["consent_method"] = self.consent_method
        self.form.add_message()
        form_box = QWidget()
        form_box.setLayout(self.form.layout)

        status_row = QHBoxLayout()
        self.status_label = QLabel()
        self.status_button = QPushButton("变更状态…")
        self.status_button.setToolTip("在册、暂停或退出，记录日期和原因")
        self.status_button.clicked.connect(self.change_status)
        status_row.addWidget(self.status_label, 1)
        status_row.addWidget(self.status_button)

        buttons = QHBoxLayout()
        self.save_button = QPushButton("保存")
        self.save_button.setToolTip("保存（Ctrl+S）")
        self.save_button.clicked.connect(self.save)
        self.delete_button = QPushButton("删除")
        self.delete_button.setToolTip("只能删除误录入、没有培训和任务记录的人员；不再参加的请改为“退出”")
        self.delete_button.clicked.connect(self.delete)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)

        self.history = QTreeWidget()
        self.history.setHeaderLabels(["日期", "类别", "事项", "说明"])
        self.history.setRootIsDecorated(False)
        self.history.setAlternatingRowColors(True)
        header = self.history.header()
        header.setStretchLastSection(False)
        for col, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.ResizeToContents,
                                    QHeaderView.ResizeMode.Stretch, QHeaderView.ResizeMode.Interactive)):
            header.setSectionResizeMode(col, mode)
        header.resizeSection(3, 150)

        self.tabs = QTabWidget()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        inner = QWidget()
        il = QVBoxLayout(inner)
        il.addWidget(form_box)
        il.addLayout(status_row)
        il.addLayout(buttons)
        if not self.can_edit:
            note = QLabel("您的角色只能查看名册，不能修改；电话和身份证号已部分隐藏。"
                          if not desk.can(Perm.VIEW_PERSONAL) else "您的角色只能查看名册，不能修改。")
            set_role(note, "muted")
            note.setWordWrap(True)
            il.addWidget(note)
        il.addStretch(1)
        scroll.setWidget(inner)
        self.tabs.addTab(scroll, "基本信息")
        self.tabs.addTab(self.history, "履历")
        layout.addWidget(self.tabs, 1)
        self._generation = 0
        self.show_person(None)

    # -- showing ------------------------------------------------------------------------------
    def show_person(self, view: PersonView | None, kind: str = "volunteer") -> None:
        self.current = view
        self.banner.hide()
        self.form.clear_errors()
        self._fill(input_of(view, kind))
        if view is None:
            self.title.setText("新增人员" if self.can_edit else "请在左侧选择人员")
            self.status_label.setText("")
            self.history.clear()
        else:
            self.title.setText(f"{view.name}（{view.kind_label}）")
            when = f"，{view.status_date:%Y-%m-%d}" if view.status_date else ""
            why = f"，{view.status_reason}" if view.status_reason else ""
            self.status_label.setText(f"状态：{view.status_label}{when}{why}")
        for editor in self.editors.values():
            if isinstance(editor, QLineEdit | QPlainTextEdit):
                editor.setReadOnly(not self.can_edit)
            else:
                editor.setEnabled(self.can_edit)
        self.save_button.setVisible(self.can_edit)
        self.save_button.setEnabled(True)
        self.delete_button.setVisible(self.can_edit)
        self.delete_button.setEnabled(view is not None)
        self.status_button.setVisible(self.can_edit and view is not None)

    def _fill(self, inp: PersonInput) -> None:
        select_data(self.kind, inp.kind)
        select_data(self.gender, inp.gender)
        for name in TEXT_FIELDS:
            editor = self.editors[name]
            assert isinstance(editor, QLineEdit)
            editor.setText(str(getattr(inp, name) or ""))
            editor.setCursorPosition(0)
        self.note.setPlainText(inp.note)
        self.consent_method.setCurrentText(inp.consent_method)

    def form_input(self) -> PersonInput:
        values = {name: self.editors[name].text() for name in TEXT_FIELDS}  # type: ignore[attr-defined]
        return PersonInput(kind=self.kind.currentData(), gender=self.gender.currentData() or "", note=self.note.toPlainText(),
                           consent_method=self.consent_method.currentText(), **values)

    def is_dirty(self) -> bool:
        if not self.can_edit:
            return False
        kind = self.current.kind if self.current else self.kind.currentData()
        return self.form_input() != input_of(self.current, kind)

    def open_person(self, person_id: int) -> None:
        self._generation += 1
        gen, svc = self._generation, self.desk.rosters
        self.worker.run(lambda: (svc.get(person_id), svc.history(person_id)),
                        alive(self, lambda r: self._opened(gen, *r)), alive(self, lambda e: self._open_failed(gen, e)))

    def _opened(self, gen: int, view: PersonView, history: Any) -> None:
        if gen != self._generation:
            return
        self.show_person(view)
        self.history.clear()
        for item in history.items:
            row = QTreeWidgetItem([f"{item.on:%Y-%m-%d}", item.kind_label, item.title, item.detail])
            for col in (2, 3):
                row.setToolTip(col, row.text(col))
            self.history.addTopLevelItem(row)
        self.opened.emit(view)

    def _open_failed(self, gen: int, exc: BaseException) -> None:
        if gen == self._generation:
            self.dialogs.show_error(self, exc, "无法打开人员")

    def reload(self) -> None:
        if self.current is not None:
            self.open_person(self.current.id)

    # -- saving -------------------------------------------------------------------------------
    def save(self) -> None:
        if not self.can_edit or self.saving:
            return
        inp, started, svc = self.form_input(), self.current, self.desk.rosters
        if started is None:
            job = lambda: svc.create(inp)  # noqa: E731
        else:
            job = lambda: svc.update(started.id, started, inp)  # noqa: E731
        self.saving = True
        self.save_button.setEnabled(False)
        self.worker.run(job, alive(self, lambda v: self._saved(v, started is None)), alive(self, self._save_failed))

    def _saved(self, view: PersonView, created: bool) -> None:
        self.saving = False
        self.show_person(view)
        self.saved.emit(view, created)
        self.open_person(view.id)  # the history too

    def _save_failed(self, exc: BaseException) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self.form.show_errors(exc)
        elif isinstance(exc, ConflictError):
            self.form.clear_errors()
            self.banner.show_conflict(exc, PERSON_LABELS)
        else:
            self.dialogs.show_error(self, exc, "人员没有保存")

    def delete(self) -> None:
        view = self.current
        if view is None or not self.can_edit:
            return
        if not self.dialogs.confirm(self, "删除人员", f"删除“{view.name}”？只有误录入的人员才应删除；"
                                    "不再参加活动的人员请用“变更状态”改为退出。"):
            return
        svc = self.desk.rosters
        self.worker.run(lambda: svc.delete(view.id, view), alive(self, lambda _r: self._deleted(view.id)),
                        alive(self, lambda e: self.dialogs.show_error(self, e, "人员没有删除")))

    def _deleted(self, person_id: int) -> None:
        self.show_person(None)
        self.deleted.emit(person_id)

    def change_status(self) -> StatusDialog | None:
        if self.current is None or not self.can_edit:
            return None
        dlg = StatusDialog(self.desk, self.dialogs, self.worker, self.current, self)
        dlg.finished.connect(lambda _r, d=dlg: self._status_done(d))
        self.status_dialog = dlg
        dlg.open()
        return dlg

    def _status_done(self, dlg: StatusDialog) -> None:
        self.status_dialog = None
        if dlg.result_view is not None:
            # A new status may take the person out of the list's filter (在册和暂停).
            self.saved.emit(dlg.result_view, True)
            self.open_person(dlg.result_view.id)
        dlg.deleteLater()


class PeoplePanel(QWidget):
    """Filters, the list and the form side by side."""

    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker, page: Any) -> None:
        super().__init__()
        self.desk, self.dialogs, self.worker, self.page = desk, dialogs, worker, page
        self.can_edit = desk.can(Perm.EDIT_ROSTER) and desk.can(Perm.VIEW_PERSONAL)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)

        filters = QHBoxLayout()
        self.kind = QComboBox()
        fill_kind_combo(self.kind, blank="全部名册")
        self.kind.setCurrentIndex(1)  # 志愿者: the roster worked on most
        self.status = QComboBox()
        self.status.addItem("在册和暂停", "current")
        for code, label in STATUS_LABELS.items():
            self.status.addItem(f"仅{label}", code)
        self.status.addItem("全部状态", None)
        self.keyword = QLineEdit()
        self.keyword.setPlaceholderText("查找：姓名、乡镇、单位、证书编号" + ("、电话" if desk.can(Perm.VIEW_PERSONAL) else "") + "（Ctrl+F）")
        self.keyword.setClearButtonEnabled(True)
        self.without_consent = QCheckBox("未记录同意")
        self.without_consent.setToolTip("志愿者中没有记录个人信息使用同意的人员")
        filters.addWidget(self.kind)
        filters.addWidget(self.status)
        filters.addWidget(self.keyword, 1)
        filters.addWidget(self.without_consent)
        layout.addLayout(filters)

        buttons = QHBoxLayout()
        self.new_button = QPushButton("新增人员")
        self.new_button.setToolTip("Ctrl+N")
        self.new_button.clicked.connect(self.new_person)
        self.new_button.setVisible(self.can_edit)
        self.import_button = QPushButton("从 Excel 导入…")
        self.import_button.clicked.connect(page.start_import)
        self.import_button.setVisible(self.can_edit)
        self.export_button = QPushButton("导出 Excel")
        self.export_button.clicked.connect(lambda: self.export("xlsx"))
        self.print_button = QPushButton("打印名册（Word）")
        self.print_button.clicked.connect(lambda: self.export("docx"))
        for b in (self.new_button, self.import_button, self.export_button, self.print_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.count_label = QLabel("正在读取…")
        set_role(self.count_label, "muted")
        buttons.addWidget(self.count_label)
        layout.addLayout(buttons)
        self.error = ErrorLabel()
        layout.addWidget(self.error)

        self.model = PersonListModel(desk, worker, self)
        self.model.loaded.connect(self._loaded)
        self.model.failed.connect(lambda exc: self.error.set_message(f"名册读取失败：{getattr(exc, 'message', exc)}"))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        compact_rows(self.table)
        header = self.table.horizontalHeader()
        for i, (_k, _t, width) in enumerate(COLUMNS):
            header.resizeSection(i, width)
        header.setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)

        self.form = PersonForm(desk, dialogs, worker)
        self.form.saved.connect(self._saved)
        self.form.deleted.connect(self._deleted)
        self.form.opened.connect(self.model.replace)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(self.form)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([720, 430])
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.apply_filters)
        self.keyword.textChanged.connect(lambda _t: self._timer.start())
        self.keyword.returnPressed.connect(self.apply_filters)
        self.kind.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.status.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.without_consent.toggled.connect(lambda _b: self.apply_filters())
        ctx = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in ((QKeySequence.StandardKey.Save, self.form.save), (QKeySequence.StandardKey.New, self.new_person)):
            sc = QShortcut(QKeySequence(keys), self)
            sc.setContext(ctx)
            sc.activated.connect(slot)
        self.form.show_person(None, self.kind.currentData() or "volunteer")
        self.apply_filters()

    def current_filter(self) -> PersonFilter:
        return PersonFilter(kind=self.kind.currentData(), keyword=self.keyword.text().strip(),
                            status=self.status.currentData(), without_consent=self.without_consent.isChecked())

    def apply_filters(self) -> None:
        self._timer.stop()
        self.error.set_message(None)
        self.count_label.setText("正在读取…")
        self.model.set_filter(self.current_filter())

    def focus_search(self) -> None:
        self.keyword.setFocus()
        self.keyword.selectAll()

    def _loaded(self) -> None:
        shown = len(self.model.rows)
        more = "，向下滚动载入更多" if not self.model.exhausted else ""
        self.count_label.setText(f"共 {self.model.total} 人，已列出 {shown} 人{more}")

    def _row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if not current.isValid():
            return
        view = self.model.rows[current.row()]
        if self.form.current is not None and view.id == self.form.current.id:
            return
        if self.form.is_dirty() and not self.dialogs.confirm(self, "放弃修改", "当前人员有尚未保存的修改。放弃这些修改吗？"):
            if previous.isValid():
                sm = self.table.selectionModel()
                sm.blockSignals(True)
                self.table.selectRow(previous.row())
                sm.blockSignals(False)
            return
        self.form.open_person(view.id)

    def new_person(self) -> None:
        if not self.can_edit:
            return
        if self.form.is_dirty() and not self.dialogs.confirm(self, "放弃修改", "当前人员有尚未保存的修改。放弃这些修改并新增吗？"):
            return
        self.table.clearSelection()
        self.form.show_person(None, self.kind.currentData() or "volunteer")
        self.form.tabs.setCurrentIndex(0)
        self.form.editors["name"].setFocus()

    def _saved(self, view: PersonView, reread: bool) -> None:
        if reread or not self.model.replace(view):
            self.model.refresh()

    def _deleted(self, person_id: int) -> None:
        self.model.remove(person_id)
        self.model.refresh()

    def export(self, fmt: str) -> None:
        from desk.documents import roster as docs

        f = self.current_filter()
        desk = self.desk
        suggested = docs.suggested_filename(desk, f, fmt)
        filters = "Excel 工作簿 (*.xlsx)" if fmt == "xlsx" else "Word 文档 (*.docx)"
        path = self.dialogs.save_file(self, "导出名册" if fmt == "xlsx" else "打印名册（生成 Word 文档）", suggested, filters)
        if not path:
            return
        job = (lambda: docs.export_roster_xlsx(desk, path, f)) if fmt == "xlsx" else (lambda: docs.render_roster_docx(desk, path, f))
        self.export_button.setEnabled(False)
        self.print_button.setEnabled(False)
        self.worker.run(job, alive(self, self._exported), alive(self, self._export_failed))

    def _exported(self, result: Any) -> None:
        self.export_button.setEnabled(True)
        self.print_button.setEnabled(True)
        masked = "电话和身份证号已按您的权限部分隐藏（脱敏）。" if result.masked else ""
        self.dialogs.info(self, "名册已导出", f"已导出 {result.rows} 人到：\n{result.path}\n{masked}".strip())

    def _export_failed(self, exc: BaseException) -> None:
        self.export_button.setEnabled(True)
        self.print_button.setEnabled(True)
        self.dialogs.show_error(self, exc, "名册没有导出")

    def open_person(self, person_id: int) -> None:
        self.form.open_person(person_id)
