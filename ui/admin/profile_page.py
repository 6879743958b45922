"""单位信息: the office profile and briefing defaults, a form generated from the settings
registry (desk.settings.REGISTRY) and grouped by SettingDef.group (Perm.MANAGE_SETTINGS)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desk.errors import ConflictError, ValidationError
from desk.facade import Desk
from desk.services.settings import SettingsSnapshot
from desk.settings import REGISTRY, SettingDef
from ui.admin._form import (
    ConflictBanner,
    FieldSet,
    alive,
    error_label,
    get_value,
    hint_label,
    multiline,
    set_value,
)
from ui.dialogs import Dialogs
from ui.worker import Worker

PROFILE_PREFIXES = ("office.", "briefing.")


def _editor_for(defn: SettingDef) -> QWidget:
    if defn.kind == "text":
        return multiline(3)
    if defn.kind == "int":
        spin = QSpinBox()
        spin.setMaximumWidth(120)
        spin.setRange(defn.minimum if defn.minimum is not None else -1_000_000,
                      defn.maximum if defn.maximum is not None else 1_000_000)
        return spin
    if defn.kind == "bool":
        return QCheckBox()
    return QLineEdit()


class ProfilePage(QWidget):
    """Only the values the user changed are sent; each key's version guards against
    overwriting someone else's change made meanwhile."""

    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker, parent: QWidget | None = None,
                 prefixes: Sequence[str] = PROFILE_PREFIXES) -> None:
        super().__init__(parent)
        self.desk = desk
        self.dialogs = dialogs
        self.worker = worker
        self.snapshot: SettingsSnapshot | None = None
        self.saving = False
        self.defs = [d for d in REGISTRY.values() if d.key.startswith(tuple(prefixes))]
        self.labels = {d.key: d.label for d in self.defs}

        # A readable column: very long input lines on a wide window are hard to scan.
        column = QWidget()
        column.setMaximumWidth(880)
        page = QHBoxLayout(self)
        page.addWidget(column, 1)
        page.addStretch(0)
        outer = QVBoxLayout(column)
        outer.setContentsMargins(0, 0, 0, 0)
        self.banner = ConflictBanner()
        self.banner.reload_requested.connect(self.load)
        outer.addWidget(self.banner)

        body = QWidget()
        bl = QVBoxLayout(body)
        self.fieldsets: list[FieldSet] = []
        self.editors: dict[str, QWidget] = {}
        groups: dict[str, list[SettingDef]] = {}
        for d in self.defs:
            groups.setdefault(d.group, []).append(d)
        for group, defs in groups.items():
            box = QGroupBox(group)
            form = QFormLayout(box)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            fs = FieldSet(form, self.labels)
            for d in defs:
                editor = _editor_for(d)
                if isinstance(editor, QCheckBox):
                    editor.setText(d.label)
                hint = "每行一个单位" if d.kind == "text" else ""
                self.editors[d.key] = fs.add(d.key, editor, hint=hint)
                if isinstance(editor, QCheckBox):  # the box carries its own label
                    fs.captions[d.key].setText("")
            self.fieldsets.append(fs)
            bl.addWidget(box)
        bl.addStretch(1)
        # One label column across the groups, so the editors line up.
        captions = [c for fs in self.fieldsets for c in fs.captions.values()]
        width = max((c.sizeHint().width() for c in captions), default=0)
        for c in captions:
            c.setMinimumWidth(width)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        self.other_errors = error_label()
        outer.addWidget(self.other_errors)
        row = QHBoxLayout()
        self.status_label = hint_label()
        row.addWidget(self.status_label, 1)
        self.reload_button = QPushButton("放弃修改")
        self.reload_button.setToolTip("重新载入已保存的设置")
        self.reload_button.clicked.connect(self.load)
        self.save_button = QPushButton("保存")
        self.save_button.setToolTip("保存（Ctrl+S）")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.reload_button)
        row.addWidget(self.save_button)
        outer.addLayout(row)
        sc = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        sc.activated.connect(self.save)

        self.setEnabled(False)  # until the values are in
        self.load()

    def load(self) -> None:
        svc = self.desk.settings
        self.worker.run(svc.snapshot, alive(self, self._loaded),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "单位信息载入失败")))

    def _loaded(self, snap: SettingsSnapshot) -> None:
        self.snapshot = snap
        for d in self.defs:
            set_value(self.editors[d.key], snap.values.get(d.key, d.default))
        self._clear_messages()
        self.banner.hide()
        self.setEnabled(True)

    def _clear_messages(self) -> None:
        for fs in self.fieldsets:
            fs.clear_errors()
        self.other_errors.hide()

    def changes(self) -> dict[str, Any]:
        """The keys whose editor differs from the loaded value."""
        if self.snapshot is None:
            return {}
        out = {}
        for d in self.defs:
            value = get_value(self.editors[d.key])
            if value != self.snapshot.values.get(d.key, d.default):
                out[d.key] = value
        return out

    def save(self) -> None:
        if self.saving or self.snapshot is None:
            return
        changes = self.changes()
        if not changes:
            self.status_label.setText("没有需要保存的修改。")
            return
        snap = self.snapshot
        svc = self.desk.settings
        self.saving = True
        self.save_button.setEnabled(False)
        self.worker.run(lambda: svc.save(changes, started_from=snap), alive(self, self._saved),
                        alive(self, self._save_failed))

    def _saved(self, snap: SettingsSnapshot) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        self._loaded(snap)
        self.status_label.setText("已保存。")

    def _save_failed(self, exc: BaseException) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        self.status_label.clear()
        if isinstance(exc, ValidationError):
            rest = dict(exc.fields)
            for fs in self.fieldsets:
                rest = fs.show_errors(rest)
            self.other_errors.setText("；".join(f"{self.labels.get(k, k)}：{v}" for k, v in rest.items()))
            self.other_errors.setVisible(bool(rest))
        elif isinstance(exc, ConflictError):
            self._clear_messages()
            self.banner.show_conflict(exc, self.labels)
        else:
            self.dialogs.show_error(self, exc, "单位信息没有保存")
