"""The 设置 pages on real databases and real widgets (offscreen), dialogs recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desk import clock
from desk.facade import Actor, Desk
from desk.roles import Perm, Role
from desk.services.businesses import BusinessInput
from desk.services.users import UserInput
from desk.workcal import package_years
from tests.conftest import open_as_admin
from tests.qt_helpers import RecordingDialogs
from ui.admin import ADMIN_PAGES, pages_for
from ui.worker import Worker

pytestmark = pytest.mark.gui


@pytest.fixture
def worker() -> Iterator[Worker]:
    w = Worker()
    yield w
    w.shutdown()


@pytest.fixture
def dialogs() -> RecordingDialogs:
    return RecordingDialogs()


def settle(qtbot, worker: Worker) -> None:  # type: ignore[no-untyped-def]
    """Wait until the worker has run every job, including jobs started by callbacks."""
    qtbot.waitUntil(lambda: not worker.busy, timeout=10_000)


def open_page(qtbot, worker: Worker, widget):  # type: ignore[no-untyped-def]
    qtbot.addWidget(widget)
    widget.resize(1100, 650)
    widget.show()
    settle(qtbot, worker)
    return widget


def actor(role: Role) -> Actor:
    return Actor(99, "someone", "某人", role.value, None)


# -- which pages a user gets -------------------------------------------------------------------


def test_pages_follow_permissions() -> None:
    titles = lambda role: [p.title for p in pages_for(actor(role))]  # noqa: E731
    assert titles(Role.ADMIN) == [p.title for p in ADMIN_PAGES]
    assert titles(Role.READONLY) == ["经营者"]
    assert titles(Role.HANDLER) == ["经营者"]
    head = titles(Role.HEAD)
    assert "用户管理" not in head and "机构管理" not in head
    assert {"单位信息", "分类词表", "节假日", "操作日志"} <= set(head)
    assert pages_for(None) == []
    for page in ADMIN_PAGES:
        if page.perm is not None:
            assert not actor(Role.READONLY).can(page.perm)


def test_every_page_builds_for_the_admin(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    for page in ADMIN_PAGES:
        open_page(qtbot, worker, page.factory(sqlite_desk, dialogs, worker))
    assert dialogs.shown == []  # nothing failed while loading


def test_readonly_user_sees_businesses_but_cannot_edit(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    from ui.admin.businesses_page import BusinessesPage

    sqlite_desk.businesses.create(BusinessInput(name="太和县华联超市"))
    office = sqlite_desk.offices.list()[0]
    sqlite_desk.users.create(UserInput("reader", "只读员", Role.READONLY.value, office.id, True, "reader-pass-1"))
    reader = Desk.open(sqlite_desk.url)
    try:
        reader.auth.login("reader", "reader-pass-1")
        page = open_page(qtbot, worker, BusinessesPage(reader, dialogs, worker))
        assert len(page.model.rows) == 1
        page.table.selectRow(0)
        settle(qtbot, worker)
        assert page.fields.editors["name"].text() == "太和县华联超市"
        assert page.fields.editors["name"].isReadOnly()
        assert not page.save_button.isEnabled() and not page.delete_button.isEnabled()
        page.save()
        settle(qtbot, worker)
        assert dialogs.shown == []
    finally:
        reader.close()


# -- 用户管理 ------------------------------------------------------------------------------------


def test_create_user_through_the_page(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    from ui.admin.users_page import UsersPage

    page = open_page(qtbot, worker, UsersPage(sqlite_desk, dialogs, worker))
    assert page.table.rowCount() == 1
    page.new_button.click()
    e = page.fields.editors
    e["username"].setText("wangli")
    e["display_name"].setText("王丽")
    page.role_combo.setCurrentIndex(page.role_combo.findData(Role.SECRETARY.value))
    e["password"].setText("secret-pass-1")
    e["password_again"].setText("secret-pass-1")
    page.save_button.click()
    settle(qtbot, worker)
    assert dialogs.shown == []
    rows = {page.table.item(r, 0).text(): [page.table.item(r, c).text() for c in range(6)] for r in range(page.table.rowCount())}
    assert rows["wangli"][1:5] == ["王丽", "秘书", "太和县消费者协会", "启用"]
    assert page.current is not None and page.current.username == "wangli"
    u = next(u for u in sqlite_desk.users.list() if u.username == "wangli")
    assert u.role == Role.SECRETARY.value


def test_user_validation_errors_next_to_fields_and_nothing_saved(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    from ui.admin.users_page import UsersPage

    page = open_page(qtbot, worker, UsersPage(sqlite_desk, dialogs, worker))
    page.new_button.click()
    e = page.fields.editors
    e["username"].setText("zhang san")
    e["display_name"].setText("张三")
    e["password"].setText("short")
    e["password_again"].setText("short")
    page.save_button.click()
    settle(qtbot, worker)
    assert "空格" in page.fields.error_text("username")
    assert "8" in page.fields.error_text("password")
    assert page.fields.error_text("display_name") == ""
    assert e["username"].text() == "zhang san" and e["display_name"].text() == "张三"  # input kept
    assert [u.username for u in sqlite_desk.users.list()] == ["admin"]
    assert dialogs.shown == []

    e["password_again"].setText("different")
    page.save_button.click()
    settle(qtbot, worker)
    assert page.fields.error_text("password_again") == "两次输入的密码不一致"


def test_last_admin_cannot_be_demoted(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    from ui.admin.users_page import UsersPage

    page = open_page(qtbot, worker, UsersPage(sqlite_desk, dialogs, worker))
    page.table.selectRow(0)
    assert page.current is not None and page.current.username == "admin"
    page.role_combo.setCurrentIndex(page.role_combo.findData(Role.HANDLER.value))
    page.save_button.click()
    settle(qtbot, worker)
    assert any("至少要保留一个启用的管理员账户" in t for t in dialogs.texts("error"))
    assert sqlite_desk.users.list()[0].role == Role.ADMIN.value
    assert page.role_combo.currentData() == Role.HANDLER.value  # the user's choice is still there


def test_reset_password_and_unlock(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    from desk.errors import AuthError
    from ui.admin.users_page import UsersPage

    office = sqlite_desk.offices.list()[0]
    sqlite_desk.users.create(UserInput("zhangqiang", "张强", Role.HANDLER.value, office.id, True, "first-pass-1"))
    other = Desk.open(sqlite_desk.url)
    try:
        for _ in range(5):
            with pytest.raises(AuthError):
                other.auth.login("zhangqiang", "wrong-password")
        page = open_page(qtbot, worker, UsersPage(sqlite_desk, dialogs, worker))
        row = next(r for r in range(page.table.rowCount()) if page.table.item(r, 0).text() == "zhangqiang")
        assert page.table.item(row, 4).text() == "已锁定"
        page.table.selectRow(row)
        assert page.unlock_button.isEnabled()
        page.unlock_button.click()
        settle(qtbot, worker)
        row = next(r for r in range(page.table.rowCount()) if page.table.item(r, 0).text() == "zhangqiang")
        assert page.table.item(row, 4).text() == "启用"

        page.reset_fields.editors["new"].setText("second-pass-2")
        page.reset_fields.editors["new_again"].setText("second-pass-2")
        page.reset_button.click()
        settle(qtbot, worker)
        assert any("已重置" in t for t in dialogs.texts("info"))
        assert other.auth.login("zhangqiang", "second-pass-2").username == "zhangqiang"
    finally:
        other.close()


# -- 机构管理 ------------------------------------------------------------------------------------


def test_create_branch_office(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    from ui.admin.offices_page import OfficesPage

    page = open_page(qtbot, worker, OfficesPage(sqlite_desk, dialogs, worker))
    page.new_button.click()
    e = page.fields.editors
    e["code"].setText("thcg")
    e["name"].setText("城关分会")
    e["phone"].setText("8612315")  # a landline without its area code
    page.save_button.click()
    settle(qtbot, worker)
    assert page.fields.error_text("phone")
    assert len(sqlite_desk.offices.list()) == 1
    e["phone"].setText("0558-8612315")
    page.save_button.click()
    settle(qtbot, worker)
    assert dialogs.shown == []
    branch = next(o for o in sqlite_desk.offices.list() if o.code == "THCG")
    assert branch.kind == "branch" and branch.parent_id == sqlite_desk.offices.list()[0].id
    assert page.table.rowCount() == 2 and page.current is not None and page.current.id == branch.id


# -- 经营者 --------------------------------------------------------------------------------------


def test_business_conflict_flow(desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    """Runs on SQLite and PostgreSQL: a second desk saves while the page is editing."""
    from ui.admin.businesses_page import BusinessesPage

    b = desk.businesses.create(BusinessInput(name="太和县华联超市", address="人民路1号", phone="13805581234"))
    page = open_page(qtbot, worker, BusinessesPage(desk, dialogs, worker))
    page.table.selectRow(0)
    settle(qtbot, worker)
    assert page.current is not None and page.current.id == b.id
    page.fields.editors["name"].setText("太和县华联超市有限公司")

    other = open_as_admin(desk.url)
    try:
        cur = other.businesses.get(b.id)
        other.businesses.update(b.id, cur, BusinessInput(name=cur.name, address="国泰路88号", phone=cur.phone))
    finally:
        other.close()

    page.save_button.click()
    settle(qtbot, worker)
    text = page.banner.text()
    assert "地址" in text and "人民路1号" in text and "国泰路88号" in text
    assert page.fields.editors["name"].text() == "太和县华联超市有限公司"  # the user's edit is kept
    assert desk.businesses.get(b.id).name == "太和县华联超市"  # and nothing was saved

    page.banner.reload_button.click()
    settle(qtbot, worker)
    assert page.banner.text() == ""
    assert page.fields.editors["address"].text() == "国泰路88号"
    assert page.fields.editors["name"].text() == "太和县华联超市"

    page.fields.editors["name"].setText("太和县华联超市有限公司")
    page.save_button.click()
    settle(qtbot, worker)
    saved = desk.businesses.get(b.id)
    assert (saved.name, saved.address) == ("太和县华联超市有限公司", "国泰路88号")
    assert page.model.rows[0].name == "太和县华联超市有限公司"
    assert dialogs.shown == []


def test_business_validation_shown_next_to_field(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    from ui.admin.businesses_page import BusinessesPage

    page = open_page(qtbot, worker, BusinessesPage(sqlite_desk, dialogs, worker))
    page.new_button.click()
    e = page.fields.editors
    e["name"].setText("城关镇老王烟酒店")
    e["phone"].setText("1380558")
    e["credit_code"].setText("12345")
    page.save_button.click()
    settle(qtbot, worker)
    assert page.fields.error_text("phone")
    assert page.fields.error_text("credit_code")
    assert page.fields.error_text("name") == ""
    assert e["name"].text() == "城关镇老王烟酒店" and e["phone"].text() == "1380558"
    assert sqlite_desk.businesses.count() == 0

    e["phone"].setText("13805581234")
    e["credit_code"].clear()
    page.save_button.click()
    settle(qtbot, worker)
    assert page.fields.error_text("phone") == ""
    assert [b.name for b in sqlite_desk.businesses.search("老王")] == ["城关镇老王烟酒店"]
    assert page.current is not None and page.model.row_of(page.current.id) == 0


def test_business_list_loads_in_pages_and_searches(sqlite_desk: Desk, qtbot, worker, dialogs, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from ui.admin import businesses_page
    from ui.admin.businesses_page import BusinessesPage

    monkeypatch.setattr(businesses_page, "PAGE_SIZE", 5)
    for i in range(12):
        sqlite_desk.businesses.create(BusinessInput(name=f"经营者{i:02d}", phone=f"138055800{i:02d}"))
    sqlite_desk.businesses.create(BusinessInput(name="太和县华联超市"))

    # The model alone: one page per fetchMore, never the whole table at once.
    model = businesses_page.BusinessListModel(sqlite_desk, worker)
    root = model.index(-1, -1)
    model.search("")
    settle(qtbot, worker)
    assert len(model.rows) == 5 and model.canFetchMore(root)
    model.fetchMore(root)
    assert not model.canFetchMore(root)  # one request at a time
    settle(qtbot, worker)
    assert len(model.rows) == 10
    model.fetchMore(root)
    settle(qtbot, worker)
    assert len(model.rows) == 13 and model.exhausted and not model.canFetchMore(root)
    assert len({b.id for b in model.rows}) == 13

    # In the page the view asks for more pages as it is scrolled.
    page = open_page(qtbot, worker, BusinessesPage(sqlite_desk, dialogs, worker))
    page.table.setFixedHeight(110)  # room for a few rows only
    page.model.search("")
    settle(qtbot, worker)
    shown = len(page.model.rows)
    assert shown < 13
    for _ in range(5):
        page.table.scrollToBottom()
        settle(qtbot, worker)
    assert len(page.model.rows) == 13
    assert "13" in page.count_label.text()

    # typing searches (after a short pause), by name or phone
    page.search_edit.setText("华联")
    qtbot.waitUntil(lambda: [b.name for b in page.model.rows] == ["太和县华联超市"], timeout=5000)
    assert "查找“华联”" in page.count_label.text()
    page.search_edit.setText("13805580011")
    qtbot.waitUntil(lambda: [b.name for b in page.model.rows] == ["经营者11"], timeout=5000)


def test_business_delete_asks_first(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    from ui.admin.businesses_page import BusinessesPage

    first = sqlite_desk.businesses.create(BusinessInput(name="甲商店"))
    sqlite_desk.businesses.create(BusinessInput(name="乙商店"))
    page = open_page(qtbot, worker, BusinessesPage(sqlite_desk, dialogs, worker))
    page.table.selectRow(page.model.row_of(first.id))
    settle(qtbot, worker)
    assert page.current is not None and page.current.name == "甲商店"
    dialogs.confirm_answers.append(False)
    page.delete_button.click()
    settle(qtbot, worker)
    assert sqlite_desk.businesses.count() == 2
    dialogs.confirm_answers.append(True)
    page.delete_button.click()
    settle(qtbot, worker)
    assert [b.name for b in sqlite_desk.businesses.search()] == ["乙商店"]
    assert [b.name for b in page.model.rows] == ["乙商店"]
    assert page.current is None and page.fields.editors["name"].text() == ""


def test_business_shortcuts_inside_a_window_like_the_shell(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    """The main window owns Ctrl+F and calls focus_search(); the page's own Ctrl+N/Ctrl+S
    must not collide with it (two shortcuts on one key make Qt fire neither)."""
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtWidgets import QMainWindow

    from ui.admin.businesses_page import BusinessesPage

    window = QMainWindow()
    qtbot.addWidget(window)
    page = BusinessesPage(sqlite_desk, dialogs, worker)
    window.setCentralWidget(page)
    find = QAction("查找", window)
    find.setShortcut(QKeySequence.StandardKey.Find)
    find.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    find.triggered.connect(page.focus_search)
    window.addAction(find)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    settle(qtbot, worker)

    name = page.fields.editors["name"]
    name.setFocus()
    qtbot.keyClick(name, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search_edit.hasFocus()
    qtbot.keyClick(page.search_edit, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert name.hasFocus()
    name.setText("快捷键商店")
    qtbot.keyClick(name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, worker)
    assert [b.name for b in sqlite_desk.businesses.search("快捷键")] == ["快捷键商店"]


# -- 分类词表 ------------------------------------------------------------------------------------


def test_vocab_add_second_level_category(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    from ui.admin.vocab_page import VocabPage

    page = open_page(qtbot, worker, VocabPage(sqlite_desk, dialogs, worker))
    page.select_kind("category")
    settle(qtbot, worker)
    page.tree.clearSelection()
    page.add_button.click()
    assert any("一级类别" in t for t in dialogs.texts("warn"))  # must pick the parent first

    assert page.select_code("G05")
    dialogs.text_answers.append("二手车")
    page.add_button.click()
    settle(qtbot, worker)
    new = next(v for v in sqlite_desk.vocab.list("category") if v.name == "二手车")
    parent = next(v for v in sqlite_desk.vocab.list("category") if v.code == "G05")
    assert new.parent_id == parent.id and new.code.startswith("G05") and not new.builtin
    item = page.tree_items[new.id]
    assert item.parent() is page.tree_items[parent.id]
    assert (item.text(0), item.text(3)) == ("二手车", "自定义")
    assert page.tree_items[parent.id].text(3) == "内置"
    assert page.selected_id() == new.id

    # selecting a second-level item adds a sibling under the same parent
    dialogs.text_answers.append("房车")
    page.add_button.click()
    settle(qtbot, worker)
    rv = next(v for v in sqlite_desk.vocab.list("category") if v.name == "房车")
    assert rv.parent_id == parent.id


def test_vocab_rename_and_deactivate(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    from ui.admin.vocab_page import VocabPage

    page = open_page(qtbot, worker, VocabPage(sqlite_desk, dialogs, worker))
    page.select_kind("channel")
    settle(qtbot, worker)
    assert page.select_code("C03")
    dialogs.text_answers.append("来信（含传真）")
    page.rename_button.click()
    settle(qtbot, worker)
    assert page.toggle_button.text() == "停用"
    page.toggle_button.click()
    settle(qtbot, worker)
    v = next(v for v in sqlite_desk.vocab.list("channel", include_inactive=True) if v.code == "C03")
    assert (v.name, v.active) == ("来信（含传真）", False)
    assert page.tree_items[v.id].text(2) == "已停用"
    assert page.toggle_button.text() == "启用"


# -- 节假日 --------------------------------------------------------------------------------------


def test_holiday_import_bad_line_then_good_file(sqlite_desk: Desk, qtbot, worker, dialogs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from ui.admin.calendar_page import CalendarPage

    page = open_page(qtbot, worker, CalendarPage(sqlite_desk, dialogs, worker))
    bad = tmp_path / "bad.txt"
    bad.write_text("2031-01-01 休 元旦\n2031-02-30 休 春节\n2031-10-01..2031-10-07 休 国庆节\n", encoding="utf-8")
    dialogs.file_answers.append(str(bad))
    page.import_button.click()
    settle(qtbot, worker)
    warning = dialogs.texts("warn")[-1]
    assert "第2行" in warning and "bad.txt" in warning
    assert "第2行" in page.import_error.text()
    assert sqlite_desk.calendar.overrides(2031) == []

    good = tmp_path / "good.txt"
    # GBK, as Notepad on a Chinese Windows may save it
    good.write_bytes("2031-01-01 休 元旦\n# 春节\n2031-01-26 班 春节调休\n2031-10-01..2031-10-07 休 国庆节\n".encode("gbk"))
    dialogs.file_answers.append(str(good))
    page.import_button.click()
    settle(qtbot, worker)
    assert any("导入 9 天" in t for t in dialogs.texts("info"))
    assert page.year == 2031  # switched to the imported year
    rows = [[page.table.item(r, c).text() for c in range(4)] for r in range(page.table.rowCount())]
    assert rows[0] == ["2031-01-01", "星期三", "放假", "元旦"]
    assert rows[1] == ["2031-01-26", "星期日", "上班", "春节调休"]
    assert len(rows) == 9
    assert page.import_error.isHidden()


def test_holiday_page_shows_format_help_and_edits_one_day(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QLabel

    from ui.admin.calendar_page import CalendarPage

    page = open_page(qtbot, worker, CalendarPage(sqlite_desk, dialogs, worker))
    texts = "\n".join(label.text() for label in page.findChildren(QLabel))
    assert "2027-10-01..2027-10-07 休 国庆节" in texts and "班" in texts
    first, last = package_years()[0], package_years()[-1]
    assert f"{first}–{last}" in page.coverage_label.text()

    page.day_edit.setDate(QDate(2035, 2, 4))
    page.kind_combo.setCurrentIndex(1)
    page.name_edit.setText("春节调休")
    page.save_button.click()
    settle(qtbot, worker)
    assert page.year == 2035
    assert [(o.day, o.is_workday, o.name) for o in sqlite_desk.calendar.overrides(2035)] == [(dt.date(2035, 2, 4), True, "春节调休")]
    assert page.table.rowCount() == 1 and page.remove_button.isEnabled()
    page.remove_button.click()  # RecordingDialogs answers yes
    settle(qtbot, worker)
    assert sqlite_desk.calendar.overrides(2035) == [] and page.table.rowCount() == 0


def test_calendar_warns_when_next_year_is_not_entered(sqlite_desk: Desk, qtbot, worker, dialogs, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from ui.admin.calendar_page import CalendarPage

    last = package_years()[-1]
    monkeypatch.setattr(clock, "today", lambda: dt.date(last, 11, 30))
    page = open_page(qtbot, worker, CalendarPage(sqlite_desk, dialogs, worker))
    assert page.warning_label.isVisible()
    assert f"{last + 1}年节假日尚未录入，期限按周一至周五临时推算" in page.warning_label.text()

    sqlite_desk.calendar.import_text(f"{last + 1}-01-01 休 元旦\n")
    page.load()
    settle(qtbot, worker)
    assert not page.warning_label.isVisible()
    assert f"{last + 1}年" in page.coverage_label.text()


def test_deadline_calculator_flags_provisional_results(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QDate

    from ui.admin.calendar_page import CalendarPage

    page = open_page(qtbot, worker, CalendarPage(sqlite_desk, dialogs, worker))
    # 2026-09-30 + 7 working days: National Day week, two 调休 Saturdays … ends 2026-10-14
    page.calc_start.setDate(QDate(2026, 9, 30))
    page.calc_n.setValue(7)
    page.calc_button.click()
    settle(qtbot, worker)
    expected = sqlite_desk.calendar.add_working_days(dt.date(2026, 9, 30), 7)
    assert not expected.provisional
    assert page.calc_result.text().startswith(f"{expected.date.year}年{expected.date.month:02d}月{expected.date.day:02d}日")
    assert page.calc_warning.isHidden()

    last = package_years()[-1]
    page.calc_start.setDate(QDate(last, 12, 20))
    page.calc_n.setValue(60)
    page.calc_unit.setCurrentIndex(page.calc_unit.findData("calendar"))
    page.calc_button.click()
    settle(qtbot, worker)
    expected = sqlite_desk.calendar.add_days(dt.date(last, 12, 20), 60)
    assert expected.provisional
    assert page.calc_result.text().startswith(f"{expected.date.year}年{expected.date.month:02d}月{expected.date.day:02d}日")
    assert f"{last + 1}年的法定节假日安排尚未录入" in page.calc_warning.text()


# -- 单位信息 ------------------------------------------------------------------------------------


def test_profile_save_validation_and_conflict(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    from ui.admin.profile_page import ProfilePage

    page = open_page(qtbot, worker, ProfilePage(sqlite_desk, dialogs, worker))
    assert page.isEnabled()
    ed = page.editors
    assert ed["briefing.name"].text() == "消费维权工作简报"
    ed["office.name"].setText("太和县消费者协会")
    ed["briefing.report_to"].setPlainText("县市场监督管理局\n县人民政府办公室")
    ed["briefing.copies"].setValue(45)
    ed["briefing.internal"].setChecked(False)
    page.save_button.click()
    settle(qtbot, worker)
    assert dialogs.shown == [] and page.status_label.text() == "已保存。"
    s = sqlite_desk.settings.snapshot()
    assert s.values["office.name"] == "太和县消费者协会"
    assert s.values["briefing.report_to"] == "县市场监督管理局\n县人民政府办公室"
    assert (s.values["briefing.copies"], s.values["briefing.internal"]) == (45, False)

    # too long: shown next to the field, nothing saved
    ed["office.address"].setText("长" * 201)
    page.save_button.click()
    settle(qtbot, worker)
    assert "200" in next(fs.error_text("office.address") for fs in page.fieldsets if "office.address" in fs.editors)
    assert sqlite_desk.settings.get("office.address") == ""
    ed["office.address"].setText("太和县城关镇人民路1号")

    # someone else changes the phone meanwhile; this page changes it too
    other = open_as_admin(sqlite_desk.url)
    try:
        other.settings.save({"office.phone": "0558-12315"}, started_from=other.settings.snapshot())
    finally:
        other.close()
    ed["office.phone"].setText("0558-8612315")
    page.save_button.click()
    settle(qtbot, worker)
    text = page.banner.text()
    assert "投诉电话" in text and "0558-12315" in text
    assert ed["office.phone"].text() == "0558-8612315"  # the user's edits stay
    assert ed["office.address"].text() == "太和县城关镇人民路1号"
    assert sqlite_desk.settings.get("office.address") == ""  # all or nothing
    page.banner.reload_button.click()
    settle(qtbot, worker)
    assert ed["office.phone"].text() == "0558-12315"
    assert ed["office.name"].text() == "太和县消费者协会"


# -- 操作日志 ------------------------------------------------------------------------------------


def test_audit_page_shows_changes_in_words(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    from ui.admin.audit_page import AuditPage

    b = sqlite_desk.businesses.create(BusinessInput(name="太和县华联超市", address="人民路1号"))
    sqlite_desk.businesses.update(b.id, b, BusinessInput(name=b.name, address="国泰路88号"))
    sqlite_desk.calendar.set_override(dt.date(2031, 1, 1), False, "元旦")
    page = open_page(qtbot, worker, AuditPage(sqlite_desk, dialogs, worker))
    rows = [[page.table.item(r, c).text() for c in range(6)] for r in range(page.table.rowCount())]
    assert rows[0][1:5] == ["admin", "新增", "节假日", "2031-01-01　元旦"]
    assert rows[1][1:4] == ["admin", "修改", "经营者"]
    assert rows[1][5] == "地址 人民路1号 → 国泰路88号"

    page.table.selectRow(1)
    assert "地址：人民路1号 → 国泰路88号" in page.detail.toPlainText()
    page.table_combo.setCurrentIndex(page.table_combo.findData("business"))
    settle(qtbot, worker)
    assert {page.table.item(r, 3).text() for r in range(page.table.rowCount())} == {"经营者"}
    assert page.table.rowCount() == 2
    page.table.selectRow(1)
    detail = page.detail.toPlainText()
    assert "新增的内容" in detail and "经营者名称：太和县华联超市" in detail and "search_name" not in detail


def test_page_opened_without_permission_only_shows_the_refusal(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    """Menus only mirror permissions; the services refuse, and the page says so."""
    from ui.admin.users_page import UsersPage

    office = sqlite_desk.offices.list()[0]
    sqlite_desk.users.create(UserInput("mishu", "秘书甲", Role.SECRETARY.value, office.id, True, "mishu-pass-1"))
    sec = Desk.open(sqlite_desk.url)
    try:
        sec.auth.login("mishu", "mishu-pass-1")
        assert Perm.MANAGE_USERS not in {p.perm for p in pages_for(sec.actor)}
        page = open_page(qtbot, worker, UsersPage(sec, dialogs, worker))
        assert page.table.rowCount() == 0
        assert any("管理用户" in t for t in dialogs.texts("error"))
    finally:
        sec.close()


def test_pages_closed_while_loading_ignore_late_results(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    """The user may leave a page before its data arrives; the late callbacks must not touch
    destroyed widgets (pytest-qt reports any exception raised in them)."""
    import shiboken6

    sqlite_desk.businesses.create(BusinessInput(name="太和县华联超市"))
    pages = [p.factory(sqlite_desk, dialogs, worker) for p in ADMIN_PAGES]
    assert worker.busy
    for page in pages:
        shiboken6.delete(page)
    settle(qtbot, worker)
    assert dialogs.shown == []


def test_declaring_a_year_complete_makes_its_deadlines_final(sqlite_desk: Desk, qtbot, worker, dialogs) -> None:  # type: ignore[no-untyped-def]
    from ui.admin.calendar_page import CalendarPage

    nxt = package_years()[-1] + 1
    sqlite_desk.calendar.set_override(dt.date(nxt, 1, 1), False, "元旦")
    assert sqlite_desk.calendar.add_working_days(dt.date(nxt, 3, 1), 5).provisional  # one entry is no schedule
    page = open_page(qtbot, worker, CalendarPage(sqlite_desk, dialogs, worker))
    page.year_spin.setValue(nxt)
    settle(qtbot, worker)
    assert page.complete_check.isEnabled() and not page.complete_check.isChecked()
    page.complete_check.click()
    settle(qtbot, worker)
    assert sqlite_desk.calendar.complete_years() == {nxt}
    assert page.complete_check.isChecked()
    assert not sqlite_desk.calendar.add_working_days(dt.date(nxt, 3, 1), 5).provisional
    page.year_spin.setValue(package_years()[-1])
    settle(qtbot, worker)
    assert page.complete_check.isChecked() and not page.complete_check.isEnabled()  # built-in data
