"""分类词表: natures, categories (two levels), channels and grounds (Perm.MANAGE_VOCAB).
Items are never deleted, only deactivated: old cases keep their codes and still count."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.errors import ConflictError
from desk.facade import Desk
from desk.services.vocab import VocabView
from desk.vocab_data import CATEGORY_GROUPS, VOCAB_KINDS
from ui.admin._form import alive, hint_label
from ui.dialogs import Dialogs
from ui.worker import Worker

ROLE_ID = Qt.ItemDataRole.UserRole
_INACTIVE = QBrush(QColor("#999999"))


class VocabPage(QWidget):
    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.dialogs = dialogs
        self.worker = worker
        self.items: dict[int, VocabView] = {}
        self.tree_items: dict[int, QTreeWidgetItem] = {}

        top = QHBoxLayout()
        top.addWidget(QLabel("词表："))
        self.kind_combo = QComboBox()
        for kind, label in VOCAB_KINDS.items():
            self.kind_combo.addItem(label, kind)
        self.kind_combo.currentIndexChanged.connect(lambda _i: self.load())
        top.addWidget(self.kind_combo)
        self.show_inactive = QCheckBox("显示已停用的项")
        self.show_inactive.setChecked(True)
        self.show_inactive.toggled.connect(lambda _c: self.load())
        top.addWidget(self.show_inactive)
        top.addStretch(1)

        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["名称", "代码", "状态", "来源"])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.tree.itemDoubleClicked.connect(lambda _i, _c: self.rename())

        buttons = QHBoxLayout()
        self.add_button = QPushButton("新增…")
        self.add_button.clicked.connect(self.add)
        self.rename_button = QPushButton("改名…")
        self.rename_button.clicked.connect(self.rename)
        self.toggle_button = QPushButton("停用")
        self.toggle_button.clicked.connect(self.toggle_active)
        for b in (self.add_button, self.rename_button, self.toggle_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.note = hint_label()

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.tree, 1)
        lay.addLayout(buttons)
        lay.addWidget(self.note)
        self.load()

    @property
    def kind(self) -> str:
        return self.kind_combo.currentData()

    def select_kind(self, kind: str) -> None:
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind))

    # -- loading ------------------------------------------------------------------------------
    def load(self, select_id: int | None = None) -> None:
        kind = self.kind
        keep = select_id if select_id is not None else self.selected_id()
        include = self.show_inactive.isChecked()
        svc = self.desk.vocab
        self.worker.run(lambda: svc.list(kind, include_inactive=include),
                        alive(self, lambda rows: self._loaded(kind, rows, keep)),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "词表载入失败")))

    def _loaded(self, kind: str, rows: list[VocabView], select_id: int | None) -> None:
        if kind != self.kind:
            return  # the user already switched to another vocabulary
        self.tree.clear()
        self.items = {v.id: v for v in rows}
        self.tree_items = {}
        groups: dict[str, QTreeWidgetItem] = {}
        bold = QFont()
        bold.setBold(True)
        for v in rows:
            item = QTreeWidgetItem([v.name, v.code, "启用" if v.active else "已停用", "内置" if v.builtin else "自定义"])
            item.setData(0, ROLE_ID, v.id)
            if not v.active:
                for col in range(4):
                    item.setForeground(col, _INACTIVE)
            self.tree_items[v.id] = item
            parent = self.tree_items.get(v.parent_id) if v.parent_id else None
            if parent is not None:
                parent.addChild(item)
            elif kind == "category":
                # Group headings (商品 / 服务 / 其他) are the report's sections, not items.
                group = v.group or "其他"
                heading = groups.get(group)
                if heading is None:
                    heading = QTreeWidgetItem([group, "", "", ""])
                    heading.setFont(0, bold)
                    heading.setFlags(heading.flags() & ~Qt.ItemFlag.ItemIsSelectable)
                    self.tree.addTopLevelItem(heading)
                    heading.setExpanded(True)
                    groups[group] = heading
                heading.addChild(item)
            else:
                self.tree.addTopLevelItem(item)
        self.tree.expandToDepth(0 if kind == "category" else 1)
        if kind == "category":
            self.note.setText(
                "一级类别是统计口径，不能新增；请选中一个一级类别（或它的二级分类），再点“新增”添加二级分类。"
                "内置项不能删除，不再使用时请停用：已登记的案件仍保留原分类并照常统计。"
            )
        else:
            self.note.setText("内置项不能删除，不再使用时请停用：已登记的案件仍保留原项并照常统计。")
        if select_id in self.tree_items:
            item = self.tree_items[select_id]  # type: ignore[index]
            self.tree.setCurrentItem(item)
            self.tree.scrollToItem(item)
        self._update_buttons()

    def selected_id(self) -> int | None:
        items = self.tree.selectedItems()
        return items[0].data(0, ROLE_ID) if items else None

    def selected(self) -> VocabView | None:
        item_id = self.selected_id()
        return self.items.get(item_id) if item_id is not None else None

    def select_code(self, code: str) -> bool:
        for v in self.items.values():
            if v.code == code:
                self.tree.setCurrentItem(self.tree_items[v.id])
                return True
        return False

    def _update_buttons(self) -> None:
        v = self.selected()
        self.rename_button.setEnabled(v is not None)
        self.toggle_button.setEnabled(v is not None)
        self.toggle_button.setText("启用" if v is not None and not v.active else "停用")
        self.add_button.setText("新增二级分类…" if self.kind == "category" else "新增…")

    # -- changes ------------------------------------------------------------------------------
    def add(self) -> None:
        kind = self.kind
        parent: VocabView | None = None
        if kind == "category":
            v = self.selected()
            if v is None:
                self.dialogs.warn(self, "新增二级分类", "请先在列表中选中所属的一级类别，新增的分类将放在它下面。")
                return
            parent = self.items.get(v.parent_id) if v.parent_id else v
            if parent is None:
                return
            label = f"在“{parent.name}”（{CATEGORY_GROUPS.get(parent.code[:1], '')}）下新增二级分类，名称："
        else:
            label = f"新增“{VOCAB_KINDS[kind]}”项，名称："
        name = self.dialogs.ask_text(self, "新增", label)
        if name is None or not name.strip():
            return
        parent_id = parent.id if parent else None
        svc = self.desk.vocab
        self.worker.run(lambda: svc.add(kind, name, parent_id), alive(self, lambda v: self.load(select_id=v.id)),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "没有新增")))

    def rename(self) -> None:
        v = self.selected()
        if v is None:
            return
        name = self.dialogs.ask_text(self, "改名", f"“{v.name}”（代码 {v.code}）的新名称：", v.name)
        if name is None or name.strip() == v.name:
            return
        svc = self.desk.vocab
        self.worker.run(lambda: svc.rename(v.id, v, name), alive(self, lambda r: self.load(select_id=r.id)),
                        alive(self, self._failed))

    def toggle_active(self) -> None:
        v = self.selected()
        if v is None:
            return
        if v.active and not self.dialogs.confirm(
            self, "停用", f"停用“{v.name}”后，新登记的案件不能再选它；已登记的案件不受影响。确定停用吗？"
        ):
            return
        svc = self.desk.vocab
        self.worker.run(lambda: svc.set_active(v.id, not v.active), alive(self, lambda r: self.load(select_id=r.id)),
                        alive(self, self._failed))

    def _failed(self, exc: BaseException) -> None:
        self.dialogs.show_error(self, exc, "没有保存")
        if isinstance(exc, ConflictError):
            self.load()  # show the other user's change
