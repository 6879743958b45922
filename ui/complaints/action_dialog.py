"""One workflow step on a case (受理, 不予受理, 转办 …): asks for what the step needs and calls
``desk.complaints.act`` on the worker. Field errors appear at the fields; the dialog stays
open until the step is saved or the user cancels. Also the dialog for a referral's reply."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desk.errors import ConflictError, DatabaseOpenError, DeskError, ValidationError
from desk.services.complaints import ActionInput, ComplaintView, ReferralView
from ui.forms import FormBuilder
from ui.style import set_role

from .lookups import Lookups
from .widgets import alive, fill_vocab_combo, pydate, qdate, today_edit

if TYPE_CHECKING:
    from desk.facade import Desk
    from ui.dialogs import Dialogs
    from ui.worker import Worker

# Member departments a county association commonly refers to (editable: the county's own names).
DEPARTMENTS = [
    "市场监督管理局",
    "物价局/发展和改革委员会",
    "卫生健康委员会",
    "药品监督管理部门",
    "公安局",
    "住房和城乡建设局",
    "交通运输局",
    "教育局",
    "文化和旅游局",
    "农业农村局",
    "人民法院",
    "仲裁委员会",
]

REFERRAL_ACTIONS = {"transfer", "enforcement", "lawsuit", "arbitration"}

# What each step means, shown at the top of its dialog.
EXPLAIN: dict[str, str] = {
    "accept": "受理后开始计算调解期限，承办人可安排调解。",
    "refuse": "不予受理须选择理由（《办法》第十六条），并告知消费者其他解决途径（消法第三十九条）。",
    "start_mediation": "记录调解开始的日期。",
    "mediation_success": "双方达成调解协议。可在下面简要写明调解结果（挽回金额等）。",
    "terminate": "终止调解须选择理由（《办法》第二十三条），并在7个工作日内告知双方。",
    "notify_termination": "记录已将终止调解的情况告知双方当事人的日期。",
    "transfer": "将投诉转交成员单位或有关部门处理，并跟踪其回复（闭环）。不填回复期限时按设置自动计算。",
    "enforcement": "调解中发现违法线索，移送执法部门（诉转案）；案件继续办理。不填回复期限时按设置自动计算。",
    "lawsuit": "支持消费者向人民法院起诉（消法第三十七条第七项）。",
    "arbitration": "引导当事人申请仲裁。",
    "withdraw": "消费者撤回投诉，请写明原因。",
    "pause": "检测、鉴定期间不计入办理期限：暂停计时，完成后恢复。",
    "resume": "检测、鉴定已完成，恢复计时；暂停的天数不计入期限。",
    "close": "结案后案件不再计算期限。可写明处理结果。",
    "archive": "归档时自动编排归档号。",
    "reopen": "重新打开已结案件须由秘书长或管理员办理，并写明原因。",
}

DETAIL_LABELS = {
    "mediation_success": "调解结果",
    "close": "处理结果",
    "transfer": "转办事项说明",
    "enforcement": "线索说明",
    "lawsuit": "说明",
    "arbitration": "说明",
}


class ActionDialog(QDialog):
    """``ActionDialog(desk, dialogs, worker, lookups, view, action, label, needs)``; after
    ``accept()`` the updated case is in ``result_view``."""

    def __init__(
        self,
        desk: Desk,
        dialogs: Dialogs,
        worker: Worker,
        lookups: Lookups,
        view: ComplaintView,
        action: str,
        label: str,
        needs: tuple[str, ...],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk, self.dialogs, self.worker = desk, dialogs, worker
        self.view, self.action, self.needs = view, action, needs
        self.result_view: ComplaintView | None = None
        self.stale = False  # the step was refused for the case's state: the view should reload
        self.busy = False
        self.setWindowTitle(f"{label} — {view.case_no}")
        self.setMinimumWidth(480)

        layout = QVBoxLayout(self)
        title = QLabel(f"{label}　{view.case_no}")
        set_role(title, "subtitle")
        layout.addWidget(title)
        who = QLabel(f"{view.consumer_name} 投诉 {view.business_name}（当前状态：{view.status_label}）")
        who.setWordWrap(True)
        set_role(who, "muted")
        layout.addWidget(who)
        if action in EXPLAIN:
            explain = QLabel(EXPLAIN[action])
            explain.setWordWrap(True)
            layout.addWidget(explain)

        self.form = FormBuilder()
        earliest = view.received_at.date()
        date_label = {"pause": "暂停日期", "resume": "恢复日期"}.get(action, "发出日期" if action in REFERRAL_ACTIONS else "日期")
        self.on = today_edit()
        self.on.setMinimumDate(qdate(earliest))
        self.form.add("on", date_label, self.on, hint="该步骤实际办理的日期，默认今天")

        self.ground: QComboBox | None = None
        if "ground" in needs:
            self.ground = QComboBox()
            items = lookups.refusal_grounds if action == "refuse" else lookups.termination_grounds
            fill_vocab_combo(self.ground, items, placeholder="请选择理由")
            self.ground.setMinimumContentsLength(24)
            self.form.add("ground", "不予受理理由" if action == "refuse" else "终止调解理由", self.ground)

        self.department: QComboBox | None = None
        self.reply_due_check: QCheckBox | None = None
        if "department" in needs:
            self.department = QComboBox()
            self.department.setEditable(True)
            self.department.addItems(DEPARTMENTS)
            self.department.setCurrentIndex(-1)
            self.department.lineEdit().setPlaceholderText("选择或输入部门、机构名称")
            default = {"lawsuit": "人民法院", "arbitration": "仲裁委员会", "enforcement": "市场监督管理局"}.get(action)
            if default:
                self.department.setCurrentText(default)
            self.form.add("department", "接收部门" if action != "lawsuit" else "受理法院", self.department)
            holder = QWidget()
            row = QHBoxLayout(holder)
            row.setContentsMargins(0, 0, 0, 0)
            self.reply_due_check = QCheckBox("指定")
            self.reply_due = today_edit(allow_future=True)
            self.reply_due.setEnabled(False)
            self.reply_due_check.toggled.connect(self.reply_due.setEnabled)
            row.addWidget(self.reply_due_check)
            row.addWidget(self.reply_due, 1)
            holder.setFocusProxy(self.reply_due_check)
            hint = "不指定时按设置自动计算" if action in ("transfer", "enforcement") else "可不填"
            self.form.add("reply_due", "回复期限", holder, hint=hint)

        self.reason: QPlainTextEdit | None = None
        if "reason" in needs:
            self.reason = QPlainTextEdit()
            self.reason.setTabChangesFocus(True)
            self.reason.setFixedHeight(self.reason.fontMetrics().lineSpacing() * 3 + 12)
            label_text = {"pause": "检测/鉴定事项", "withdraw": "撤诉原因", "reopen": "重新打开原因"}.get(action, "原因")
            self.form.add("reason", label_text, self.reason)

        self.detail = QPlainTextEdit()
        self.detail.setTabChangesFocus(True)
        self.detail.setFixedHeight(self.detail.fontMetrics().lineSpacing() * 3 + 12)
        self.form.add("detail", DETAIL_LABELS.get(action, "备注"), self.detail, hint="可不填")
        self.general = self.form.add_message()
        layout.addLayout(self.form.layout)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(label)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        (self.ground or self.department or self.reason or self.on).setFocus()

    def build_input(self) -> ActionInput:
        reply_due: dt.date | None = None
        if self.reply_due_check is not None and self.reply_due_check.isChecked():
            reply_due = pydate(self.reply_due.date())
        return ActionInput(
            on=pydate(self.on.date()),
            ground_code=(self.ground.currentData() if self.ground is not None and self.ground.currentIndex() >= 0 else None),
            reason=self.reason.toPlainText() if self.reason is not None else "",
            department=self.department.currentText() if self.department is not None else "",
            reply_due=reply_due,
            detail=self.detail.toPlainText(),
        )

    def submit(self) -> None:
        if self.busy:
            return
        inp = self.build_input()
        self.form.clear_errors()
        self.busy = True
        self.ok_button.setEnabled(False)
        case_id, action, version = self.view.id, self.action, self.view.version
        complaints = self.desk.complaints
        self.worker.run(lambda: complaints.act(case_id, action, version, inp), alive(self, self._done), alive(self, self._failed))

    def _done(self, view: ComplaintView) -> None:
        self.busy = False
        self.result_view = view
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.ok_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self.form.show_errors(exc)
        elif isinstance(exc, ConflictError):
            self.dialogs.warn(self, "案件已被修改", exc.message + "\n\n其他用户刚刚办理了这个案件。请关闭此窗口，查看最新状态后再办理。")
            if isinstance(exc.current, ComplaintView):
                self.result_view = exc.current  # lets the case view show the latest state
            self.reject()
        elif isinstance(exc, DeskError) and not isinstance(exc, DatabaseOpenError):
            # Refused for the case as it is now (another desk moved it on, or the role does not
            # allow the step): say why and show the case as it stands.
            self.dialogs.show_error(self, exc, "未能办理")
            self.stale = True
            self.reject()
        else:
            self.dialogs.show_error(self, exc, "未能办理")


class ReferralReplyDialog(QDialog):
    """登记回复: the date and content of a department's reply to a referral."""

    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker, referral: ReferralView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.dialogs, self.worker, self.referral = desk, dialogs, worker, referral
        self.busy = False
        self.setWindowTitle(f"登记回复 — {referral.department}")
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        info = QLabel(f"{referral.kind_label}至 {referral.department}，{referral.sent_date:%Y-%m-%d} 发出"
                      + (f"，回复期限 {referral.reply_due:%Y-%m-%d}" if referral.reply_due else ""))
        info.setWordWrap(True)
        layout.addWidget(info)
        self.form = FormBuilder()
        self.on = today_edit()
        self.on.setMinimumDate(qdate(referral.sent_date))
        self.form.add("replied_on", "回复日期", self.on)
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(self.text.fontMetrics().lineSpacing() * 5 + 12)
        self.form.add("text", "回复内容", self.text)
        self.general = self.form.add_message()
        layout.addLayout(self.form.layout)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("保存回复")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.text.setFocus(Qt.FocusReason.OtherFocusReason)

    def submit(self) -> None:
        if self.busy:
            return
        self.form.clear_errors()
        self.busy = True
        self.ok_button.setEnabled(False)
        r, day, text = self.referral, pydate(self.on.date()), self.text.toPlainText()
        complaints = self.desk.complaints
        self.worker.run(lambda: complaints.record_referral_reply(r.id, r.version, day, text), alive(self, self._done), alive(self, self._failed))

    def _done(self, _view: ReferralView) -> None:
        self.busy = False
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.ok_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self.form.show_errors(exc)
        else:
            self.dialogs.show_error(self, exc, "回复没有保存")

