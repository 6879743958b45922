"""安排/记录调解: the form of one mediation session (what its 调解笔录 holds).

Saved with ``desk.mediation.add_session`` / ``update_session`` on the worker. Field messages
appear next to their fields and nothing typed is lost when a save fails. If another desk saved
the same session meanwhile (ConflictError), the two edits are merged
(``desk.mediation.merge_session``): their changes come into the form, mine stay, and a field
both changed keeps mine with theirs shown beside it; saving again keeps both."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QDateTime, QTime
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from desk import clock
from desk.errors import ConflictError, NotFound, ValidationError
from desk.services.complaints import ComplaintView
from desk.services.mediation import (
    METHODS,
    RECUSAL_DECISIONS,
    SESSION_LABELS,
    SESSION_RESULTS,
    SessionInput,
    SessionView,
    session_input_of,
)
from ui.complaints.widgets import NoticePanel, alive, pydate, qdate, today_edit
from ui.forms import ErrorLabel, FieldRow, FormBuilder, clear_errors, show_field_errors
from ui.style import set_role

from .widgets import MediatorsEditor, multiline, show_value

if TYPE_CHECKING:
    from desk.facade import Desk
    from ui.dialogs import Dialogs
    from ui.worker import Worker


def _combo(items: dict[str, str], placeholder: str = "") -> QComboBox:
    combo = QComboBox()
    for code, label in items.items():
        combo.addItem(label, code)
    if placeholder:
        combo.setPlaceholderText(placeholder)
        combo.setCurrentIndex(-1)
    return combo


def _select(combo: QComboBox, value: object) -> None:
    combo.setCurrentIndex(combo.findData(value))


def _qdatetime(value: dt.datetime) -> QDateTime:
    return QDateTime(qdate(value.date()), QTime(value.hour, value.minute))


def _pydatetime(q: QDateTime) -> dt.datetime:
    d, t = q.date(), q.time()
    return dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())


class SessionDialog(QDialog):
    """``SessionDialog(desk, dialogs, worker, case, staff, session=None)``: a new session
    (``session`` None) or an edit. After ``accept()`` the saved session is in ``result_view``."""

    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker, case: ComplaintView, staff: list[tuple[int, str]],
                 session: SessionView | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.dialogs, self.worker, self.case = desk, dialogs, worker, case
        self.base = session  # the version the edit started from
        self.result_view: SessionView | None = None
        self.busy = False
        title = f"第{session.ordinal}次调解 — {case.case_no}" if session else f"安排或记录调解 — {case.case_no}"
        self.setWindowTitle(title)
        self.resize(760, 780)

        outer = QVBoxLayout(self)
        head = QLabel(title)
        set_role(head, "subtitle")
        outer.addWidget(head)
        who = QLabel(f"{case.consumer_name} 投诉 {case.business_name}（{case.status_label}）")
        set_role(who, "muted")
        outer.addWidget(who)
        self.notice = NoticePanel("其他用户刚刚保存了这次调解的记录")
        outer.addWidget(self.notice)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        holder = QWidget()
        col = QVBoxLayout(holder)
        col.setContentsMargins(0, 0, 8, 0)
        self.rows: dict[str, FieldRow] = {}

        def group(title: str) -> FormBuilder:
            box = QGroupBox(title)
            col.addWidget(box)
            return FormBuilder(box)

        g = group("时间、地点和人员")
        self.method = _combo(METHODS, "请选择")
        g.add("method", "调解方式", self.method)
        self.started_at = QDateTimeEdit()
        self.started_at.setCalendarPopup(True)
        self.started_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        now = clock.now()
        self.started_at.setDateTime(_qdatetime(now.replace(minute=0 if now.minute < 30 else 30, second=0)))
        g.add("started_at", "调解时间", self.started_at, hint="将来的时间表示安排调解；调解后再记录结果")
        ended = QWidget()
        row = QHBoxLayout(ended)
        row.setContentsMargins(0, 0, 0, 0)
        self.has_end = QCheckBox("记录结束时间")
        self.ended_at = QTimeEdit()
        self.ended_at.setDisplayFormat("HH:mm")
        self.ended_at.setEnabled(False)
        self.has_end.toggled.connect(self.ended_at.setEnabled)
        row.addWidget(self.has_end)
        row.addWidget(self.ended_at)
        row.addStretch(1)
        ended.setFocusProxy(self.has_end)
        g.add("ended_at", "结束时间", ended)
        self.place = QLineEdit()
        self.place.setPlaceholderText("如 本会调解室；电话、视频调解可不填")
        self.place.setMaxLength(200)
        g.add("place", "地点", self.place)
        self.mediators = MediatorsEditor(staff)
        g.add("mediators", "调解员", self.mediators, hint="本会工作人员从列表选择；消费争议人民调解委员会的专家填写姓名")
        self.recorder = QComboBox()
        self.recorder.setEditable(True)
        for uid, name in staff:
            self.recorder.addItem(name, uid)
        self.recorder.setCurrentIndex(-1)
        self.recorder.lineEdit().setPlaceholderText("选择或填写记录人")
        self.recorder.lineEdit().setMaxLength(60)
        g.add("recorder_name", "记录人", self.recorder)
        self.rows.update(g.rows)

        g = group("到场人员")
        self.consumer_attendees = QLineEdit()
        self.consumer_attendees.setPlaceholderText("如 张三（投诉人本人）")
        g.add("consumer_attendees", "投诉方到场人员", self.consumer_attendees)
        self.consumer_agent = QLineEdit()
        self.consumer_agent.setPlaceholderText("姓名及代理权限，没有可不填")
        g.add("consumer_agent", "投诉方代理人", self.consumer_agent)
        self.business_attendees = QLineEdit()
        self.business_attendees.setPlaceholderText("如 李四（店长）")
        g.add("business_attendees", "被投诉方到场人员", self.business_attendees)
        self.business_agent = QLineEdit()
        g.add("business_agent", "被投诉方代理人", self.business_agent)
        self.rows.update(g.rows)

        g = group("身份核对、权利告知与回避")
        checks = QWidget()
        row = QHBoxLayout(checks)
        row.setContentsMargins(0, 0, 0, 0)
        self.identity_checked = QCheckBox("已核对身份")
        self.rights_explained = QCheckBox("已告知权利义务")
        self.recusal_explained = QCheckBox("已告知回避事项")
        for cb in (self.identity_checked, self.rights_explained, self.recusal_explained):
            row.addWidget(cb)
        row.addStretch(1)
        checks.setFocusProxy(self.identity_checked)
        g.add("checks", "告知", checks)
        self.recusal_requested = QCheckBox("当事人申请调解员回避（决定前暂停计算调解期限）")
        g.add("recusal_requested", "申请回避", self.recusal_requested)
        self.recusal_request = multiline(2, 2)
        self.recusal_request.setPlaceholderText("申请人、申请哪位调解员回避及理由")
        g.add("recusal_request", "回避申请", self.recusal_request)
        self.recusal_decision = QComboBox()
        self.recusal_decision.addItem("尚未决定", "")
        for code, label in RECUSAL_DECISIONS.items():
            self.recusal_decision.addItem(label, code)
        g.add("recusal_decision", "回避决定", self.recusal_decision)
        self.recusal_decided_date = today_edit()
        g.add("recusal_decided_date", "决定日期", self.recusal_decided_date)
        self.recusal_requested.toggled.connect(self._recusal_toggled)
        self.recusal_decision.currentIndexChanged.connect(lambda _i: self._recusal_toggled(self.recusal_requested.isChecked()))
        self.rows.update(g.rows)

        g = group("陈述与证据")
        self.consumer_statement = multiline(3)
        g.add("consumer_statement", "投诉方陈述", self.consumer_statement)
        self.business_statement = multiline(3)
        g.add("business_statement", "被投诉方陈述", self.business_statement)
        self.evidence_shown = multiline(2)
        self.evidence_shown.setPlaceholderText("如 购物小票、聊天记录截图、检测报告")
        g.add("evidence_shown", "出示证据", self.evidence_shown)
        self.rows.update(g.rows)

        g = group("结果")
        self.result = _combo(SESSION_RESULTS, "请选择")
        g.add("result", "调解结果", self.result, hint="尚未进行的调解选“已安排，尚未调解”")
        self.result_detail = multiline(2)
        g.add("result_detail", "结果说明", self.result_detail)
        self.note = multiline(2, 2)
        g.add("note", "备注", self.note)
        self.rows.update(g.rows)
        col.addStretch(1)
        scroll.setWidget(holder)
        outer.addWidget(scroll, 1)

        self.general = ErrorLabel()
        outer.addWidget(self.general)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("保存（Ctrl+S）")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)

        if session is not None:
            self.set_input(session_input_of(session))
        else:
            self.set_input(SessionInput(method="onsite", started_at=_pydatetime(self.started_at.dateTime()),
                                        place="本会调解室", consumer_attendees=case.consumer_name, result=""))
            if desk.actor and desk.actor.user_id in [uid for uid, _n in staff]:
                self.mediators.add_staff(desk.actor.user_id)
                _select(self.recorder, desk.actor.user_id)
        self.initial = self.build_input()
        self.method.setFocus()

    # -- values -----------------------------------------------------------------------------
    def _recusal_toggled(self, on: bool) -> None:
        self.recusal_request.setEnabled(on)
        self.recusal_decision.setEnabled(on)
        self.recusal_decided_date.setEnabled(on and bool(self.recusal_decision.currentData()))

    def build_input(self) -> SessionInput:
        started = _pydatetime(self.started_at.dateTime())
        ended = None
        if self.has_end.isChecked():
            t = self.ended_at.time()
            ended = dt.datetime.combine(started.date(), dt.time(t.hour(), t.minute()))
        recorder_text = self.recorder.currentText().strip()
        recorder_id = self.recorder.currentData() if self.recorder.currentIndex() >= 0 else None
        if recorder_id is not None and self.recorder.itemText(self.recorder.currentIndex()) != recorder_text:
            recorder_id = None  # typed over a chosen name: a name, not that user
        requested = self.recusal_requested.isChecked()
        decision = self.recusal_decision.currentData() or "" if requested else ""
        return SessionInput(
            method=self.method.currentData() or "",
            started_at=started,
            ended_at=ended,
            place=self.place.text(),
            mediators=self.mediators.value(),
            recorder_user_id=recorder_id,
            recorder_name=recorder_text,
            consumer_attendees=self.consumer_attendees.text(),
            consumer_agent=self.consumer_agent.text(),
            business_attendees=self.business_attendees.text(),
            business_agent=self.business_agent.text(),
            identity_checked=self.identity_checked.isChecked(),
            rights_explained=self.rights_explained.isChecked(),
            recusal_explained=self.recusal_explained.isChecked(),
            recusal_requested=requested,
            recusal_request=self.recusal_request.toPlainText() if requested else "",
            recusal_decision=decision,
            recusal_decided_date=pydate(self.recusal_decided_date.date()) if decision else None,
            consumer_statement=self.consumer_statement.toPlainText(),
            business_statement=self.business_statement.toPlainText(),
            evidence_shown=self.evidence_shown.toPlainText(),
            result=self.result.currentData() or "",
            result_detail=self.result_detail.toPlainText(),
            note=self.note.toPlainText(),
        )

    def set_input(self, inp: SessionInput) -> None:
        _select(self.method, inp.method or None)
        if inp.started_at is not None:
            self.started_at.setDateTime(_qdatetime(inp.started_at))
        self.has_end.setChecked(inp.ended_at is not None)
        if inp.ended_at is not None:
            self.ended_at.setTime(QTime(inp.ended_at.hour, inp.ended_at.minute))
        self.place.setText(inp.place)
        self.mediators.set_value(inp.mediators)
        i = self.recorder.findData(inp.recorder_user_id) if inp.recorder_user_id is not None else -1
        if i >= 0:
            self.recorder.setCurrentIndex(i)
        else:
            self.recorder.setCurrentIndex(-1)
            self.recorder.setEditText(inp.recorder_name)
        self.consumer_attendees.setText(inp.consumer_attendees)
        self.consumer_agent.setText(inp.consumer_agent)
        self.business_attendees.setText(inp.business_attendees)
        self.business_agent.setText(inp.business_agent)
        self.identity_checked.setChecked(inp.identity_checked)
        self.rights_explained.setChecked(inp.rights_explained)
        self.recusal_explained.setChecked(inp.recusal_explained)
        self.recusal_requested.setChecked(inp.recusal_requested)
        self.recusal_request.setPlainText(inp.recusal_request)
        _select(self.recusal_decision, inp.recusal_decision or "")
        if inp.recusal_decided_date is not None:
            self.recusal_decided_date.setDate(qdate(inp.recusal_decided_date))
        self.consumer_statement.setPlainText(inp.consumer_statement)
        self.business_statement.setPlainText(inp.business_statement)
        self.evidence_shown.setPlainText(inp.evidence_shown)
        _select(self.result, inp.result)
        self.result_detail.setPlainText(inp.result_detail)
        self.note.setPlainText(inp.note)
        self._recusal_toggled(inp.recusal_requested)

    # -- saving -----------------------------------------------------------------------------
    def save(self) -> None:
        if self.busy:
            return
        inp = self.build_input()
        clear_errors(self.rows, self.general)
        self.busy = True
        self.save_button.setEnabled(False)
        mediation, cid, base = self.desk.mediation, self.case.id, self.base
        if base is None:
            job = lambda: mediation.add_session(cid, inp)  # noqa: E731
        else:
            job = lambda: mediation.update_session(base.id, base, inp)  # noqa: E731
        self.worker.run(job, alive(self, self._saved), alive(self, lambda exc: self._failed(exc, inp)))

    def _saved(self, view: SessionView) -> None:
        self.busy = False
        self.result_view = view
        self.accept()

    def _failed(self, exc: BaseException, mine: SessionInput) -> None:
        self.busy = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            show_field_errors(self.rows, exc, self.general)
        elif isinstance(exc, ConflictError) and isinstance(exc.current, SessionView) and self.base is not None:
            self.merge(mine, exc.current)
        elif isinstance(exc, NotFound):
            self.general.set_message(exc.message + "。您填写的内容仍在表单中，可复制后关闭。")
        else:
            self.dialogs.show_error(self, exc, "调解记录没有保存")

    def merge(self, mine: SessionInput, current: SessionView) -> None:
        """Bring the other desk's changes into the form, keep mine, and say what happened."""
        assert self.base is not None
        m = self.desk.mediation.merge_session(self.base, mine, current)
        self.set_input(m.merged)
        self.base = current
        lines = []
        for name, theirs in m.taken.items():
            lines.append(f"{SESSION_LABELS.get(name, name)}：已采用对方的修改“{show_value(theirs)}”")
        for name, (own, theirs) in m.conflicts.items():
            lines.append(f"{SESSION_LABELS.get(name, name)}：双方都改了，这里保留您的“{show_value(own)}”，对方改为“{show_value(theirs)}”")
            row = self.rows.get(name)
            if row is not None:
                row.set_error(f"对方改为：{show_value(theirs)}（保存将采用这里的内容）")
        lines.append("您的修改尚未保存：请核对后再点“保存”，双方的修改都会保留。")
        self.notice.show_lines(lines)

    def reject(self) -> None:
        if not self.busy and self.build_input() != self.initial and not self.dialogs.confirm(
                self, "放弃修改", "填写的调解记录还没有保存，确定放弃吗？"):
            return
        super().reject()
