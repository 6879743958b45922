"""Small private helpers for the admin pages: field rows with a red error label under the
editor, a conflict banner with 重新载入, and guards for worker callbacks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.errors import ConflictError

ERROR_STYLE = "color: #c0392b;"
HINT_STYLE = "color: #666666;"


def alive(widget: QObject, fn: Callable[..., None]) -> Callable[..., None]:
    """Wrap a worker callback so it does nothing once ``widget`` has been destroyed (the page
    may be closed while its job still runs)."""

    def call(*args: Any) -> None:
        if shiboken6.isValid(widget):
            fn(*args)

    return call


class FieldSet:
    """Editors by field name, each with a red error label under it (hidden while empty)."""

    def __init__(self, form: QFormLayout, labels: Mapping[str, str]) -> None:
        self.form = form
        self.labels = dict(labels)
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        self.boxes: dict[str, QWidget] = {}

    def add(self, name: str, editor: QWidget, label: str | None = None, hint: str = "") -> QWidget:
        caption = QLabel((label or self.labels.get(name, name)) + "：")
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(editor)
        if hint:
            h = QLabel(hint)
            h.setStyleSheet(HINT_STYLE)
            h.setWordWrap(True)
            lay.addWidget(h)
        err = QLabel()
        err.setStyleSheet(ERROR_STYLE)
        err.setWordWrap(True)
        err.setObjectName(f"error_{name}")
        err.hide()
        lay.addWidget(err)
        caption.setBuddy(editor)
        self.form.addRow(caption, box)
        self.editors[name] = editor
        self.errors[name] = err
        self.captions[name] = caption
        self.boxes[name] = box
        if label:
            self.labels[name] = label
        return editor

    def show_errors(self, fields: Mapping[str, str]) -> dict[str, str]:
        """Show each message next to its field; return those with no field on this form.
        Focus goes to the first field in error so the user can correct it at once."""
        self.clear_errors()
        rest: dict[str, str] = {}
        first: QWidget | None = None
        for name, message in fields.items():
            label = self.errors.get(name)
            if label is None:
                rest[name] = message
                continue
            label.setText(message)
            label.show()
            if first is None:
                first = self.editors[name]
        if first is not None:
            first.setFocus()
        return rest

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.clear()
            label.hide()

    def error_text(self, name: str) -> str:
        label = self.errors.get(name)
        return label.text() if label is not None and label.isVisibleTo(label.parentWidget()) else ""

    def set_row_visible(self, name: str, visible: bool) -> None:
        self.form.setRowVisible(self.boxes[name], visible)

    def set_read_only(self, read_only: bool) -> None:
        for editor in self.editors.values():
            if isinstance(editor, QLineEdit | QPlainTextEdit):
                editor.setReadOnly(read_only)
            else:
                editor.setEnabled(not read_only)


# -- reading and writing editors ---------------------------------------------------------


def get_text(editor: QWidget) -> str:
    if isinstance(editor, QPlainTextEdit):
        return editor.toPlainText()
    if isinstance(editor, QLineEdit):
        return editor.text()
    raise TypeError(type(editor).__name__)


def set_text(editor: QWidget, value: str | None) -> None:
    if isinstance(editor, QPlainTextEdit):
        editor.setPlainText(value or "")
    elif isinstance(editor, QLineEdit):
        editor.setText(value or "")
        editor.setCursorPosition(0)
    else:
        raise TypeError(type(editor).__name__)


def get_value(editor: QWidget) -> Any:
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    if isinstance(editor, QSpinBox):
        return editor.value()
    if isinstance(editor, QComboBox):
        return editor.currentData()
    return get_text(editor)


def set_value(editor: QWidget, value: Any) -> None:
    if isinstance(editor, QCheckBox):
        editor.setChecked(bool(value))
    elif isinstance(editor, QSpinBox):
        editor.setValue(int(value))
    elif isinstance(editor, QComboBox):
        select_data(editor, value)
    else:
        set_text(editor, "" if value is None else str(value))


def select_data(combo: QComboBox, value: Any) -> None:
    i = combo.findData(value)
    combo.setCurrentIndex(i if i >= 0 else (0 if combo.count() else -1))


def multiline(height_lines: int = 3) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)  # Tab moves on, as in every other field
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * height_lines + 14)
    return edit


# -- conflicts ------------------------------------------------------------------------------


def show_value(value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    text = str(value).replace("\n", " ")
    return text if len(text) <= 60 else text[:57] + "…"


def conflict_lines(exc: ConflictError, labels: Mapping[str, str], formats: Mapping[str, Callable[[Any], str]] | None = None) -> list[str]:
    formats = formats or {}
    lines = []
    for field, (mine, theirs) in exc.changed.items():
        fmt = formats.get(field, show_value)
        lines.append(f"· {labels.get(field, field)}：您打开时为“{fmt(mine)}”，现为“{fmt(theirs)}”")
    return lines


class ConflictBanner(QFrame):
    """Shown above a form when a save met someone else's change. The user's edits stay in the
    form; 重新载入 replaces them with the latest saved values."""

    reload_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflictBanner")
        self.setStyleSheet(
            "#conflictBanner { background: #fff4e0; border: 1px solid #e0a040; border-radius: 4px; }"
        )
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.label, 1)
        buttons = QVBoxLayout()
        self.reload_button = QPushButton("重新载入")
        self.reload_button.setToolTip("放弃您的修改，显示其他用户保存后的最新内容")
        self.reload_button.clicked.connect(self._reload)
        self.close_button = QPushButton("关闭提示")
        self.close_button.clicked.connect(self.hide)
        buttons.addWidget(self.reload_button)
        buttons.addWidget(self.close_button)
        buttons.addStretch(1)
        lay.addLayout(buttons)
        self.hide()

    def show_conflict(self, exc: ConflictError, labels: Mapping[str, str], formats: Mapping[str, Callable[[Any], str]] | None = None) -> None:
        lines = [exc.message]
        changed = conflict_lines(exc, labels, formats)
        if changed:
            lines.append("其他用户修改了：")
            lines.extend(changed)
        lines.append("您的修改仍保留在表单中。点“重新载入”查看最新内容，再把需要的修改重做一遍后保存。")
        self.label.setText("\n".join(lines))
        self.show()

    def text(self) -> str:
        return self.label.text() if self.isVisibleTo(self.parentWidget()) else ""

    def _reload(self) -> None:
        self.hide()
        self.reload_requested.emit()


# -- small tables ---------------------------------------------------------------------------


def make_table(headers: list[str], stretch_column: int | None = None) -> QTableWidget:
    """A read-only, whole-row-selecting table for short lists (users, offices, holidays)."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    compact_rows(table)
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch_column is not None:
        header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    else:
        header.setStretchLastSection(True)
    return table


