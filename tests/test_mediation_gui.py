"""The 调解 module through real widgets (offscreen), dialogs recorded: a mediation recorded from
the first session to the confirmed performance and the printed 调解书; field errors next to the
fields with nothing typed lost; two desks saving the same session; the module page's lists,
the station registry and a station's settled case; the start page's items."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import open_as_admin
from PySide6.QtCore import QSettings
from test_mediation_service import business, days_ago, make_case, session_input

from desk import clock
from desk.facade import Desk
from desk.services.mediation import session_input_of
from desk.services.stations import StationInput
from tests.qt_helpers import RecordingDialogs
from ui.mediation import worklist_items
from ui.mediation.outcome_dialog import OutcomeDialog, PerformanceDialog
from ui.mediation.page import MediationPage
from ui.mediation.session_dialog import SessionDialog
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


@pytest.fixture
def dialogs() -> RecordingDialogs:
    return RecordingDialogs()


def settle(qtbot, worker: Worker) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        qtbot.waitUntil(lambda: not worker.busy, timeout=15_000)
        qtbot.wait(20)


def type_text(widget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Commit text as a Chinese input method does (QTest cannot key in CJK)."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def make_page(qtbot, desk: Desk, dialogs, worker) -> MediationPage:  # type: ignore[no-untyped-def]
    page = MediationPage(desk, dialogs, worker)
    qtbot.addWidget(page)
    page.resize(1150, 720)
    page.show()
    qtbot.waitUntil(lambda: page.ready, timeout=15_000)
    settle(qtbot, worker)
    return page


def open_case(qtbot, page: MediationPage, worker, complaint_id: int):  # type: ignore[no-untyped-def]
    case = page.open_case(complaint_id)
    qtbot.waitUntil(lambda: case.view is not None and case.mediation_tab.loaded, timeout=15_000)
    settle(qtbot, worker)
    assert case.tabs.currentWidget() is case.mediation_tab
    return case


def test_a_mediation_recorded_through_the_gui(sqlite_desk: Desk, qtbot, worker, dialogs, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    d = sqlite_desk
    c = make_case(d, received_days_ago=20)
    page = make_page(qtbot, d, dialogs, worker)
    assert [r.case_no for r in page.cases.rows] == [c.case_no]
    assert page.cases.tree.topLevelItem(0).text(8) == "安排调解"

    case = open_case(qtbot, page, worker, c.id)
    tab = case.mediation_tab
    assert tab.state.text() == "尚未调解"
    assert tab.add_button.isVisible() and tab.success_button.isVisible() and not tab.perform_button.isVisible()

    # A session through its form: a missing result and place are marked at their fields.
    dlg = tab.start_session()
    assert isinstance(dlg, SessionDialog)
    day = days_ago(3)
    dlg.started_at.setDateTime(dlg.started_at.dateTime().addDays(-3))
    dlg.place.clear()
    type_text(dlg.mediators.expert_name, "李明德")
    dlg.mediators.add_typed_expert()
    type_text(dlg.consumer_statement, "冰箱买回一个月不制冷，要求退货。")
    type_text(dlg.business_statement, "同意更换新机。")
    dlg.identity_checked.setChecked(True)
    dlg.rights_explained.setChecked(True)
    dlg.recusal_explained.setChecked(True)
    dlg.save()
    qtbot.waitUntil(lambda: bool(dlg.rows["result"].message), timeout=10_000)
    assert "请选择调解结果" in dlg.rows["result"].message
    assert "地点" in dlg.rows["place"].message or "现场调解请填写地点" in dlg.rows["place"].message
    assert d.mediation.sessions(c.id) == []  # nothing saved
    assert "不制冷" in dlg.consumer_statement.toPlainText()  # nothing lost
    type_text(dlg.place, "本会调解室")
    dlg.result.setCurrentIndex(dlg.result.findData("agreed"))
    dlg.save()
    qtbot.waitUntil(lambda: dlg.result_view is not None, timeout=10_000)
    settle(qtbot, worker)
    qtbot.waitUntil(lambda: case.view.status == "mediating" and len(tab.sessions) == 1, timeout=10_000)
    s = tab.sessions[0]
    assert s.started_at.date() == day and [m.name for m in s.mediators] == [d.actor.display_name, "李明德"]
    assert tab.tree.topLevelItem(0).text(5) == "达成调解协议"
    assert "冰箱买回一个月不制冷" in tab.details_text()
    assert "开始调解" in [r[1] for r in case.timeline_rows()]

    # The plain 调解成功 button leads to the outcome form with the amounts.
    dlg = case.start_action("mediation_success")
    assert isinstance(dlg, OutcomeDialog)
    type_text(dlg.terms, "被投诉人为投诉人更换同型号冰箱一台。")
    dlg.performance_due.set_value(clock.today() + dt.timedelta(days=1))
    dlg.recovered_total.setText("2000")
    dlg.parts["exchange_amount"].setText("1999")
    dlg.punitive.setChecked(True)
    dlg.price_paid.setText("166.67")
    dlg.calc_button.click()
    assert dlg.punitive_amount.text() == "500.01" and dlg.parts["compensation_amount"].text() == "500.01"
    assert dlg.formula.text() == "3 × 166.67 = 500.01 元"
    assert "相差" in dlg.sum_label.text()  # 2,499.01 against 2,000.00, shown while typing
    dlg.save()
    qtbot.waitUntil(lambda: bool(dlg.rows["breakdown"].message), timeout=10_000)
    assert "分项合计2,499.01元，与挽回经济损失2,000.00元不一致" in dlg.rows["breakdown"].message
    assert d.mediation.outcome(c.id) is None and d.complaints.get(c.id).status == "mediating"
    dlg.sum_button.click()
    assert dlg.recovered_total.text() == "2499.01"
    dlg.save()
    qtbot.waitUntil(lambda: dlg.result_view is not None, timeout=10_000)
    settle(qtbot, worker)
    qtbot.waitUntil(lambda: case.view.status == "mediated" and tab.outcome is not None, timeout=10_000)
    assert case.status.text() == "调解成功"
    assert tab.outcome.recovered_total == Decimal("2499.01") and tab.outcome.punitive_amount == Decimal("500.01")
    assert "应于" in tab.state.text() and tab.perform_button.isVisible() and not tab.success_button.isVisible()
    assert "加倍赔偿 500.01 元" in tab.details_text()

    # The start page lists the performance deadline; the module page too.
    items = worklist_items(d)
    assert any("调解协议履行期限将到" in i.text and i.ref == c.id and i.page == "mediation" for i in items)
    page.cases.kind.setCurrentIndex(page.cases.kind.findData("performance"))
    qtbot.waitUntil(lambda: [r.complaint_id for r in page.cases.rows] == [c.id], timeout=10_000)

    # Documents: the 调解书 and the session's 调解笔录.
    assert tab.document_labels() == ["调解书", f"调解笔录（第1次，{day:%Y-%m-%d}）"]
    from ui.complaints import case_view as case_view_mod

    opened: list[Path] = []
    monkeypatch.setattr(case_view_mod, "open_local_file", lambda p: opened.append(p) or True)
    target = tmp_path / "调解书.docx"
    dialogs.file_answers.append(str(target))
    tab.docs_menu.actions()[0].trigger()
    qtbot.waitUntil(lambda: bool(opened), timeout=15_000)
    assert opened == [target] and target.stat().st_size > 5000

    # The signed scan comes back to the case; performance is confirmed.
    scan = tmp_path / "签字调解书.pdf"
    scan.write_bytes(b"%PDF signed")
    dialogs.file_answers.append(str(scan))
    tab.scan_menu.actions()[0].trigger()
    qtbot.waitUntil(lambda: bool(tab.signed), timeout=10_000)
    assert tab.signed[0].note == "已签署调解书"
    pdlg = tab.start_performance()
    assert isinstance(pdlg, PerformanceDialog)
    type_text(pdlg.note, "已上门更换")
    pdlg.ok_button.click()
    qtbot.waitUntil(lambda: tab.outcome is not None and tab.outcome.performed_date == clock.today(), timeout=10_000)
    assert not tab.perform_button.isVisible()
    assert not [i for i in worklist_items(d) if i.ref == c.id]
    assert [r[1] for r in case.timeline_rows()][-1] == "确认履行"


def test_two_desks_saving_the_same_session_in_the_gui(sqlite_desk: Desk, sqlite_url: str, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    d = sqlite_desk
    c = make_case(d, received_days_ago=20)
    d.mediation.add_session(c.id, session_input(d, days_ago(5)))
    page = make_page(qtbot, d, dialogs, worker)
    case = open_case(qtbot, page, worker, c.id)
    tab = case.mediation_tab
    dlg = tab.start_session(tab.sessions[0])
    # Meanwhile another desk adds the business's statement and changes the place.
    other = open_as_admin(sqlite_url)
    try:
        theirs = other.mediation.get_session(tab.sessions[0].id)
        other.mediation.update_session(theirs.id, theirs, replace(session_input_of(theirs), business_statement="经营者同意全额退款。",
                                                                  place="第二调解室"))
    finally:
        other.close()
    dlg.consumer_statement.setPlainText("消费者坚持退货。")
    dlg.place.setText("投诉人家中")
    dlg.save()
    qtbot.waitUntil(lambda: bool(dlg.notice.text()), timeout=10_000)
    notice = dlg.notice.text()
    assert "被投诉方陈述：已采用对方的修改“经营者同意全额退款。”" in notice
    assert "地点：双方都改了，这里保留您的“投诉人家中”，对方改为“第二调解室”" in notice
    assert dlg.business_statement.toPlainText() == "经营者同意全额退款。"  # theirs, taken in
    assert dlg.consumer_statement.toPlainText() == "消费者坚持退货。"  # mine, kept
    assert "对方改为：第二调解室" in dlg.rows["place"].message
    dlg.save()
    qtbot.waitUntil(lambda: dlg.result_view is not None, timeout=10_000)
    saved = d.mediation.get_session(tab.sessions[0].id)
    assert (saved.consumer_statement, saved.business_statement, saved.place) == ("消费者坚持退货。", "经营者同意全额退款。", "投诉人家中")


def test_recusal_and_self_settlement_in_the_tab(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    d = sqlite_desk
    c = make_case(d, received_days_ago=20)
    page = make_page(qtbot, d, dialogs, worker)
    case = open_case(qtbot, page, worker, c.id)
    tab = case.mediation_tab
    dlg = tab.start_session()
    dlg.started_at.setDateTime(dlg.started_at.dateTime().addDays(-2))
    dlg.result.setCurrentIndex(dlg.result.findData("adjourned"))
    dlg.recusal_requested.setChecked(True)
    assert dlg.recusal_request.isEnabled() and not dlg.recusal_decided_date.isEnabled()
    dlg.save()
    qtbot.waitUntil(lambda: bool(dlg.rows["recusal_request"].message), timeout=10_000)
    type_text(dlg.recusal_request, "投诉人申请调解员回避。")
    dlg.save()
    qtbot.waitUntil(lambda: dlg.result_view is not None, timeout=10_000)
    settle(qtbot, worker)
    qtbot.waitUntil(lambda: case.view.paused_since is not None and bool(tab.sessions), timeout=10_000)
    assert "回避申请待决定" in tab.state.text() and tab.tree.topLevelItem(0).text(6) == "待决定"
    qtbot.waitUntil(lambda: any(r.recusal_pending for r in page.cases.rows), timeout=10_000)

    dlg = tab.start_outcome("self_settled")
    type_text(dlg.terms, "经营者退款后双方和解。")
    dlg.parts["refund_amount"].setText("300")
    dlg.save()
    qtbot.waitUntil(lambda: dlg.result_view is not None, timeout=10_000)
    settle(qtbot, worker)
    qtbot.waitUntil(lambda: case.view.status == "terminated", timeout=10_000)
    assert case.view.termination_ground_code == "T01" and case.view.paused_since is None
    assert d.mediation.outcome(c.id).resolved


def test_station_registry_and_a_settled_case(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    d = sqlite_desk
    bid = business(d, "太和县华联超市")
    page = make_page(qtbot, d, dialogs, worker)
    page.tabs.setCurrentWidget(page.stations)
    panel = page.stations
    assert panel.count.text() == "共 0 个，运行 0 个"
    dlg = panel.new_station()
    type_text(dlg.business.edit, "太和县华联超市")
    qtbot.waitUntil(lambda: dlg.business.business_id == bid, timeout=10_000)
    dlg.conciliator_phone.setText("1234")
    dlg.save()
    qtbot.waitUntil(lambda: bool(dlg.form.rows["conciliator_name"].message), timeout=10_000)
    assert dlg.form.rows["conciliator_phone"].message
    type_text(dlg.conciliator_name, "孙和解")
    dlg.conciliator_phone.setText("13900001111")
    dlg.save()
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1, timeout=10_000)
    assert panel.table.item(0, 0).text() == "太和县华联超市消费争议和解服务站" and panel.table.item(0, 7).text() == "运行"

    panel.table.selectRow(0)
    cdlg = panel.record_case()
    type_text(cdlg.consumer_name, "钱八")
    cdlg.consumer_phone.setText("13700001234")
    cdlg.category.top.setCurrentIndex(cdlg.category.top.findData("G03"))
    cdlg.nature.setCurrentIndex(cdlg.nature.findData("N03"))
    cdlg.received_at.setDateTime(cdlg.received_at.dateTime().addDays(-1))
    cdlg.parts["refund_amount"].setText("58")
    cdlg.save()
    qtbot.waitUntil(lambda: bool(cdlg.rows["facts"].message), timeout=10_000)
    assert cdlg.rows["consumer_name"].message == ""  # only what is wrong is marked
    type_text(cdlg.facts, "购买的牛奶已过期。")
    type_text(cdlg.terms, "超市退款58元。")
    cdlg.save()
    qtbot.waitUntil(lambda: cdlg.result_view is not None, timeout=10_000)
    settle(qtbot, worker)
    v = cdlg.result_view
    assert v.channel_code == "C06" and v.status == "mediated"
    qtbot.waitUntil(lambda: panel.table.item(0, 8) is not None and panel.table.item(0, 8).text() == "1", timeout=10_000)
    assert page.current_tab().property("tab_key") == f"case:{v.id}"  # the new case opens
    assert d.stations.list()[0].settled == 1
    st = d.stations.list()[0]
    d.stations.update(st.id, st, StationInput(business_id=bid, conciliator_name="孙和解", status="revoked"))
    panel.reload()
    qtbot.waitUntil(lambda: panel.table.item(0, 7).text() == "撤销", timeout=10_000)
    panel.table.selectRow(0)
    assert not panel.case_button.isEnabled()
