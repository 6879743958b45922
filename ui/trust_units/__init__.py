"""The 诚信单位 module of the GUI: trust units (application to revocation), revisits with
their checklist, follow-up and documents, member departments with their referrals, joint
meetings, and the start page's worklist items.

``install(window)`` registers the page (built on first show) and ``worklist_items``; it
imports nothing heavy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from desk.facade import Desk
    from ui.dialogs import Dialogs
    from ui.worker import Worker

PAGE_KEY = "trust_units"
PAGE_TITLE = "诚信单位"


def page_factory(desk: Desk, dialogs: Dialogs, worker: Worker) -> QWidget:
    from .page import TrustUnitsPage

    return TrustUnitsPage(desk, dialogs, worker)


def worklist_items(desk: Desk) -> list[Any]:
    """The start page's items from desk.trust_units.worklist() (runs on the DB worker): units
    not yet revisited this year, rectifications due or overdue, accepted complaints against a
    trust unit since its last revisit, decisions pending, titles expiring."""
    from ui.main_window import WorkItem

    out = []
    for item in desk.trust_units.worklist():
        ref = ("revisit", item.revisit_id, item.unit_id) if item.kind in ("rectify_due", "rectify_overdue") else ("unit", item.unit_id)
        out.append(WorkItem(text=f"诚信单位 {item.text}", due=item.due, overdue=item.overdue, page=PAGE_KEY, ref=ref))
    return out


def install(window: Any) -> None:
    window.register_page(PAGE_KEY, PAGE_TITLE, page_factory)
    window.register_worklist_provider(worklist_items)
