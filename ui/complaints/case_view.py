"""One case: header (number, status, deadline), the registration details, the timeline,
referrals with their replies, attachments, and the workflow steps the user may take now
(``desk.complaints.actions_for``). 编辑 switches to the intake form in edit mode in place."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QAction, QColor, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.roles import Perm
from desk.services.complaints import ComplaintView, EventView
from desk.workflow import FINISHED_STATUSES
from ui.style import ERROR_COLOR, MUTED_COLOR, set_role

from .action_dialog import ActionDialog, ReferralReplyDialog
from .intake_form import IntakeForm
from .lookups import Lookups
from .widgets import alive

if TYPE_CHECKING:
    from desk.facade import Desk
    from ui.dialogs import Dialogs
    from ui.worker import Worker

log = logging.getLogger(__name__)

# The main line of the procedure gets buttons; side routes go in the 其他办理 menu.
MAIN_ACTIONS = ("accept", "refuse", "start_mediation", "mediation_success", "terminate", "notify_termination",
                "close", "archive", "reopen")
PROVISIONAL_COLOR = "#a15c00"


def open_local_file(path: Path) -> bool:
    """Open a file with the program the system associates with it (tests replace this)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def human_size(n: int) -> str:
    if n < 1024:
        return f"{n} 字节"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def due_state(view: ComplaintView) -> tuple[str, str]:
    """(text, colour) for the header's deadline."""
    if view.paused_since:
        return view.due_label, MUTED_COLOR
    if not view.due_label:
        return "", MUTED_COLOR
    if view.overdue:
        return f"{view.due_label}　已逾期", ERROR_COLOR
    if view.due_provisional:
        return view.due_label, PROVISIONAL_COLOR
    return view.due_label, "#202124"


def _mediation_tab(case_view: CaseView) -> QWidget | None:
    try:
        from ui.mediation.case_tab import MediationTab
    except ImportError:
        return None
    return MediationTab(case_view)


def _value_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(label.textInteractionFlags() | label.textInteractionFlags().TextSelectableByMouse)
    return label