def compact_rows(view: QAbstractItemView) -> None:
    """Rows one line high (the default leaves much empty space with CJK fonts)."""
    vh = view.verticalHeader()  # type: ignore[attr-defined]
    vh.hide()
    vh.setDefaultSectionSize(view.fontMetrics().height() + 8)


def fill_row(table: QTableWidget, row: int, values: list[str], key: Any = None) -> None:
    for col, value in enumerate(values):
        item = QTableWidgetItem(value)
        if col == 0:
            item.setData(Qt.ItemDataRole.UserRole, key)
        table.setItem(row, col, item)


def selected_key(table: QTableWidget) -> Any:
    rows = table.selectionModel().selectedRows()
    if not rows:
        return None
    item = table.item(rows[0].row(), 0)
    return item.data(Qt.ItemDataRole.UserRole) if item is not None else None


def select_key(table: QTableWidget, key: Any) -> bool:
    for row in range(table.rowCount()):
        item = table.item(row, 0)
        if item is not None and item.data(Qt.ItemDataRole.UserRole) == key:
            table.selectRow(row)
            table.scrollToItem(item)
            return True
    return False


def error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def hint_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setStyleSheet(HINT_STYLE)
    label.setWordWrap(True)
    return label


def fmt_time(value: dt.datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else ""
