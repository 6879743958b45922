"""机构管理: the county office and its branches / stations (Perm.MANAGE_OFFICES)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desk.errors import ConflictError, ValidationError
from desk.facade import Desk
from desk.services.offices import LABELS, OFFICE_KINDS, OfficeInput, OfficeView
from ui.admin._form import (
    ConflictBanner,
    FieldSet,
    alive,
    error_label,
    fill_row,
    make_table,
    select_data,
    select_key,
    selected_key,
)
from ui.dialogs import Dialogs
from ui.worker import Worker

FORM_LABELS = {**LABELS, "active": "状态"}


class OfficesPage(QWidget):
    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.dialogs = dialogs
        self.worker = worker
        self.offices: dict[int, OfficeView] = {}
        self.current: OfficeView | None = None
        self.saving = False

        self.table = make_table(["简码", "名称", "类型", "上级单位", "地址", "电话", "状态"], stretch_column=4)
        self.table.itemSelectionChanged.connect(self._on_selection)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.new_button = QPushButton("新建机构")
        self.new_button.clicked.connect(self.new_office)
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.clicked.connect(self.load)
        top.addWidget(self.new_button)
        top.addWidget(self.refresh_button)
        top.addStretch(1)
        ll.addLayout(top)
        ll.addWidget(self.table, 1)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(6, 0, 0, 0)
        self.title_label = QLabel()
        self.title_label.setStyleSheet("font-weight: bold; font-size: 14px;")
        rl.addWidget(self.title_label)
        self.banner = ConflictBanner()
        self.banner.reload_requested.connect(self.load)
        rl.addWidget(self.banner)
        form = QFormLayout()
        self.fields = FieldSet(form, FORM_LABELS)
        code = QLineEdit()
        code.setMaxLength(8)
        self.fields.add("code", code, hint="1–8位大写字母或数字，以字母开头；会出现在案件编号中，建好后尽量不改")
        self.fields.add("name", QLineEdit())
        self.kind_combo = QComboBox()
        for kind, label in OFFICE_KINDS.items():
            self.kind_combo.addItem(label, kind)
        self.fields.add("kind", self.kind_combo)
        self.parent_combo = QComboBox()
        self.fields.add("parent_id", self.parent_combo)
        self.fields.add("address", QLineEdit())
        self.fields.add("phone", QLineEdit())
        self.active_check = QCheckBox("启用")
        self.fields.add("active", self.active_check)
        rl.addLayout(form)
        self.other_errors = error_label()
        rl.addWidget(self.other_errors)
        row = QHBoxLayout()
        self.save_button = QPushButton("保存")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        row.addStretch(1)
        rl.addLayout(row)
        rl.addStretch(1)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        QVBoxLayout(self).addWidget(splitter)
        self._show(None)
        self.load()

    def load(self, select_id: int | None = None) -> None:
        keep = select_id if select_id is not None else (self.current.id if self.current else None)
        svc = self.desk.offices
        self.worker.run(lambda: svc.list(), alive(self, lambda r: self._loaded(r, keep)),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "机构列表载入失败")))

    def _loaded(self, offices: list[OfficeView], select_id: int | None) -> None:
        self.offices = {o.id: o for o in offices}
        self.table.blockSignals(True)
        self.table.clearSelection()  # rows change under it; a stale selection would mislead
        self.table.setRowCount(len(offices))
        for row, o in enumerate(offices):
            parent = self.offices.get(o.parent_id) if o.parent_id else None
            fill_row(self.table, row, [o.code, o.name, OFFICE_KINDS.get(o.kind, o.kind), parent.name if parent else "",
                                       o.address, o.phone, "启用" if o.active else "停用"], key=o.id)
        self.table.blockSignals(False)
        if select_id in self.offices and select_key(self.table, select_id):
            self._show(self.offices[select_id])  # type: ignore[index]
        else:
            self.table.clearSelection()
            self._show(None)

    def _on_selection(self) -> None:
        key = selected_key(self.table)
        if key in self.offices:
            self._show(self.offices[key])

    def new_office(self) -> None:
        self.table.clearSelection()
        self._show(None)
        self.fields.editors["code"].setFocus()

    def _show(self, o: OfficeView | None) -> None:
        self.current = o
        self.banner.hide()
        self.fields.clear_errors()
        self.other_errors.hide()
        e = self.fields.editors
        e["code"].setText(o.code if o else "")  # type: ignore[attr-defined]
        e["name"].setText(o.name if o else "")  # type: ignore[attr-defined]
        e["address"].setText(o.address if o else "")  # type: ignore[attr-defined]
        e["phone"].setText(o.phone if o else "")  # type: ignore[attr-defined]
        select_data(self.kind_combo, o.kind if o else "branch")
        self.active_check.setChecked(o.active if o else True)
        self.parent_combo.clear()
        self.parent_combo.addItem("（无）", None)
        for other in self.offices.values():
            if o is None or other.id != o.id:
                self.parent_combo.addItem(f"{other.code}　{other.name}", other.id)
        if o is not None:
            select_data(self.parent_combo, o.parent_id)
        else:
            county = next((x.id for x in self.offices.values() if x.kind == "county"), None)
            select_data(self.parent_combo, county)
        self.title_label.setText(f"编辑机构：{o.name}" if o else "新建机构")

    def _form_input(self) -> OfficeInput:
        e = self.fields.editors
        return OfficeInput(
            code=e["code"].text(),  # type: ignore[attr-defined]
            name=e["name"].text(),  # type: ignore[attr-defined]
            kind=self.kind_combo.currentData(),
            parent_id=self.parent_combo.currentData(),
            address=e["address"].text(),  # type: ignore[attr-defined]
            phone=e["phone"].text(),  # type: ignore[attr-defined]
            active=self.active_check.isChecked(),
        )

    def save(self) -> None:
        if self.saving:
            return
        inp = self._form_input()
        started = self.current
        svc = self.desk.offices
        job = (lambda: svc.create(inp)) if started is None else (lambda: svc.update(started.id, started, inp))
        self.saving = True
        self.save_button.setEnabled(False)
        self.worker.run(job, alive(self, self._saved), alive(self, self._save_failed))

    def _saved(self, o: OfficeView) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        self.load(select_id=o.id)

    def _save_failed(self, exc: BaseException) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            rest = self.fields.show_errors(exc.fields)
            self.other_errors.setText("；".join(f"{FORM_LABELS.get(k, k)}：{v}" for k, v in rest.items()))
            self.other_errors.setVisible(bool(rest))
        elif isinstance(exc, ConflictError):
            self.fields.clear_errors()
            self.banner.show_conflict(exc, FORM_LABELS, {
                "kind": lambda k: OFFICE_KINDS.get(k, str(k)),
                "parent_id": lambda i: self.offices[i].name if i in self.offices else "（无）",
                "active": lambda a: "启用" if a else "停用",
            })
        else:
            self.dialogs.show_error(self, exc, "机构没有保存")
