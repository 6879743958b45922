"""The 名册 module of the GUI on real databases and real widgets (offscreen), dialogs recorded:
the import wizard step by step (and cancelled mid-import), masking for a read-only user in the
list and the export, the person form, training attendance with a sign-in sheet, tasks, the
yearly figures and the worklist."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QSettings, Qt

from desk import clock
from desk.facade import Desk
from desk.roles import Role
from desk.services.rosters import PersonFilter, PersonInput, TaskInput, TrainingInput
from tests.qt_helpers import RecordingDialogs
from tests.test_rosters_support import login_as, make_id, make_workbook, person_row
from ui.rosters import worklist_items
from ui.rosters.import_wizard import ERROR_BG, ImportWizard
from ui.rosters.page import RostersPage
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


def make_page(qtbot, desk: Desk, dialogs: RecordingDialogs, worker: Worker) -> RostersPage:  # type: ignore[no-untyped-def]
    page = RostersPage(desk, dialogs, worker)
    qtbot.addWidget(page)
    page.resize(1200, 720)
    page.show()
    settle(qtbot, worker)
    return page


def sheet(tmp_path: Path) -> Path:
    rows = [
        person_row(1, "张三", phone="13812345678", id_no=make_id(seq=1), join="2023年5月1日", cert="ZY001"),
        person_row(2, "李四", phone="13912345678", join=45047, skills="法律咨询"),
        person_row(3, "王五", phone="1391234"),  # bad phone
        person_row(4, "", phone="13712345678"),  # no name
    ]
    return make_workbook(tmp_path / "志愿者名册.xlsx", rows, title="太和县消费维权志愿者名册", extra_sheets=["说明"])


def to_preview(qtbot, worker: Worker, dialogs: RecordingDialogs, wizard: ImportWizard, path: Path) -> None:  # type: ignore[no-untyped-def]
    dialogs.file_answers.append(str(path))
    wizard.choose_file()
    assert wizard.next_button.isEnabled()
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.step == 1, timeout=15_000)
    assert [wizard.sheet.itemText(i) for i in range(wizard.sheet.count())] == ["名册", "说明"]
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.step == 2, timeout=15_000)
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.step == 3, timeout=15_000)
    settle(qtbot, worker)


def test_import_wizard_step_by_step(sqlite_desk: Desk, qtbot, worker, dialogs, tmp_path) -> None:  # type: ignore[no-untyped-def]
    page = make_page(qtbot, sqlite_desk, dialogs, worker)
    wizard = page.start_import()
    assert not wizard.isModal() and wizard.isVisible()
    assert wizard.step == 0 and not wizard.next_button.isEnabled()  # no file yet
    dialogs.file_answers.append(str(sheet(tmp_path)))
    wizard.choose_file()
    wizard.consent_check.setChecked(True)
    wizard.consent_method.setCurrentText("报名表书面同意")
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.step == 1, timeout=15_000)
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.step == 2, timeout=15_000)
    assert "表头在第 2 行" in wizard.mapping_intro.text()
    assert wizard.mapping()["phone"] == 3 and wizard.mapping()["join_date"] == 9
    assert wizard.mapping_table.item(3, 2).text().startswith("3412*")  # ID samples masked
    wizard.set_mapping("skills", -1)  # the user drops a column
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.step == 3, timeout=15_000)
    plan = wizard.plan
    assert plan is not None and (plan.count("new"), plan.count("error")) == (2, 2)
    assert wizard.next_button.text() == "导入 2 行"
    model = wizard.preview_model
    assert model.rowCount() == 2  # problems first
    assert model.data(model.index(0, 0)) == "5" and "手机号应为11位" in model.data(model.index(0, 5))
    assert model.data(model.index(0, 2), Qt.ItemDataRole.BackgroundRole).color() == ERROR_BG
    assert model.data(model.index(1, 5)) == "缺少姓名"
    wizard.preview_filter.setCurrentIndex(0)
    assert model.rowCount() == 4
    wizard.preview_view.setCurrentIndex(model.index(2, 0))
    assert wizard.row_detail.text().startswith("第 5 行（王五）：不导入。电话：")

    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.step == 4, timeout=15_000)
    settle(qtbot, worker)
    assert wizard.summary_title.text() == "导入完成：新增 2 人，更新 0 人。"
    assert "第 5 行（王五）：电话：" in wizard.report.toPlainText()
    people = {p.name: p for p in sqlite_desk.rosters.search(PersonFilter())}
    assert set(people) == {"张三", "李四"} and people["李四"].skills == "" and people["张三"].consent_method == "报名表书面同意"
    assert {p.name for p in page.people.model.rows} == {"张三", "李四"}  # the list refreshed
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)  # 完成
    assert not wizard.isVisible()
    assert [k for k, _t, _x in dialogs.shown if k == "error"] == []


def test_cancelled_import_imports_nothing_and_the_window_stays_usable(sqlite_desk: Desk, qtbot, worker, dialogs, tmp_path) -> None:  # type: ignore[no-untyped-def]
    page = make_page(qtbot, sqlite_desk, dialogs, worker)
    wizard = page.start_import()
    to_preview(qtbot, worker, dialogs, wizard, sheet(tmp_path))
    # Hold the worker so the import is queued behind a job we control, then cancel it.
    gate = threading.Event()
    worker.run(lambda: gate.wait(10))
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.running and wizard.progress_box.isVisible() and not wizard.next_button.isEnabled()
    assert page.people.keyword.isEnabled() and page.isEnabled()  # the main window is not blocked
    qtbot.mouseClick(wizard.cancel_button, Qt.MouseButton.LeftButton)
    assert wizard.progress_label.text() == "正在取消…"
    gate.set()
    qtbot.waitUntil(lambda: not wizard.running, timeout=15_000)
    settle(qtbot, worker)
    assert wizard.step == 3 and wizard.error.text() == "已取消，没有导入任何数据。"
    assert sqlite_desk.rosters.count() == 0
    # The user can still import after all.
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.step == 4, timeout=15_000)
    assert sqlite_desk.rosters.count() == 2


def test_wizard_reports_a_bad_file_and_a_sheet_without_header(sqlite_desk: Desk, qtbot, worker, dialogs, tmp_path) -> None:  # type: ignore[no-untyped-def]
    page = make_page(qtbot, sqlite_desk, dialogs, worker)
    wizard = page.start_import()
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    dialogs.file_answers.append(str(old))
    wizard.choose_file()
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.running and bool(wizard.error.text()), timeout=15_000)
    assert wizard.step == 0 and "旧版 Excel 97-2003 格式（.xls）" in wizard.error.text()
    dialogs.file_answers.append(str(sheet(tmp_path)))
    wizard.choose_file()
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.step == 1, timeout=15_000)
    wizard.sheet.setCurrentIndex(1)  # 说明: an empty sheet
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.running and bool(wizard.error.text()), timeout=15_000)
    assert wizard.step == 1 and "是空的" in wizard.error.text()
    assert [k for k, _t, _x in dialogs.shown if k == "error"] == []  # messages in the wizard, no traceback


def test_read_only_user_sees_masked_data_in_the_list_and_the_export(sqlite_url: str, qtbot, worker, dialogs, tmp_path) -> None:  # type: ignore[no-untyped-def]
    admin = login_as(sqlite_url, Role.ADMIN.value, "admin")
    admin.rosters.create(PersonInput("volunteer", "张三", phone="13812345678", id_no=make_id()))
    admin.close()
    ro = login_as(sqlite_url, Role.READONLY.value)
    try:
        page = make_page(qtbot, ro, dialogs, worker)
        model = page.people.model
        assert model.rowCount() == 1 and model.data(model.index(0, 3)) == "138****5678"
        assert not page.people.import_button.isVisible() and not page.people.new_button.isVisible()
        page.people.table.selectRow(0)
        settle(qtbot, worker)
        form = page.people.form
        assert form.editors["phone"].text() == "138****5678" and form.editors["id_no"].text().startswith("3412*")
        assert form.editors["phone"].isReadOnly() and not form.save_button.isVisible() and not form.status_button.isVisible()
        assert worklist_items(ro) == []  # nothing a read-only user could act on
        out = tmp_path / "ro.xlsx"
        dialogs.file_answers.append(str(out))
        page.people.export("xlsx")
        qtbot.waitUntil(lambda: bool(dialogs.texts("info")), timeout=15_000)
        assert "脱敏" in dialogs.texts("info")[-1]
        ws = load_workbook(out).active
        assert ws.cell(2, 4).value == "138****5678" and ws.cell(2, 5).value.startswith("3412*")
    finally:
        ro.close()


def test_person_form_errors_save_and_status(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    page = make_page(qtbot, sqlite_desk, dialogs, worker)
    panel = page.people
    panel.new_person()
    form = panel.form
    form.editors["name"].setText("赵六")
    form.editors["phone"].setText("1381234")
    form.editors["id_no"].setText(make_id(seq=9, bad_check=True))
    form.editors["join_date"].setText("2023年5月")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(form.form.rows["phone"].message), timeout=15_000)
    assert "11位" in form.form.rows["phone"].message and "校验位" in form.form.rows["id_no"].message
    assert form.editors["name"].text() == "赵六"  # nothing lost
    form.editors["phone"].setText("13612345678")
    form.editors["id_no"].setText("")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.current is not None, timeout=15_000)
    settle(qtbot, worker)
    assert form.current.join_date.isoformat() == "2023-05-01"
    assert [p.name for p in panel.model.rows] == ["赵六"]
    dlg = form.change_status()
    assert dlg is not None
    dlg.status.setCurrentIndex(dlg.status.findData("left"))
    dlg.save()  # no reason
    qtbot.waitUntil(lambda: bool(dlg.form.rows["status_reason"].message), timeout=15_000)
    dlg.reason.setText("工作调动")
    dlg.save()
    qtbot.waitUntil(lambda: form.status_dialog is None, timeout=15_000)
    settle(qtbot, worker)
    assert form.status_label.text().startswith("状态：退出") and "工作调动" in form.status_label.text()
    assert form.history.topLevelItemCount() == 2  # 退出, 加入
    assert panel.model.rows == []  # the list shows 在册 and 暂停 by default


def test_training_attendance_by_picking_and_sign_in(sqlite_desk: Desk, qtbot, worker, dialogs, tmp_path) -> None:  # type: ignore[no-untyped-def]
    d = sqlite_desk
    a = d.rosters.create(PersonInput("volunteer", "张三", phone="13812345678"))
    d.rosters.create(PersonInput("volunteer", "李四", phone="13912345678"))
    d.rosters.create(PersonInput("investigator", "王五", phone="13712345678"))
    page = make_page(qtbot, d, dialogs, worker)
    panel = page.show_tab("培训班")
    settle(qtbot, worker)
    panel.topic.setText("消费维权业务培训")
    panel.audience["volunteer"].setChecked(True)
    panel.others.setValue(8)
    panel.save()
    qtbot.waitUntil(lambda: panel.current is not None, timeout=15_000)
    settle(qtbot, worker)
    picker = panel.pick_people()
    qtbot.waitUntil(lambda: picker.loaded, timeout=15_000)
    assert picker.list.count() == 2  # volunteers only, by the audience
    picker.check_names("张三")
    picker.accept()
    settle(qtbot, worker)
    assert panel.attendees.rowCount() == 1
    signin = make_workbook(tmp_path / "签到.xlsx", [[1, "张三", "13812345678"], [2, "李四", ""], [3, "陌生人", "13500000000"]],
                           header=["序号", "姓名", "联系电话"])
    dialogs.file_answers.append(str(signin))
    panel.import_sign_in()
    qtbot.waitUntil(lambda: panel.sign_in is not None, timeout=15_000)
    dlg = panel.sign_in
    assert dlg.ok_button.text() == "添加 1 人" and dlg.unmatched.rowCount() == 1
    assert dlg.unmatched.item(0, 3).text() == "名册中没有此人"
    dlg.accept()
    settle(qtbot, worker)
    assert panel.attendees.rowCount() == 2
    assert "名册中 2 人，另有其他 8 人" in panel.att_label.text()
    assert d.rosters.history(a.id).of_kind("training")[0].title == "消费维权业务培训"


def test_task_form_and_figures(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    d = sqlite_desk
    inv = d.rosters.create(PersonInput("investigator", "王五", phone="13712345678", join_date="2024-01-01"))
    page = make_page(qtbot, d, dialogs, worker)
    tasks = page.show_tab("调查任务")
    settle(qtbot, worker)
    tasks.task_title.setText("春节前价格检查")
    tasks.assignees = [(inv.id, "王五")]
    tasks.complaints.setText("TH-1999-00001")
    tasks.save()
    qtbot.waitUntil(lambda: bool(tasks.form.rows["complaint_refs"].message), timeout=15_000)
    assert "TH-1999-00001" in tasks.form.rows["complaint_refs"].message
    tasks.complaints.setText("")
    tasks.save()
    qtbot.waitUntil(lambda: tasks.current is not None, timeout=15_000)
    settle(qtbot, worker)
    assert tasks.table.rowCount() == 1 and tasks.table.item(0, 3).text() == "王五"

    t = d.rosters.create_training(TrainingInput(clock.today(), "调查员培训", audience=("investigator",)))
    d.rosters.add_attendees(t.id, [inv.id])
    figures = page.show_tab("年度统计")
    settle(qtbot, worker)
    figures.year.setValue(clock.today().year)
    figures.load()
    settle(qtbot, worker)
    row = [figures.table.item(1, c).text() for c in range(6)]  # 义务调查员
    expected_joined = "1" if clock.today().year == 2024 else "0"
    assert row == ["义务调查员", "1", expected_joined, "0", "1", "1"]
    assert figures.table.item(4, 0).text() == "合计"


def test_module_installs_and_lists_worklist_items(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from ui.main_window import MainWindow

    d = sqlite_desk
    d.rosters.create(PersonInput("volunteer", "张三", phone="13812345678"))  # no consent
    t = d.rosters.create_task(TaskInput("price", "到期未登记", clock.today() - dt.timedelta(days=9),
                                        clock.today() - dt.timedelta(days=2)))
    items = worklist_items(d)
    assert [(i.text, i.overdue, i.ref) for i in items] == [
        ("调查任务“到期未登记”：请登记调查发现", True, ("task", t.id)),
        ("1 名志愿者未记录个人信息使用同意，请补录", False, ("without_consent", None)),
    ]
    window = MainWindow(d, dialogs, worker)
    qtbot.addWidget(window)
    window.install_modules(["ui.rosters"])
    page = window.show_page("rosters")
    assert isinstance(page, RostersPage)
    settle(qtbot, worker)
    page.open_item(("without_consent", None))
    settle(qtbot, worker)
    assert page.people.without_consent.isChecked() and [p.name for p in page.people.model.rows] == ["张三"]
    page.open_item(("task", t.id))
    settle(qtbot, worker)
    assert page.tasks is not None and page.tasks.current is not None and page.tasks.current.id == t.id
