"""The case view's 调解 tab: the sessions (安排/记录调解, edit, delete), the selected session's
record, the outcome with the agreement, amounts and performance, the documents (调解笔录 per
session, 调解书) and the signed scans. The buttons offered follow the case's state and the
user's role; every database call runs on the worker."""

from __future__ import annotations

import logging
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk.roles import Perm
from desk.services.complaints import ComplaintView
from desk.services.mediation import RECUSAL_DECISIONS, OutcomeView, SessionView, SignedDocument
from desk.workflow import Status
from ui.complaints.widgets import alive
from ui.style import ERROR_COLOR, MUTED_COLOR, OK_COLOR, set_role

from .widgets import yuan

if TYPE_CHECKING:
    from ui.complaints.case_view import CaseView

log = logging.getLogger(__name__)

IN_MEDIATION = (Status.ACCEPTED, Status.MEDIATING)


class MediationTab(QWidget):
    """``MediationTab(case_view)``; ``set_case(view)`` shows a case (the case view calls it
    whenever the case is loaded or changed)."""

    def __init__(self, case_view: CaseView) -> None:
        super().__init__()
        self.case_view = case_view
        self.desk, self.dialogs, self.worker = case_view.desk, case_view.dialogs, case_view.worker
        self.view: ComplaintView | None = None
        self.sessions: list[SessionView] = []
        self.outcome: OutcomeView | None = None
        self.signed: list[SignedDocument] = []
        self.staff: list[tuple[int, str]] = []
        self.stations: list[Any] = []
        self.loaded = False
        self.dialog: Any = None
        self.last_document: Path | None = None

        layout = QVBoxLayout(self)
        self.state = QLabel("正在读取调解记录…")
        self.state.setWordWrap(True)
        set_role(self.state, "subtitle")
        layout.addWidget(self.state)

        row = QHBoxLayout()
        self.add_button = QPushButton("安排/记录调解…")
        self.add_button.clicked.connect(lambda: self.start_session())
        self.edit_button = QPushButton("修改所选…")
        self.edit_button.clicked.connect(lambda: self.start_session(self.current_session()))
        self.delete_button = QPushButton("删除所选")
        self.delete_button.clicked.connect(self.delete_session)
        for b in (self.add_button, self.edit_button, self.delete_button):
            row.addWidget(b)
        row.addStretch(1)
        self.docs_button = QToolButton()
        self.docs_button.setText("生成调解文书")
        self.docs_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.docs_menu = QMenu(self.docs_button)
        self.docs_button.setMenu(self.docs_menu)
        row.addWidget(self.docs_button)
        self.scan_button = QToolButton()
        self.scan_button.setText("附上签字扫描件")
        self.scan_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.scan_menu = QMenu(self.scan_button)
        self.scan_button.setMenu(self.scan_menu)
        row.addWidget(self.scan_button)
        layout.addLayout(row)

        row = QHBoxLayout()
        self.success_button = QPushButton("调解成功…")
        self.success_button.clicked.connect(lambda: self.start_outcome("mediated"))
        self.station_button = QPushButton("和解站和解…")
        self.station_button.clicked.connect(lambda: self.start_outcome("station"))
        self.self_button = QPushButton("双方自行和解…")
        self.self_button.clicked.connect(lambda: self.start_outcome("self_settled"))
        self.fail_button = QPushButton("调解不成，终止调解…")
        self.fail_button.clicked.connect(lambda: self.case_view.start_action("terminate"))
        self.amend_button = QPushButton("修改协议及金额…")
        self.amend_button.clicked.connect(lambda: self.start_outcome(None))
        self.perform_button = QPushButton("确认履行…")
        self.perform_button.clicked.connect(self.start_performance)
        for b in (self.success_button, self.station_button, self.self_button, self.fail_button, self.amend_button, self.perform_button):
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["次数", "时间", "方式", "地点", "调解员", "结果", "回避"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tree.header()
        for i in range(6):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.tree.itemSelectionChanged.connect(self._selected)
        self.tree.itemDoubleClicked.connect(lambda *_: self.start_session(self.current_session()) if self.can_edit else None)
        splitter.addWidget(self.tree)

        # The selected session's record and the outcome, as rich text that scrolls by itself
        # (word-wrapped labels in a scrolled form were clipped).
        details = QTextBrowser()
        details.setOpenLinks(False)
        details.setFrameShape(QFrame.Shape.StyledPanel)
        self.details = details
        splitter.addWidget(details)
        splitter.setSizes([160, 300])
        layout.addWidget(splitter, 1)
        self._show_buttons()

    # -- loading --------------------------------------------------------------------------------
    @property
    def can_edit(self) -> bool:
        return self.desk.can(Perm.EDIT_COMPLAINT) and self.view is not None and not self.view.masked

    def set_case(self, view: ComplaintView) -> None:
        self.view = view
        self.reload()

    def reload(self) -> None:
        if self.view is None:
            return
        desk, cid = self.desk, self.view.id
        editing = self.can_edit

        def fetch() -> tuple:
            staff = desk.mediation.staff() if editing else []
            stations = desk.stations.list(status="active") if editing else []
            return (desk.mediation.sessions(cid), desk.mediation.outcome(cid), desk.mediation.signed_documents(cid), staff, stations)

        self.worker.run(fetch, alive(self, self._loaded), alive(self, self._load_failed))

    def _loaded(self, result: tuple) -> None:
        self.sessions, self.outcome, self.signed, self.staff, self.stations = result
        self.loaded = True
        self._show()

    def _load_failed(self, exc: BaseException) -> None:
        self.state.setText(f"调解记录读取失败：{getattr(exc, 'message', exc)}")

    # -- showing --------------------------------------------------------------------------------
    def _show(self) -> None:
        assert self.view is not None
        v, o = self.view, self.outcome
        held = [s for s in self.sessions if not s.planned]
        planned = [s for s in self.sessions if s.planned]
        parts = [f"已调解 {len(held)} 次" if held else "尚未调解"]
        if planned:
            parts.append(f"已安排 {planned[0].started_at:%Y-%m-%d %H:%M} {planned[0].method_label}调解")
        if o is not None and o.resolved:
            parts.append(f"{o.result_label}（{o.resolved_date:%Y-%m-%d}）")
            if o.performance_label:
                parts.append(o.performance_label)
        elif v.status == Status.TERMINATED:
            parts.append(f"已终止调解：{v.termination_ground_name}")
        if any(s.recusal_pending for s in self.sessions):
            parts.append("回避申请待决定，案件暂停计时")
        self.state.setText("；".join(parts))
        self.tree.clear()
        for s in self.sessions:
            recusal = ""
            if s.recusal_requested:
                recusal = "待决定" if s.recusal_pending else RECUSAL_DECISIONS.get(s.recusal_decision, s.recusal_decision)
            item = QTreeWidgetItem([f"第{s.ordinal}次", f"{s.started_at:%Y-%m-%d %H:%M}", s.method_label, s.place,
                                    s.mediator_names, s.result_label, recusal])
            if s.recusal_pending:
                item.setForeground(6, QColor(ERROR_COLOR))
            if s.planned:
                item.setForeground(5, QColor("#1f6fb2"))
            self.tree.addTopLevelItem(item)
        if self.sessions:
            self.tree.setCurrentItem(self.tree.topLevelItem(len(self.sessions) - 1))
        self._selected()
        self._show_buttons()
        self._fill_menus()

    def _outcome_rows(self) -> list[tuple[str, str, str]]:
        """(label, text, colour) of the outcome section."""
        o = self.outcome
        if o is None:
            return []
        rows = [("结果", o.result_label + (f"（{o.resolved_date:%Y-%m-%d}）" if o.resolved_date else "（已撤销）")
                 + (f"，{o.station_name}" if o.station_name else ""), "")]
        if o.agreement_no and o.agreement_date:
            rows.append(("调解书", f"{o.agreement_no}，{o.agreement_date:%Y-%m-%d}", ""))
        rows.append(("协议内容", o.terms.strip() or "（尚未填写协议内容）", "" if o.terms.strip() else ERROR_COLOR))
        for label, text in (("履行方式", o.performance_method), ("履行地点", o.performance_place)):
            if text.strip():
                rows.append((label, text, ""))
        breakdown = "，".join(f"{label} {yuan(x)}" for label, x in o.breakdown() if x)
        rows.append(("挽回经济损失", f"{yuan(o.recovered_total)} 元" + (f"（{breakdown}）" if breakdown else ""), ""))
        if o.punitive:
            fraud = "认定欺诈" if o.fraud_found else "未认定欺诈"
            price = f"价款 {yuan(o.price_paid)} 元，" if o.price_paid is not None else ""
            rows.append(("加倍赔偿", f"{price}加倍赔偿 {yuan(o.punitive_amount)} 元（{fraud}）", ""))
        if o.other_comp_amount:
            rows.append(("其他赔偿", f"{o.other_comp_basis}：{yuan(o.other_comp_amount)} 元", ""))
        perf = o.performance_label or "—"
        if o.performed_date and o.performance_note:
            perf += f"：{o.performance_note}"
        rows.append(("履行", perf, ERROR_COLOR if o.performance_overdue else OK_COLOR if o.performed_date else ""))
        rows.append(("签字文书", "；".join(f"{d.note}（{d.filename}）" for d in self.signed) or "—", ""))
        return rows

    def current_session(self) -> SessionView | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        i = self.tree.indexOfTopLevelItem(item)
        return self.sessions[i] if 0 <= i < len(self.sessions) else None

    def _session_rows(self, s: SessionView) -> list[tuple[str, str, str]]:
        people = [f"调解员 {s.mediator_names}"]
        if s.recorder_name:
            people.append(f"记录人 {s.recorder_name}")
        for label, text in (("投诉方", s.consumer_attendees), ("代理人", s.consumer_agent), ("被投诉方", s.business_attendees),
                            ("代理人", s.business_agent)):
            if text:
                people.append(f"{label} {text}")
        checks = [t for flag, t in ((s.identity_checked, "已核对身份"), (s.rights_explained, "已告知权利义务"),
                                    (s.recusal_explained, "已告知回避事项")) if flag]
        if s.recusal_requested:
            decision = RECUSAL_DECISIONS.get(s.recusal_decision, "") if s.recusal_decision else "尚待决定（案件暂停计时）"
            recusal = f"{s.recusal_request}　决定：{decision}" + (f"（{s.recusal_decided_date:%Y-%m-%d}）" if s.recusal_decided_date else "")
        else:
            recusal = "未申请"
        return [
            ("时间地点", f"{s.started_at:%Y-%m-%d %H:%M}" + (f"—{s.ended_at:%H:%M}" if s.ended_at else "")
             + f"，{s.method_label}" + (f"，{s.place}" if s.place else ""), ""),
            ("人员", "；".join(people), ""),
            ("告知", "、".join(checks) or "—", ""),
            ("回避", recusal, ERROR_COLOR if s.recusal_pending else ""),
            ("投诉方陈述", s.consumer_statement or "—", ""),
            ("被投诉方陈述", s.business_statement or "—", ""),
            ("出示证据", s.evidence_shown or "—", ""),
            ("结果", s.result_label + (f"：{s.result_detail}" if s.result_detail else ""), ""),
        ]

    def _selected(self) -> None:
        s = self.current_session()
        self.edit_button.setEnabled(s is not None)
        self.delete_button.setEnabled(s is not None)
        sections = []
        if s is not None:
            sections.append((f"第{s.ordinal}次调解的记录", self._session_rows(s)))
        if self.outcome is not None:
            sections.append(("调解结果", self._outcome_rows()))
        parts = []
        for title, rows in sections:
            parts.append(f"<p style='margin:6px 0 2px 0'><b>{escape(title)}</b></p><table cellspacing='0' cellpadding='2'>")
            for label, text, colour in rows:
                style = f" style='color:{colour}'" if colour else ""
                body = escape(text).replace(chr(10), "<br>")
                parts.append(f"<tr><td valign='top' style='color:{MUTED_COLOR}; white-space:nowrap'>{escape(label)}：</td>"
                             f"<td{style}>{body}</td></tr>")
            parts.append("</table>")
        self.details.setHtml("".join(parts) or f"<p style='color:{MUTED_COLOR}'>还没有调解记录。</p>")

    def details_text(self) -> str:
        return self.details.toPlainText()

    def _show_buttons(self) -> None:
        v, o = self.view, self.outcome
        editing = self.can_edit and self.loaded and v is not None
        status = v.status if v else ""
        open_case = v is not None and v.accepted_date is not None and status not in (Status.REGISTERED, Status.REFUSED, Status.ARCHIVED)
        resolved = o is not None and o.resolved
        self.add_button.setVisible(editing and open_case)
        self.edit_button.setVisible(editing and open_case)
        self.delete_button.setVisible(editing and open_case)
        self.success_button.setVisible(editing and status in IN_MEDIATION)
        self.station_button.setVisible(editing and status in (*IN_MEDIATION, Status.REGISTERED))
        self.self_button.setVisible(editing and status in (*IN_MEDIATION, Status.REGISTERED))
        self.fail_button.setVisible(editing and status in IN_MEDIATION)
        self.amend_button.setVisible(editing and resolved and status != Status.ARCHIVED)
        self.perform_button.setVisible(editing and resolved and o is not None and o.performed_date is None)
        self.scan_button.setVisible(editing and bool(self.sessions or resolved))
        self.docs_button.setVisible(self.desk.can(Perm.VIEW_PERSONAL) and bool(self.docs_menu.actions()))

    def _fill_menus(self) -> None:
        self.docs_menu.clear()
        self.scan_menu.clear()
        o = self.outcome
        if o is not None and o.resolved and o.has_agreement:
            self.docs_menu.addAction("调解书").triggered.connect(lambda _c=False: self.make_document("agreement"))
            self.scan_menu.addAction("已签署的调解书…").triggered.connect(lambda _c=False: self.attach_scan(None))
        for s in self.sessions:
            if s.planned:
                continue
            label = f"调解笔录（第{s.ordinal}次，{s.started_at:%Y-%m-%d}）"
            self.docs_menu.addAction(label).triggered.connect(lambda _c=False, sid=s.id: self.make_document("session_record", sid))
            self.scan_menu.addAction(f"已签署的{label}…").triggered.connect(lambda _c=False, sid=s.id: self.attach_scan(sid))
        self.docs_button.setVisible(self.desk.can(Perm.VIEW_PERSONAL) and bool(self.docs_menu.actions()))
        self.scan_button.setVisible(self.can_edit and bool(self.scan_menu.actions()))

    def document_labels(self) -> list[str]:
        return [a.text() for a in self.docs_menu.actions()]

    # -- sessions -----------------------------------------------------------------------------------
    def start_session(self, session: SessionView | None = None) -> Any:
        from .session_dialog import SessionDialog

        if self.view is None or not self.can_edit:
            return None
        dlg = SessionDialog(self.desk, self.dialogs, self.worker, self.view, self.staff, session, self)
        dlg.finished.connect(lambda _r, d=dlg: self._dialog_finished(d))
        self.dialog = dlg
        dlg.open()
        return dlg

    def delete_session(self) -> None:
        s = self.current_session()
        if s is None or not self.dialogs.confirm(self, "删除调解记录", f"确定删除第{s.ordinal}次调解（{s.started_at:%Y-%m-%d %H:%M}）的记录吗？"):
            return
        mediation = self.desk.mediation
        self.worker.run(lambda: mediation.delete_session(s.id, s), alive(self, lambda _r: self.case_view.case_changed_elsewhere()),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "调解记录没有删除")))

    # -- outcome ------------------------------------------------------------------------------------
    def start_outcome(self, result: str | None) -> Any:
        """``result`` mediated | station | self_settled records one; None edits the recorded outcome."""
        from .outcome_dialog import OutcomeDialog

        if self.view is None or not self.can_edit:
            return None
        self.case_view.tabs.setCurrentWidget(self)
        outcome = self.outcome if result is None else None
        if result is None and (outcome is None or not outcome.resolved):
            return None
        dlg = OutcomeDialog(self.desk, self.dialogs, self.worker, self.view, self.stations, outcome, result or "mediated", self)
        dlg.finished.connect(lambda _r, d=dlg: self._dialog_finished(d))
        self.dialog = dlg
        dlg.open()
        return dlg

    def start_performance(self) -> Any:
        from .outcome_dialog import PerformanceDialog

        if self.view is None or self.outcome is None or not self.can_edit:
            return None
        dlg = PerformanceDialog(self.desk, self.dialogs, self.worker, self.view, self.outcome, self)
        dlg.finished.connect(lambda _r, d=dlg: self._dialog_finished(d))
        self.dialog = dlg
        dlg.open()
        return dlg

    def _dialog_finished(self, dlg: Any) -> None:
        self.dialog = None
        saved = dlg.result_view is not None
        dlg.deleteLater()
        if saved:
            # Steps may have been taken with it (开始调解, 暂停计时, 调解成功): reload the case.
            self.case_view.case_changed_elsewhere()

    # -- documents -----------------------------------------------------------------------------------
    def make_document(self, kind: str, session_id: int | None = None, out_path: str | None = None) -> None:
        from desk.documents import mediation as docs

        if self.view is None:
            return
        if kind == "agreement":
            suggested = docs.agreement_filename(self.view)
        else:
            s = next(x for x in self.sessions if x.id == session_id)
            suggested = docs.session_filename(self.view, s)
        out_path = out_path or self.dialogs.save_file(self, "保存调解文书", suggested, "Word 文档 (*.docx)")
        if not out_path:
            return
        if not out_path.lower().endswith(".docx"):
            out_path += ".docx"
        desk, cid, target = self.desk, self.view.id, out_path
        if kind == "agreement":
            job = lambda: docs.render_agreement(desk, cid, target)  # noqa: E731
        else:
            job = lambda: docs.render_session_record(desk, session_id, target)  # noqa: E731
        self.worker.run(job, alive(self, self._document_ready), alive(self, lambda exc: self.dialogs.show_error(self, exc, "文书没有生成")))

    def _document_ready(self, path: Path) -> None:
        from ui.complaints import case_view

        self.last_document = Path(path)
        if not case_view.open_local_file(Path(path)):
            self.dialogs.info(self, "文书已生成", f"文书已保存到：\n{path}\n请打印后由双方当事人和调解员签字。")

    def attach_scan(self, session_id: int | None, path: str | None = None) -> None:
        if self.view is None:
            return
        path = path or self.dialogs.open_file(self, "选择签字后的扫描件或照片", "扫描件 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;所有文件 (*)")
        if not path:
            return
        mediation, cid = self.desk.mediation, self.view.id
        self.worker.run(lambda: mediation.attach_signed(cid, path, session_id=session_id),
                        alive(self, lambda _d: self.case_view.case_changed_elsewhere()),
                        alive(self, lambda exc: self.dialogs.show_error(self, exc, "扫描件没有保存")))
