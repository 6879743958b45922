"""Form helpers every form in the program uses: a label, an editor and an error line per field.

Usage::

    form = FormBuilder(parent)                       # owns a QFormLayout: form.layout
    name = form.line_edit("name", "名称", placeholder="例如 太和县消费者协会")
    form.add("kind", "类型", QComboBox())            # any editor widget
    general = form.add_message()                     # for errors of fields not on this form
    ...
    try:
        service.save(...)
    except ValidationError as exc:
        form.show_errors(exc)                        # red text under each field, focus first
    else:
        form.clear_errors()

API
- ``FieldRow(name, label, editor, error)``: one field. ``row.set_error(text)`` shows a red
  line under the editor (hidden when empty) and marks the editor with the dynamic property
  ``invalid`` (style sheets may use ``*[invalid="true"]``).
- ``FormBuilder(parent=None, layout=None)``: ``add(name, label, editor, hint=None)`` adds a
  row (the label is the editor's buddy, so Alt+key and clicking the label focus the editor);
  ``line_edit(...)``, ``spin_box(...)`` create common editors; ``rows`` (name → FieldRow, in
  form order); ``show_errors(exc)``, ``clear_errors()``, ``add_message()``.
- ``show_field_errors(rows, exc, general=None) -> dict[str, str]``: put each message of a
  ``ValidationError`` next to its field, clear the others, focus the first field in error
  (form order); messages for field names not in ``rows`` go to ``general`` (a label, if
  given) and are returned so the caller can show them elsewhere.
- ``clear_errors(rows, general=None)``.
- ``ErrorLabel``: the red, small, word-wrapped label that hides itself when empty; use it
  for form-wide messages too.

A composite editor (say a path field with a 浏览 button) is a container widget whose
``setFocusProxy`` names the part that should take the focus.

Tab order follows the order rows are added; nothing here clears editors, so a failed save
never loses what the user typed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desk.errors import ValidationError
from ui.style import set_role


class ErrorLabel(QLabel):
    """Red, slightly smaller, word-wrapped text; invisible while empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        set_role(self, "error")
        self.setWordWrap(True)
        font = self.font()
        font.setPointSizeF(max(8.0, font.pointSizeF() - 0.5))
        self.setFont(font)
        self.setVisible(False)

    def set_message(self, text: str | None) -> None:
        self.setText(text or "")
        self.setVisible(bool(text))


@dataclass(eq=False)
class FieldRow:
    name: str
    label: QLabel
    editor: QWidget
    error: ErrorLabel

    def set_error(self, text: str | None) -> None:
        self.error.set_message(text)
        invalid = bool(text)
        if self.editor.property("invalid") != invalid:
            self.editor.setProperty("invalid", invalid)
            self.editor.style().unpolish(self.editor)
            self.editor.style().polish(self.editor)

    @property
    def message(self) -> str:
        return self.error.text()

    def focus(self) -> None:
        target = self.editor.focusProxy() or self.editor
        target.setFocus()
        if isinstance(target, QLineEdit):
            target.selectAll()


def _first_in_error(rows: Mapping[str, FieldRow], fields: Mapping[str, str]) -> FieldRow | None:
    for name, row in rows.items():
        if name in fields:
            return row
    return None


def show_field_errors(
    rows: Mapping[str, FieldRow], exc: ValidationError, general: ErrorLabel | None = None
) -> dict[str, str]:
    """Show each field's message beside it and focus the first field in error.

    Returns the messages whose field is not in ``rows`` (also shown in ``general`` if given)."""
    for name, row in rows.items():
        row.set_error(exc.fields.get(name))
    rest = {k: v for k, v in exc.fields.items() if k not in rows}
    if general is not None:
        if rest:
            general.set_message("；".join(rest.values()))
        else:
            # A ValidationError without fields still has a message worth showing.
            general.set_message(None if exc.fields else exc.message)
    first = _first_in_error(rows, exc.fields)
    if first is not None:
        first.focus()
    return rest


def clear_errors(rows: Mapping[str, FieldRow], general: ErrorLabel | None = None) -> None:
    for row in rows.values():
        row.set_error(None)
    if general is not None:
        general.set_message(None)


class FormBuilder:
    """Builds a QFormLayout of FieldRows; see the module docstring."""

    def __init__(self, parent: QWidget | None = None, layout: QFormLayout | None = None) -> None:
        self.layout = layout or QFormLayout(parent)
        self.layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.rows: dict[str, FieldRow] = {}
        self.general: ErrorLabel | None = None

    def add(self, name: str, label: str, editor: QWidget, hint: str | None = None) -> FieldRow:
        """Add ``editor`` under ``name`` with a label, an optional grey hint and an error line."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(editor)
        if hint:
            hint_label = QLabel(hint)
            hint_label.setWordWrap(True)
            set_role(hint_label, "muted")
            column.addWidget(hint_label)
        error = ErrorLabel()
        column.addWidget(error)
        label_widget = QLabel(f"{label}：")
        label_widget.setBuddy(editor)
        self.layout.addRow(label_widget, box)
        row = FieldRow(name, label_widget, editor, error)
        self.rows[name] = row
        return row

    def line_edit(
        self,
        name: str,
        label: str,
        *,
        text: str = "",
        placeholder: str = "",
        password: bool = False,
        max_length: int | None = None,
        hint: str | None = None,
    ) -> QLineEdit:
        edit = QLineEdit(text)
        edit.setPlaceholderText(placeholder)
        if password:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        if max_length:
            edit.setMaxLength(max_length)
        self.add(name, label, edit, hint)
        return edit

    def spin_box(self, name: str, label: str, *, value: int = 0, minimum: int = 0, maximum: int = 99999) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(minimum, maximum)
        spin.setValue(value)
        spin.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
        self.add(name, label, spin)
        return spin

    def add_message(self) -> ErrorLabel:
        """A form-wide error line under the rows (for messages not tied to a field here)."""
        if self.general is None:
            self.general = ErrorLabel()
            self.layout.addRow(self.general)
        return self.general

    def show_errors(self, exc: ValidationError) -> dict[str, str]:
        return show_field_errors(self.rows, exc, self.general)

    def clear_errors(self) -> None:
        clear_errors(self.rows, self.general)

    def editor(self, name: str) -> QWidget:
        return self.rows[name].editor
