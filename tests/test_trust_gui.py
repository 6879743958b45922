"""The 诚信单位 page driven through its widgets (offscreen, real SQLite, dialogs recorded): an
application taken through evaluation and award, a revisit with a failed item and its
follow-up, an illegal step never offered, the worklist items opening the page, the Word
report, and a referral spelling made an alias on the 成员单位 tab."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QPushButton
from test_trust_units import accepted_complaint, awarded_unit, business

from desk import clock
from desk.facade import Desk
from desk.services.complaints import ActionInput, ComplaintInput
from tests.qt_helpers import RecordingDialogs
from ui.main_window import MainWindow
from ui.trust_units import worklist_items
from ui.trust_units.page import TrustUnitsPage
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
    for _ in range(4):
        qtbot.waitUntil(lambda: not worker.busy, timeout=15_000)
        qtbot.wait(20)


def make_page(qtbot, desk: Desk, dialogs: RecordingDialogs, worker: Worker) -> TrustUnitsPage:  # type: ignore[no-untyped-def]
    page = TrustUnitsPage(desk, dialogs, worker)
    qtbot.addWidget(page)
    page.resize(1150, 720)
    page.show()
    qtbot.waitUntil(lambda: page.ready, timeout=15_000)
    settle(qtbot, worker)
    return page


def step_buttons(page: TrustUnitsPage) -> dict[str, QPushButton]:
    return {b.objectName(): b for b in page.units.findChildren(QPushButton) if b.objectName().startswith("step_") and b.isVisible()}


def test_unit_from_application_to_follow_up(qtbot, sqlite_desk: Desk, worker: Worker, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    d = sqlite_desk
    bid = business(d, "太和县鑫盛超市")
    dialogs = RecordingDialogs()
    page = make_page(qtbot, d, dialogs, worker)
    units = page.units
    units.status.setCurrentIndex(0)  # all statuses
    settle(qtbot, worker)

    units.apply_button.click()
    dlg = units.editor
    dlg.save_button.click()
    settle(qtbot, worker)
    assert "请从经营者名录中选择" in dlg.error_text("business_id") and dlg.isVisible()
    dlg.business.set_business(d.businesses.get(bid))
    dlg.applicant.setText("王经理")
    dlg.save_button.click()
    settle(qtbot, worker)
    assert not dlg.isVisible()
    assert units.current is not None and units.current.status == "applied" and units.table.rowCount() == 1
    buttons = step_buttons(page)
    # Only the steps the status allows are offered: no 授牌 before 评审.
    assert set(buttons) == {"step_evaluate", "step_withdraw", "step_edit"}

    buttons["step_evaluate"].click()
    step = units.editor
    step.save_button.click()
    settle(qtbot, worker)
    assert step.error_text("text") == "不能为空" and step.isVisible()
    step.text.setPlainText("材料齐全，现场评审合格")
    step.save_button.click()
    settle(qtbot, worker)
    assert units.current.status == "evaluated"
    step_buttons(page)["step_award"].click()
    award = units.editor
    award.cert.setText("THCX-GUI-1")
    award.save_button.click()
    settle(qtbot, worker)
    assert units.current.status == "awarded" and units.current.certificate_no == "THCX-GUI-1"
    assert "THCX-GUI-1" in units.detail.toPlainText()

    step_buttons(page)["step_revisit"].click()
    rv = units.editor
    rv.conclusion.setCurrentIndex(rv.conclusion.findData("rectify"))
    rv.save_button.click()
    settle(qtbot, worker)
    assert "检查人员" in rv.error_text("inspectors") and rv.error_text("rectification_demand") == "不能为空"
    rv.inspectors.check(0)
    rv.inspectors.others.setText("李检查、王检查")
    rv.checklist.set_result("C04", False, "价签缺失")
    rv.checklist.counts["C03"].setValue(3)
    rv.demand.setPlainText("一个月内补齐价签")
    rv.save_button.click()
    settle(qtbot, worker)
    assert not rv.isVisible()
    unit = d.trust_units.get(units.current.id)
    assert unit.status == "rectifying" and unit.revisits[0].failed_items == ("明码标价",)
    assert "整改中" in units.title.text()

    rtab = page.revisits
    page.tabs.setCurrentWidget(rtab)
    settle(qtbot, worker)
    assert rtab.table.rowCount() == 1 and rtab.table.item(0, 4).text() == "明码标价"
    assert rtab.table.item(0, 2).text() == "系统管理员、李检查、王检查"
    rtab.table.selectRow(0)
    assert rtab.follow_button.isEnabled()
    rtab.follow_button.click()
    settle(qtbot, worker)
    fu = rtab.editor
    fu.note.setPlainText("价签已补齐")
    fu.save_button.click()
    settle(qtbot, worker)
    assert d.trust_units.get(unit.id).status == "awarded"
    assert rtab.table.item(0, 6).text() == "已整改"

    out = tmp_path / "回访.docx"
    dialogs.file_answers.append(str(out))
    rtab.table.selectRow(0)
    rtab.report_button.click()
    settle(qtbot, worker)
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "太和县鑫盛超市" in "\n".join(c.text for t in Document(str(out)).tables for r in t.rows for c in r.cells)
    assert "已整改" in text


def test_worklist_items_open_the_page(qtbot, sqlite_desk: Desk, worker: Worker) -> None:  # type: ignore[no-untyped-def]
    d = sqlite_desk
    today = clock.today()
    last_year = dt.date(today.year - 1, 3, 1)
    uid = awarded_unit(d, "太和县回访单位", applied=last_year - dt.timedelta(days=30), awarded=last_year, cert="WL-1")
    bid = d.trust_units.get(uid).business_id
    case = accepted_complaint(d, bid, today - dt.timedelta(days=2))
    items = worklist_items(d)
    texts = [i.text for i in items]
    assert any("本年度尚未回访检查" in t for t in texts)
    assert any(case in t and "建议回访检查" in t for t in texts)
    assert all(i.page == "trust_units" and i.ref == ("unit", uid) for i in items)

    window = MainWindow(d, RecordingDialogs(), worker)
    qtbot.addWidget(window)
    window.install_modules(["ui.trust_units", "ui.campaigns"])
    home = window.page("home")
    qtbot.waitUntil(lambda: home.tree.topLevelItemCount() >= 2, timeout=15_000)
    row = next(home.tree.topLevelItem(i) for i in range(home.tree.topLevelItemCount())
               if "建议回访" in home.tree.topLevelItem(i).text(0))
    home.tree.itemActivated.emit(row, 0)
    page = window.stack.currentWidget()
    assert isinstance(page, TrustUnitsPage) and window.current_key() == "trust_units"
    qtbot.waitUntil(lambda: page.units.current is not None and page.units.current.id == uid, timeout=15_000)
    assert case in page.units.detail.toPlainText()
    assert window.page_title("campaigns") == "宣传活动" and window.page_title("trust_units") == "诚信单位"
    settle(qtbot, worker)


def test_referral_spelling_becomes_an_alias(qtbot, sqlite_desk: Desk, worker: Worker) -> None:  # type: ignore[no-untyped-def]
    d = sqlite_desk
    bid = business(d, "被投诉的店")
    today = clock.today()
    # Midnight today is never in the future, whatever the hour the suite runs (09:00 was refused
    # before 09:00 Beijing time).
    c = d.complaints.register(ComplaintInput("李四", "13912345678", "C01", "G0101", "N01", business_id=bid,
                                             received_at=dt.datetime.combine(today, dt.time(0)), facts="投诉事实"))
    d.complaints.act(c.id, "transfer", c.version, ActionInput(on=today, department="县消防救援大队",
                                                              reply_due=today + dt.timedelta(days=15)))
    dialogs = RecordingDialogs()
    page = make_page(qtbot, d, dialogs, worker)
    tab = page.departments
    page.tabs.setCurrentWidget(tab)
    settle(qtbot, worker)
    assert tab.unmatched.count() == 1 and tab.unmatched.item(0).text() == "县消防救援大队（1 件）"
    police = next(i for i, dep in enumerate(tab.departments) if dep.name == "县公安局")
    tab.table.selectRow(police)
    settle(qtbot, worker)
    tab.unmatched.setCurrentRow(0)
    tab.alias_button.click()
    settle(qtbot, worker)
    assert tab.unmatched.count() == 0
    assert tab.table.item(police, 1).text() == "1"
    assert "县消防救援大队" in tab.aliases.toPlainText()
    # The department's referrals: record that it was sent back.
    assert tab.ref_table.rowCount() == 1 and tab.ref_table.item(0, 6).text() == "待回复"
    tab.ref_table.selectRow(0)
    dialogs.text_answers.append("不属本部门职责")
    tab.return_button.click()
    settle(qtbot, worker)
    assert tab.table.item(police, 5).text() == "1"
    # Editing a department: a clash with another department's alias is shown on the field.
    tab.aliases.setPlainText("县消防救援大队\n工商局")
    tab.save_button.click()
    settle(qtbot, worker)
    assert "县市场监督管理局" in tab.form.rows["aliases"].message
