"""The 投诉 module of the GUI: the case list, intake, the case view with its workflow steps,
the 来访咨询 register, and the start page's worklist items.

``install(window)`` registers the page (built on first show) and the worklist provider; it
imports nothing heavy. Public pieces: ``ComplaintsPage`` (list_page), ``ComplaintTableModel``
(list_model), ``IntakeForm``, ``CaseView``, ``ActionDialog``, ``ConsultationsPanel`` and
``worklist_items(desk)``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from desk.facade import Desk
    from ui.dialogs import Dialogs
    from ui.worker import Worker

PAGE_KEY = "complaints"
PAGE_TITLE = "投诉"


def page_factory(desk: Desk, dialogs: Dialogs, worker: Worker) -> QWidget:
    from .list_page import ComplaintsPage

    return ComplaintsPage(desk, dialogs, worker)


def _describe(item: Any) -> str:
    who = f"{item.consumer_name}诉{item.business_name}" if item.business_name else item.consumer_name
    return f"{item.case_no} {who}"


def worklist_items(desk: Desk) -> list[Any]:
    """The start page's items from ``desk.complaints.worklist()`` (runs on the DB worker):
    overdue steps and referral replies (red), steps due within the next working days, and the
    user's other open cases. A provisional deadline (a year the holiday calendar does not
    cover yet) is marked 暂定."""
    from ui.main_window import WorkItem

    wl = desk.complaints.worklist()
    out: list[WorkItem] = []
    seen: set[tuple[int, str]] = set()

    def add(item: Any, *, overdue: bool, prefix: str = "") -> None:
        key = (item.complaint_id, item.what)
        if key in seen:
            return
        seen.add(key)
        what = item.what or item.status_label
        mark = "（期限暂定）" if item.provisional else ""
        text = f"{prefix}{_describe(item)}：{what}{mark}"
        out.append(WorkItem(text=text, due=item.due_date, overdue=overdue, page=PAGE_KEY, ref=item.complaint_id))

    for item in wl.overdue:
        add(item, overdue=True, prefix="逾期 ")
    for item in wl.referrals_overdue:
        add(item, overdue=True, prefix="逾期未回复 ")
    for item in wl.due_soon:
        add(item, overdue=False, prefix="即将到期 ")
    listed = {i.ref for i in out}
    for item in wl.mine:
        if item.complaint_id not in listed:
            add(item, overdue=False, prefix="我承办 ")
    return out


def install(window: Any) -> None:
    window.register_page(PAGE_KEY, PAGE_TITLE, page_factory)
    window.register_worklist_provider(worklist_items)
