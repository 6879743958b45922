"""The 调解 module of the GUI: the module page (cases in mediation with their deadlines,
sessions and agreements to do; the reconciliation station registry), the case view's 调解 tab
(sessions, outcome with amounts and the Art. 55 calculator, documents, performance) and the
start page's items (performance deadlines, sessions scheduled, recusal requests waiting).

``install(window)`` registers the page and the worklist provider; it imports nothing heavy.
Public pieces: ``MediationPage`` (page), ``MediationTab`` (case_tab), ``SessionDialog``,
``OutcomeDialog``, ``PerformanceDialog``, ``StationsPanel`` and ``worklist_items(desk)``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from desk.facade import Desk
    from ui.dialogs import Dialogs
    from ui.worker import Worker

PAGE_KEY = "mediation"
PAGE_TITLE = "调解"


def page_factory(desk: Desk, dialogs: Dialogs, worker: Worker) -> QWidget:
    from .page import MediationPage

    return MediationPage(desk, dialogs, worker)


def worklist_items(desk: Desk) -> list[Any]:
    """Start page items from ``desk.mediation.worklist()`` (runs on the DB worker): agreements
    whose performance deadline has passed (red) or is near, sessions scheduled in the next
    working days, recusal requests waiting for a decision. Double-click opens the case's 调解 tab."""
    from ui.main_window import WorkItem

    out = []
    for item in desk.mediation.worklist():
        who = f"{item.consumer_name}诉{item.business_name}" if item.business_name else item.consumer_name
        prefix = "逾期 " if item.overdue else ""
        out.append(WorkItem(text=f"{prefix}{item.case_no} {who}：{item.what}", due=item.due, overdue=item.overdue,
                            page=PAGE_KEY, ref=item.complaint_id))
    return out


def install(window: Any) -> None:
    # The case file's mediation sections register themselves on import (light: no docx yet).
    import desk.documents.mediation  # noqa: F401

    window.register_page(PAGE_KEY, PAGE_TITLE, page_factory)
    window.register_worklist_provider(worklist_items)
