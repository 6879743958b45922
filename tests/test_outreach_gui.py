"""The 宣传活动 page driven through its widgets (offscreen, real SQLite, dialogs recorded): a
survey refused field by field then saved, an activity with a photo, the monthly posts grid,
the export, a vocabulary item added, and what a read-only user sees."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QSettings

from desk.facade import Desk
from desk.services.outreach import RegisterFilter
from desk.services.users import UserInput
from tests.qt_helpers import RecordingDialogs
from ui.campaigns.page import CampaignsPage
from ui.worker import Worker

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _isolated_qsettings(tmp_path: Path) -> None:
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))


@pytest.fixture
def worker(qtbot) -> Iterator[Worker]:  # type: ignore[no-untyped-def]
    w = Worker()
    yield w
    w.shutdown()


def settle(qtbot, worker: Worker) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        qtbot.waitUntil(lambda: not worker.busy, timeout=15_000)
        qtbot.wait(20)


def make_page(qtbot, desk: Desk, dialogs: RecordingDialogs, worker: Worker) -> CampaignsPage:  # type: ignore[no-untyped-def]
    page = CampaignsPage(desk, dialogs, worker)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    settle(qtbot, worker)
    return page


def test_survey_register_through_the_gui(qtbot, sqlite_desk: Desk, worker: Worker, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialogs = RecordingDialogs()
    page = make_page(qtbot, sqlite_desk, dialogs, worker)
    tab = page.surveys
    page.tabs.setCurrentWidget(tab)
    assert tab.table.rowCount() == 0 and "共 0 项评议" in tab.totals.text()
    tab.new_button.click()
    dlg = tab.editor
    assert dlg is not None and dlg.isVisible()
    dlg.industry.setCurrentIndex(dlg.industry.findText("供水"))
    dlg.sent.setValue(100)
    dlg.returned.setValue(120)
    dlg.satisfaction.setText("101")
    dlg.save_button.click()
    settle(qtbot, worker)
    # Refused: each message next to its field, the dialog still open with what was typed.
    assert dlg.isVisible()
    assert dlg.error_text("title") == "不能为空"
    assert "不能多于发放数" in dlg.error_text("returned")
    assert "0–100" in dlg.error_text("satisfaction")
    assert dlg.returned.value() == 120 and sqlite_desk.outreach.surveys() == []
    dlg.title.setText("2026年供水行业消费评议")
    dlg.returned.setValue(92)
    dlg.satisfaction.setText("86.5")
    dlg.scores.setPlainText("服务态度 90\n收费合理")
    dlg.save_button.click()
    settle(qtbot, worker)
    assert "第2行" in dlg.error_text("scores") and dlg.isVisible()
    dlg.scores.setPlainText("服务态度 90\n收费合理：78.5分")
    dlg.save_button.click()
    settle(qtbot, worker)
    assert not dlg.isVisible()
    saved = sqlite_desk.outreach.surveys()
    assert [(v.title, v.sent, v.returned, str(v.satisfaction)) for v in saved] == [("2026年供水行业消费评议", 100, 92, "86.50")]
    assert [(s.aspect, str(s.score)) for s in saved[0].scores] == [("服务态度", "90.00"), ("收费合理", "78.50")]
    assert tab.table.rowCount() == 1 and tab.table.item(0, 5).text() == "92.00%"
    assert "发放问卷 100 份，回收 92 份，回收率 92.00%" in tab.totals.text()
    # Export to Excel through the save-file dialog.
    out = tmp_path / "评议.xlsx"
    dialogs.file_answers.append(str(out))
    tab.export_button.click()
    settle(qtbot, worker)
    assert out.is_file() and any("已导出 1 条" in t for t in dialogs.texts("info"))
    rows = [[c.value for c in r] for r in load_workbook(out).active.iter_rows()]
    assert rows[2][3] == "2026年供水行业消费评议"
    # Filter by industry: none for 供电.
    tab.kind.setCurrentIndex(tab.kind.findText("供电"))
    settle(qtbot, worker)
    assert tab.table.rowCount() == 0


def test_activity_with_photo_posts_and_vocabulary(qtbot, sqlite_desk: Desk, worker: Worker, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialogs = RecordingDialogs()
    page = make_page(qtbot, sqlite_desk, dialogs, worker)
    tab = page.activities
    tab.new_record()
    dlg = tab.editor
    dlg.kind.setCurrentIndex(dlg.kind.findData("A03"))
    dlg.title.setText("消费教育进社区")
    dlg.spins["people_reached"].setValue(150)
    dlg.spins["leaflets"].setValue(300)
    dlg.save_button.click()
    settle(qtbot, worker)
    assert not dlg.isVisible() and tab.table.rowCount() == 1
    assert tab.table.item(0, 1).text() == "进社区" and "受教育 150 人次" in tab.totals.text()
    tab.table.selectRow(0)
    tab.edit_selected()
    settle(qtbot, worker)
    edit = tab.editor
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0photo")
    dialogs.file_answers.append(str(photo))
    edit.photos.add_button.click()
    settle(qtbot, worker)
    assert edit.photos.list.count() == 1 and edit.photos.list.item(0).text().startswith("现场.jpg")
    activity = sqlite_desk.outreach.activities()[0]
    assert activity.photo_count == 1
    edit.reject()

    # Monthly posts: type in the grid, save, read back.
    posts = page.posts
    page.tabs.setCurrentWidget(posts)
    posts.year.setValue(2025)
    settle(qtbot, worker)
    posts.table.item(2, 1).setText("4")
    posts.table.item(2, 2).setText("-1")
    posts.table.item(3, 1).setText("5")
    posts.save_button.click()
    settle(qtbot, worker)
    saved = sqlite_desk.outreach.monthly_posts(2025)
    assert saved[3].website_posts == 5 and saved[2].version == 0  # March refused, April kept
    assert "3月" in posts.error.text() and "负数" in posts.error.text()
    assert posts.table.item(2, 2).text() == "-1"  # what was typed stays to be corrected
    posts.table.item(2, 2).setText("2")
    posts.save_button.click()
    settle(qtbot, worker)
    assert sqlite_desk.outreach.monthly_posts(2025)[2].website_posts == 4 and not posts.error.isVisible()

    # A new activity kind from the vocabulary tab appears in the register's filter.
    page.tabs.setCurrentWidget(page.vocab)
    dialogs.text_answers.append("进机关")
    page.vocab.add_button.click()
    settle(qtbot, worker)
    assert page.activities.kind.findText("进机关") >= 0
    assert any(v.code == "AX01" for v in sqlite_desk.outreach.vocab("activity_kind"))

    # Period totals show the service's figures.
    page.tabs.setCurrentWidget(page.totals)
    page.totals.period.setCurrentIndex(page.totals.period.count() - 1)
    page.totals.date_from.set_value(dt.date(2000, 1, 2))
    page.totals.date_to.set_value(dt.date(2099, 12, 31))
    settle(qtbot, worker)
    assert page.totals.values["people_reached"].text() == "150" and page.totals.values["website_posts"].text() == "9"
    assert sqlite_desk.outreach.activities(RegisterFilter(kind="A03"))[0].title == "消费教育进社区"


def test_read_only_user_sees_no_edit_buttons(qtbot, sqlite_desk: Desk, worker: Worker) -> None:  # type: ignore[no-untyped-def]
    office = sqlite_desk.offices.list()[0]
    sqlite_desk.users.create(UserInput("reader", "只读用户", "readonly", office.id, password="reader-pass-1"))
    with Desk.open(sqlite_desk.url) as reader:
        reader.auth.login("reader", "reader-pass-1")
        page = make_page(qtbot, reader, RecordingDialogs(), worker)
        for tab in (page.activities, page.warnings, page.surveys, page.media):
            assert tab.new_button.isHidden() and tab.delete_button.isHidden() and not tab.export_button.isHidden()
        assert page.posts.save_button.isHidden() and page.vocab.add_button.isHidden()
        page.deleteLater()
        settle(qtbot, worker)
