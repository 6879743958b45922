"""The 名册 module of the GUI: the rosters of 消费维权志愿者, 义务调查员, 和解员 and 投诉联络员
with the Excel import wizard and exports, the training sessions with attendance, the
investigation tasks and the yearly figures; and the start page's worklist items.

``install(window)`` registers the page (built on first show) and the worklist provider; it
imports nothing heavy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from desk.facade import Desk
    from ui.dialogs import Dialogs
    from ui.worker import Worker

PAGE_KEY = "rosters"
PAGE_TITLE = "名册"


def page_factory(desk: Desk, dialogs: Dialogs, worker: Worker) -> QWidget:
    from .page import RostersPage

    return RostersPage(desk, dialogs, worker)


def worklist_items(desk: Desk) -> list[Any]:
    """Investigation tasks ended or ending within a week with no findings recorded, and
    volunteers without a recorded consent (runs on the DB worker)."""
    from desk import clock
    from desk.roles import Perm
    from ui.main_window import WorkItem

    if not desk.can(Perm.EDIT_ROSTER):
        return []  # only those who keep the rosters can act on these
    wl = desk.rosters.worklist()
    today = clock.today()
    out = [
        WorkItem(text=f"调查任务“{t.title}”：请登记调查发现", due=t.end_date,
                 overdue=t.end_date is not None and t.end_date < today, page=PAGE_KEY, ref=("task", t.id))
        for t in wl.tasks_due
    ]
    if wl.volunteers_without_consent:
        out.append(WorkItem(text=f"{wl.volunteers_without_consent} 名志愿者未记录个人信息使用同意，请补录",
                            page=PAGE_KEY, ref=("without_consent", None)))
    return out


def install(window: Any) -> None:
    window.register_page(PAGE_KEY, PAGE_TITLE, page_factory)
    window.register_worklist_provider(worklist_items)
