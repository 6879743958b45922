"""The 宣传活动 page: a tab per outreach register, the monthly posts, the period totals and
the registers' vocabularies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from .common import VocabEditor, alive
from .overview import PostsTab, TotalsTab
from .registers import ActivitiesTab, MediaTab, SurveysTab, WarningsTab

if TYPE_CHECKING:
    from desk.facade import Desk
    from ui.dialogs import Dialogs
    from ui.worker import Worker

VOCABS = [("activity_kind", "宣传活动类型"), ("publish_channel", "警示发布渠道"), ("survey_industry", "评议行业"),
          ("media_kind", "媒体类型")]


class CampaignsPage(QWidget):
    def __init__(self, desk: Desk, dialogs: Dialogs, worker: Worker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.dialogs, self.worker = desk, dialogs, worker
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.tabs = QTabWidget()
        self.activities = ActivitiesTab(desk, dialogs, worker)
        self.warnings = WarningsTab(desk, dialogs, worker)
        self.surveys = SurveysTab(desk, dialogs, worker)
        self.media = MediaTab(desk, dialogs, worker)
        self.posts = PostsTab(desk, dialogs, worker)
        self.totals = TotalsTab(desk, dialogs, worker)
        self.vocab = VocabEditor(desk, dialogs, worker, VOCABS)
        for w, title in ((self.activities, "宣传教育活动"), (self.warnings, "消费警示与提示"), (self.surveys, "消费评议"),
                         (self.media, "新闻宣传"), (self.posts, "网站与新媒体"), (self.totals, "期间汇总"), (self.vocab, "词表")):
            self.tabs.addTab(w, title)
        layout.addWidget(self.tabs)
        # A new kind of activity appears in the lists without reopening the page.
        self.vocab.changed.connect(self._vocab_changed)

    def _vocab_changed(self, kind: str) -> None:
        tab = {"activity_kind": self.activities, "publish_channel": self.warnings, "survey_industry": self.surveys,
               "media_kind": self.media}.get(kind)
        if tab is not None:
            svc, worker = self.desk.outreach, self.worker
            worker.run(lambda: svc.vocab(kind, include_inactive=True), alive(tab, tab._vocab_loaded))

    def focus_search(self) -> None:
        tab = self.tabs.currentWidget()
        if hasattr(tab, "focus_search"):
            tab.focus_search()
