"""Small editors the mediation forms share: a multi-line text box, a money box, the mediators
editor (staff from the users, experts by name) and the conflict notice of a form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from desk.services.mediation import EXPERT_AFFILIATION, MEDIATOR_KINDS, MediatorInput
from desk.validators import FieldError, money


def multiline(lines: int, grow: int = 4) -> QPlainTextEdit:
    """A plain-text box ``lines`` high that may grow by ``grow`` lines; Tab moves on."""
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    height = edit.fontMetrics().lineSpacing() * lines + 12
    edit.setMinimumHeight(height)
    edit.setMaximumHeight(height + edit.fontMetrics().lineSpacing() * grow)
    return edit


def money_edit(placeholder: str = "0.00") -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    edit.setMaximumWidth(150)
    return edit


def parse_money(text: str) -> Decimal | None:
    """The amount in a money box, None when empty or not a valid amount (the service says why)."""
    try:
        return money(text, required=False)
    except FieldError:
        return None


def yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


def show_value(value: Any) -> str:
    """A field's value in a conflict notice."""
    if value is None or value == "" or value == ():
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, tuple):
        return "、".join(getattr(v, "name", str(v)) for v in value) or "（无）"
    text = str(value).replace("\n", " ")
    return text if len(text) <= 40 else text[:40] + "…"


class MediatorsEditor(QWidget):
    """The session's mediators: staff chosen from the users who may mediate, and experts of
    the consumer-dispute people's mediation committee typed by name (with their body)."""

    changed = Signal()

    def __init__(self, staff: list[tuple[int, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.staff = staff
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        self.staff_combo = QComboBox()
        for uid, name in staff:
            self.staff_combo.addItem(name, uid)
        self.staff_combo.setPlaceholderText("选择本会工作人员")
        self.staff_combo.setCurrentIndex(-1)
        self.add_staff_button = QPushButton("添加工作人员")
        self.expert_name = QLineEdit()
        self.expert_name.setPlaceholderText("专家姓名")
        self.expert_name.setMaxLength(60)
        self.expert_affiliation = QLineEdit()
        self.expert_affiliation.setPlaceholderText(EXPERT_AFFILIATION)
        self.expert_affiliation.setMaxLength(100)
        self.add_expert_button = QPushButton("添加专家")
        self.list = QListWidget()
        self.list.setMaximumHeight(self.list.fontMetrics().lineSpacing() * 4 + 14)
        self.remove_button = QPushButton("移除所选")
        grid.addWidget(self.staff_combo, 0, 0, 1, 2)
        grid.addWidget(self.add_staff_button, 0, 2)
        grid.addWidget(self.expert_name, 1, 0)
        grid.addWidget(self.expert_affiliation, 1, 1)
        grid.addWidget(self.add_expert_button, 1, 2)
        grid.addWidget(self.list, 2, 0, 1, 2)
        grid.addWidget(self.remove_button, 2, 2, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)
        self.setFocusProxy(self.staff_combo)
        self.add_staff_button.clicked.connect(self.add_chosen_staff)
        self.add_expert_button.clicked.connect(self.add_typed_expert)
        self.expert_name.returnPressed.connect(self.add_typed_expert)
        self.remove_button.clicked.connect(self.remove_selected)

    def _add(self, m: MediatorInput) -> None:
        label = f"{m.name}（{m.affiliation or MEDIATOR_KINDS[m.kind]}）" if m.kind == "expert" else f"{m.name}（本会工作人员）"
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, m)
        self.list.addItem(item)
        self.changed.emit()

    def add_staff(self, user_id: int) -> None:
        name = next((n for uid, n in self.staff if uid == user_id), "")
        if user_id not in [m.user_id for m in self.value() if m.kind == "staff"]:
            self._add(MediatorInput(name, "staff", user_id))

    def add_chosen_staff(self) -> None:
        uid = self.staff_combo.currentData()
        if uid is not None:
            self.add_staff(uid)

    def add_expert(self, name: str, affiliation: str = "") -> None:
        name = name.strip()
        if name:
            self._add(MediatorInput(name, "expert", None, affiliation.strip()))

    def add_typed_expert(self) -> None:
        self.add_expert(self.expert_name.text(), self.expert_affiliation.text())
        self.expert_name.clear()

    def remove_selected(self) -> None:
        for item in self.list.selectedItems():
            self.list.takeItem(self.list.row(item))
        self.changed.emit()

    def value(self) -> tuple[MediatorInput, ...]:
        return tuple(self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count()))

    def set_value(self, mediators: tuple[Any, ...]) -> None:
        self.list.clear()
        for m in mediators:
            self._add(MediatorInput(m.name, m.kind, m.user_id, m.affiliation))
