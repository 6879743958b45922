"""培训班 tab: the sessions by year, a session's form and its attendance (picked from the
rosters, or matched from a sign-in sheet with the unmatched lines listed)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from desk import clock
from desk.errors import ConflictError, ValidationError
from desk.roles import Perm
from desk.services.rosters import AUDIENCES, TRAINING_LABELS, SignInMatch, TrainingInput, TrainingView
from ui.admin._form import ConflictBanner, fill_row, make_table, multiline, select_key, selected_key
from ui.complaints.widgets import alive, pydate, qdate, today_edit
from ui.forms import FormBuilder
from ui.style import set_role

from .widgets import PersonPicker

if TYPE_CHECKING:
    from desk.facade import Desk
    from ui.dialogs import Dialogs
    from ui.worker import Worker

SOURCE_LABELS = {"picked": "选择", "sign_in": "签到表"}


class SignInDialog(QDialog):
    """What a sign-in sheet matched: 添加 adds the matched people; the rest are listed so the
    user can add them by hand (or put them on the roster first)."""

    def __init__(self, match: SignInMatch, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.match = match
        self.setWindowTitle("签到表核对结果")
        self.resize(620, 520)
        layout = QVBoxLayout(self)
        new = len(match.matched) - match.already
        layout.addWidget(QLabel(f"找到名册中的 {len(match.matched)} 人（其中 {match.already} 人已在签到名单中），"
                                f"未能对应 {len(match.unmatched)} 行。"))
        self.matched = make_table(["行号", "签到姓名", "电话", "对应名册人员"], 3)
        for i, r in enumerate(match.matched):
            self.matched.insertRow(i)
            fill_row(self.matched, i, [str(r.row_no), r.name, r.phone, r.person_name], r.person_id)
        layout.addWidget(self.matched, 2)
        if match.unmatched:
            head = QLabel("未能对应的行（请核对后手工添加，或先把此人加入名册）：")
            set_role(head, "error")
            layout.addWidget(head)
            self.unmatched = make_table(["行号", "签到姓名", "电话", "原因"], 3)
            for i, r in enumerate(match.unmatched):
                self.unmatched.insertRow(i)
                fill_row(self.unmatched, i, [str(r.row_no), r.name, r.phone, r.reason])
            layout.addWidget(self.unmatched, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(f"添加 {new} 人" if new else "没有需要添加的人")
        self.ok_button.setEnabled(new > 0)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class TrainingsPanel(QWidget):
    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker) -> None:
        super().__init__()
        self.desk, self.dialogs, self.worker = desk, dialogs, worker
        self.can_edit = desk.can(Perm.EDIT_ROSTER)
        self.current: TrainingView | None = None
        self.trainings: list[TrainingView] = []
        self.picker: PersonPicker | None = None
        self.sign_in: SignInDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)

        top = QHBoxLayout()
        self.year = QComboBox()
        self.year.addItem("全部年份", None)
        for y in range(clock.today().year, clock.today().year - 10, -1):
            self.year.addItem(f"{y}年", y)
        self.year.setCurrentIndex(1)
        self.year.currentIndexChanged.connect(lambda _i: self.load())
        self.new_button = QPushButton("新增培训")
        self.new_button.clicked.connect(self.new_training)
        self.new_button.setVisible(self.can_edit)
        top.addWidget(QLabel("年份："))
        top.addWidget(self.year)
        top.addWidget(self.new_button)
        top.addStretch(1)
        self.count_label = QLabel()
        set_role(self.count_label, "muted")
        top.addWidget(self.count_label)
        layout.addLayout(top)

        self.table = make_table(["日期", "培训主题", "培训对象", "参训人数"], 1)
        self.table.itemSelectionChanged.connect(self._selected)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(6, 0, 0, 0)
        self.title = QLabel()
        set_role(self.title, "subtitle")
        rl.addWidget(self.title)
        self.banner = ConflictBanner()
        self.banner.reload_requested.connect(lambda: self.open_training(self.current.id) if self.current else None)
        rl.addWidget(self.banner)
        self.form = FormBuilder()
        self.held_on = today_edit()
        self.form.add("held_on", "培训日期", self.held_on)
        self.topic = self.form.line_edit("topic", "培训主题", max_length=200)
        self.place = self.form.line_edit("place", "地点")
        self.trainer = self.form.line_edit("trainer", "授课人")
        aud = QWidget()
        al = QHBoxLayout(aud)
        al.setContentsMargins(0, 0, 0, 0)
        self.audience: dict[str, QCheckBox] = {}
        for code, label in AUDIENCES.items():
            box = QCheckBox(label)
            self.audience[code] = box
            al.addWidget(box)
        al.addStretch(1)
        self.form.add("audience", "培训对象", aud)
        self.others = QSpinBox()
        self.others.setRange(0, 100_000)
        self.form.add("other_attendees", "其他参训人数", self.others, hint="不在名册中的参训人员（如本会工作人员），只记人数")
        self.note = multiline(2)
        self.form.add("note", "备注", self.note)
        self.form.add_message()
        rl.addLayout(self.form.layout)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("保存")
        self.save_button.clicked.connect(self.save)
        self.delete_button = QPushButton("删除培训")
        self.delete_button.clicked.connect(self.delete)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        rl.addLayout(buttons)

        att_head = QHBoxLayout()
        self.att_label = QLabel("参训人员")
        set_role(self.att_label, "subtitle")
        att_head.addWidget(self.att_label)
        att_head.addStretch(1)
        self.add_button = QPushButton("添加人员…")
        self.add_button.clicked.connect(self.pick_people)
        self.sign_in_button = QPushButton("导入签到表…")
        self.sign_in_button.setToolTip("Excel 签到表（有姓名、电话列），按电话或姓名对应名册人员")
        self.sign_in_button.clicked.connect(self.import_sign_in)
        self.remove_button = QPushButton("移除所选")
        self.remove_button.clicked.connect(self.remove_selected)
        for b in (self.add_button, self.sign_in_button, self.remove_button):
            att_head.addWidget(b)
        rl.addLayout(att_head)
        self.attendees = make_table(["姓名", "名册", "电话", "乡镇", "登记方式"], 3)
        self.attendees.setSelectionMode(QTableWidget.SelectionMode.ExtendedSelection)
        rl.addWidget(self.attendees, 1)

        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([460, 700])
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)
        self.show_training(None)
        self.load()

    # -- list ------------------------------------------------------------------------------------
    def load(self, select: int | None = None) -> None:
        year, svc = self.year.currentData(), self.desk.rosters
        self.worker.run(lambda: svc.list_trainings(year), alive(self, lambda rows: self._listed(rows, select)),
                        alive(self, lambda e: self.dialogs.show_error(self, e, "培训记录读取失败")))

    def _listed(self, rows: list[TrainingView], select: int | None) -> None:
        self.trainings = rows
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for i, t in enumerate(rows):
            self.table.insertRow(i)
            fill_row(self.table, i, [f"{t.held_on:%Y-%m-%d}", t.topic, t.audience_label, str(t.total_attendees)], t.id)
        self.table.blockSignals(False)
        self.count_label.setText(f"{len(rows)} 期培训，参训 {sum(t.total_attendees for t in rows)} 人次")
        if select is not None:
            self.table.blockSignals(True)
            select_key(self.table, select)
            self.table.blockSignals(False)

    def _selected(self) -> None:
        key = selected_key(self.table)
        if key is not None and (self.current is None or self.current.id != key):
            self.open_training(key)

    def open_training(self, training_id: int) -> None:
        svc = self.desk.rosters
        self.worker.run(lambda: (svc.get_training(training_id), svc.attendees(training_id)),
                        alive(self, lambda r: self._opened(*r)),
                        alive(self, lambda e: self.dialogs.show_error(self, e, "无法打开培训记录")))

    def _opened(self, view: TrainingView, attendees: list[Any]) -> None:
        self.show_training(view)
        self.attendees.setRowCount(0)
        for i, a in enumerate(attendees):
            self.attendees.insertRow(i)
            fill_row(self.attendees, i, [a.name, a.kind_label, a.phone, a.township, SOURCE_LABELS.get(a.source, a.source)],
                     a.person_id)
        self.att_label.setText(f"参训人员（名册中 {len(attendees)} 人，另有其他 {view.other_attendees} 人）")

    # -- form ------------------------------------------------------------------------------------
    def show_training(self, view: TrainingView | None) -> None:
        self.current = view
        self.banner.hide()
        self.form.clear_errors()
        self.held_on.setDate(qdate(view.held_on if view else clock.today()))
        self.topic.setText(view.topic if view else "")
        self.place.setText(view.place if view else "")
        self.trainer.setText(view.trainer if view else "")
        for code, box in self.audience.items():
            box.setChecked(code in view.audience if view else False)
        self.others.setValue(view.other_attendees if view else 0)
        self.note.setPlainText(view.note if view else "")
        self.title.setText(f"培训：{view.topic}" if view else ("新增培训" if self.can_edit else "请在左侧选择培训"))
        for w in (self.held_on, self.topic, self.place, self.trainer, self.others, self.note, *self.audience.values()):
            w.setEnabled(self.can_edit)
        self.save_button.setEnabled(self.can_edit)
        self.delete_button.setEnabled(self.can_edit and view is not None)
        for b in (self.add_button, self.sign_in_button, self.remove_button):
            b.setEnabled(self.can_edit and view is not None)
        if view is None:
            self.attendees.setRowCount(0)
            self.att_label.setText("参训人员（先保存培训，再添加人员）" if self.can_edit else "参训人员")

    def new_training(self) -> None:
        self.table.clearSelection()
        self.show_training(None)
        self.topic.setFocus()

    def form_input(self) -> TrainingInput:
        return TrainingInput(pydate(self.held_on.date()), self.topic.text(), self.place.text(), self.trainer.text(),
                             tuple(c for c, b in self.audience.items() if b.isChecked()), self.others.value(),
                             self.note.toPlainText())

    def save(self) -> None:
        if not self.can_edit:
            return
        inp, started, svc = self.form_input(), self.current, self.desk.rosters
        job = (lambda: svc.create_training(inp)) if started is None else (lambda: svc.update_training(started.id, started, inp))
        self.save_button.setEnabled(False)
        self.worker.run(job, alive(self, self._saved), alive(self, self._save_failed))

    def _saved(self, view: TrainingView) -> None:
        self.save_button.setEnabled(True)
        self.load(select=view.id)
        self.open_training(view.id)

    def _save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(self.can_edit)
        if isinstance(exc, ValidationError):
            self.form.show_errors(exc)
        elif isinstance(exc, ConflictError):
            self.banner.show_conflict(exc, TRAINING_LABELS)
        else:
            self.dialogs.show_error(self, exc, "培训没有保存")

    def delete(self) -> None:
        view = self.current
        if view is None or not self.dialogs.confirm(self, "删除培训", f"删除“{view.topic}”及其签到记录？"):
            return
        svc = self.desk.rosters
        self.worker.run(lambda: svc.delete_training(view.id, view), alive(self, lambda _r: (self.show_training(None), self.load())),
                        alive(self, lambda e: self.dialogs.show_error(self, e, "培训没有删除")))

    # -- attendance ---------------------------------------------------------------------------------
    def _attendee_ids(self) -> list[int]:
        return [self.attendees.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(self.attendees.rowCount())]

    def pick_people(self) -> PersonPicker | None:
        if self.current is None:
            return None
        kind = next((k for k in ("volunteer", "investigator") if k in self.current.audience), None)
        dlg = PersonPicker(self.desk, self.worker, kind=kind, exclude=self._attendee_ids(), title="添加参训人员", parent=self)
        dlg.accepted.connect(lambda d=dlg: self._add(d.chosen_ids(), "picked"))
        self.picker = dlg
        dlg.open()
        return dlg

    def _add(self, ids: list[int], source: str) -> None:
        if not ids or self.current is None:
            return
        tid, svc = self.current.id, self.desk.rosters
        self.worker.run(lambda: svc.add_attendees(tid, ids, source=source), alive(self, lambda _n: self._changed(tid)),
                        alive(self, lambda e: self.dialogs.show_error(self, e, "参训人员没有添加")))

    def _changed(self, training_id: int) -> None:
        self.load(select=training_id)
        self.open_training(training_id)

    def remove_selected(self) -> None:
        if self.current is None:
            return
        rows = sorted({i.row() for i in self.attendees.selectionModel().selectedRows()})
        ids = [self.attendees.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in rows]
        if not ids:
            self.dialogs.info(self, "移除参训人员", "请先在参训人员列表中选择要移除的人。")
            return
        tid, svc = self.current.id, self.desk.rosters
        self.worker.run(lambda: svc.remove_attendees(tid, ids), alive(self, lambda _n: self._changed(tid)),
                        alive(self, lambda e: self.dialogs.show_error(self, e, "参训人员没有移除")))

    def import_sign_in(self) -> None:
        if self.current is None:
            return
        path = self.dialogs.open_file(self, "选择签到表", "Excel 工作簿 (*.xlsx *.xlsm);;所有文件 (*)")
        if not path:
            return
        tid, svc = self.current.id, self.desk.rosters
        self.sign_in_button.setEnabled(False)
        self.worker.run(lambda: svc.match_sign_in(tid, path), alive(self, self._matched),
                        alive(self, self._match_failed))

    def _matched(self, match: SignInMatch) -> None:
        self.sign_in_button.setEnabled(True)
        dlg = SignInDialog(match, self)
        dlg.accepted.connect(lambda m=match: self._add(m.person_ids, "sign_in"))
        self.sign_in = dlg
        dlg.open()

    def _match_failed(self, exc: BaseException) -> None:
        self.sign_in_button.setEnabled(True)
        self.dialogs.show_error(self, exc, "签到表没有导入")

