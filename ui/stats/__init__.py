"""The 统计与简报 module of the GUI: the statistics dashboard (figures, charts, tables, Excel
export) and the quarterly briefing wizard.

``install(window)`` registers the page (built on first show); it imports nothing heavy —
matplotlib is loaded only when the dashboard first draws its charts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from desk.facade import Desk
    from ui.dialogs import Dialogs
    from ui.worker import Worker

PAGE_KEY = "stats"
PAGE_TITLE = "统计与简报"


def page_factory(desk: Desk, dialogs: Dialogs, worker: Worker) -> QWidget:
    from .dashboard import StatsPage

    return StatsPage(desk, dialogs, worker)


def install(window: Any) -> None:
    window.register_page(PAGE_KEY, PAGE_TITLE, page_factory)
