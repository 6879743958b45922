"""The 投诉 module of the GUI on real databases and real widgets (offscreen), dialogs recorded:
intake through the form, the case view and its workflow dialogs, the lazy case list model at
2,000 cases, masking and export for a read-only user, the worklist and the 来访咨询 register."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from sqlalchemy import insert

from desk import clock
from desk.facade import Desk
from desk.models import Complaint
from desk.roles import Role
from desk.services.businesses import BusinessInput
from desk.services.complaints import ActionInput, ComplaintFilter, ComplaintInput
from desk.services.users import UserInput
from desk.validators import normalise_search_text
from tests.qt_helpers import RecordingDialogs
from ui.complaints import worklist_items
from ui.complaints.case_view import CaseView
from ui.complaints.intake_form import IntakeForm
from ui.complaints.list_model import COLUMN_INDEX, ComplaintTableModel
from ui.complaints.list_page import ComplaintsPage
from ui.worker import Worker

pytestmark = pytest.mark.gui

BUSINESS = "太和县万家福超市有限公司"


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
    """Wait until the worker is idle, including jobs that callbacks start."""
    for _ in range(3):
        qtbot.waitUntil(lambda: not worker.busy, timeout=15_000)
        qtbot.wait(20)


def make_page(qtbot, desk: Desk, dialogs: RecordingDialogs, worker: Worker) -> ComplaintsPage:  # type: ignore[no-untyped-def]
    page = ComplaintsPage(desk, dialogs, worker)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    qtbot.waitUntil(lambda: page.ready and page.list.model.loaded, timeout=15_000)
    settle(qtbot, worker)
    return page


def complaint(business_id: int, **kw) -> ComplaintInput:  # type: ignore[no-untyped-def]
    values = dict(consumer_name="张三", consumer_phone="13812345678", channel_code="C01", category_code="G0101",
                  nature_code="N03", business_id=business_id, facts="冰箱买回一个月不制冷，商家拒绝维修。", amount="1999")
    values.update(kw)
    return ComplaintInput(**values)  # type: ignore[arg-type]


def type_text(widget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type as a Chinese input method does: one committed string (QTest cannot key in CJK)."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def choose_category(form: IntakeForm, top: str, sub: str | None = None) -> None:
    form.category.top.setCurrentIndex(form.category.top.findData(top))
    if sub:
        form.category.sub.setCurrentIndex(form.category.sub.findData(sub))


def fill_intake(qtbot, form: IntakeForm, worker: Worker, phone: str) -> None:  # type: ignore[no-untyped-def]
    type_text(form.consumer_name, "李明")
    qtbot.keyClicks(form.consumer_phone, phone)
    type_text(form.consumer_address, "太和县城关镇人民路18号")
    # Typing the full registered name chooses it without picking from the list.
    type_text(form.business.edit, BUSINESS)
    qtbot.waitUntil(lambda: form.business.business_id is not None, timeout=10_000)
    choose_category(form, "G01", "G0101")
    form.nature.setCurrentIndex(form.nature.findData("N03"))
    form.channel.setCurrentIndex(form.channel.findData("C02"))
    qtbot.keyClicks(form.amount, "1999")
    type_text(form.demand, "退货退款")
    type_text(form.facts, "在该超市购买的冰箱使用不到一个月不制冷，商家拒绝退货。")


# -- intake → list → case → workflow (SQLite and PostgreSQL) -------------------------------------


def test_intake_flow_through_the_gui(desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    desk.businesses.create(BusinessInput(name=BUSINESS, address="太和县人民路1号"))
    page = make_page(qtbot, desk, dialogs, worker)
    assert page.list.count_label.text() == "共 0 件"

    form = page.new_complaint()
    assert isinstance(form, IntakeForm) and page.current_tab() is form
    fill_intake(qtbot, form, worker, phone="138123")
    form.save()
    qtbot.waitUntil(lambda: bool(form.rows["consumer_phone"].message), timeout=10_000)
    assert "11位" in form.rows["consumer_phone"].message
    assert form.rows["facts"].message == ""  # only the bad field is marked
    assert desk.complaints.count() == 0  # nothing saved
    assert form.consumer_name.text() == "李明" and "不制冷" in form.facts.toPlainText()  # nothing lost

    form.consumer_phone.setText("13812345678")
    form.save()
    qtbot.waitUntil(lambda: isinstance(page.current_tab(), CaseView) and page.current_tab().view is not None, timeout=15_000)
    case = page.current_tab()
    assert re.fullmatch(r"TH-\d{4}-\d{5}", case.case_no.text())
    assert case.status.text() == "登记"
    assert desk.complaints.count() == 1
    settle(qtbot, worker)

    # Reopen it from the list with the keyboard.
    page.close_tab(page.tabs.indexOf(case))
    qtbot.waitUntil(lambda: page.list.model.rowCount() == 1, timeout=10_000)
    assert page.list.count_label.text() == "共 1 件"
    table = page.list.table
    table.setCurrentIndex(page.list.model.index(0, 0))
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(page.current_tab(), CaseView) and bool(page.current_tab().events), timeout=10_000)
    case = page.current_tab()
    assert [r[1] for r in case.timeline_rows()] == ["登记"]
    assert case.fields["consumer"].text() == "李明"

    # 受理 through its dialog.
    assert "accept" in case.available_actions() and "refuse" in case.available_actions()
    dlg = case.start_action("accept")
    assert dlg is not None
    dlg.ok_button.click()
    qtbot.waitUntil(lambda: case.view.status == "accepted", timeout=10_000)
    qtbot.waitUntil(lambda: [r[1] for r in case.timeline_rows()] == ["登记", "受理"], timeout=10_000)
    assert case.status.text() == "已受理"
    assert "refuse" not in case.available_actions()

    # 不予受理 without a ground: a message at the field, nothing changes; then with one.
    other = desk.complaints.register(complaint(case.view.business_id, consumer_phone="13987654321"))
    page.list.reload()
    second = page.open_case(other.id)
    qtbot.waitUntil(lambda: second.view is not None, timeout=10_000)
    dlg = second.start_action("refuse")
    dlg.ok_button.click()
    qtbot.waitUntil(lambda: bool(dlg.form.rows["ground"].message), timeout=10_000)
    assert dlg.form.rows["ground"].message == "请选择不予受理的理由"
    assert dlg.isVisible()
    assert desk.complaints.get(other.id).status == "registered"
    dlg.ground.setCurrentIndex(dlg.ground.findData("R03"))
    dlg.ok_button.click()
    qtbot.waitUntil(lambda: second.view.status == "refused", timeout=10_000)
    assert "不属于消费者权益争议" in second.fields["refusal"].text()
    settle(qtbot, worker)
    assert [k for k, _t, _x in dialogs.shown if k == "error"] == []


# -- the lazy list model ----------------------------------------------------------------------------


def bulk_insert(desk: Desk, n: int, *, start: int = 1) -> None:
    """n complaints straight into the table (the service would take minutes): amount i yuan,
    every 100th consumer 欧阳娜娜, three facts with a literal 100%."""
    base = dt.datetime(2025, 1, 1, 9, 0)
    rows = []
    for i in range(start, start + n):
        received = base + dt.timedelta(hours=i)
        name = "欧阳娜娜" if i % 100 == 0 else f"消费者{i:04d}"
        phone = f"138{i:08d}"
        facts = "要求退款100%" if i in (7, 77, 777) else f"第{i}号投诉的事实"
        business = f"经营者{i % 37:02d}"
        rows.append(dict(
            case_no=f"TH-2025-{i:05d}", office_id=1, status="closed" if i % 3 else "registered", rule_version="2019",
            received_at=received, received_date=received.date(), channel_code="C01", category_code="G0101", nature_code="N03",
            business_name=business, consumer_name=name, consumer_phone=phone, amount=Decimal(i), facts=facts,
            search_text="\x01".join(normalise_search_text(p) for p in (f"TH-2025-{i:05d}", name, phone, business, facts)),
        ))
    with desk.write() as s:
        s.execute(insert(Complaint.__table__), rows)


def test_list_model_fetches_only_the_pages_it_shows(sqlite_desk: Desk, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QTableView

    bulk_insert(sqlite_desk, 2000)
    calls: list[int] = []
    real_rows = sqlite_desk.complaints.rows

    def counting_rows(ids):  # type: ignore[no-untyped-def]
        calls.append(len(ids))
        return real_rows(ids)

    monkeypatch.setattr(sqlite_desk.complaints, "rows", counting_rows)
    model = ComplaintTableModel(sqlite_desk, ComplaintFilter(), "received_at", True, page_size=100)
    t0 = time.perf_counter()
    model.reload()
    assert model.rowCount() == 2000
    first = model.data(model.index(0, COLUMN_INDEX["case_no"]))
    open_s = time.perf_counter() - t0
    assert first == "TH-2025-02000"  # newest first
    assert calls == [100]
    model.data(model.index(99, COLUMN_INDEX["consumer_name"]))
    assert calls == [100]  # same page, from the cache
    assert model.data(model.index(1999, COLUMN_INDEX["case_no"])) == "TH-2025-00001"
    assert calls == [100, 100]

    # A real view scrolled to the end asks only for the rows it shows.
    model.reload()  # empty cache
    calls.clear()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.verticalHeader().setDefaultSectionSize(24)
    view.resize(900, 400)
    view.show()
    qtbot.waitExposed(view)
    view.scrollToBottom()
    qtbot.wait(50)
    view.viewport().repaint()
    assert 1 <= len(calls) <= 3 and max(calls) <= 100, calls
    assert len(model.cached_pages()) <= model.max_pages
    print(f"\nlist open (2,000 rows, SQLite): {open_s * 1000:.1f} ms; page fetches on scroll to end: {len(calls)}")

    # Sorting is a new id query in the database's order.
    model.sort(COLUMN_INDEX["amount"], Qt.SortOrder.AscendingOrder)
    assert [model.data(model.index(r, COLUMN_INDEX["amount"])) for r in range(3)] == ["1.00", "2.00", "3.00"]
    model.sort(COLUMN_INDEX["amount"], Qt.SortOrder.DescendingOrder)
    assert model.data(model.index(0, COLUMN_INDEX["amount"])) == "2,000.00"
    model.sort(COLUMN_INDEX["case_no"], Qt.SortOrder.AscendingOrder)
    assert model.data(model.index(0, COLUMN_INDEX["case_no"])) == "TH-2025-00001"

    # The keyword narrows the count; LIKE wildcards in it are taken literally.
    model.filter = ComplaintFilter(keyword="欧阳")
    model.reload()
    assert model.rowCount() == 20
    model.filter = ComplaintFilter(keyword="0%")
    model.reload()
    assert model.rowCount() == 3
    model.filter = ComplaintFilter(keyword="娜娜", open_only=True)
    model.reload()
    assert model.rowCount() == sum(1 for i in range(100, 2001, 100) if i % 3 == 0)


def test_page_search_as_you_type_and_sort_by_header(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    bulk_insert(sqlite_desk, 300)
    page = make_page(qtbot, sqlite_desk, dialogs, worker)
    assert page.list.count_label.text() == "共 300 件"
    page.focus_search()
    type_text(page.list.keyword, "欧阳")
    qtbot.waitUntil(lambda: page.list.count_label.text() == "共 3 件", timeout=10_000)
    assert page.list.model.rowCount() == 3
    page.list.keyword.clear()
    qtbot.waitUntil(lambda: page.list.count_label.text() == "共 300 件", timeout=10_000)
    # Clicking a header re-queries in that order.
    header = page.list.table.horizontalHeader()
    x = header.sectionViewportPosition(COLUMN_INDEX["amount"]) + 10
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=header.viewport().rect().center().__class__(x, 5))
    qtbot.waitUntil(lambda: page.list.model.sort_key == "amount" and page.list.model.loaded and not page.list.model.loading, timeout=10_000)
    settle(qtbot, worker)
    amounts = [page.list.model.data(page.list.model.index(r, COLUMN_INDEX["amount"])) for r in range(2)]
    assert amounts in (["1.00", "2.00"], ["300.00", "299.00"])
    page.list.overdue.setChecked(False)
    page.list.status.setCurrentIndex(page.list.status.findData("registered"))
    qtbot.waitUntil(lambda: page.list.count_label.text() == "共 100 件", timeout=10_000)


# -- masking and export ---------------------------------------------------------------------------


def readonly_desk(url: str, admin: Desk) -> Desk:
    admin.users.create(UserInput("chakan", "查看员", Role.READONLY.value, admin.actor.office_id, password="readonly-pass-1"))
    d = Desk.open(url)
    d.auth.login("chakan", "readonly-pass-1")
    return d


def test_readonly_user_sees_and_exports_masked_data(sqlite_desk: Desk, sqlite_url: str, qtbot, worker, dialogs, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    b = sqlite_desk.businesses.create(BusinessInput(name=BUSINESS))
    sqlite_desk.complaints.register(complaint(b.id, consumer_name="张三丰", consumer_phone="13812345678"))
    ro = readonly_desk(sqlite_url, sqlite_desk)
    try:
        model = ComplaintTableModel(ro)
        model.reload()
        assert model.data(model.index(0, COLUMN_INDEX["consumer_name"])) == "张某"
        assert model.data(model.index(0, COLUMN_INDEX["consumer_phone"])) == "138****5678"

        page = make_page(qtbot, ro, dialogs, worker)
        assert not page.list.new_button.isVisible()
        out = tmp_path / "导出.xlsx"
        page.list.export(str(out))
        qtbot.waitUntil(lambda: any(k == "info" for k, _t, _x in dialogs.shown), timeout=15_000)
        assert "脱敏" in dialogs.texts("info")[-1]
        ws = load_workbook(out, read_only=True).worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
        assert len(rows) == 2
        assert "张某" in rows[1] and "张三丰" not in rows[1]
        phone = rows[1][4]
        assert phone.endswith("5678") and "1234" not in phone
    finally:
        ro.close()
    exports = [e for e in sqlite_desk.audit_log.entries(table="complaint") if e.action == "export"]
    assert exports and exports[0].username == "chakan" and exports[0].after["rows"] == 1

    # The administrator may export personal data.
    page2 = make_page(qtbot, sqlite_desk, dialogs, worker)
    out2 = tmp_path / "full.xlsx"
    page2.list.export(str(out2))
    qtbot.waitUntil(lambda: out2.exists() and len(dialogs.texts("info")) == 2, timeout=15_000)
    row = list(load_workbook(out2, read_only=True).worksheets[0].iter_rows(values_only=True))[1]
    assert "张三丰" in row and "13812345678" in row


# -- intake details ------------------------------------------------------------------------------


def test_intake_new_business_warnings_and_attachments(sqlite_desk: Desk, qtbot, worker, dialogs, tmp_path) -> None:  # type: ignore[no-untyped-def]
    b = sqlite_desk.businesses.create(BusinessInput(name="太和县另一家商行"))
    sqlite_desk.complaints.register(complaint(b.id, consumer_phone="13700001111"))  # open case, same phone
    page = make_page(qtbot, sqlite_desk, dialogs, worker)
    form = page.new_complaint()
    type_text(form.consumer_name, "王五")
    qtbot.keyClicks(form.consumer_phone, "13700001111")
    qtbot.waitUntil(lambda: "未办结" in form.warnings.text(), timeout=10_000)
    assert form.warnings.isVisible()

    form.new_business.setChecked(True)
    assert form.nb_name.isVisible() and not form.business.isVisible()
    form.nb_name.setText("太和县新开张电器行")
    form.nb_credit.setText("91341222MA2N0000XX")  # bad check digit
    choose_category(form, "S03")  # 旅游服务 has no second level
    assert form.category.code() == "S03" and not form.category.sub.isEnabled()
    form.nature.setCurrentIndex(form.nature.findData("N02"))
    form.channel.setCurrentIndex(form.channel.findData("C01"))
    form.facts.setPlainText("旅行社擅自更改行程。")
    good = tmp_path / "发票.jpg"
    good.write_bytes(b"\xff\xd8\xff" + b"0" * 1000)
    big = tmp_path / "录像.mp4"
    with big.open("wb") as fh:
        fh.truncate(21 * 1024 * 1024)
    dialogs.file_answers.append(str(good))
    form.choose_file()
    form.add_file(big)
    assert form.file_list.count() == 2
    form.parties.add_party("李四", "1390000", "", True)
    form.save()
    qtbot.waitUntil(lambda: bool(form.rows["business.credit_code"].message), timeout=10_000)
    assert "第1位共同投诉人" in form.rows["parties"].message
    assert sqlite_desk.complaints.count() == 1

    form.nb_credit.clear()
    form.parties.table.item(0, 1).setText("13900001234")
    form.save()
    qtbot.waitUntil(lambda: isinstance(page.current_tab(), CaseView), timeout=15_000)
    case = page.current_tab()
    warn = dialogs.texts("warn")
    assert len(warn) == 1 and "录像.mp4" in warn[0] and "20 MB" in warn[0] and "发票.jpg" not in warn[0]
    qtbot.waitUntil(lambda: case.view is not None, timeout=10_000)
    saved = sqlite_desk.complaints.get(case.view.id)
    assert saved.business_name == "太和县新开张电器行"
    assert saved.is_joint and [(p.name, p.is_representative) for p in saved.parties] == [("李四", True)]
    assert [a.filename for a in saved.attachments] == ["发票.jpg"]


def test_cancel_asks_when_the_form_has_input(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    page = make_page(qtbot, sqlite_desk, dialogs, worker)
    form = page.new_complaint()
    qtbot.keyClick(form.consumer_name, Qt.Key.Key_Escape)
    assert page.tabs.count() == 1 and dialogs.shown == []  # empty form: closes at once
    form = page.new_complaint()
    type_text(form.consumer_name, "赵六")
    dialogs.confirm_answers.append(False)
    qtbot.keyClick(form.consumer_name, Qt.Key.Key_Escape)
    assert page.current_tab() is form and form.consumer_name.text() == "赵六"
    dialogs.confirm_answers.append(True)
    form.cancel()
    assert page.tabs.count() == 1


def test_edit_conflict_keeps_the_users_edits(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    b = sqlite_desk.businesses.create(BusinessInput(name=BUSINESS))
    v = sqlite_desk.complaints.register(complaint(b.id))
    page = make_page(qtbot, sqlite_desk, dialogs, worker)
    case = page.open_case(v.id)
    qtbot.waitUntil(lambda: case.view is not None, timeout=10_000)
    form = case.start_edit()
    assert form is not None and form.consumer_name.text() == "张三" and form.business.business_id == b.id
    assert form.category.code() == "G0101"
    form.consumer_address.setText("太和县三塔镇")
    # Another desk changes the phone meanwhile.
    sqlite_desk.complaints.update(v.id, v, complaint(b.id, consumer_phone="13900009999"))
    dialogs.confirm_answers.append(False)  # keep my edits
    form.save()
    qtbot.waitUntil(lambda: any(k == "confirm" for k, _t, _x in dialogs.shown), timeout=10_000)
    text = dialogs.texts("confirm")[-1]
    assert "消费者电话" in text and "13900009999" in text
    assert form.consumer_address.text() == "太和县三塔镇"  # kept
    assert "13900009999" in form.conflict.text()
    form.save()  # a conscious second save goes through
    qtbot.waitUntil(lambda: case.edit_form is None, timeout=10_000)
    after = sqlite_desk.complaints.get(v.id)
    assert after.consumer_address == "太和县三塔镇"


# -- case view extras, worklist, install, consultations ----------------------------------------------


def test_referral_reply_and_attachments_in_the_case_view(sqlite_desk: Desk, qtbot, worker, dialogs, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import ui.complaints.case_view as case_view_mod

    b = sqlite_desk.businesses.create(BusinessInput(name=BUSINESS))
    v = sqlite_desk.complaints.register(complaint(b.id))
    page = make_page(qtbot, sqlite_desk, dialogs, worker)
    case = page.open_case(v.id)
    qtbot.waitUntil(lambda: case.view is not None, timeout=10_000)
    dlg = case.start_action("transfer")
    dlg.ok_button.click()
    qtbot.waitUntil(lambda: bool(dlg.form.rows["department"].message), timeout=10_000)
    dlg.department.setCurrentText("市场监督管理局")
    dlg.ok_button.click()
    qtbot.waitUntil(lambda: case.view.status == "referred", timeout=10_000)
    assert case.referrals.topLevelItemCount() == 1
    reply = case.start_reply(0)
    reply.text.setPlainText("已责令商家退货。")
    reply.ok_button.click()
    qtbot.waitUntil(lambda: case.view.referrals[0].replied_date is not None, timeout=10_000)
    qtbot.waitUntil(lambda: "收到转办回复" in [r[1] for r in case.timeline_rows()], timeout=10_000)

    f = tmp_path / "合同.pdf"
    f.write_bytes(b"%PDF-1.4 test")
    case.add_attachment(str(f))
    qtbot.waitUntil(lambda: case.attachments.topLevelItemCount() == 1, timeout=10_000)
    opened: list[Path] = []
    monkeypatch.setattr(case_view_mod, "open_local_file", lambda p: opened.append(p) or True)
    case.attachments.setCurrentItem(case.attachments.topLevelItem(0))
    case.open_attachment()
    qtbot.waitUntil(lambda: bool(opened), timeout=10_000)
    assert opened[0].read_bytes() == b"%PDF-1.4 test"
    copy = tmp_path / "副本.pdf"
    dialogs.file_answers.append(str(copy))
    case.save_attachment()
    qtbot.waitUntil(copy.exists, timeout=10_000)
    dialogs.confirm_answers.append(True)
    case.remove_attachment()
    qtbot.waitUntil(lambda: case.attachments.topLevelItemCount() == 0, timeout=10_000)


def test_worklist_items_and_install(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    from ui.main_window import MainWindow

    b = sqlite_desk.businesses.create(BusinessInput(name=BUSINESS))
    late = sqlite_desk.complaints.register(complaint(b.id, received_at=clock.now() - dt.timedelta(days=30)))
    fresh = sqlite_desk.complaints.register(complaint(b.id, consumer_phone="13811112222"))
    items = worklist_items(sqlite_desk)
    by_ref = {i.ref: i for i in items}
    assert by_ref[late.id].overdue and by_ref[late.id].text.startswith("逾期 ") and late.case_no in by_ref[late.id].text
    assert not by_ref[fresh.id].overdue and by_ref[fresh.id].page == "complaints"

    window = MainWindow(sqlite_desk, dialogs, worker)
    qtbot.addWidget(window)
    window.install_modules(["ui.complaints"])
    assert window.page_title("complaints") == "投诉"
    home = window.page("home")
    qtbot.waitUntil(lambda: len(home.items) >= 2, timeout=10_000)
    page = window.show_page("complaints")
    assert isinstance(page, ComplaintsPage)
    page.open_item(late.id)
    qtbot.waitUntil(lambda: isinstance(page.current_tab(), CaseView) and page.current_tab().view is not None, timeout=10_000)
    assert page.current_tab().view.id == late.id
    assert "已逾期" in page.current_tab().due.text()
    settle(qtbot, worker)


def test_consultations_register(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    from ui.complaints.consultations import ConsultationsPanel

    page = make_page(qtbot, sqlite_desk, dialogs, worker)
    panel = page.open_consultations()
    assert isinstance(panel, ConsultationsPanel) and panel.available
    settle(qtbot, worker)
    panel.submit()  # no topic
    qtbot.waitUntil(lambda: bool(panel.form.rows["topic"].message), timeout=10_000)
    assert sqlite_desk.consultations.total_people() == 0
    type_text(panel.topic, "预付卡退费咨询")
    panel.people.setValue(3)
    qtbot.keyClick(panel.topic, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1, timeout=10_000)
    assert panel.total.text() == "共 1 条，合计 3 人次"
    assert panel.topic.text() == "" and panel.form.rows["topic"].message == ""
    assert sqlite_desk.consultations.total_people() == 3


def test_action_after_someone_else_moved_the_case(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    b = sqlite_desk.businesses.create(BusinessInput(name=BUSINESS))
    v = sqlite_desk.complaints.register(complaint(b.id))
    page = make_page(qtbot, sqlite_desk, dialogs, worker)
    case = page.open_case(v.id)
    qtbot.waitUntil(lambda: case.view is not None, timeout=10_000)
    sqlite_desk.complaints.act(v.id, "accept", v.version, ActionInput())  # another desk
    dlg = case.start_action("accept")
    dlg.ok_button.click()
    qtbot.waitUntil(lambda: case.view.status == "accepted", timeout=10_000)
    assert dialogs.shown and "不能受理" in dialogs.shown[-1][2]
    assert case.status.text() == "已受理" and "accept" not in case.available_actions()
    settle(qtbot, worker)


def test_keyboard_shortcuts(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    b = sqlite_desk.businesses.create(BusinessInput(name=BUSINESS))
    page = make_page(qtbot, sqlite_desk, dialogs, worker)

    def activate() -> None:
        # The offscreen platform drops window activation now and then; shortcuts need it.
        page.activateWindow()
        qtbot.waitUntil(page.isActiveWindow, timeout=5_000)

    activate()
    page.list.table.setFocus()
    qtbot.keyClick(page.list.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = page.current_tab()
    assert isinstance(form, IntakeForm)
    type_text(form.consumer_name, "孙七")
    qtbot.keyClicks(form.consumer_phone, "13800138000")
    form.business.set_choice(b.id, BUSINESS)
    choose_category(form, "G02")
    form.nature.setCurrentIndex(0)
    form.channel.setCurrentIndex(0)
    form.facts.setPlainText("洗发水过敏。")
    activate()
    form.facts.setFocus()
    qtbot.keyClick(form.facts, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(page.current_tab(), CaseView), timeout=10_000)
    assert sqlite_desk.complaints.count() == 1
    settle(qtbot, worker)
    activate()
    page.focus_search()  # what the main window's Ctrl+F calls
    assert page.tabs.currentIndex() == 0
    qtbot.waitUntil(page.list.keyword.hasFocus, timeout=5_000)
    # The business filter counts only a chosen business, not half-typed text.
    other = sqlite_desk.businesses.create(BusinessInput(name="太和县别家商店"))
    page.list.business.set_choice(other.id, other.name)
    qtbot.waitUntil(lambda: page.list.count_label.text() == "共 0 件", timeout=10_000)
    page.list.business.set_choice(b.id, BUSINESS)
    qtbot.waitUntil(lambda: page.list.count_label.text() == "共 1 件", timeout=10_000)
    page.list.clear_filters()
    assert page.list.model.filter == ComplaintFilter()


def test_documents_menu_makes_a_notice(sqlite_desk: Desk, qtbot, worker, dialogs, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import ui.complaints.case_view as case_view_mod

    b = sqlite_desk.businesses.create(BusinessInput(name=BUSINESS))
    v = sqlite_desk.complaints.register(complaint(b.id))
    v = sqlite_desk.complaints.act(v.id, "accept", v.version, ActionInput())
    page = make_page(qtbot, sqlite_desk, dialogs, worker)
    case = page.open_case(v.id)
    qtbot.waitUntil(lambda: case.view is not None, timeout=10_000)
    labels = [a.text() for a in case.docs_menu.actions()]
    assert "受理通知书" in labels and "案卷" in labels and "不予受理告知书" not in labels
    opened: list[Path] = []
    monkeypatch.setattr(case_view_mod, "open_local_file", lambda p: opened.append(p) or True)
    out = tmp_path / "受理通知书"
    dialogs.file_answers.append(str(out))
    case.docs_menu.actions()[labels.index("受理通知书")].trigger()
    qtbot.waitUntil(lambda: bool(opened), timeout=20_000)
    assert opened[0] == tmp_path / "受理通知书.docx" and opened[0].stat().st_size > 0
    assert dialogs.texts("error") == []


def test_readonly_case_view_offers_no_steps(sqlite_desk: Desk, sqlite_url: str, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    b = sqlite_desk.businesses.create(BusinessInput(name=BUSINESS))
    v = sqlite_desk.complaints.register(complaint(b.id, consumer_name="张三丰", consumer_address="太和县人民路9号"))
    ro = readonly_desk(sqlite_url, sqlite_desk)
    try:
        page = make_page(qtbot, ro, dialogs, worker)
        case = page.open_case(v.id)
        qtbot.waitUntil(lambda: case.view is not None, timeout=10_000)
        assert case.available_actions() == []
        assert not case.edit_button.isVisible() and not case.docs_button.isVisible()
        assert case.fields["consumer"].text() == "张某" and "人民路" not in case.fields["consumer_address"].text()
        assert not case.add_file_button.isVisible() and not case.open_file_button.isVisible()
        assert page.new_complaint() is None and dialogs.texts("warn")
    finally:
        ro.close()


def test_case_against_a_trust_unit_says_so(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    from test_trust_units import awarded_unit

    unit = awarded_unit(sqlite_desk, "太和县诚信家电城", applied=dt.date(2025, 3, 1), awarded=dt.date(2025, 4, 1),
                        cert="THCX2025-009", valid_until=dt.date(2027, 12, 31))
    bid = sqlite_desk.trust_units.get(unit).business_id
    v = sqlite_desk.complaints.register(complaint(bid))
    page = make_page(qtbot, sqlite_desk, dialogs, worker)
    case = page.open_case(v.id)
    qtbot.waitUntil(lambda: "THCX2025-009" in case.fields["business"].text(), timeout=10_000)
    assert "诚信" in case.fields["business"].text() and "2027-12-31" in case.fields["business"].text()
    # A business that is no trust unit shows its name alone.
    other = sqlite_desk.complaints.register(complaint(sqlite_desk.businesses.create(BusinessInput(name="太和县普通超市")).id,
                                                     consumer_phone="13911112222"))
    case2 = page.open_case(other.id)
    qtbot.waitUntil(lambda: case2.view is not None, timeout=10_000)
    settle(qtbot, worker)
    assert case2.fields["business"].text() == "太和县普通超市"
