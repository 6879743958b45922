"""Small widgets the complaint screens share: a guard for worker callbacks, an optional date
edit, the business picker (search-as-you-type over the registry), the yellow notice panel,
and combos filled from the vocabularies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QDate, QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desk import clock

if TYPE_CHECKING:
    from desk.facade import Desk
    from desk.services.businesses import BusinessView
    from desk.services.vocab import VocabView
    from ui.worker import Worker

SEARCH_DELAY_MS = 300
NOT_SET = "不限"


def alive(widget: QWidget, fn: Callable[..., None]) -> Callable[..., None]:
    """A worker callback that does nothing once ``widget`` is gone (its tab was closed while
    the job ran)."""

    def call(*args: Any) -> None:
        if shiboken6.isValid(widget):
            fn(*args)

    return call


def qdate(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


def pydate(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())


class OptionalDateEdit(QDateEdit):
    """A date edit whose lowest value reads 不限 and means "no date"."""

    FLOOR = QDate(2000, 1, 1)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setMinimumDate(self.FLOOR)
        self.setMaximumDate(QDate(2099, 12, 31))
        self.setSpecialValueText(NOT_SET)
        self.setDate(self.FLOOR)

    def value(self) -> dt.date | None:
        return None if self.date() == self.FLOOR else pydate(self.date())

    def set_value(self, d: dt.date | None) -> None:
        self.setDate(self.FLOOR if d is None else qdate(d))


def today_edit(default: dt.date | None = None, *, allow_future: bool = False) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(QDate(2000, 1, 1))
    if not allow_future:
        edit.setMaximumDate(qdate(clock.today()))
    edit.setDate(qdate(default or clock.today()))
    return edit


def fill_vocab_combo(combo: QComboBox, items: Iterable[VocabView], *, placeholder: str = "", blank: str | None = None) -> None:
    """Active vocabulary items (code as item data). ``blank`` adds a first item meaning "any";
    ``placeholder`` leaves the combo unselected so the user must choose."""
    combo.clear()
    if blank is not None:
        combo.addItem(blank, None)
    for v in items:
        if v.active:
            combo.addItem(v.name, v.code)
    if placeholder:
        combo.setPlaceholderText(placeholder)
        combo.setCurrentIndex(-1)


def select_data(combo: QComboBox, value: Any) -> bool:
    i = combo.findData(value)
    if i >= 0:
        combo.setCurrentIndex(i)
        return True
    return False


def combo_value(combo: QComboBox) -> Any:
    return combo.currentData() if combo.currentIndex() >= 0 else None


class NoticePanel(QFrame):
    """Yellow panel for notices that inform and never block (intake checks, conflicts)."""

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticePanel")
        self.setStyleSheet(
            "#noticePanel { background: #fff8d6; border: 1px solid #e6c34a; border-radius: 4px; }"
            "#noticePanel QLabel { background: transparent; color: #4a3b00; }"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(3)
        self.title = QLabel(title)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.title.setVisible(bool(title))
        layout.addWidget(self.title)
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.body)
        self.extra = QHBoxLayout()  # buttons a caller may add (重新载入 …)
        layout.addLayout(self.extra)
        self.hide()

    def show_lines(self, lines: list[str]) -> None:
        self.body.setText("\n".join(f"• {line}" for line in lines))
        self.setVisible(bool(lines))

    def text(self) -> str:
        return self.body.text() if not self.isHidden() else ""


def business_label(b: BusinessView) -> str:
    """How a business appears in the picker: the name, and the credit code to tell twins apart."""
    return f"{b.name}（{b.credit_code}）" if b.credit_code else b.name


class BusinessPicker(QWidget):
    """A line edit that searches the business registry as the user types (on the worker) and
    offers the matches in a completer. ``business_id`` is the chosen business, or None while
    the text does not name one."""

    changed = Signal(object)  # the chosen business id, or None

    def __init__(self, desk: Desk, worker: Worker, parent: QWidget | None = None, *, placeholder: str = "输入名称、信用代码或电话查找") -> None:
        super().__init__(parent)
        self.desk, self.worker = desk, worker
        self.business_id: int | None = None
        self.chosen: BusinessView | None = None  # the full record when chosen from a search
        self._matches: dict[str, BusinessView] = {}
        self._generation = 0
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder)
        self.edit.setClearButtonEnabled(True)
        layout.addWidget(self.edit)
        self.setFocusProxy(self.edit)
        self._model = QStringListModel(self)
        self.completer = QCompleter(self._model, self)
        # The service already matched substrings; the completer must not filter by prefix.
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setMaxVisibleItems(12)
        self.edit.setCompleter(self.completer)
        self.completer.activated.connect(self._chosen_text)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._search)
        self.edit.textEdited.connect(self._edited)

    def text(self) -> str:
        return self.edit.text()

    def matches(self) -> list[str]:
        return self._model.stringList()

    def set_business(self, b: BusinessView | None) -> None:
        self.chosen = b
        self.set_choice(b.id if b else None, business_label(b) if b else "")

    def set_choice(self, business_id: int | None, label: str) -> None:
        """Show a business chosen elsewhere (an edited case) without searching."""
        self.business_id = business_id
        if business_id is None:
            self.chosen = None
        self.edit.setText(label)
        self.changed.emit(business_id)

    def clear(self) -> None:
        self.set_business(None)

    def _edited(self, _text: str) -> None:
        if self.business_id is not None:
            self.business_id = None
            self.chosen = None
            self.changed.emit(None)
        if not self.edit.text().strip():
            self._timer.stop()
            self._model.setStringList([])
            return
        self._timer.start()

    def _search(self) -> None:
        keyword = self.edit.text().strip()
        if not keyword:
            return
        self._generation += 1
        gen = self._generation
        search = self.desk.businesses.search
        self.worker.run(lambda: search(keyword, limit=20), alive(self, lambda found: self._found(gen, found)), alive(self, lambda _e: None))

    def _found(self, gen: int, found: list[BusinessView]) -> None:
        if gen != self._generation:
            return
        self._matches = {business_label(b): b for b in found}
        self._model.setStringList(list(self._matches))
        if found and self.edit.hasFocus():
            self.completer.complete()
        # A name typed in full counts as chosen, so a fast typist need not pick from the list.
        typed = self.edit.text().strip()
        exact = [b for b in found if typed in (b.name, business_label(b))]
        if len(exact) == 1 and self.business_id is None:
            self.chosen = exact[0]
            self.business_id = exact[0].id
            self.changed.emit(self.business_id)

    def _chosen_text(self, text: str) -> None:
        b = self._matches.get(text)
        if b is not None:
            self.chosen = b
            self.business_id = b.id
            self.changed.emit(b.id)