class CaseView(QWidget):
    """``CaseView(desk, dialogs, worker, lookups, complaint_id)``; loads itself on the worker."""

    changed = Signal(object)  # ComplaintView after an action, an edit, an attachment
    title_changed = Signal(str)

    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker, lookups: Lookups, complaint_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.dialogs, self.worker, self.lookups = desk, dialogs, worker, lookups
        self.complaint_id = complaint_id
        self.view: ComplaintView | None = None
        self.events: list[EventView] = []
        self.edit_form: IntakeForm | None = None
        self.dialog: ActionDialog | ReferralReplyDialog | None = None

        self.stack = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)
        self.page = QWidget()
        self.stack.addWidget(self.page)
        layout = QVBoxLayout(self.page)
        layout.setContentsMargins(12, 10, 12, 10)

        head = QHBoxLayout()
        self.case_no = QLabel("正在读取…")
        set_role(self.case_no, "title")
        head.addWidget(self.case_no)
        self.status = QLabel()
        self.status.setStyleSheet("QLabel { background: #e8f0fe; color: #0b3d6b; border-radius: 3px; padding: 2px 8px; }")
        self.status.setVisible(False)
        head.addWidget(self.status)
        self.due = QLabel()
        head.addWidget(self.due)
        head.addStretch(1)
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.clicked.connect(self.load)
        head.addWidget(self.refresh_button)
        layout.addLayout(head)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        set_role(self.summary, "muted")
        layout.addWidget(self.summary)

        self.actions_row = QHBoxLayout()
        layout.addLayout(self.actions_row)
        self.action_buttons: dict[str, QPushButton] = {}
        self.more_button = QToolButton()
        self.more_button.setText("其他办理")
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.more_menu = QMenu(self.more_button)
        self.more_button.setMenu(self.more_menu)
        self.more_actions: dict[str, QAction] = {}
        self.edit_button = QPushButton("编辑登记信息")
        self.edit_button.clicked.connect(self.start_edit)
        self.docs_button = QToolButton()
        self.docs_button.setText("生成文书")
        self.docs_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.docs_menu = QMenu(self.docs_button)
        self.docs_button.setMenu(self.docs_menu)
        self.docs_button.setVisible(False)

        self.error = QLabel()
        set_role(self.error, "error")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        layout.addWidget(self.error)

        splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._details())
        splitter.addWidget(self._tabs())
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 5)
        splitter.setSizes([400, 520])
        layout.addWidget(splitter, 1)
        self.load()

    # -- building -------------------------------------------------------------------------------
    def _details(self) -> QWidget:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        holder = QWidget()
        col = QVBoxLayout(holder)
        col.setContentsMargins(0, 0, 6, 0)
        self.fields: dict[str, QLabel] = {}
        groups = [
            ("投诉人", [("consumer", "投诉人"), ("consumer_phone", "电话"), ("consumer_address", "地址"),
                       ("consumer_id_no", "身份证号"), ("parties", "共同投诉人"), ("agent", "委托代理人")]),
            ("被投诉经营者", [("business", "名称"), ("business_credit_code", "信用代码"), ("business_address", "地址")]),
            ("投诉内容", [("category", "类别"), ("nature", "性质"), ("channel", "渠道"), ("received", "收到时间"),
                        ("amount", "争议金额"), ("demand", "投诉请求"), ("facts", "事实与理由")]),
            ("办理情况", [("handler", "承办人"), ("office", "受理单位"), ("rule", "适用办法"), ("accepted", "受理日期"),
                        ("refusal", "不予受理理由"), ("mediation", "调解"), ("termination", "终止调解"),
                        ("closed", "结案日期"), ("archive", "归档号"), ("result", "处理结果"), ("pauses", "暂停计时")]),
        ]
        for title, rows in groups:
            box = QGroupBox(title)
            form = QFormLayout(box)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            for key, label in rows:
                value = _value_label()
                self.fields[key] = value
                form.addRow(f"{label}：", value)
            col.addWidget(box)
        col.addStretch(1)
        scroll.setWidget(holder)
        self._detail_forms = holder
        return scroll

    def _tabs(self) -> QWidget:
        self.tabs = QTabWidget()
        # Timeline
        self.timeline = QTreeWidget()
        self.timeline.setHeaderLabels(["日期", "步骤", "经办人", "详情"])
        self.timeline.setRootIsDecorated(False)
        self.timeline.setAlternatingRowColors(True)
        self.timeline.setWordWrap(True)
        self.timeline.setStyleSheet("QTreeWidget::item { padding: 3px 2px; }")
        header = self.timeline.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tabs.addTab(self.timeline, "办理过程")

        # Referrals
        ref_page = QWidget()
        ref_layout = QVBoxLayout(ref_page)
        self.referrals = QTreeWidget()
        self.referrals.setHeaderLabels(["类型", "接收部门", "发出日期", "回复期限", "回复日期", "回复内容"])
        self.referrals.setRootIsDecorated(False)
        self.referrals.header().setStretchLastSection(True)
        for i in range(5):
            self.referrals.header().setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        self.referrals.setWordWrap(True)
        self.referrals.itemSelectionChanged.connect(self._referral_selected)
        ref_layout.addWidget(self.referrals)
        row = QHBoxLayout()
        self.reply_button = QPushButton("登记回复…")
        self.reply_button.setEnabled(False)
        self.reply_button.clicked.connect(lambda: self.start_reply())
        row.addWidget(self.reply_button)
        row.addStretch(1)
        ref_layout.addLayout(row)
        self.tabs.addTab(ref_page, "转办")

        # Attachments
        att_page = QWidget()
        att_layout = QVBoxLayout(att_page)
        self.attachments = QTreeWidget()
        self.attachments.setHeaderLabels(["文件名", "大小", "上传时间", "上传人"])
        self.attachments.setRootIsDecorated(False)
        self.attachments.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.attachments.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.attachments.header().setStretchLastSection(False)
        self.attachments.itemDoubleClicked.connect(lambda *_: self.open_attachment())
        self.attachments.itemSelectionChanged.connect(self._attachment_selected)
        att_layout.addWidget(self.attachments)
        row = QHBoxLayout()
        self.add_file_button = QPushButton("添加附件…")
        self.open_file_button = QPushButton("打开")
        self.save_file_button = QPushButton("另存为…")
        self.remove_file_button = QPushButton("删除")
        self.add_file_button.clicked.connect(lambda: self.add_attachment())
        self.open_file_button.clicked.connect(lambda: self.open_attachment())
        self.save_file_button.clicked.connect(lambda: self.save_attachment())
        self.remove_file_button.clicked.connect(lambda: self.remove_attachment())
        for b in (self.add_file_button, self.open_file_button, self.save_file_button, self.remove_file_button):
            row.addWidget(b)
        row.addStretch(1)
        att_layout.addLayout(row)
        self.tabs.addTab(att_page, "附件")
        # 调解: sessions, outcome, documents (the mediation module; absent in a build without it).
        self.mediation_tab = _mediation_tab(self)
        if self.mediation_tab is not None:
            self.tabs.addTab(self.mediation_tab, "调解")
        can_edit = self.desk.can(Perm.EDIT_COMPLAINT)
        self.add_file_button.setVisible(can_edit)
        self.remove_file_button.setVisible(can_edit)
        can_view = self.desk.can(Perm.VIEW_PERSONAL)
        self.open_file_button.setVisible(can_view)
        self.save_file_button.setVisible(can_view)
        self._attachment_selected()
        return self.tabs

    # -- loading -------------------------------------------------------------------------------------
    def load(self) -> None:
        complaints, cid = self.desk.complaints, self.complaint_id
        self.refresh_button.setEnabled(False)
        self.worker.run(lambda: (complaints.get(cid), complaints.timeline(cid)), alive(self, self._loaded), alive(self, self._load_failed))

    def _loaded(self, result: tuple[ComplaintView, list[EventView]]) -> None:
        self.refresh_button.setEnabled(True)
        self.error.setVisible(False)
        view, events = result
        self.events = events
        self.show_view(view)
        self._show_timeline()
        self._load_trust_flag(view)

    def _load_trust_flag(self, view: ComplaintView) -> None:
        """A complaint against a trust unit (诚信单位) says so next to the business."""
        if view.business_id is None:
            return
        trust, bid = self.desk.trust_units, view.business_id
        self.worker.run(lambda: trust.flag_for_business(bid), alive(self, lambda flag: self._show_trust_flag(bid, flag)),
                        alive(self, lambda _e: None))  # the flag is a hint; the case shows without it

    def _show_trust_flag(self, business_id: int, flag) -> None:  # type: ignore[no-untyped-def]
        if flag is None or self.view is None or self.view.business_id != business_id:
            return
        self.fields["business"].setText(f"{self.view.business_name}（{flag.text}）")

    def _load_failed(self, exc: BaseException) -> None:
        self.refresh_button.setEnabled(True)
        self.error.setText(f"案件读取失败：{getattr(exc, 'message', exc)}")
        self.error.setVisible(True)

    def _reload_timeline(self) -> None:
        complaints, cid = self.desk.complaints, self.complaint_id
        self.worker.run(lambda: complaints.timeline(cid), alive(self, self._timeline_arrived), alive(self, lambda _e: None))

    def _timeline_arrived(self, events: list[EventView]) -> None:
        self.events = events
        self._show_timeline()

    # -- showing -------------------------------------------------------------------------------------
    def show_view(self, v: ComplaintView) -> None:
        self.view = v
        self.case_no.setText(v.case_no)
        self.title_changed.emit(v.case_no)
        self.status.setText(v.status_label)
        self.status.setVisible(True)
        text, colour = due_state(v)
        self.due.setText(text)
        self.due.setStyleSheet(f"color: {colour};")
        self.summary.setText(f"{v.consumer_name} 投诉 {v.business_name}　·　{v.category_name}　·　{v.nature_name}")
        f = self.fields
        f["consumer"].setText(v.consumer_name + ("（代表人）" if v.is_joint and v.consumer_is_representative else ""))
        f["consumer_phone"].setText(v.consumer_phone)
        f["consumer_address"].setText(v.consumer_address or ("（已隐去）" if v.masked else ""))
        f["consumer_id_no"].setText(v.consumer_id_no or "（未登记）")
        f["parties"].setText("、".join(p.name + ("（代表人）" if p.is_representative else "") for p in v.parties) or "无")
        agent = v.agent_name and f"{v.agent_name} {v.agent_phone}（{'已提交授权委托书' if v.agent_authorised else '未提交授权委托书'}）"
        f["agent"].setText(agent or "无")
        f["business"].setText(v.business_name)
        f["business_credit_code"].setText(v.business_credit_code or "（未登记）")
        f["business_address"].setText(v.business_address)
        f["category"].setText(v.category_name)
        f["nature"].setText(v.nature_name)
        f["channel"].setText(v.channel_name)
        f["received"].setText(f"{v.received_at:%Y-%m-%d %H:%M}")
        f["amount"].setText(f"{v.amount:,.2f} 元" if v.amount else "—")
        f["demand"].setText(v.demand)
        f["facts"].setText(v.facts)
        f["handler"].setText(v.handler_name)
        office = next((o for o in self.lookups.offices if o.id == v.office_id), None)
        f["office"].setText(office.name if office else v.office_code)
        f["rule"].setText(f"{v.rule_version}版办法")
        f["accepted"].setText(f"{v.accepted_date:%Y-%m-%d}" if v.accepted_date else "—")
        f["refusal"].setText(v.refusal_ground_name or "—")
        mediation = "—"
        if v.mediation_started_date:
            mediation = f"{v.mediation_started_date:%Y-%m-%d} 开始"
            if v.mediation_ended_date:
                mediation += f"，{v.mediation_ended_date:%Y-%m-%d} 结束"
        f["mediation"].setText(mediation)
        termination = v.termination_ground_name or "—"
        if v.termination_notified_date:
            termination += f"（{v.termination_notified_date:%Y-%m-%d} 已告知双方）"
        f["termination"].setText(termination)
        f["closed"].setText(f"{v.closed_date:%Y-%m-%d}" if v.closed_date else "—")
        f["archive"].setText(v.archive_no or "—")
        f["result"].setText(v.result_summary or "—")
        pauses = [f"{p.start:%Y-%m-%d}—{p.end:%Y-%m-%d}" if p.end else f"{p.start:%Y-%m-%d} 起（暂停中）" for p in v.pauses]
        f["pauses"].setText("；".join(f"{t}：{p.reason}" for t, p in zip(pauses, v.pauses, strict=True)) or "—")
        self._show_referrals()
        self._show_attachments()
        self._show_actions()
        if self.mediation_tab is not None:
            self.mediation_tab.set_case(v)

    def _show_timeline(self) -> None:
        self.timeline.clear()
        for e in self.events:
            item = QTreeWidgetItem([f"{e.event_date:%Y-%m-%d}", e.action_label, e.username, e.detail])
            item.setToolTip(3, e.detail)
            item.setToolTip(0, f"记录于 {e.at:%Y-%m-%d %H:%M}")
            self.timeline.addTopLevelItem(item)

    def timeline_rows(self) -> list[tuple[str, str, str, str]]:
        return [tuple(self.timeline.topLevelItem(i).text(c) for c in range(4)) for i in range(self.timeline.topLevelItemCount())]  # type: ignore[misc]

    def _show_referrals(self) -> None:
        assert self.view is not None
        self.referrals.clear()
        for r in self.view.referrals:
            due = f"{r.reply_due:%Y-%m-%d}" + ("（暂定）" if r.reply_due_provisional else "") if r.reply_due else ""
            item = QTreeWidgetItem([r.kind_label, r.department, f"{r.sent_date:%Y-%m-%d}", due,
                                    f"{r.replied_date:%Y-%m-%d}" if r.replied_date else ("逾期未回复" if r.overdue else "待回复"),
                                    r.reply_text])
            if r.overdue:
                item.setForeground(4, QColor(ERROR_COLOR))
            self.referrals.addTopLevelItem(item)
        n = len(self.view.referrals)
        self.tabs.setTabText(1, f"转办（{n}）" if n else "转办")
        self._referral_selected()

    def _show_attachments(self) -> None:
        assert self.view is not None
        self.attachments.clear()
        for a in self.view.attachments:
            item = QTreeWidgetItem([a.filename, human_size(a.size), f"{a.uploaded_at:%Y-%m-%d %H:%M}", a.uploaded_by])
            item.setToolTip(0, f"SHA-256：{a.sha256}")
            self.attachments.addTopLevelItem(item)
        n = len(self.view.attachments)
        self.tabs.setTabText(2, f"附件（{n}）" if n else "附件")
        self._attachment_selected()

    def _show_actions(self) -> None:
        assert self.view is not None
        v = self.view
        while self.actions_row.count():
            item = self.actions_row.takeAt(0)
            w = item.widget()
            if w is not None and w not in (self.more_button, self.edit_button, self.docs_button):
                w.deleteLater()
        self.action_buttons.clear()
        self.more_menu.clear()
        self.more_actions.clear()
        for action, label, _needs in self.desk.complaints.actions_for(v):
            # Offer pause or resume, whichever fits the clock now.
            if action == "pause" and v.paused_since is not None or action == "resume" and v.paused_since is None:
                continue
            if action in MAIN_ACTIONS:
                b = QPushButton(label)
                b.clicked.connect(lambda _c=False, a=action: self.start_action(a))
                self.actions_row.addWidget(b)
                self.action_buttons[action] = b
            else:
                act = self.more_menu.addAction(label)
                act.triggered.connect(lambda _c=False, a=action: self.start_action(a))
                self.more_actions[action] = act
        self.actions_row.addWidget(self.more_button)
        self.more_button.setVisible(bool(self.more_actions))
        self.actions_row.addStretch(1)
        self.actions_row.addWidget(self.docs_button)
        self._fill_documents()
        self.actions_row.addWidget(self.edit_button)
        self.edit_button.setVisible(self.desk.can(Perm.EDIT_COMPLAINT) and v.status not in FINISHED_STATUSES and not v.masked)

    def available_actions(self) -> list[str]:
        return [*self.action_buttons, *self.more_actions]

    # -- documents ---------------------------------------------------------------------------------
    def _fill_documents(self) -> None:
        from . import documents

        self.docs_menu.clear()
        assert self.view is not None
        kinds = documents.available_for(self.view) if self.desk.can(Perm.VIEW_PERSONAL) else []
        for key, label in kinds:
            act = self.docs_menu.addAction(label)
            act.triggered.connect(lambda _c=False, k=key: self.make_document(k))
        self.docs_button.setVisible(bool(kinds))

    def make_document(self, key: str, out_path: str | None = None) -> None:
        from . import documents

        if self.view is None:
            return
        out_path = out_path or self.dialogs.save_file(self, "保存文书", documents.suggested_name(key, self.view), "Word 文档 (*.docx)")
        if not out_path:
            return
        if not out_path.lower().endswith(".docx"):
            out_path += ".docx"
        desk, cid, target = self.desk, self.view.id, out_path
        self.worker.run(lambda: documents.render(desk, cid, key, target), alive(self, self._document_ready), alive(self, self._document_failed))

    def _document_ready(self, path: Path) -> None:
        self.last_document = Path(path)
        self._reload_timeline()
        if not open_local_file(Path(path)):
            self.dialogs.info(self, "文书已生成", f"文书已保存到：\n{path}")

    def _document_failed(self, exc: BaseException) -> None:
        self.dialogs.show_error(self, exc, "文书没有生成")

    # -- workflow ----------------------------------------------------------------------------------
    def start_action(self, action: str) -> ActionDialog | QDialog | None:
        """Open the dialog for ``action`` (non-blocking); the view refreshes when it is done."""
        if self.view is None:
            return None
        found = next(((a, label, needs) for a, label, needs in self.desk.complaints.actions_for(self.view) if a == action), None)
        if found is None:
            self.dialogs.warn(self, "不能办理", "当前状态或您的权限不允许这一步骤。")
            return None
        _a, label, needs = found
        if action == "mediation_success" and self.mediation_tab is not None:
            # 调解成功 goes with its agreement and amounts: the 调解 tab's form records both.
            return self.mediation_tab.start_outcome("mediated")
        dlg = ActionDialog(self.desk, self.dialogs, self.worker, self.lookups, self.view, action, label, needs, self)
        dlg.finished.connect(lambda _r, d=dlg: self._action_finished(d))
        self.dialog = dlg
        dlg.open()
        return dlg

    def _action_finished(self, dlg: ActionDialog) -> None:
        self.dialog = None
        if dlg.result_view is not None:
            self.show_view(dlg.result_view)
            self._reload_timeline()
            self.changed.emit(dlg.result_view)
        elif dlg.stale:
            self.load()
        dlg.deleteLater()

    def case_changed_elsewhere(self) -> None:
        """Another part of the view (the 调解 tab) changed the case: reload it and its
        timeline, and tell the case list."""
        complaints, cid = self.desk.complaints, self.complaint_id
        self.worker.run(lambda: (complaints.get(cid), complaints.timeline(cid)),
                        alive(self, self._changed_elsewhere), alive(self, self._load_failed))

    def _changed_elsewhere(self, result: tuple[ComplaintView, list[EventView]]) -> None:
        self._loaded(result)
        if self.view is not None:
            self.changed.emit(self.view)

    def _referral_selected(self) -> None:
        r = self._current_referral()
        self.reply_button.setEnabled(r is not None and r.replied_date is None and self.desk.can(Perm.EDIT_COMPLAINT))

    def _current_referral(self):  # type: ignore[no-untyped-def]
        if self.view is None:
            return None
        i = self.referrals.indexOfTopLevelItem(self.referrals.currentItem()) if self.referrals.currentItem() else -1
        return self.view.referrals[i] if 0 <= i < len(self.view.referrals) else None

    def start_reply(self, index: int | None = None) -> ReferralReplyDialog | None:
        if self.view is None:
            return None
        if index is not None:
            self.referrals.setCurrentItem(self.referrals.topLevelItem(index))
        r = self._current_referral()
        if r is None:
            return None
        dlg = ReferralReplyDialog(self.desk, self.dialogs, self.worker, r, self)
        dlg.finished.connect(lambda result, d=dlg: self._reply_finished(d, result))
        self.dialog = dlg
        dlg.open()
        return dlg

    def _reply_finished(self, dlg: ReferralReplyDialog, result: int) -> None:
        self.dialog = None
        dlg.deleteLater()
        if result:
            self.load()
            if self.view is not None:
                self.changed.emit(self.view)

    # -- editing -----------------------------------------------------------------------------------
    def start_edit(self) -> IntakeForm | None:
        if self.view is None:
            return None
        form = IntakeForm(self.desk, self.dialogs, self.worker, self.lookups, editing=self.view)
        form.saved.connect(self._edit_saved)
        form.closed.connect(self._edit_closed)
        self.edit_form = form
        self.stack.addWidget(form)
        self.stack.setCurrentWidget(form)
        form.consumer_name.setFocus()
        return form

    def _edit_saved(self, view: ComplaintView) -> None:
        self._edit_closed()
        self.show_view(view)
        self._reload_timeline()
        self.changed.emit(view)

    def _edit_closed(self) -> None:
        form = self.edit_form
        self.edit_form = None
        self.stack.setCurrentWidget(self.page)
        if form is not None:
            self.stack.removeWidget(form)
            form.deleteLater()

    def can_close(self) -> bool:
        return self.edit_form is None or self.edit_form.can_close()

    # -- attachments -------------------------------------------------------------------------------
    def _current_attachment(self):  # type: ignore[no-untyped-def]
        if self.view is None or self.attachments.currentItem() is None:
            return None
        i = self.attachments.indexOfTopLevelItem(self.attachments.currentItem())
        return self.view.attachments[i] if 0 <= i < len(self.view.attachments) else None

    def _attachment_selected(self) -> None:
        has = self._current_attachment() is not None
        for b in (self.open_file_button, self.save_file_button, self.remove_file_button):
            b.setEnabled(has)

    def add_attachment(self, path: str | None = None) -> None:
        path = path or self.dialogs.open_file(self, "添加证据附件", "所有文件 (*)")
        if not path or self.view is None:
            return
        complaints, cid = self.desk.complaints, self.view.id
        self.worker.run(lambda: complaints.add_attachment_file(cid, path), alive(self, lambda _a: self.load()),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "附件没有保存")))

    def _with_content(self, then) -> None:  # type: ignore[no-untyped-def]
        a = self._current_attachment()
        if a is None:
            return
        complaints = self.desk.complaints
        self.worker.run(lambda: complaints.attachment_content(a.id), alive(self, then),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "附件无法读取")))

    def open_attachment(self) -> None:
        def opened(result: tuple[str, bytes]) -> None:
            name, data = result
            folder = Path(tempfile.gettempdir()) / "cadesk-attachments"
            try:
                folder.mkdir(parents=True, exist_ok=True)
                path = folder / f"{self.complaint_id}-{Path(name).name}"
                path.write_bytes(data)
            except OSError as exc:
                self.dialogs.error(self, "附件无法打开", f"无法写入临时文件：{exc.strerror or exc}")
                return
            if not open_local_file(path):
                self.dialogs.info(self, "附件", f"没有能打开这类文件的程序。文件已保存到：\n{path}")

        self._with_content(opened)

    def save_attachment(self) -> None:
        a = self._current_attachment()
        if a is None:
            return
        target = self.dialogs.save_file(self, "附件另存为", a.filename, "所有文件 (*)")
        if not target:
            return

        def write(result: tuple[str, bytes]) -> None:
            try:
                Path(target).write_bytes(result[1])
            except OSError as exc:
                self.dialogs.error(self, "附件没有保存", f"无法写入“{target}”：{exc.strerror or exc}")
                return
            self.dialogs.info(self, "附件已保存", f"已保存到：\n{target}")

        self._with_content(write)

    def remove_attachment(self) -> None:
        a = self._current_attachment()
        if a is None or not self.dialogs.confirm(self, "删除附件", f"确定删除附件“{a.filename}”吗？删除后不能恢复。"):
            return
        complaints = self.desk.complaints
        self.worker.run(lambda: complaints.remove_attachment(a.id), alive(self, lambda _r: self.load()),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "附件没有删除")))
