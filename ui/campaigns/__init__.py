"""The 宣传活动 module of the GUI: consumer-education activities, 消费警示 / 消费提示, 消费评议,
新闻宣传 and website posts, the period totals and the registers' vocabularies.

``install(window)`` registers the page (built on first show); it imports nothing heavy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from desk.facade import Desk
    from ui.dialogs import Dialogs
    from ui.worker import Worker

PAGE_KEY = "campaigns"
PAGE_TITLE = "宣传活动"


def page_factory(desk: Desk, dialogs: Dialogs, worker: Worker) -> QWidget:
    from .page import CampaignsPage

    return CampaignsPage(desk, dialogs, worker)


def install(window: Any) -> None:
    window.register_page(PAGE_KEY, PAGE_TITLE, page_factory)
